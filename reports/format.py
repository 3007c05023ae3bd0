"""Short, readable numbers and labels shared by every renderer."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

KIND_SHORT = {
    "monthly_active": "MAU",
    "weekly_active": "WAU",
    "daily_active": "DAU",
    "total": "total",
    "registered": "registered",
    "downloads": "downloads",
}
COUNTRY_NAMES = {"US": "US", "CN": "China"}


def missing(v: Any) -> bool:
    """Whether a value is absent (None or NaN)."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def money(v: float | None) -> str:
    """$1.2B-style money."""
    if missing(v):
        return "—"
    assert v is not None
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= scale:
            return f"${v / scale:,.1f}{suffix}"
    return f"${v:,.0f}"


def count(v: float | None) -> str:
    """1.2M-style counts; small counts in full."""
    if missing(v):
        return "—"
    assert v is not None
    for scale, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(v) >= scale:
            return f"{v / scale:,.1f}{suffix}"
    return f"{v:,.0f}"


def ratio(v: float | None) -> str:
    """A multiple such as 11.7x."""
    return "—" if missing(v) else f"{v:,.1f}x"


def percent(v: float | None) -> str:
    """A share such as 18%."""
    return "—" if missing(v) else f"{v:g}%"


def points(v: float | None) -> str:
    """A difference in percentage points, signed."""
    return "—" if missing(v) else f"{v:+g} pts"


def value(v: float | None, unit: str) -> str:
    """A value in its unit's usual form."""
    if unit == "USD":
        return money(v)
    if unit == "percent":
        return percent(v)
    if unit == "x":
        return ratio(v)
    if unit == "points":
        return points(v)
    return count(v)


def change(row: dict[str, Any]) -> str:
    """How a value moved since the previous period: ▲62% for amounts, ▲3 for counts."""
    if missing(row.get("change")) or missing(row.get("previous")):
        return ""
    delta, prev = float(row["change"]), float(row["previous"])
    unit = row.get("unit", "")
    if delta == 0:
        return "="
    arrow = "▲" if delta > 0 else "▼"
    size = abs(delta)
    if unit in ("events",):
        return f"{arrow}{size:g}"
    if unit == "x":
        return f"{arrow}{size:.1f}x"
    if unit in ("percent", "points"):
        return f"{arrow}{size:g} pts"
    if missing(row.get("change_pct")):
        return arrow
    pct = float(row["change_pct"])
    if pct >= 9:  # beyond tenfold a multiple reads better than ▲9,900%
        return f"{arrow}{row['value'] / prev:,.0f}x"
    return f"{arrow}{abs(pct) * 100:,.0f}%"


#: What each talent qualifier code measures, in words.
TALENT_MEASURES = {
    "undergraduate_origin": "top AI researchers by where they studied as undergraduates",
    "work_location": "top AI researchers by where they work",
    "work_location_elite": "the most elite AI researchers by where they work",
}


def talent_measure(qualifier: object) -> str:
    """A talent qualifier in words ("undergraduate_origin" -> what it measures)."""
    code = str(qualifier or "").strip()
    return TALENT_MEASURES.get(code, code.replace("_", " ") or "AI talent")


def kind(qualifier: str | None) -> str:
    """MAU / WAU / DAU for user-count kinds."""
    return KIND_SHORT.get(qualifier or "", (qualifier or "").replace("_", " "))


def short_url(url: str, width: int = 44) -> str:
    """Host and the end of the path, at most ``width`` characters: "news.example/…/story.html"."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    tail = path.rsplit("/", 1)[-1] if path else ""
    text = host + (f"/…/{tail}" if path.count("/") > 1 else path)
    if len(text) <= width:
        return text
    return text[: width - 1] + "…"


def clip(text: str, width: int) -> str:
    """Text cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def fact_label(f: dict[str, Any]) -> str:
    """What a fact is about, in words: "ChatGPT users (WAU)", "US restrict → CN: H20"."""
    metric = f.get("metric")
    country = COUNTRY_NAMES.get(f.get("country") or "", f.get("country") or "?")
    if metric == "ai_investment_usd":
        return f"{country} AI investment"
    if metric == "ai_deal_count":
        return f"{country} AI deals"
    if metric == "user_count":
        return f"{f.get('entity') or '?'} users ({kind(f.get('qualifier'))})"
    if metric == "funding_round_usd":
        return f"{f.get('entity') or '?'} funding round"
    if metric == "talent_share_pct":
        return f"{country} share of {talent_measure(f.get('qualifier'))}"
    if metric == "chip_export_event":
        target = f" → {f['counterparty']}" if f.get("counterparty") else ""
        items = ", ".join(f.get("items") or ())
        return f"{f.get('country') or '?'} {f.get('action') or 'acts'}{target}" + (
            f": {items}" if items else ""
        )
    return f"{metric} {f.get('entity') or country}"


def fact_value(f: dict[str, Any]) -> str:
    """A fact's value in its unit."""
    if f.get("metric") == "chip_export_event":
        return "event"
    return value(f.get("value"), str(f.get("unit") or ""))


def day(v: Any) -> str:
    """A date as YYYY-MM-DD, or "" when absent."""
    if missing(v) or v is None or v != v:
        return ""
    return str(v)[:10]
