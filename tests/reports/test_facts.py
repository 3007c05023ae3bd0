"""Consolidation: one fact per fact, conflicts kept and the choice explained, on both databases."""

from __future__ import annotations

from typing import Any

import pandas as pd

from reports.build import build_report
from reports.normalise import entity_key, items_key
from schemas.store import ObservationFilter, Store
from tests.reports.conftest import GOV, NEWS, Story, d, obs, save

INV, USERS, CHIP, TALENT = (
    "ai_investment_usd",
    "user_count",
    "chip_export_event",
    "talent_share_pct",
)


def _facts(url: str, **flt: Any) -> pd.DataFrame:
    store = Store(url)
    try:
        return build_report(store, ObservationFilter(**flt) if flt else None).facts
    finally:
        store.close()


def test_names_are_normalised_for_grouping() -> None:
    assert (
        entity_key("OpenAI's ChatGPT")
        == entity_key("ChatGPT")
        == entity_key("chatgpt")
        == "chatgpt"
    )
    assert entity_key("Google Gemini", "Google") == entity_key("Gemini") == "gemini"
    assert entity_key("Moonshot AI’s Kimi") == "kimi"
    assert entity_key("Zhipu AI Inc.") == entity_key("Zhipu AI") == "zhipu ai"
    # An owner is only dropped when a real name remains.
    assert entity_key("Elon Musk's AI") != "ai"
    assert entity_key("Meta AI", "Meta") == "meta ai"
    assert (
        items_key(["Nvidia A100", "Nvidia H100s"])
        == items_key('["A100", "H100"]')
        == ("a100", "h100")
    )
    assert items_key(["HBM"]) == items_key(["high-bandwidth memory"])


def test_repeats_merge_into_one_fact_with_all_sources(db_url: str) -> None:
    save(
        db_url,
        [
            Story(f"{NEWS}/a", d("2024-04-16"), [obs(INV, 67.2e9, country="US", period="2023")]),
            Story(f"{NEWS}/b", d("2024-05-01"), [obs(INV, 67.0e9, country="US", period="2023")]),
            Story(f"{NEWS}/c", d("2025-04-08"), [obs(INV, 67.2e9, country="US", period="2023")]),
            # Not the same: a quarter total, and a value 10 % away.
            Story(
                f"{NEWS}/d",
                d("2024-04-25"),
                [obs(INV, 13.1e9, country="US", period="2023-01/2023-03")],
            ),
        ],
    )
    f = _facts(db_url)
    year = f[f.period == "2023"]
    assert len(year) == 1
    fact = year.iloc[0]
    assert fact.value == 67.2e9  # the wording stated most often
    assert fact.n_sources == 3 and fact.n_obs == 3
    assert fact.first_seen == pd.Timestamp("2024-04-16")
    assert fact.last_seen == pd.Timestamp("2025-04-08")
    assert not fact.conflict
    assert len(f[f.period == "2023-01/2023-03"]) == 1


