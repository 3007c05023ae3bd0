"""The validate stage against the real suite: which rows pass and which expectations fail.

Each GX run costs about half a second whatever the batch size, so the single-row
cases below are validated together in one batch (one article URL per case) and
each test reads its own row's outcome.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from typing import Any

import pytest

from expectations.validate import Rejected, SuiteError, Validated, validate
from schemas.records import Observation

from .conftest import TEXT, URL, VALID

# The first validation imports GX and builds the suite; do it once, before any test.
pytestmark = pytest.mark.usefixtures("suite_ready")


def _with(metric: str, **changes: Any) -> Observation:
    return dataclasses.replace(VALID[metric], **changes)


def _label(obs: Observation) -> str:
    base = VALID.get(obs.metric)
    if base is None:
        return f"metric={obs.metric!r}"
    changed = [
        f"{f.name}={getattr(obs, f.name)!r}"
        for f in dataclasses.fields(obs)
        if getattr(obs, f.name) != getattr(base, f.name)
    ]
    return f"{obs.metric}:{','.join(changed)}"


ACCEPTED = [
    _with("ai_investment_usd", country=None, period=None),
    _with("ai_investment_usd", value=1.999e12),
    _with("funding_round_usd", value=1e5),
    _with("funding_round_usd", value=2e11),
    _with("ai_deal_count", value=1),
    _with("ai_deal_count", value=100_000.0),
    _with("user_count", value=1e10, qualifier="downloads"),
    _with("talent_share_pct", value=0),
    _with("talent_share_pct", value=100),
    _with("user_count", period="2024-02-29"),
    _with("user_count", period="2000-02-29"),
    _with("user_count", period="2023-01/2023-06"),
    _with("user_count", period="2023-12-31/2024-01-01"),
    _with("user_count", period="2024/2024"),
    _with("chip_export_event", country="TW"),
    _with("chip_export_event", country="EU"),
    # Same sentence with different line breaks and spacing.
    _with("user_count", evidence="DeepSeek had 30 million\nmonthly  active users"),
]

REJECTED = [
    (
        Observation("gpu_count", 5, "The US restricted exports", unit="gpus"),
        ["metric_in_vocabulary"],
    ),
    (Observation("", 5, "The US restricted exports", unit="x"), ["metric_in_vocabulary"]),
    # Wrong unit, per metric.
    (_with("ai_investment_usd", unit="CNY"), ["ai_investment_usd_unit"]),
    (_with("ai_deal_count", unit="USD"), ["ai_deal_count_unit"]),
    (_with("funding_round_usd", unit="usd"), ["funding_round_usd_unit"]),
    (_with("user_count", unit="people"), ["user_count_unit"]),
    (_with("chip_export_event", unit="events"), ["chip_export_event_unit"]),
    (_with("talent_share_pct", unit="%"), ["talent_share_pct_unit"]),
    # Value out of range, per metric, on both sides.
    (_with("ai_investment_usd", value=0), ["ai_investment_usd_range"]),
    (_with("ai_investment_usd", value=-5e9), ["ai_investment_usd_range"]),
    (_with("ai_investment_usd", value=2e12), ["ai_investment_usd_range"]),
    (_with("ai_investment_usd", value=math.inf), ["ai_investment_usd_range"]),
    (_with("funding_round_usd", value=99_999), ["funding_round_usd_range"]),
    (_with("funding_round_usd", value=2.5e11), ["funding_round_usd_range"]),
    (_with("ai_deal_count", value=0), ["ai_deal_count_range"]),
    (_with("ai_deal_count", value=100_001), ["ai_deal_count_range"]),
    (_with("ai_deal_count", value=2.5), ["ai_deal_count_integer"]),
    (_with("ai_deal_count", value=-0.5), ["ai_deal_count_range", "ai_deal_count_integer"]),
    (_with("user_count", value=0), ["user_count_range"]),
    (_with("user_count", value=1.1e10), ["user_count_range"]),
    (_with("chip_export_event", value=0), ["chip_export_event_range"]),
    (_with("chip_export_event", value=2), ["chip_export_event_range"]),
    (_with("talent_share_pct", value=-1), ["talent_share_pct_range"]),
    (_with("talent_share_pct", value=100.5), ["talent_share_pct_range"]),
    # Not a number: the range checks skip nulls, so this is what catches it.
    (_with("talent_share_pct", value=math.nan), ["value_is_number"]),
    (_with("talent_share_pct", value="47"), ["value_is_number"]),
    (_with("talent_share_pct", value=True), ["value_is_number"]),
    # Country.
    (_with("user_count", country="XX"), ["country_iso_alpha2"]),
    (_with("user_count", country="cn"), ["country_iso_alpha2"]),
    (_with("user_count", country="CHN"), ["country_iso_alpha2"]),
    (_with("user_count", country="UK"), ["country_iso_alpha2"]),
    (_with("user_count", country=""), ["country_iso_alpha2"]),
    # Qualifier and action.
    (_with("user_count", qualifier="mau"), ["user_count_qualifier_known"]),
    (_with("user_count", qualifier=None), ["user_count_qualifier_present"]),
    (_with("chip_export_event", action="embargo"), ["chip_export_event_action_known"]),
    (_with("chip_export_event", action=None), ["chip_export_event_action_present"]),
    # Period.
    (_with("user_count", period="2023-13"), ["period_valid"]),
    (_with("user_count", period="2023-00"), ["period_valid"]),
    (_with("user_count", period="2023-02-29"), ["period_valid"]),
    (_with("user_count", period="2023-04-31"), ["period_valid"]),
    (_with("user_count", period="1900-02-29"), ["period_valid"]),
    (_with("user_count", period="2023-1"), ["period_valid"]),
    (_with("user_count", period="23"), ["period_valid"]),
    (_with("user_count", period="Q1 2023"), ["period_valid"]),
    (_with("user_count", period="2023 "), ["period_valid"]),
    (_with("user_count", period="2023\n"), ["period_valid"]),
    (_with("user_count", period=""), ["period_valid"]),
    (_with("user_count", period="2023/2024-13"), ["period_valid"]),
    (_with("user_count", period="2023/2024/2025"), ["period_valid"]),
    (_with("user_count", period=2023), ["period_valid"]),
    (_with("user_count", period="2024/2023"), ["period_ordered"]),
    (_with("user_count", period="2024-03-02/2024-03-01"), ["period_ordered"]),
    # Evidence.
    (_with("user_count", evidence=""), ["evidence_not_empty"]),
    (_with("user_count", evidence=" \n\t"), ["evidence_not_empty"]),
    (_with("user_count", evidence=None), ["evidence_not_empty"]),
    (_with("user_count", evidence="DeepSeek had 40 million users."), ["evidence_in_text"]),
    (_with("user_count", evidence="deepseek had 30 million"), ["evidence_in_text"]),
]

# Article texts that do not count as text: None means the URL is not in ``texts``.
NO_TEXT: dict[str, str | None] = {"missing": None, "empty": "", "blank": " \n\t "}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[str, ...]]:
    """Validate every single-row case in one batch; map each case's URL to what it failed."""
    rows: list[tuple[str, Observation]] = []
    texts: dict[str, str] = {}
    for i, obs in enumerate(ACCEPTED):
        rows.append((f"{URL}#ok{i}", obs))
    for i, (obs, _) in enumerate(REJECTED):
        rows.append((f"{URL}#bad{i}", obs))
    texts.update(dict.fromkeys((url for url, _ in rows), TEXT))
    for name, text in NO_TEXT.items():
        url = f"{URL}#{name}"
        rows.append((url, VALID["user_count"]))
        if text is not None:
            texts[url] = text
    result = validate(rows, texts)
    assert len(result.accepted) + len(result.rejected) == len(rows)
    found: dict[str, tuple[str, ...]] = {url: () for url, _ in result.accepted}
    found.update({r.article_url: r.failed for r in result.rejected})
    assert len(found) == len(rows)
    return found


