"""What a report shows, independent of how: titled tables of cells with numbered sources.

Terminal, Markdown and HTML render the same ``Document``, so the three always
agree. Sources are numbered in order of first citation; a cell cites facts and
shows the numbers of their sources, never URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reports import format as fmt
from reports.build import Report
from reports.indicators import BY_NAME, latest

CONFLICT_MARK = "*"


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text, the facts behind it and the numbers of their sources."""

    text: str
    refs: tuple[int, ...] = ()
    facts: tuple[int, ...] = ()
    tone: str = ""  # "head" for a row's label, "gap" for US-vs-China cells


@dataclass(slots=True)
class Table:
    """A titled table; ``key`` names it for renderers that add charts next to it."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered source article."""

    number: int
    url: str
    short: str
    title: str
    published: str
    official: bool


@dataclass(frozen=True, slots=True)
class FactNote:
    """A cited fact with its evidence sentence, for the evidence list."""

    fact_id: int
    label: str
    value: str
    period: str
    detail: str
    evidence: str
    refs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Point:
    """One chart point: where it sits, what it says and the facts behind it."""

    x: float  # years, fractional: 2024.5 is mid-2024
    y: float
    label: str
    text: str
    facts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Series:
    """A named line (or a set of timeline markers) of one colour."""

    name: str
    color: str  # a key of the renderer's palette: US, CN, ratio, ratio2, other
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A line chart or an event timeline, in data terms only."""

    key: str
    title: str
    kind: str  # line | timeline
    unit: str
    series: tuple[Series, ...]
    log: bool = False
    lanes: tuple[str, ...] = ()
    note: str = ""
    step: float = 1.0  # the period length in years; lines break across missing periods


@dataclass(slots=True)
class Document:
    """A laid-out report."""

    title: str
    summary: list[str]
    tables: list[Table]
    sources: list[Source]
    notes: list[FactNote]
    report: Report
    charts: list[Chart] = field(default_factory=list)


class _Refs:
    """Numbers sources in order of first citation."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.numbers: dict[int, int] = {}
        self.facts: dict[int, None] = {}

    def cite(self, fact_ids: tuple[int, ...] | list[int], cap: int = 6) -> tuple[int, ...]:
        out: list[int] = []
        for fid in fact_ids:
            self.facts.setdefault(int(fid), None)
            for art in self.report.refs.get(int(fid), ()):
                n = self.numbers.setdefault(art, len(self.numbers) + 1)
                if n not in out:
                    out.append(n)
        return tuple(sorted(out)[:cap])

    def of(self, fact_id: int) -> tuple[int, ...]:
        return tuple(
            self.numbers[a] for a in self.report.refs.get(fact_id, ()) if a in self.numbers
        )


def layout(
    report: Report,
    *,
    max_quarters: int | None = None,
    max_events: int | None = None,
    max_conflicts: int | None = None,
    max_rounds: int = 10,
) -> Document:
    """Lay out a report; the limits trim long tables (the terminal uses them)."""
    refs = _Refs(report)
    ind = _index(report)
    tables = [
        _glance(report, ind, refs),
        _totals(report, ind, refs, "investment", "AI investment by year"),
        _totals(report, ind, refs, "deals", "AI deals by year"),
        _users(report, ind, refs),
        _talent(report, ind, refs),
        _chip_counts(report, ind),
        _events(report, refs, max_events),
        _rounds(report, refs, max_rounds),
        _quarters_money(report, ind, refs, max_quarters),
        _quarters_users(report, ind, refs, max_quarters),
        _conflicts(report, refs, max_conflicts),
    ]
    charts = _charts(report, refs)
    sources = [_source(report, art, n) for art, n in refs.numbers.items()]
    notes = [_note(report, fid, refs) for fid in refs.facts]
    summary = [
        f"{report.n_observations:,} observations consolidated into {report.n_facts:,} facts; "
        + (
            "1 subject has conflicting values."
            if report.n_conflicts == 1
            else f"{report.n_conflicts:,} subjects have conflicting values."
        ),
        f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC"
        + (f" for {report.scope}" if report.scope else "")
        + ". ▲/▼ change since the previous period with data; "
        + f"{CONFLICT_MARK} sources disagree (see 'Where sources disagree').",
    ]
    return Document(
        title="US–China AI gap report",
        summary=summary,
        tables=tables,
        sources=sources,
        notes=notes,
        report=report,
        charts=charts,
    )


