"""Tables in article text: a caption, a header row and data rows, one line each.

Two layouts reach the extractors. Hand-written text joins cells with " | "
("United States | 52.9 | 47.4"); the HTML parser writes Markdown rows
("| United States | 52.9 | 47.4 |"), sometimes with the caption as a row of its
own and a "|---|---|" rule under the header. Both become a ``Table`` whose rows
keep the offsets of their line, so a fact read from a row has the row as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.metrics.sentences import paragraphs

_RULE_CELL = re.compile(r":?-{2,}:?")
#: A caption is a short line without a full stop at its end.
_MAX_CAPTION = 200


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: its cells and where its line sits in the article."""

    cells: tuple[str, ...]
    start: int
    end: int


@dataclass(slots=True)
class Table:
    """A table: caption (may be empty), header cells and data rows."""

    caption: str
    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    #: Offsets of every line that belongs to the table, caption included.
    spans: list[tuple[int, int]] = field(default_factory=list)

    def column(self, *patterns: str) -> int | None:
        """Index of the first header cell matching any of ``patterns`` (regexes)."""
        for i, cell in enumerate(self.header):
            if any(re.search(p, cell, re.IGNORECASE) for p in patterns):
                return i
        return None


def _cells(line: str) -> list[str] | None:
    """The cells of a table line, or None when the line is prose."""
    body = line.strip()
    if "|" not in body:
        return None
    markdown = body.startswith("|")
    if not markdown and " | " not in body:
        return None
    if markdown:
        body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
    cells = [c.strip() for c in body.split("|")]
    if len(cells) < 2:
        return None
    return cells


def _is_rule(cells: list[str]) -> bool:
    return all(_RULE_CELL.fullmatch(c) or not c for c in cells) and any(cells)


def find_tables(text: str) -> list[Table]:
    """Tables of ``text``, each with the line before it as caption when that line reads
    like one (short, not a sentence)."""
    lines = paragraphs(text)
    tables: list[Table] = []
    current: Table | None = None
    previous: tuple[int, int] | None = None
    for start, end in lines:
        cells = _cells(text[start:end])
        if cells is None:
            current = None
            previous = (start, end)
            continue
        if _is_rule(cells):
            if current is not None:
                current.spans.append((start, end))
            continue
        filled = [c for c in cells if c]
        if current is None:
            if len(filled) < 2:
                # "| Private AI investment, $bn |  |  |": a caption written as a row.
                current = Table(filled[0] if filled else "", ())
                current.spans.append((start, end))
                previous = None
                continue
            current = Table("", tuple(cells))
            if previous is not None:
                line = text[previous[0] : previous[1]]
                if len(line) <= _MAX_CAPTION and not line.rstrip().endswith((".", "!", "?", ":")):
                    current.caption = line.strip()
                    current.spans.append(previous)
            current.spans.append((start, end))
            tables.append(current)
            continue
        if not current.header:
            if len(filled) < 2:
                current.caption = " ".join([current.caption, *filled]).strip()
                current.spans.append((start, end))
                continue
            current.header = tuple(cells)
            current.spans.append((start, end))
            tables.append(current)
            continue
        current.rows.append(Row(tuple(cells), start, end))
        current.spans.append((start, end))
    return [t for t in tables if t.rows]


_UNIT = re.compile(
    r"(?P<cur>US\$|\$|USD|€|EUR|£|GBP|RMB|CNY|yuan|euros?|dollars?)?\s*"
    r"(?P<scale>trillions?|tn|billions?|bn|millions?|mn|m|thousands?|k)\b"
    r"(?:\s+(?:of\s+)?(?P<cur2>US\s+dollars|dollars|yuan|euros|USD|RMB))?",
    re.IGNORECASE,
)
_SCALE_WORDS = {
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_CURRENCY_WORDS = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
}


def unit_of(text: str) -> tuple[str | None, float] | None:
    """Currency and scale a caption or header gives its figures in: "$bn", "US$ million",
    "billions of dollars", "(millions)". None when it names no scale."""
    for m in _UNIT.finditer(text):
        raw = m.group("scale").lower()
        scale = raw[:-1] if raw.endswith("s") and len(raw) > 3 else raw
        cur = m.group("cur") or m.group("cur2")
        # A bare "m" or "k" only counts right after a currency sign ("$m").
        if scale in ("m", "k") and not m.group("cur"):
            continue
        currency = _CURRENCY_WORDS.get(" ".join(cur.lower().split())) if cur else None
        return currency, _SCALE_WORDS.get(scale, 1.0)
    return None


_PLAIN_NUMBER = re.compile(
    r"^\s*(?:about\s+|around\s+|~)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*\*?\s*$"
)


def plain_number(cell: str) -> float | None:
    """The value of a cell that holds only a number ("52.9", "1,151")."""
    m = _PLAIN_NUMBER.match(cell)
    if not m:
        return None
    return float((m.group(1) + (m.group(2) or "")).replace(",", ""))