def test_valid_rows_are_accepted() -> None:
    rows = [(URL, obs) for obs in VALID.values()]
    result = validate(rows, {URL: TEXT})
    assert result.rejected == []
    assert result.accepted == rows


@pytest.mark.parametrize("i", range(len(ACCEPTED)), ids=[_label(o) for o in ACCEPTED])
def test_edge_values_are_accepted(i: int, outcomes: dict[str, tuple[str, ...]]) -> None:
    assert outcomes[f"{URL}#ok{i}"] == ()


@pytest.mark.parametrize("i", range(len(REJECTED)), ids=[_label(o) for o, _ in REJECTED])
def test_bad_row_fails_exactly(i: int, outcomes: dict[str, tuple[str, ...]]) -> None:
    assert outcomes[f"{URL}#bad{i}"] == tuple(REJECTED[i][1])


@pytest.mark.parametrize("name", list(NO_TEXT))
def test_missing_text_is_reported_once(name: str, outcomes: dict[str, tuple[str, ...]]) -> None:
    assert outcomes[f"{URL}#{name}"] == ("article_text_present",)


def test_every_failure_is_listed_in_suite_order() -> None:
    obs = Observation(
        "user_count", 0, "", unit="USD", country="ZZ", qualifier="mau", period="2023-13"
    )
    result = validate([(URL, obs)], {URL: TEXT})
    assert result.accepted == []
    assert result.rejected == [
        Rejected(
            URL,
            obs,
            (
                "country_iso_alpha2",
                "period_valid",
                "evidence_not_empty",
                "user_count_unit",
                "user_count_range",
                "user_count_qualifier_known",
            ),
        )
    ]