Index = dict[tuple[str, str, str, str], dict[str, Any]]


def _index(report: Report) -> Index:
    return {
        (r["indicator"], r["grain"], r["period"], r["series"]): r
        for r in report.indicators.to_dict("records")
    }


def _periods(ind: Index, name: str, grain: str) -> list[str]:
    return sorted({k[2] for k in ind if k[0] == name and k[1] == grain})


def _mark(report: Report, fact_ids: tuple[int, ...]) -> str:
    return CONFLICT_MARK if any(report.fact(i).get("conflict") for i in fact_ids) else ""


def _val(report: Report, row: dict[str, Any] | None, *, with_change: bool = True) -> str:
    if row is None:
        return "—"
    text = fmt.value(row["value"], row["unit"]) + _mark(report, tuple(row["fact_ids"]))
    delta = fmt.change(row) if with_change else ""
    return f"{text} {delta}" if delta else text


def _facts_of(*rows: dict[str, Any] | None) -> tuple[int, ...]:
    out: list[int] = []
    for r in rows:
        if r is not None:
            out += [int(i) for i in r["fact_ids"] if int(i) not in out]
    return tuple(out)


def _refcell(refs: _Refs, fact_ids: tuple[int, ...]) -> Cell:
    return Cell("", refs.cite(fact_ids), fact_ids)


def _glance(report: Report, ind: Index, refs: _Refs) -> Table:
    t = Table(
        "glance",
        "At a glance: the latest year with data",
        ("Indicator", "Year", "US", "China", "US vs CN", "Sources"),
    )
    as_of = report.generated_at.date()
    for name, period in latest(report.indicators, as_of=as_of).items():
        i = BY_NAME[name]
        if name == "chip_events":
            us = ind.get((name, "year", period, "by US"))
            cn = ind.get((name, "year", period, "by CN"))
            total = ind.get((name, "year", period, "all"))
            gap = f"{fmt.count(total['value'])} in all" if total else "—"
            t.rows.append(
                (
                    Cell("Chip-export moves", tone="head"),
                    Cell(period),
                    Cell(_val(report, us)),
                    Cell(_val(report, cn)),
                    Cell(gap, tone="gap"),
                    Cell(""),
                )
            )
            continue
        us = ind.get((name, "year", period, "US"))
        cn = ind.get((name, "year", period, "CN"))
        pair = ind.get((name, "year", period, "US/CN")) or ind.get((name, "year", period, "US-CN"))
        facts = _facts_of(us, cn)
        t.rows.append(
            (
                Cell(i.title, tone="head"),
                Cell(period),
                Cell(_val(report, us), facts=_facts_of(us)),
                Cell(_val(report, cn), facts=_facts_of(cn)),
                Cell(_val(report, pair), tone="gap"),
                _refcell(refs, facts),
            )
        )
    return t


def _us_vs_cn(
    t: Table,
    report: Report,
    ind: Index,
    refs: _Refs,
    gap_key: str,
    side: Callable[[Report, dict[str, Any] | None], str],
) -> Table:
    """Fill a table with one row per year: the US cell, China's, their gap, the sources."""
    name = t.key
    t.note = BY_NAME[name].definition
    for period in _periods(ind, name, "year"):
        us, cn = ind.get((name, "year", period, "US")), ind.get((name, "year", period, "CN"))
        gap = ind.get((name, "year", period, gap_key))
        t.rows.append(
            (
                Cell(period, tone="head"),
                Cell(side(report, us), facts=_facts_of(us)),
                Cell(side(report, cn), facts=_facts_of(cn)),
                Cell(_val(report, gap), tone="gap"),
                _refcell(refs, _facts_of(us, cn)),
            )
        )
    return t


def _totals(report: Report, ind: Index, refs: _Refs, name: str, title: str) -> Table:
    t = Table(name, title, ("Year", "US", "China", "US/CN", "Sources"))
    return _us_vs_cn(t, report, ind, refs, "US/CN", _val)


