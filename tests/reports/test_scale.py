"""Synthetic bulk fill, index use on both databases, and a report over many rows."""

from __future__ import annotations

import time

from reports.build import build_report
from reports.synthetic import fill
from schemas.store import ObservationFilter, Store

N = 20_000
INDEX = "ix_observations_metric_country_period"


def test_fill_then_queries_use_the_indexes(db_url: str) -> None:
    assert fill(db_url, N, seed=1) == N
    store = Store(db_url)
    try:
        assert store.table_counts()["observations"] == N
        selective = ObservationFilter(metric="talent_share_pct", country="IN")
        plan = store.explain(selective)
        assert INDEX in plan, plan
        dated = ObservationFilter(metric="user_count", country="CN", since=_day("2025-01-01"))
        assert INDEX in store.explain(dated)
        grouped = store.explain(ObservationFilter(metric="talent_share_pct"), grouped=True)
        assert INDEX in grouped, grouped
        if store.is_sqlite:
            # The article of every row is found through its primary key, not a scan.
            assert "SEARCH articles USING INTEGER PRIMARY KEY" in plan, plan
            assert "SCAN observations" not in plan, plan
        else:
            assert "Seq Scan on observations" not in plan, plan
    finally:
        store.close()


def test_report_over_synthetic_rows(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/many.db"
    fill(url, N, seed=2)
    store = Store(url)
    try:
        started = time.perf_counter()
        rep = build_report(store)
        took = time.perf_counter() - started
    finally:
        store.close()
    assert rep.n_observations == N
    # Repeats collapse: thousands of rows tell a few hundred facts.
    assert rep.n_facts < N / 10
    assert rep.n_conflicts > 0
    assert {"investment", "deals", "top_users", "talent", "chip_events"} <= set(
        rep.indicators.indicator
    )
    # Synthetic user names come in three spellings; each product is one subject.
    users = rep.facts[rep.facts.metric == "user_count"]
    assert users.subject.str.split("|").str[0].nunique() == 10
    assert took < 30, f"report over {N} rows took {took:.1f}s"


def _day(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text)
