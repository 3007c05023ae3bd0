"""One entry point for every report format: terminal, Markdown and HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.build import Report
from reports.layout import layout

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("terminal", "markdown", "html")
#: Terminal tables stay short; files get everything the report cites.
TERMINAL_LIMITS: dict[str, Any] = {"max_quarters": 8, "max_events": 10, "max_conflicts": 10}


def render(report: Report, fmt: str) -> str:
    """The report as Markdown or HTML text."""
    doc = layout(report)
    if fmt == "markdown":
        from reports.markdown import render_markdown

        return render_markdown(doc)
    if fmt == "html":
        from reports.html import render_html

        return render_html(doc)
    raise ValueError(f"unknown report format {fmt!r}; use markdown or html (or print())")


def print_report(report: Report, console: Console | None = None, *, urls: bool = False) -> None:
    """Print the report in the terminal; ``urls`` lists full source URLs at the end."""
    from reports.terminal import render_terminal

    render_terminal(layout(report, **TERMINAL_LIMITS), console, urls=urls)
