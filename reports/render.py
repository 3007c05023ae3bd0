"""Rendering a GapReport: rich tables for the terminal, Markdown for files."""

from __future__ import annotations

from collections.abc import Iterator

from reports.gap import Fact, GapReport


def money(v: float | None) -> str:
    """$1.2B-style money for tables."""
    if v is None:
        return "—"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= scale:
            return f"${v / scale:,.1f}{suffix}"
    return f"${v:,.0f}"


def count(v: float | None) -> str:
    """1.2M-style counts for tables."""
    if v is None:
        return "—"
    for scale, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(v) >= scale:
            return f"{v / scale:,.1f}{suffix}"
    return f"{v:,.0f}"


def ratio(v: float | None) -> str:
    """A multiple such as 15.5x."""
    return "—" if v is None else f"{v:,.1f}x"


def sources(f: Fact | None, *, links: bool = False) -> str:
    """Where a fact comes from: source count and URLs."""
    if f is None:
        return ""
    if links:
        return ", ".join(f"[{i + 1}]({u})" for i, u in enumerate(f.sources))
    return " ".join(f.sources[:2]) + (f" (+{len(f.sources) - 2})" if len(f.sources) > 2 else "")


def _conflict(f: Fact | None) -> str:
    return (
        ""
        if f is None or not f.alternatives
        else f" (also {', '.join(count(a) for a in f.alternatives)})"
    )


def _tables(report: GapReport, *, links: bool) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    yield (
        "AI investment and deals, US vs China",
        [
            "Year",
            "US invest",
            "China invest",
            "US/CN",
            "US deals",
            "China deals",
            "US/CN deals",
            "Sources",
        ],
        [
            [
                str(y.year),
                money(y.us_usd.value if y.us_usd else None) + _conflict(y.us_usd),
                money(y.cn_usd.value if y.cn_usd else None) + _conflict(y.cn_usd),
                ratio(y.usd_ratio),
                count(y.us_deals.value if y.us_deals else None),
                count(y.cn_deals.value if y.cn_deals else None),
                ratio(y.deals_ratio),
                " ".join(
                    sources(f, links=links)
                    for f in (y.us_usd, y.cn_usd, y.us_deals, y.cn_deals)
                    if f
                ),
            ]
            for y in report.years
        ],
    )
    yield (
        "AI product users over time",
        ["Product", "Maker", "Country", "Users", "Kind", "As of", "Sources"],
        [
            [
                f.entity or "?",
                f.org or "",
                f.country or "",
                count(f.value),
                f.qualifier or "",
                f.period or (str(f.first_seen) if f.first_seen else ""),
                sources(f, links=links),
            ]
            for f in report.users
        ],
    )
    yield (
        "Chip-export events",
        ["When", "Who", "Action", "On whom", "Items", "Sources"],
        [
            [
                f.period or (str(f.first_seen) if f.first_seen else ""),
                f.country or "",
                f.action or "",
                f.counterparty or "",
                ", ".join(f.items),
                sources(f, links=links),
            ]
            for f in report.chip_events
        ],
    )
    yield (
        "AI talent shares",
        ["Country", "Share", "Of what", "Sources"],
        [
            [f.country or "", f"{f.value:g}%", f.qualifier or "", sources(f, links=links)]
            for f in report.talent
        ],
    )
    yield (
        "Funding rounds",
        ["When", "Company", "Amount", "Lead investor", "Sources"],
        [
            [
                f.period or (str(f.first_seen) if f.first_seen else ""),
                f.entity or "",
                money(f.value),
                f.counterparty or "",
                sources(f, links=links),
            ]
            for f in report.rounds
        ],
    )


def to_markdown(report: GapReport) -> str:
    """The report as a Markdown document with source links."""
    out = ["# US–China AI gap report", "", f"Built from {report.n_observations} observations.", ""]
    for title, header, rows in _tables(report, links=True):
        out += [f"## {title}", ""]
        if not rows:
            out += ["_No data yet._", ""]
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def print_terminal(report: GapReport) -> None:
    """Print the report as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]US–China AI gap report[/] — {report.n_observations} observations")
    for title, header, rows in _tables(report, links=False):
        table = Table(title=title, title_justify="left", show_lines=False)
        for h in header:
            table.add_column(h, overflow="fold", max_width=60 if h == "Sources" else None)
        for row in rows:
            table.add_row(*row)
        if not rows:
            table.add_row(*(["no data yet"] + [""] * (len(header) - 1)))
        console.print(table)