def test_same_product_under_three_names_and_nested_dates_is_one_fact(db_url: str) -> None:
    save(
        db_url,
        [
            Story(
                f"{NEWS}/devday",
                d("2023-11-07"),
                [
                    obs(
                        USERS,
                        100e6,
                        country="US",
                        entity="ChatGPT",
                        org="OpenAI",
                        qualifier="weekly_active",
                        period="2023-11-06",
                    ),
                ],
            ),
            Story(
                f"{NEWS}/later",
                d("2023-12-29"),
                [
                    obs(
                        USERS,
                        100e6,
                        country="US",
                        entity="OpenAI's ChatGPT",
                        qualifier="weekly_active",
                        period="2023-11",
                    ),
                ],
            ),
            Story(
                f"{NEWS}/recap",
                d("2024-01-15"),
                [
                    obs(
                        USERS,
                        101e6,
                        country="US",
                        entity="chatgpt",
                        qualifier="weekly_active",
                        period="2023",
                    ),
                ],
            ),
            # Undated, published later: restates the known figure.
            Story(
                f"{NEWS}/undated",
                d("2024-02-01"),
                [
                    obs(USERS, 100e6, country="US", entity="ChatGPT", qualifier="weekly_active"),
                ],
            ),
            # A different kind of count is a different fact.
            Story(
                f"{NEWS}/monthly",
                d("2023-11-10"),
                [
                    obs(
                        USERS,
                        100e6,
                        country="US",
                        entity="ChatGPT",
                        qualifier="monthly_active",
                        period="2023-11",
                    ),
                ],
            ),
        ],
    )
    f = _facts(db_url)
    weekly = f[(f.qualifier == "weekly_active")]
    assert len(weekly) == 1
    fact = weekly.iloc[0]
    assert fact.period == "2023-11-06"  # the most precise date wins
    assert fact.n_sources == 4
    assert fact.first_seen == pd.Timestamp("2023-11-07")
    assert fact.last_seen == pd.Timestamp("2024-02-01")
    assert len(f[f.qualifier == "monthly_active"]) == 1


def test_totals_for_different_spans_never_merge(db_url: str) -> None:
    save(
        db_url,
        [
            Story(f"{NEWS}/y", d("2024-04-01"), [obs(INV, 9.3e9, country="US", period="2024")]),
            Story(
                f"{NEWS}/q",
                d("2024-04-02"),
                [obs(INV, 9.3e9, country="US", period="2024-01/2024-03")],
            ),
            Story(f"{NEWS}/m", d("2024-04-03"), [obs(INV, 9.3e9, country="US", period="2024-03")]),
        ],
    )
    assert len(_facts(db_url)) == 3


def test_conflicts_are_kept_and_the_choice_explained(db_url: str) -> None:
    save(
        db_url,
        [
            Story(f"{NEWS}/a", d("2025-04-08"), [obs(INV, 109.1e9, country="US", period="2024")]),
            Story(f"{NEWS}/b", d("2026-02-26"), [obs(INV, 109.1e9, country="US", period="2024")]),
            Story(f"{NEWS}/c", d("2025-01-08"), [obs(INV, 97e9, country="US", period="2024")]),
            # Equal support: the more recent report wins.
            Story(f"{NEWS}/e", d("2024-03-12"), [obs(INV, 2e9, country="CN", period="2022")]),
            Story(f"{NEWS}/f", d("2023-04-04"), [obs(INV, 13.4e9, country="CN", period="2022")]),
        ],
    )
    f = _facts(db_url)
    us = f[(f.country == "US") & (f.period == "2024")].set_index("value")
    assert set(us.index) == {109.1e9, 97e9}
    assert us.conflict.all()
    assert us.loc[109.1e9].chosen and not us.loc[97e9].chosen
    assert us.loc[109.1e9].reason == "more sources: 2 vs 1"
    assert tuple(us.loc[109.1e9].rivals) == (int(us.loc[97e9].fact_id),)
    cn = f[(f.country == "CN") & (f.period == "2022")].set_index("value")
    assert cn.loc[2e9].chosen
    assert cn.loc[2e9].reason == "more recent: 2024-03-12 vs 2023-04-04"


