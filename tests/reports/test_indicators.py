"""Indicators by year and quarter on hand-made facts: totals, ratios, largest, latest, counts, change."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from reports.indicators import COLUMNS, INDICATORS, compute, latest
from schemas.records import period_bounds

INV, DEALS, USERS = "ai_investment_usd", "ai_deal_count", "user_count"
CHIP, TALENT = "chip_export_event", "talent_share_pct"


def _fact(fid: int, metric: str, value: float, period: str | None, **kw: Any) -> dict[str, Any]:
    start, end = period_bounds(period)
    seen = pd.Timestamp(kw.pop("seen", "2026-01-01"))
    row = {
        "fact_id": fid,
        "metric": metric,
        "value": float(value),
        "country": None,
        "entity": None,
        "qualifier": None,
        "action": None,
        "period": period,
        "period_start": pd.Timestamp(start) if start else pd.NaT,
        "period_end": pd.Timestamp(end) if end else pd.NaT,
        "n_sources": 1,
        "official": False,
        "first_seen": seen,
        "last_seen": seen,
        "chosen": True,
    }
    row.update(kw)
    row["date"] = min(row["period_end"], seen) if start else seen
    return row


def _table(*facts: dict[str, Any]) -> pd.DataFrame:
    return compute(pd.DataFrame(list(facts)))


def _row(t: pd.DataFrame, indicator: str, grain: str, period: str, series: str) -> dict[str, Any]:
    hit = t[
        (t.indicator == indicator)
        & (t.grain == grain)
        & (t.period == period)
        & (t.series == series)
    ]
    assert len(hit) == 1, (indicator, grain, period, series, hit)
    return dict(hit.iloc[0])


def test_every_indicator_is_defined_once_with_a_definition() -> None:
    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names))
    assert {"investment", "deals", "top_users", "talent", "chip_events"} == set(names)
    assert all(len(i.definition) > 40 for i in INDICATORS)


def test_totals_ratio_and_change_since_the_previous_year() -> None:
    t = _table(
        _fact(1, INV, 47.4e9, "2022", country="US"),
        _fact(2, INV, 13.4e9, "2022", country="CN"),
        _fact(3, INV, 67.2e9, "2023", country="US"),
        _fact(4, INV, 7.8e9, "2023", country="CN"),
        _fact(5, INV, 9.9e9, "2023", country="GB"),  # not part of the gap
        _fact(6, INV, 1e12, "2023", country="US", chosen=False),  # a losing conflict
    )
    assert list(t.columns) == list(COLUMNS)
    us = _row(t, "investment", "year", "2023", "US")
    assert us["value"] == 67.2e9
    assert us["previous_period"] == "2022"
    assert us["change"] == pytest.approx(19.8e9)
    assert us["change_pct"] == pytest.approx(19.8 / 47.4)
    assert us["fact_ids"] == (3,)
    ratio = _row(t, "investment", "year", "2023", "US/CN")
    assert ratio["value"] == pytest.approx(67.2 / 7.8)
    assert ratio["unit"] == "x"
    assert ratio["change"] == pytest.approx(67.2 / 7.8 - 47.4 / 13.4)
    assert set(ratio["fact_ids"]) == {3, 4}
    assert math.isnan(_row(t, "investment", "year", "2022", "US/CN")["change"])
    assert t[t.series == "GB"].empty


def test_quarter_totals_only_count_exact_quarters() -> None:
    t = _table(
        _fact(1, DEALS, 389, "2024-01/2024-03", country="US"),
        _fact(2, DEALS, 60, "2024-01/2024-03", country="CN"),
        _fact(3, DEALS, 400, "2024-04/2024-06", country="US"),
        _fact(4, DEALS, 1500, "2024", country="US"),
        _fact(5, DEALS, 500, "2024-01/2024-11", country="US"),  # eleven months: nowhere
    )
    q = t[t.grain == "quarter"]
    assert set(q.period) == {"2024-Q1", "2024-Q2"}
    assert _row(t, "deals", "quarter", "2024-Q1", "US/CN")["value"] == pytest.approx(389 / 60)
    q2 = _row(t, "deals", "quarter", "2024-Q2", "US")
    assert (q2["previous_period"], q2["change"]) == ("2024-Q1", 11)
    year = t[(t.grain == "year") & (t.series == "US")]
    assert list(year.value) == [1500]
    assert pd.Timestamp("2024-04-01") == _row(t, "deals", "quarter", "2024-Q2", "US")["start"]


def test_largest_product_per_country_skips_downloads() -> None:
    t = _table(
        _fact(
            1, USERS, 300e6, "2024-12", country="US", entity="ChatGPT", qualifier="weekly_active"
        ),
        _fact(
            2, USERS, 400e6, "2024-08", country="US", entity="Meta AI", qualifier="monthly_active"
        ),
        _fact(3, USERS, 300e6, "2024-06", country="CN", entity="Ernie Bot", qualifier="total"),
        _fact(4, USERS, 900e6, "2024-11", country="CN", entity="Qwen", qualifier="downloads"),
        _fact(5, USERS, 100e6, "2023-12-28", country="CN", entity="Ernie Bot", qualifier="total"),
        _fact(
            6, USERS, 100e6, "2023-11-06", country="US", entity="ChatGPT", qualifier="weekly_active"
        ),
    )
    us = _row(t, "top_users", "year", "2024", "US")
    assert (us["value"], us["label"], us["fact_ids"]) == (400e6, "Meta AI (monthly active)", (2,))
    cn = _row(t, "top_users", "year", "2024", "CN")
    assert (cn["value"], cn["label"]) == (300e6, "Ernie Bot (total)")
    assert cn["change_pct"] == pytest.approx(2.0)
    assert _row(t, "top_users", "year", "2024", "US/CN")["value"] == pytest.approx(4 / 3)
    # Quarters place each dated statement in its own quarter.
    assert _row(t, "top_users", "quarter", "2024-Q4", "US")["value"] == 300e6
    assert _row(t, "top_users", "quarter", "2024-Q3", "US")["value"] == 400e6


def test_talent_uses_the_main_measure_latest_in_the_period() -> None:
    q = "top-tier AI researchers"
    t = _table(
        _fact(1, TALENT, 20, None, country="US", qualifier=q, seen="2022-07-12"),
        _fact(2, TALENT, 29, None, country="CN", qualifier=q, seen="2022-07-12"),
        _fact(3, TALENT, 19, None, country="US", qualifier=q, seen="2024-01-10"),
        _fact(4, TALENT, 18, None, country="US", qualifier=q, seen="2024-03-07"),
        _fact(5, TALENT, 47, None, country="CN", qualifier=q, seen="2024-03-07"),
        _fact(6, TALENT, 50, None, country="CN", qualifier="degrees", seen="2024-05-01"),
    )
    us = _row(t, "talent", "year", "2024", "US")
    assert (us["value"], us["previous"], us["change"], us["unit"]) == (18, 20, -2, "percent")
    gap = _row(t, "talent", "year", "2024", "US-CN")
    assert (gap["value"], gap["unit"], gap["change"]) == (-29, "points", -20)
    assert _row(t, "talent", "year", "2024", "CN")["value"] == 47


def test_chip_events_counted_by_action_and_actor_with_quiet_years_as_zero() -> None:
    t = _table(
        _fact(1, CHIP, 1, "2022-08-31", country="US", action="restrict"),
        _fact(2, CHIP, 1, "2022-10-07", country="US", action="restrict"),
        _fact(3, CHIP, 1, "2024-12", country="CN", action="ban"),
        _fact(4, CHIP, 1, "2024-12-02", country="US", action="restrict"),
        _fact(5, CHIP, 1, "2024-05", country="NL", action="restrict"),
    )
    assert _row(t, "chip_events", "year", "2022", "restrict")["value"] == 2
    quiet = _row(t, "chip_events", "year", "2023", "all")
    assert (quiet["value"], quiet["change"], quiet["fact_ids"]) == (0, -2, ())
    total = _row(t, "chip_events", "year", "2024", "all")
    assert (total["value"], total["previous_period"], total["change"]) == (3, "2023", 3)
    assert set(total["fact_ids"]) == {3, 4, 5}
    assert _row(t, "chip_events", "year", "2024", "by US")["value"] == 1
    assert _row(t, "chip_events", "year", "2024", "by CN")["value"] == 1
    assert _row(t, "chip_events", "year", "2024", "ban")["value"] == 1
    assert _row(t, "chip_events", "quarter", "2024-Q4", "all")["value"] == 2
    assert _row(t, "chip_events", "quarter", "2023-Q2", "all")["value"] == 0


def test_latest_prefers_comparable_years_and_skips_running_event_counts() -> None:
    t = _table(
        _fact(1, INV, 10e9, "2023", country="US"),
        _fact(2, INV, 5e9, "2023", country="CN"),
        _fact(3, INV, 12e9, "2024", country="US"),
        _fact(4, CHIP, 1, "2024-03", country="US", action="restrict"),
        _fact(5, CHIP, 1, "2025-01", country="US", action="restrict"),
    )
    picked = latest(t, as_of=dt.date(2025, 2, 1))
    assert picked["investment"] == "2023"  # 2024 has no China figure to compare
    assert picked["chip_events"] == "2024"  # 2025 is still running
    assert latest(t)["chip_events"] == "2025"


def test_no_facts_gives_an_empty_table() -> None:
    assert list(compute(pd.DataFrame(columns=["fact_id", "metric"])).columns) == list(COLUMNS)


def test_the_readme_documents_every_indicator_as_defined() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "reports" / "README.md").read_text()
    for ind in INDICATORS:
        assert f"| `{ind.name}` | {ind.title} | `{ind.metric}` | {ind.definition} |" in readme
