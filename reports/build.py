"""Building a report from the store: statements -> facts -> indicators -> cited sources.

The only stage here that talks to the store. It asks for one SQL aggregate (one
row per distinct statement), consolidates and computes in pandas, then fetches
the few articles and evidence sentences the report cites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reports.facts import EVENT_METRICS, Official, choose, consolidate, groups_frame
from reports.indicators import compute
from reports.normalise import OFFICIAL_HOST_SUFFIXES, OFFICIAL_SOURCE_KINDS, is_official_url

if TYPE_CHECKING:
    import pandas as pd

    from schemas.store import ObservationFilter, Store

#: How many sources each cited fact lists (the rest are counted).
MAX_REFS = 3
#: How many export-control events and conflicts a report cites at most.
MAX_EVENTS = 60
MAX_CONFLICTS = 40
MAX_ROUNDS = 10


@dataclass(slots=True)
class Report:
    """Everything a renderer shows: facts, indicators, and the sources and sentences behind them."""

    generated_at: dt.datetime
    n_observations: int
    facts: pd.DataFrame
    indicators: pd.DataFrame
    events: list[int] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    conflicts: list[list[int]] = field(default_factory=list)
    refs: dict[int, tuple[int, ...]] = field(default_factory=dict)
    articles: dict[int, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[int, str] = field(default_factory=dict)
    scope: str = ""
    cited: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def n_facts(self) -> int:
        """How many distinct facts the observations consolidate into."""
        return len(self.facts)

    @property
    def n_conflicts(self) -> int:
        """How many subjects and periods have more than one stated value."""
        return int(self.facts[self.facts.conflict].slot.nunique()) if self.n_facts else 0

    def fact(self, fact_id: int) -> dict[str, Any]:
        """One fact as a plain dict (cited facts are indexed; others are looked up)."""
        found = self.cited.get(fact_id)
        if found is None:
            rows = self.facts[self.facts.fact_id == fact_id].to_dict("records")
            found = self.cited[fact_id] = rows[0] if rows else {}
        return found


def official_articles(store: Store) -> Official:
    """Articles published on government hosts or by official source kinds."""
    patterns = [f"%{s}/%" for s in OFFICIAL_HOST_SUFFIXES]
    patterns += [f"%{s}:%" for s in OFFICIAL_HOST_SUFFIXES]
    # Every pattern needs its suffix's first four characters (".gov", ".go.", ".mil").
    near = sorted({s[:4] for s in OFFICIAL_HOST_SUFFIXES})
    return Official(store.article_urls_matching(patterns, OFFICIAL_SOURCE_KINDS, url_contains=near))


def build_report(
    store: Store, flt: ObservationFilter | None = None, *, now: dt.datetime | None = None
) -> Report:
    """Consolidate the store's observations (filtered) and compute every indicator."""
    columns, rows = store.observation_groups(flt)

    def evidence(ids: list[int]) -> dict[int, str]:
        return {i: r["evidence"] for i, r in store.evidence_by_id(ids).items()}

    return _assemble(
        groups_frame(columns, rows, store.article_dates, ordered=True),
        official_articles(store),
        evidence,
        store.articles_by_id,
        scope=_scope(flt),
        now=now,
    )


def build_report_from_rows(
    rows: Sequence[Mapping[str, Any]], *, now: dt.datetime | None = None
) -> Report:
    """The same report from observation dicts as ``Store.observations`` returns them."""
    from reports.facts import groups_from_rows

    articles: dict[int, dict[str, Any]] = {
        int(r["article_id"]): {
            "id": int(r["article_id"]),
            "url": r.get("source_url"),
            "title": r.get("article_title"),
            "published": r.get("published"),
            "source": r.get("source"),
            "source_kind": None,
        }
        for r in rows
    }
    sentences = {int(r["id"]): str(r.get("evidence") or "") for r in rows}
    official = Official(
        {i: a["url"] for i, a in articles.items() if a["url"] and is_official_url(a["url"])}
    )
    return _assemble(
        groups_from_rows(rows),
        official,
        lambda ids: {i: sentences[i] for i in ids if i in sentences},
        lambda ids: {i: articles[i] for i in ids if i in articles},
        now=now,
    )