def _product(report: Report, row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    f = report.fact(int(row["fact_ids"][0]))
    name = fmt.clip(str(f.get("entity") or "?"), 12)
    text = f"{name} {fmt.count(row['value'])} {fmt.kind(f.get('qualifier'))}"
    text += _mark(report, tuple(row["fact_ids"]))
    delta = fmt.change(row)
    return f"{text} {delta}" if delta else text


def _users(report: Report, ind: Index, refs: _Refs) -> Table:
    columns = ("Year", "Largest US product", "Largest Chinese product", "US/CN", "Sources")
    t = Table("top_users", "Largest AI products by users", columns)
    return _us_vs_cn(t, report, ind, refs, "US/CN", _product)


def _talent(report: Report, ind: Index, refs: _Refs) -> Table:
    name = "talent"
    rows = [r for k, r in ind.items() if k[0] == name and k[1] == "year" and r["label"]]
    measure = fmt.talent_measure(rows[0]["label"]) if rows else "AI talent"
    t = Table(name, f"AI talent: share of {measure}", ("Year", "US", "China", "US−CN", "Sources"))
    return _us_vs_cn(t, report, ind, refs, "US-CN", _val)


ACTION_COLUMNS = (
    ("restrict", "restrict"),
    ("tighten", "tighten"),
    ("license", "license"),
    ("ban", "ban"),
    ("relax", "relax"),
    ("domestic_chip_launch", "launch"),
)


def _chip_counts(report: Report, ind: Index) -> Table:
    name = "chip_events"
    present = {k[3] for k in ind if k[0] == name and k[1] == "year"}
    actions = [(a, h) for a, h in ACTION_COLUMNS if a in present]
    t = Table(
        name,
        "Chip-export events by year",
        ("Year", *(h for _, h in actions), "by US", "by CN", "all"),
    )
    t.note = (
        BY_NAME[name].definition
        + " 'launch' is a domestic chip launch. Each event is listed with its sources below."
    )
    for period in _periods(ind, name, "year"):
        cells = [Cell(period, tone="head")]
        for series in [a for a, _ in actions] + ["by US", "by CN", "all"]:
            row = ind.get((name, "year", period, series))
            text = fmt.count(row["value"]) if row else "0"
            if row and series == "all" and fmt.change(row):
                text += f" {fmt.change(row)}"
            cells.append(Cell(text, facts=_facts_of(row), tone="gap" if series == "all" else ""))
        t.rows.append(tuple(cells))
    return t


def _events(report: Report, refs: _Refs, limit: int | None) -> Table:
    t = Table("events", "Latest chip-export events", ("Date", "Who", "Action", "Items", "Sources"))
    for fid in report.events[:limit]:
        f = report.fact(fid)
        who = str(f.get("country") or "?") + (
            f" → {f['counterparty']}" if f.get("counterparty") else ""
        )
        t.rows.append(
            (
                Cell(f.get("period") or fmt.day(f.get("date")), tone="head"),
                Cell(fmt.clip(who, 22)),
                Cell(str(f.get("action") or "").replace("domestic_chip_launch", "launch")),
                Cell(fmt.clip(", ".join(f.get("items") or ()), 34), facts=(fid,)),
                _refcell(refs, (fid,)),
            )
        )
    t.note = f"{len(report.events)} events in use; the latest first."
    return t


def _rounds(report: Report, refs: _Refs, limit: int) -> Table:
    t = Table(
        "rounds",
        "Largest funding rounds of the last two years",
        ("Date", "Company", "Country", "Amount", "Lead", "Sources"),
    )
    for fid in report.rounds[:limit]:
        row = report.fact(fid)
        mark = CONFLICT_MARK if row.get("conflict") else ""
        t.rows.append(
            (
                Cell(row.get("period") or fmt.day(row.get("date")), tone="head"),
                Cell(fmt.clip(str(row.get("entity") or "?"), 20), facts=(fid,)),
                Cell(str(row.get("country") or "")),
                Cell(fmt.money(row.get("value")) + mark),
                Cell(fmt.clip(str(row.get("counterparty") or ""), 18)),
                _refcell(refs, (fid,)),
            )
        )
    return t


def _quarters_money(report: Report, ind: Index, refs: _Refs, limit: int | None) -> Table:
    t = Table(
        "quarters_money",
        "By quarter: AI investment and deals",
        ("Quarter", "US invest", "China invest", "US/CN", "US deals", "China deals", "Sources"),
    )
    periods = sorted(
        set(_periods(ind, "investment", "quarter") + _periods(ind, "deals", "quarter"))
    )
    for period in periods[-limit:] if limit else periods:
        cells = [Cell(period, tone="head")]
        used: list[dict[str, Any] | None] = []
        for name, series in (
            ("investment", "US"),
            ("investment", "CN"),
            ("investment", "US/CN"),
            ("deals", "US"),
            ("deals", "CN"),
        ):
            row = ind.get((name, "quarter", period, series))
            used.append(row)
            cells.append(Cell(_val(report, row, with_change=False), facts=_facts_of(row)))
        cells.append(_refcell(refs, _facts_of(*used)))
        t.rows.append(tuple(cells))
    t.note = "Totals stated for exactly that quarter."
    return t


def _quarters_users(report: Report, ind: Index, refs: _Refs, limit: int | None) -> Table:
    t = Table(
        "quarters_users",
        "By quarter: largest products and chip-export events",
        ("Quarter", "Largest US product", "Largest Chinese product", "US/CN", "Events", "Sources"),
    )
    periods = sorted(
        set(_periods(ind, "top_users", "quarter") + _periods(ind, "chip_events", "quarter"))
    )
    for period in periods[-limit:] if limit else periods:
        us = ind.get(("top_users", "quarter", period, "US"))
        cn = ind.get(("top_users", "quarter", period, "CN"))
        pair = ind.get(("top_users", "quarter", period, "US/CN"))
        events = ind.get(("chip_events", "quarter", period, "all"))
        t.rows.append(
            (
                Cell(period, tone="head"),
                Cell(_product(report, us), facts=_facts_of(us)),
                Cell(_product(report, cn), facts=_facts_of(cn)),
                Cell(_val(report, pair, with_change=False), tone="gap"),
                Cell(fmt.count(events["value"]) if events else "0", facts=_facts_of(events)),
                _refcell(refs, _facts_of(us, cn)),
            )
        )
    return t


def _conflicts(report: Report, refs: _Refs, limit: int | None) -> Table:
    t = Table(
        "conflicts",
        "Where sources disagree",
        ("What", "Period", "Used", "Why", "Also stated", "Sources"),
    )
    for slot in report.conflicts[:limit]:
        used, others = report.fact(slot[0]), [report.fact(i) for i in slot[1:]]
        period = used.get("period") or f"~{fmt.day(used.get('first_seen'))[:7]}"
        also = ", ".join(fmt.fact_value(o) + f" ({o['n_sources']})" for o in others[:3])
        if len(others) > 3:
            also += f" +{len(others) - 3}"
        t.rows.append(
            (
                Cell(fmt.clip(fmt.fact_label(used), 28), tone="head"),
                Cell(str(period)),
                Cell(f"{fmt.fact_value(used)} ({used['n_sources']})", facts=(slot[0],)),
                Cell(str(used.get("reason") or "")),
                Cell(also, facts=tuple(slot[1:])),
                _refcell(refs, tuple(slot)),
            )
        )
    shown = len(report.conflicts[:limit])
    t.note = (
        "The used value wins on: an official source (a government site or a named official "
        "body), then more sources, then the more recent report, then more mentions. "
        "Counts of sources in brackets."
        + (f" Showing {shown} of {report.n_conflicts}." if shown < report.n_conflicts else "")
    )
    return t


def _source(report: Report, article_id: int, number: int) -> Source:
    from reports.normalise import is_official_url

    a = report.articles.get(article_id, {})
    url = str(a.get("url") or "")
    return Source(
        number=number,
        url=url,
        short=fmt.short_url(url),
        title=str(a.get("title") or ""),
        published=fmt.day(a.get("published")),
        official=is_official_url(url) or a.get("source_kind") == "federal_register",
    )


def _note(report: Report, fact_id: int, refs: _Refs) -> FactNote:
    f = report.fact(fact_id)
    seen = fmt.day(f.get("first_seen"))
    last = fmt.day(f.get("last_seen"))
    detail = f"{f.get('n_sources', 0)} source(s), {f.get('n_obs', 0)} mention(s)"
    if seen:
        detail += f"; first reported {seen}" + (f", last {last}" if last and last != seen else "")
    if f.get("official_why"):
        detail += f"; official: {f['official_why']}"
    if f.get("conflict"):
        detail += "; used" if f.get("chosen") else "; not used (another value wins)"
    return FactNote(
        fact_id=fact_id,
        label=fmt.fact_label(f),
        value=fmt.fact_value(f),
        period=str(f.get("period") or f"undated, {seen}"),
        detail=detail,
        evidence=report.evidence.get(int(f.get("evidence_id") or 0), ""),
        refs=refs.of(fact_id),
    )


def _x(period: str) -> float:
    """Chart position of a year or quarter label: the middle of the period."""
    if "-Q" in period:
        return int(period[:4]) + (int(period[-1]) - 1) / 4 + 0.125
    return int(period) + 0.5


def _line(
    report: Report, refs: _Refs, name: str, grain: str, series: tuple[tuple[str, str, str], ...]
) -> tuple[Series, ...]:
    out = []
    rows = report.indicators
    rows = rows[(rows.indicator == name) & (rows.grain == grain)].sort_values("start")
    for key, label, color in series:
        points = []
        for r in rows[rows.series == key].to_dict("records"):
            facts = tuple(int(i) for i in r["fact_ids"])
            refs.cite(facts)
            what = f"{label} {r['period']}: {fmt.value(r['value'], r['unit'])}"
            if r["label"]:
                what += f" ({r['label']})"
            delta = fmt.change(r)
            if delta:
                what += f", {delta} since {r['previous_period']}"
            points.append(Point(_x(str(r["period"])), float(r["value"]), r["period"], what, facts))
        if points:
            out.append(Series(label, color, tuple(points)))
    return tuple(out)


def _charts(report: Report, refs: _Refs) -> list[Chart]:
    """The series the HTML report draws; every point cites its facts."""
    us_cn = (("US", "US", "US"), ("CN", "China", "CN"))
    charts = [
        Chart(
            "investment",
            "AI investment by year, US vs China",
            "line",
            "USD",
            _line(report, refs, "investment", "year", us_cn),
            note=BY_NAME["investment"].definition,
        ),
        Chart(
            "ratio",
            "The gap as a multiple: US/CN",
            "line",
            "x",
            _line(report, refs, "investment", "year", (("US/CN", "Investment", "ratio"),))
            + _line(report, refs, "deals", "year", (("US/CN", "Deals", "ratio2"),))
            + _line(report, refs, "top_users", "year", (("US/CN", "Top product users", "other"),)),
            note="Above 1x the US leads; the line falls as China catches up.",
        ),
        Chart(
            "deals",
            "AI deals by year",
            "line",
            "deals",
            _line(report, refs, "deals", "year", us_cn),
            note=BY_NAME["deals"].definition,
        ),
        Chart(
            "top_users",
            "Largest AI product by users, per quarter (log scale)",
            "line",
            "users",
            _line(report, refs, "top_users", "quarter", us_cn),
            log=True,
            step=0.25,
            note=BY_NAME["top_users"].definition,
        ),
        Chart(
            "talent",
            "AI talent share by year",
            "line",
            "percent",
            _line(report, refs, "talent", "year", us_cn),
            note=BY_NAME["talent"].definition,
        ),
        _timeline(report, refs),
    ]
    return [c for c in charts if c.series]


def _timeline(report: Report, refs: _Refs) -> Chart:
    lanes = tuple(h for _, h in ACTION_COLUMNS)
    lane_of = {a: i for i, (a, _) in enumerate(ACTION_COLUMNS)}
    by_actor: dict[str, list[Point]] = {"US": [], "CN": [], "other": []}
    for fid in report.events:
        f = report.fact(fid)
        when = f.get("date")
        if fmt.missing(when) or when is None:
            continue
        refs.cite((fid,))
        x = when.year + (when.dayofyear - 0.5) / 366
        lane = lane_of.get(str(f.get("action")), len(lanes) - 1)
        actor = f.get("country") if f.get("country") in ("US", "CN") else "other"
        text = f"{f.get('period') or fmt.day(when)}: {fmt.fact_label(f)} ({f['n_sources']} sources)"
        by_actor[str(actor)].append(Point(x, float(lane), str(f.get("action")), text, (fid,)))
    names = {"US": "By the US", "CN": "By China", "other": "By others"}
    series = tuple(Series(names[k], k, tuple(v)) for k, v in by_actor.items() if v)
    return Chart(
        "events",
        "Chip-export events over time",
        "timeline",
        "events",
        series,
        lanes=lanes,
        note=f"The latest {len(report.events)} events in use, by action and by who acted.",
    )
