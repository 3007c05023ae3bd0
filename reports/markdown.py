"""The report as Markdown: the same tables, sources as links, and the evidence behind each fact."""

from __future__ import annotations

from reports.layout import Cell, Document, Table


def render_markdown(doc: Document) -> str:
    """A Markdown document: tables, evidence sentences and the numbered source list."""
    urls = {s.number: s.url for s in doc.sources}
    out = [f"# {doc.title}", ""]
    for line in doc.summary:
        out += [line, ""]
    for table in doc.tables:
        if table.rows or table.key in ("glance", "investment", "deals", "top_users", "talent"):
            out += _table(table, urls)
    if doc.notes:
        out += ["## Evidence", ""]
        out += ["Every fact the tables use, with the sentence it was read from.", ""]
        for n in doc.notes:
            cites = " ".join(_ref(r, urls) for r in n.refs)
            quote = f" “{_escape(n.evidence)}”" if n.evidence else ""
            out.append(
                f"- **F{n.fact_id}** {_escape(n.label)}, {n.period}: **{n.value}** "
                f"({n.detail}).{quote} {cites}".rstrip()
            )
        out.append("")
    if doc.sources:
        out += ["## Sources", ""]
        for s in doc.sources:
            extra = " — official" if s.official else ""
            title = f" — {_escape(s.title)}" if s.title else ""
            date = f" ({s.published})" if s.published else ""
            out.append(f"{s.number}. [{_escape(s.short)}]({s.url}){title}{date}{extra}")
        out.append("")
    return "\n".join(out)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _ref(n: int, urls: dict[int, str]) -> str:
    return f"[{n}]({urls[n]})" if n in urls else f"[{n}]"


def _cell(cell: Cell, urls: dict[int, str]) -> str:
    text = _escape(cell.text)
    if cell.tone == "head":
        text = f"**{text}**"
    if cell.refs:
        text = (text + " " if text else "") + " ".join(_ref(r, urls) for r in cell.refs)
    return text


def _table(t: Table, urls: dict[int, str]) -> list[str]:
    out = [f"## {t.title}", ""]
    if not t.rows:
        return [*out, "_No data yet._", ""]
    out.append("| " + " | ".join(t.columns) + " |")
    out.append("|" + "".join("---|" for _ in t.columns))
    out += ["| " + " | ".join(_cell(c, urls) for c in row) + " |" for row in t.rows]
    out.append("")
    if t.note:
        out += [f"_{_escape(t.note)}_", ""]
    return out
