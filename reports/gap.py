"""Gap indicators from stored observations: the maths, no rendering.

Many articles repeat one figure, so observations that state the same thing
(same metric, subject and period, values within ``TOLERANCE``) are merged into
one ``Fact`` that lists all its sources. When a key has conflicting values the
fact with the most sources wins, then the most recently published one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOLERANCE = 0.02
GAP_COUNTRIES = ("US", "CN")


@dataclass(slots=True)
class Fact:
    """One consolidated value with every source that stated it."""

    metric: str
    value: float
    period: str | None
    country: str | None = None
    entity: str | None = None
    org: str | None = None
    counterparty: str | None = None
    qualifier: str | None = None
    action: str | None = None
    items: tuple[str, ...] = ()
    evidence: str = ""
    sources: list[str] = field(default_factory=list)
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    alternatives: list[float] = field(default_factory=list)

    @property
    def n_sources(self) -> int:
        """How many distinct articles state this value."""
        return len(self.sources)


@dataclass(slots=True)
class YearGap:
    """US and China investment and deal counts for one year."""

    year: int
    us_usd: Fact | None = None
    cn_usd: Fact | None = None
    us_deals: Fact | None = None
    cn_deals: Fact | None = None

    @property
    def usd_ratio(self) -> float | None:
        """US investment as a multiple of China's."""
        return _ratio(self.us_usd, self.cn_usd)

    @property
    def deals_ratio(self) -> float | None:
        """US deal count as a multiple of China's."""
        return _ratio(self.us_deals, self.cn_deals)


@dataclass(slots=True)
class GapReport:
    """Everything the report shows, ready for any renderer."""

    years: list[YearGap]
    users: list[Fact]
    chip_events: list[Fact]
    talent: list[Fact]
    rounds: list[Fact]
    n_observations: int


def _ratio(a: Fact | None, b: Fact | None) -> float | None:
    if a is None or b is None or not b.value:
        return None
    return a.value / b.value


def _year(row: Mapping[str, Any]) -> int | None:
    start = row.get("period_start")
    if isinstance(start, dt.date):
        return start.year
    pub = row.get("published")
    return pub.year if isinstance(pub, dt.date) else None


def _subject(row: Mapping[str, Any]) -> tuple[Any, ...]:
    metric = row["metric"]
    if metric in ("ai_investment_usd", "ai_deal_count"):
        return (row.get("country"),)
    if metric == "user_count":
        return ((row.get("entity") or "").lower(), row.get("qualifier"))
    if metric == "funding_round_usd":
        return ((row.get("entity") or "").lower(),)
    if metric == "talent_share_pct":
        return (row.get("country"), (row.get("qualifier") or "").lower())
    return (
        row.get("country"),
        row.get("action"),
        (row.get("counterparty") or "").lower(),
        tuple(sorted(i.lower() for i in row.get("items") or ())),
    )


def consolidate(rows: Iterable[Mapping[str, Any]]) -> list[Fact]:
    """Merge observations that state the same value into facts; pick one per key."""
    groups: dict[tuple[Any, ...], list[Fact]] = {}
    for row in rows:
        period = row.get("period")
        key = (row["metric"], period, *_subject(row))
        pub = row.get("published")
        url = row.get("source_url") or ""
        candidates = groups.setdefault(key, [])
        fact = next((f for f in candidates if _close(f.value, row["value"])), None)
        if fact is None:
            fact = Fact(
                metric=row["metric"],
                value=float(row["value"]),
                period=period,
                country=row.get("country"),
                entity=row.get("entity"),
                org=row.get("org"),
                counterparty=row.get("counterparty"),
                qualifier=row.get("qualifier"),
                action=row.get("action"),
                items=tuple(row.get("items") or ()),
                evidence=row.get("evidence") or "",
            )
            candidates.append(fact)
        if url and url not in fact.sources:
            fact.sources.append(url)
        if isinstance(pub, dt.date):
            fact.first_seen = min(filter(None, (fact.first_seen, pub)))
            fact.last_seen = max(filter(None, (fact.last_seen, pub)))
    chosen: list[Fact] = []
    for candidates in groups.values():
        best = max(candidates, key=lambda f: (f.n_sources, f.last_seen or dt.date.min))
        best.alternatives = [f.value for f in candidates if f is not best]
        chosen.append(best)
    return chosen


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-9)


def build_report(rows: Sequence[Mapping[str, Any]]) -> GapReport:
    """Compute the gap indicators from observation rows (as ``Store.observations`` returns)."""
    facts = consolidate(rows)
    years: dict[int, YearGap] = {}
    for f in facts:
        if f.metric not in ("ai_investment_usd", "ai_deal_count") or f.country not in GAP_COUNTRIES:
            continue
        if not f.period or len(f.period) != 4:
            continue  # only whole-year totals are comparable year on year
        yg = years.setdefault(int(f.period), YearGap(int(f.period)))
        attr = ("us" if f.country == "US" else "cn") + (
            "_usd" if f.metric == "ai_investment_usd" else "_deals"
        )
        current = getattr(yg, attr)
        if current is None or (f.n_sources, f.last_seen or dt.date.min) > (
            current.n_sources,
            current.last_seen or dt.date.min,
        ):
            setattr(yg, attr, f)

    def by_date(f: Fact) -> tuple[str, str]:
        return (f.period or (f.first_seen.isoformat() if f.first_seen else ""), f.entity or "")

    return GapReport(
        years=[years[y] for y in sorted(years)],
        users=sorted(
            (f for f in facts if f.metric == "user_count"),
            key=lambda f: (f.entity or "", by_date(f)),
        ),
        chip_events=sorted((f for f in facts if f.metric == "chip_export_event"), key=by_date),
        talent=sorted(
            (f for f in facts if f.metric == "talent_share_pct"),
            key=lambda f: (f.qualifier or "", f.country or ""),
        ),
        rounds=sorted((f for f in facts if f.metric == "funding_round_usd"), key=by_date),
        n_observations=len(rows),
    )
