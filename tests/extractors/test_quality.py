"""Extraction quality: the project's golden set holds a pinned floor; the shared dev set its targets."""

from __future__ import annotations

import json

import pytest

from extractors.evaluate import format_table, load_cases, matches, score
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "fixtures" / "golden"
DEV = ROOT.parent / "shared" / "eval" / "dev"


def test_golden_set_stays_above_its_floor() -> None:
    floor = json.loads((GOLDEN / "floor.json").read_text())
    scores = score(load_cases(GOLDEN))
    table = format_table(scores)
    total = scores.total
    assert total.precision >= floor["precision"], table
    assert total.recall >= floor["recall"], table
    for metric, minimum in floor["metric_recall"].items():
        assert scores.by_metric[metric].recall >= minimum, f"{metric} recall fell\n{table}"


@pytest.mark.skipif(not DEV.is_dir(), reason=f"shared evaluation set not present at {DEV}")
def test_dev_set_meets_its_targets() -> None:
    scores = score(load_cases(DEV))
    table = format_table(scores)
    assert scores.total.precision >= 0.90, table
    assert scores.total.recall >= 0.80, table
    for metric, tally in scores.by_metric.items():
        if tally.gold:
            assert tally.recall >= 0.70, f"{metric}\n{table}"


def test_matching_rules() -> None:
    gold = {
        "metric": "ai_investment_usd",
        "value": 31e9,
        "country": "US",
        "period": "2022",
        "evidence": "x",
    }
    assert matches(gold, {**gold, "value": 31.5e9, "country": "United States"})
    assert not matches(gold, {**gold, "value": 33e9})
    assert not matches(gold, {**gold, "period": "2023"})
    assert matches({**gold, "period": None}, {**gold, "period": "2023"})
    rnd = {"metric": "funding_round_usd", "value": 2.7e9, "entity": "Anthropic", "evidence": "x"}
    assert matches(rnd, {**rnd, "entity": "Anthropic PBC"})
    assert not matches(rnd, {**rnd, "entity": "Amazon"})
    chip = {
        "metric": "chip_export_event",
        "value": 1,
        "action": "tighten",
        "evidence": "The Commerce Department tightened curbs on Nvidia chips for China.",
    }
    assert matches(chip, {**chip, "action": "ban", "evidence": chip["evidence"] + " It said so."})
    assert not matches(chip, {**chip, "action": "license"})
