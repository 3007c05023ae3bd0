"""The report as one self-contained HTML file: inline CSS and SVG charts, nothing fetched.

A Content-Security-Policy forbids every external load, so the file behaves the
same offline; links to sources are ordinary links the reader may follow.
"""

from __future__ import annotations

from html import escape

from reports.charts import PALETTE, render_chart
from reports.layout import Cell, Document, Table

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

ROOT = (
    f":root {{ --us: {PALETTE['US']}; --cn: {PALETTE['CN']}; "
    "--ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }"
)
STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f8fafc; }
header { background: #0f172a; color: #f8fafc; padding: 22px 32px 18px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header p { margin: 2px 0; color: #cbd5e1; font-size: 13px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 28px 60px; }
h2 { font-size: 18px; margin: 30px 0 10px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(500px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px;
         padding: 12px 14px 10px; }
figcaption { font-weight: 600; margin-bottom: 2px; }
figure p { margin: 4px 0 0; color: var(--muted); font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .grid { stroke: #eef0f3; stroke-width: 1; }
svg .lane { stroke: #e5e7eb; stroke-dasharray: 2 3; }
svg .bridge { stroke-dasharray: 3 4; stroke-width: 1.2; opacity: 0.6; }
svg .parity { stroke: #9ca3af; stroke-dasharray: 4 3; }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .legend { font-size: 12px; fill: var(--ink); }
svg a.point:hover circle { stroke: #111827; stroke-width: 2.5; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: 16px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
               padding: 4px 16px 12px; overflow-x: auto; }
section.card h2 { margin-top: 12px; }
section.wide { grid-column: 1 / -1; }
section.lead { margin-top: 16px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line);
     padding: 5px 8px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
td.head { font-weight: 600; white-space: nowrap; }
td.gap { color: #5b21b6; font-weight: 600; white-space: nowrap; }
.up { color: #15803d; } .down { color: #b91c1c; } .warn { color: #b45309; font-weight: 700; }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
a.val { color: inherit; text-decoration: none; }
a.val:hover { text-decoration: underline dotted; }
a.ref { font-size: 11.5px; text-decoration: none; color: #2563eb; padding: 0 1px; }
#glance td { font-size: 15px; }
ol.evidence li, ol.sources li { margin: 0 0 8px; }
ol.evidence q { color: #374151; }
ol.evidence li:target, ol.sources li:target { background: #fef9c3; }
.official { font-size: 11px; background: #dcfce7; color: #166534; border-radius: 3px;
            padding: 0 4px; }
"""

LEAD_TABLES = ("glance",)
#: Tables too wide for half a page.
WIDE_TABLES = ("chip_events", "events", "rounds", "quarters_money", "quarters_users", "conflicts")


def render_html(doc: Document) -> str:
    """One HTML page with the charts, the tables, the evidence and the sources."""
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(doc.title)}</title><style>{ROOT}{STYLE}</style></head><body>",
        f"<header><h1>{escape(doc.title)}</h1>",
        *(f"<p>{escape(line)}</p>" for line in doc.summary),
        "</header><main>",
    ]
    lead = [t for t in doc.tables if t.key in LEAD_TABLES]
    rest = [t for t in doc.tables if t.key not in LEAD_TABLES and t.rows]
    out += [_table(t, lead=True) for t in lead]
    if doc.charts:
        out.append('<h2>Trends</h2><div class="charts">')
        for c in doc.charts:
            note = f"<p>{escape(c.note)}</p>" if c.note else ""
            out.append(
                f'<figure id="chart-{c.key}"><figcaption>{escape(c.title)}</figcaption>'
                f"{render_chart(c)}{note}</figure>"
            )
        out.append("</div>")
    out.append('<h2>Tables</h2><div class="tables">')
    out += [_table(t, wide=t.key in WIDE_TABLES) for t in rest]
    out.append("</div>")
    out += _evidence(doc)
    out += _sources(doc)
    out.append("</main></body></html>")
    return "\n".join(out)


def _text(text: str) -> str:
    """Escaped cell text with rises, falls and conflict marks coloured."""
    parts = []
    for word in text.split(" "):
        w = escape(word)
        if word.startswith("▲"):
            w = f'<span class="up">{w}</span>'
        elif word.startswith("▼"):
            w = f'<span class="down">{w}</span>'
        elif word.endswith("*"):
            w = w[:-1] + '<span class="warn" title="sources disagree">*</span>'
        parts.append(w)
    return " ".join(parts)


def _cell(cell: Cell) -> str:
    cls = f' class="{cell.tone}"' if cell.tone else ""
    body = _text(cell.text)
    if cell.facts and cell.text and cell.text != "—":
        body = f'<a class="val" href="#fact-{cell.facts[0]}">{body}</a>'
    refs = "".join(f'<a class="ref" href="#src-{n}">[{n}]</a>' for n in cell.refs)
    return f"<td{cls}>{body}{refs}</td>"


def _table(t: Table, *, wide: bool = False, lead: bool = False) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in t.columns)
    rows = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in t.rows)
    if not t.rows:
        rows = f'<tr><td colspan="{len(t.columns)}">No data yet.</td></tr>'
    note = f'<p class="note">{escape(t.note)}</p>' if t.note else ""
    cls = "card wide" if wide else "card lead" if lead else "card"
    return (
        f'<section class="{cls}" id="{t.key}"><h2>{escape(t.title)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}</section>"
    )


def _evidence(doc: Document) -> list[str]:
    if not doc.notes:
        return []
    out = [
        '<h2 id="evidence">Evidence</h2>',
        '<p class="note">Every fact the charts and tables use, with the sentence it was read '
        "from and its sources.</p>",
        '<ol class="evidence">',
    ]
    for n in doc.notes:
        refs = "".join(f'<a class="ref" href="#src-{r}">[{r}]</a>' for r in n.refs)
        quote = f" <q>{escape(n.evidence)}</q>" if n.evidence else ""
        out.append(
            f'<li id="fact-{n.fact_id}"><b>{escape(n.label)}</b>, {escape(n.period)}: '
            f"<b>{escape(n.value)}</b> <span class=note>({escape(n.detail)})</span>"
            f"{quote} {refs}</li>"
        )
    out.append("</ol>")
    return out


def _sources(doc: Document) -> list[str]:
    if not doc.sources:
        return []
    out = ['<h2 id="sources">Sources</h2>', '<ol class="sources">']
    for s in doc.sources:
        badge = ' <span class="official">official</span>' if s.official else ""
        date = f" <span class=note>{escape(s.published)}</span>" if s.published else ""
        title = f" — {escape(s.title)}" if s.title else ""
        out.append(
            f'<li id="src-{s.number}" value="{s.number}"><a href="{escape(s.url)}" '
            f'rel="noreferrer">{escape(s.short)}</a>{title}{date}{badge}</li>'
        )
    out.append("</ol>")
    return out
