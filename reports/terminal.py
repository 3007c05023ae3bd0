"""The report in the terminal: rich tables that fit in 100 columns, sources by number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.format import clip
from reports.layout import Cell, Document, Table

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: Tables printed even when empty, so a missing indicator is visible.
ALWAYS = ("glance", "investment", "deals", "top_users", "talent", "chip_events")
WIDTH = 100


def render_terminal(doc: Document, console: Console | None = None, *, urls: bool = False) -> None:
    """Print a laid-out report; ``urls`` adds the full URL of every source at the end."""
    from rich.console import Console

    if console is None:
        console = Console()
        if not console.is_terminal:
            # Piped or redirected: Rich would assume 80 columns; the tables are laid out for 100.
            console = Console(width=WIDTH)
    console.print(f"[bold]{doc.title}[/]")
    for line in doc.summary:
        console.print(line, style="dim")
    for table in doc.tables:
        if table.rows or table.key in ALWAYS:
            console.print()
            console.print(table.title, style="bold", highlight=False)
            console.print(_table(table))
            if table.note and table.rows:
                console.print(table.note, style="dim", width=min(console.width, WIDTH))
    _sources(doc, console, urls=urls)


def _text(cell: Cell) -> Text:
    from rich.text import Text

    body = cell.text
    if cell.refs:
        body = (body + " " if body else "") + ",".join(str(n) for n in cell.refs)
    text = Text(body, style="bold" if cell.tone == "head" else "cyan" if cell.tone == "gap" else "")
    text.highlight_regex(r"▲\S*", "green")
    text.highlight_regex(r"▼\S*", "red")
    text.highlight_regex(r"\*", "yellow")
    return text


def _table(t: Table) -> object:
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for i, name in enumerate(t.columns):
        long = name in ("Why", "Items", "Also stated", "Title")
        # The row label never shrinks; on a narrow terminal values wrap rather than lose digits.
        head = i == 0
        table.add_column(
            "Src" if name == "Sources" else name,
            no_wrap=head,
            min_width=max((len(r[0].text) for r in t.rows), default=4) if head else None,
            overflow="fold",
            max_width=30 if long else None,
            justify="left",
        )
    for row in t.rows:
        table.add_row(*(_text(c) for c in row))
    if not t.rows:
        table.add_row("no data yet", *([""] * (len(t.columns) - 1)))
    return table


def _sources(doc: Document, console: Console, *, urls: bool) -> None:
    from rich import box
    from rich.table import Table as RichTable

    if not doc.sources:
        return
    console.print()
    console.print("Sources", style="bold")
    table = RichTable(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Published", no_wrap=True)
    table.add_column("Where", no_wrap=True, max_width=44, overflow="ellipsis")
    table.add_column("Title", no_wrap=True, max_width=36, overflow="ellipsis")
    for s in doc.sources:
        where = s.short + (" (official)" if s.official else "")
        table.add_row(str(s.number), s.published, where, clip(s.title, 36))
    console.print(table)
    if urls:
        for s in doc.sources:
            console.print(f"[{s.number}] {s.url}", soft_wrap=True, highlight=False)
    else:
        console.print("Full URLs: gaptrack report --urls, or --format markdown/html.", style="dim")
