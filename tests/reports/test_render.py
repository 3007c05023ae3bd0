"""Renderers: Markdown content, terminal tables within 100 columns, self-contained HTML."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from reports.build import Report, build_report
from reports.format import change, short_url
from reports.render import print_report, render
from schemas.store import Store


@pytest.fixture
def gap(sqlite_gap_url: str) -> Report:
    store = Store(sqlite_gap_url)
    try:
        return build_report(store)
    finally:
        store.close()


def _terminal(report: Report, *, urls: bool = False, width: int = 100) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    print_report(report, console, urls=urls)
    return console.export_text()


def test_markdown_has_every_section_with_linked_sources_and_evidence(gap: Report) -> None:
    md = render(gap, "markdown")
    for title in (
        "# US–China AI gap report",
        "## At a glance",
        "## AI investment by year",
        "## AI deals by year",
        "## Largest AI products by users",
        "## AI talent: share of top-tier AI researchers",
        "## Chip-export events by year",
        "## Latest chip-export events",
        "## By quarter: AI investment and deals",
        "## Where sources disagree",
        "## Evidence",
        "## Sources",
    ):
        assert title in md, title
    # 2024: US $109.1B (used over $97B), China $9.3B, 11.7x; up 62% on 2023.
    row = next(line for line in md.splitlines() if line.startswith("| **2024** | $109.1B"))
    assert "$9.3B" in row and "11.7x" in row and "▲62%" in row
    assert "*" in row.split("|")[2]  # the US figure is contested
    assert "| **US AI investment** | 2024 | $109.1B (2) | more sources: 2 vs 1 | $97.0B (1) |" in md
    assert "1 subject has conflicting values" in md
    # Sources are numbered links, listed in full at the end, each once.
    assert re.search(r"\[1\]\(https://news\.example/[^)]+\)", md)
    listed = re.findall(r"^(\d+)\. \[", md, flags=re.M)
    assert listed == [str(i) for i in range(1, len(listed) + 1)]
    # The evidence list quotes the sentence behind each fact.
    assert "“US private AI investment reached $109.1 billion in 2024.”" in md
    assert "official" in md  # the BIS source is marked


def test_terminal_fits_in_100_columns_and_cites_by_number(gap: Report) -> None:
    text = _terminal(gap)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "https://" not in text  # short domain/path in the source list, never full URLs
    assert "news.example/…/ai-index" in text
    assert "At a glance" in text and "Where sources disagree" in text
    glance = next(line for line in lines if line.startswith("AI investment "))
    assert "$109.1B" in glance and "11.7x" in glance
    # Each table row is one line: values are never folded mid-number.
    assert not any(line.strip().startswith(("B ", "M ")) for line in lines)


def test_terminal_can_list_full_urls(gap: Report) -> None:
    text = _terminal(gap, urls=True)
    assert re.search(r"^\[1\] https://", text, flags=re.M)


def test_html_is_self_contained_with_charts_linking_to_evidence(gap: Report) -> None:
    html = render(gap, "html")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']https?://(?!news\.example|www\.bis\.gov)""", html)
    charts = re.findall(r'<svg class="chart"[^>]*data-chart="(\w+)"', html)
    assert {"investment", "ratio", "deals", "top_users", "talent", "events"} <= set(charts)
    anchors = set(re.findall(r'<li id="(fact-\d+)"', html))
    targets = set(re.findall(r'<a href="#(fact-\d+)" class="point"', html))
    assert targets and targets <= anchors


def test_changes_and_urls_read_short() -> None:
    assert (
        change({"change": 19.8e9, "previous": 47.4e9, "change_pct": 0.4177, "unit": "USD"})
        == "▲42%"
    )
    assert (
        change({"change": -2.0, "previous": 20.0, "change_pct": -0.1, "unit": "percent"})
        == "▼2 pts"
    )
    assert (
        change(
            {"change": 99e6, "previous": 1e6, "change_pct": 99.0, "value": 100e6, "unit": "users"}
        )
        == "▲100x"
    )
    assert change({"change": float("nan"), "previous": float("nan"), "unit": "USD"}) == ""
    assert short_url(
        "https://www.example.com/news/2024/04/a-very-long-story-name-indeed-it-is.html", 40
    ) == ("example.com/…/a-very-long-story-name-in…")