def _assemble(
    groups: pd.DataFrame,
    official: Official,
    evidence: Callable[[list[int]], dict[int, str]],
    articles: Callable[[list[int]], dict[int, dict[str, Any]]],
    *,
    scope: str = "",
    now: dt.datetime | None = None,
) -> Report:
    facts = consolidate(groups, official)
    contested = facts[facts.slot.duplicated(keep=False)] if len(facts) else facts
    named = evidence([int(i) for i in contested.evidence_id]) if len(facts) else {}
    facts = choose(facts, named)
    indicators = compute(facts)
    report = Report(
        generated_at=now or dt.datetime.now(dt.UTC),
        n_observations=int(groups.n_obs.sum()) if len(groups) else 0,
        facts=facts,
        indicators=indicators,
        events=_events(facts),
        rounds=_rounds(facts),
        conflicts=_conflicts(facts),
        scope=scope,
    )
    cited = {int(i) for ids in indicators.fact_ids for i in ids}
    cited.update(report.events)
    cited.update(report.rounds)
    cited.update(i for slot in report.conflicts for i in slot)
    _cite(report, official, sorted(cited), evidence, articles)
    return report


def _events(facts: pd.DataFrame) -> list[int]:
    """Export-control events in use, latest first."""
    if facts.empty:
        return []
    ev = facts[facts.chosen & facts.metric.isin(EVENT_METRICS)]
    ev = ev.sort_values(["date", "n_sources"], ascending=[False, False])
    return [int(i) for i in ev.fact_id[:MAX_EVENTS]]


def _rounds(facts: pd.DataFrame) -> list[int]:
    """The largest funding rounds in use from the latest two years with rounds."""
    if facts.empty:
        return []
    r = facts[facts.chosen & (facts.metric == "funding_round_usd") & facts.date.notna()]
    if r.empty:
        return []
    r = r[r.date.dt.year >= int(r.date.dt.year.max()) - 1]
    return [int(i) for i in r.sort_values("value", ascending=False).fact_id[:MAX_ROUNDS]]


def _conflicts(facts: pd.DataFrame) -> list[list[int]]:
    """Conflicting facts by slot (used fact first), the most cited slots first."""
    if facts.empty:
        return []
    c = facts[facts.conflict]
    if c.empty:
        return []
    weight = c.groupby("slot").agg(sources=("n_sources", "sum"), last=("last_seen", "max"))
    order = weight.sort_values(["sources", "last"], ascending=[False, False]).index
    c = c.sort_values(["chosen", "n_sources"], ascending=[False, False])
    members = c.groupby("slot").fact_id.agg(list)
    return [[int(i) for i in members[s]] for s in order[:MAX_CONFLICTS]]


def _cite(
    report: Report,
    official: Official,
    fact_ids: list[int],
    evidence: Callable[[list[int]], dict[int, str]],
    articles: Callable[[list[int]], dict[int, dict[str, Any]]],
) -> None:
    """Pick each cited fact's sources and fetch them with its evidence sentence."""
    if not fact_ids:
        return
    f = report.facts.set_index("fact_id", drop=False).loc[fact_ids]
    report.cited = {int(r["fact_id"]): r for r in f.to_dict("records")}
    gov = official.articles.keys()
    for fid, ids in zip(fact_ids, f.article_ids, strict=True):
        # An official source first, then the first and the latest stored: the
        # origin of the figure and its freshest retelling.
        picked = [i for i in ids if i in gov][:1]
        for i in (ids[0], ids[-1], *ids[1:-1]) if ids else ():
            if len(picked) >= MAX_REFS:
                break
            if i not in picked:
                picked.append(i)
        report.refs[fid] = tuple(picked)
    report.articles = articles([i for r in report.refs.values() for i in r])
    report.evidence = evidence([int(i) for i in f.evidence_id])


def _scope(flt: ObservationFilter | None) -> str:
    if flt is None:
        return ""
    parts = [
        f"{k}={v}"
        for k, v in (
            ("metric", flt.metric),
            ("country", flt.country),
            ("entity", flt.entity),
            ("since", flt.since),
            ("until", flt.until),
            ("source", flt.source),
            ("extractor", flt.extractor_version),
        )
        if v
    ]
    return ", ".join(parts)