def test_an_official_source_beats_more_sources(db_url: str) -> None:
    save(
        db_url,
        [
            Story(
                f"{NEWS}/a",
                d("2024-03-07"),
                [obs(TALENT, 45, country="CN", qualifier="researchers", period="2023")],
            ),
            Story(
                f"{NEWS}/b",
                d("2024-03-08"),
                [obs(TALENT, 45, country="CN", qualifier="researchers", period="2023")],
            ),
            Story(
                f"{GOV}/stats",
                d("2024-02-01"),
                [obs(TALENT, 47, country="CN", qualifier="researchers", period="2023")],
            ),
            # A named official body in the evidence also counts.
            Story(f"{NEWS}/c", d("2024-01-01"), [obs(INV, 5e9, country="CN", period="2021")]),
            Story(f"{NEWS}/d", d("2024-01-02"), [obs(INV, 5e9, country="CN", period="2021")]),
            Story(
                f"{NEWS}/e",
                d("2023-01-01"),
                [
                    obs(
                        INV,
                        6e9,
                        "China's Ministry of Commerce put AI investment at $6 billion in 2021.",
                        country="CN",
                        period="2021",
                    ),
                ],
            ),
        ],
    )
    f = _facts(db_url)
    talent = f[f.metric == TALENT].set_index("value")
    assert talent.loc[47.0].chosen
    assert talent.loc[47.0].reason == "official source: bis.gov"
    inv = f[f.metric == INV].set_index("value")
    assert inv.loc[6e9].chosen
    assert inv.loc[6e9].reason == "official source: ministry of commerce"


def test_one_export_control_event_told_differently_is_one_event(db_url: str) -> None:
    save(
        db_url,
        [
            Story(
                f"{NEWS}/a",
                d("2022-09-01"),
                [
                    obs(
                        CHIP,
                        1,
                        country="US",
                        entity="US Commerce Department",
                        counterparty="CN",
                        action="restrict",
                        items=("A100", "H100"),
                        period="2022-08-31",
                    ),
                ],
            ),
            Story(
                f"{NEWS}/b",
                d("2026-02-05"),
                [
                    obs(
                        CHIP,
                        1,
                        country="US",
                        counterparty="CN",
                        action="restrict",
                        items=("Nvidia A100", "Nvidia H100"),
                        period="2022-08",
                    ),
                    obs(
                        CHIP, 1, country="US", action="restrict", items=("chips",), period="2022-08"
                    ),
                    # Another target, another action: other events.
                    obs(
                        CHIP,
                        1,
                        country="US",
                        counterparty="Nvidia",
                        action="restrict",
                        items=("H20",),
                        period="2022-08",
                    ),
                    obs(
                        CHIP,
                        1,
                        country="US",
                        counterparty="CN",
                        action="license",
                        items=("A100",),
                        period="2022-08",
                    ),
                ],
            ),
        ],
    )
    f = _facts(db_url)
    restrict_cn = f[(f.action == "restrict") & (f.counterparty.fillna("CN") == "CN")]
    assert len(restrict_cn) == 1
    event = restrict_cn.iloc[0]
    assert event.period == "2022-08-31"
    assert event.n_sources == 2 and event.n_obs == 3
    assert len(f[f.metric == CHIP]) == 3


def test_superseded_observations_are_left_out(db_url: str) -> None:
    import sqlalchemy as sa

    save(
        db_url, [Story(f"{NEWS}/a", d("2024-01-01"), [obs(INV, 1e9, country="US", period="2023")])]
    )
    store = Store(db_url)
    if "superseded_at" not in {
        c["name"] for c in sa.inspect(store.engine).get_columns("observations")
    }:
        store.close()
        return
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE observations SET superseded_at = CURRENT_TIMESTAMP"))
    store.close()
    assert _facts(db_url).empty


def test_rows_in_memory_give_the_same_report_as_sql(gap_url: str) -> None:
    from reports.gap import build_report as from_rows

    store = Store(gap_url)
    try:
        by_sql = build_report(store)
        by_rows = from_rows(store.observations())
    finally:
        store.close()
    assert by_rows.n_observations == by_sql.n_observations == 32
    keep = ["metric", "value", "period", "n_sources", "chosen", "reason"]
    a = by_sql.facts[keep].sort_values(keep[:3]).reset_index(drop=True)
    b = by_rows.facts[keep].sort_values(keep[:3]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(
        by_sql.indicators.drop(columns="fact_ids"), by_rows.indicators.drop(columns="fact_ids")
    )