def test_mixed_batch_splits_and_keeps_order() -> None:
    other = "https://news.example/other"
    bad_unit = _with("user_count", unit="USD")
    no_text = VALID["talent_share_pct"]
    bad_period = _with("ai_deal_count", period="2024-02-30")
    rows = [
        (URL, VALID["ai_investment_usd"]),
        (URL, bad_unit),
        (other, no_text),
        (URL, VALID["chip_export_event"]),
        (URL, bad_period),
        (URL, VALID["ai_investment_usd"]),  # duplicates are kept, not merged
    ]
    result = validate(rows, {URL: TEXT})
    assert result.accepted == [rows[0], rows[3], rows[5]]
    assert result.rejected == [
        Rejected(URL, bad_unit, ("user_count_unit",)),
        Rejected(other, no_text, ("article_text_present",)),
        Rejected(URL, bad_period, ("period_valid",)),
    ]
    kept = [r.observation for r in result.rejected]
    assert all(a is b for a, b in zip(kept, (bad_unit, no_text, bad_period), strict=True))


def test_large_batch_maps_every_failure_to_its_row() -> None:
    good = list(VALID.values())
    rows = []
    for i in range(5000):
        obs = good[i % len(good)]
        if i % 7 == 0:
            obs = dataclasses.replace(obs, country="XX")
        rows.append((URL, obs))
    result = validate(rows, {URL: TEXT})
    assert len(result.accepted) + len(result.rejected) == len(rows)
    assert len(result.rejected) == len(range(0, 5000, 7))
    assert {r.failed for r in result.rejected} == {("country_iso_alpha2",)}
    assert all(obs.country != "XX" for _, obs in result.accepted)


def test_empty_input() -> None:
    assert validate([], {}) == Validated(accepted=[], rejected=[])


def test_a_suite_that_cannot_run_raises() -> None:
    from expectations.validate import _frame, _runtime

    frame = _frame([(URL, VALID["user_count"])], {URL: TEXT}).drop(columns="period")
    with pytest.raises(SuiteError, match="period_valid"):
        _runtime().failures(frame)


def test_import_does_not_load_great_expectations() -> None:
    code = (
        "import sys, expectations.validate; "
        "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_warm_up_does_nothing_once_a_validation_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    import expectations.validate as v

    v.warm_up()  # the first call validates a sample row
    assert v._WARM.is_set()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("warm_up validated again")

    monkeypatch.setattr(v, "validate", refuse)
    v.warm_up()
