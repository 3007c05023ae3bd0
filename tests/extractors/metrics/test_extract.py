"""The public interface and the reference article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import extractors.metrics as metrics
from extractors.metrics import EXTRACTOR_VERSION, extract
from schemas.records import METRICS

SEED = Path("/work/shared/seed/article.txt")


def test_interface() -> None:
    assert metrics.__all__ == ["EXTRACTOR_VERSION", "extract"]
    assert EXTRACTOR_VERSION.count(".") == 2
    assert extract("") == [] and extract("   \n") == []


def test_evidence_is_the_exact_sentence() -> None:
    text = "Intro line.\n\nOrbit Labs raised $40 million from Accel.  Another sentence."
    (o,) = extract(text)
    assert o.evidence == "Orbit Labs raised $40 million from Accel."
    assert text[o.evidence_start : o.evidence_end] == o.evidence
    assert o.unit == METRICS[o.metric]


def test_output_is_in_reading_order() -> None:
    text = (
        "Kimi had 36 million monthly active users. "
        "Britain hosts 9% of elite AI researchers. "
        "Orbit Labs raised $40 million from Accel."
    )
    starts = [o.evidence_start or 0 for o in extract(text)]
    assert starts == sorted(starts) and len(starts) == 3


def test_contract_form() -> None:
    (o,) = extract("Orbit Labs raised $40 million from Accel in 2023.")
    out = o.to_contract()
    assert out["metric"] == "funding_round_usd" and out["period"] == "2023"
    assert out["items"] == []


def test_related_links_yield_nothing() -> None:
    text = (
        "A quiet day.\nYou might also like\n"
        "- Orbit Labs raised $40 million.\n- Kimi hit 5 million users."
    )
    assert extract(text) == []


@pytest.mark.skipif(not SEED.exists(), reason="reference article not available")
def test_reference_article() -> None:
    obs = extract(SEED.read_text(encoding="utf-8"), published=dt.date(2024, 3, 28))
    got = {(o.metric, o.country, o.value, o.period) for o in obs if o.metric.startswith("ai_")}
    assert ("ai_investment_usd", "US", 31e9, "2022") in got
    assert ("ai_deal_count", "US", 1151, "2022") in got
    assert {("ai_investment_usd", "CN", 5.5e9, "2022"), ("ai_deal_count", "CN", 377, "2022")} <= got
    cn_latest = {("ai_investment_usd", "CN", 2e9), ("ai_deal_count", "CN", 68)}
    assert {(m, c, v) for m, c, v, _ in got} >= cn_latest
    rounds = [(o.entity, o.value, o.counterparty) for o in obs if o.metric == "funding_round_usd"]
    assert rounds == [("Anthropic", 2.7e9, "Amazon")]
    users = [(o.entity, o.org, o.value) for o in obs if o.metric == "user_count"]
    assert users == [("Ernie Bot", "Baidu", 100e6)]
    talent = sorted((o.country or "", o.value) for o in obs if o.metric == "talent_share_pct")
    shares = [("US", 60), ("US", 57), ("CN", 12), ("CN", 47), ("US", 18), ("CN", 38), ("US", 37)]
    assert talent == sorted(shares)
    events = [(o.country, o.action) for o in obs if o.metric == "chip_export_event"]
    assert ("US", "restrict") in events and ("CN", "domestic_chip_launch") in events
    # Nothing from the related-stories list at the end of the page.
    assert all("EA's stock" not in o.evidence for o in obs)
