"""Keys for grouping: names, chip items, periods, and what counts as an official source.

Pure functions on strings; the consolidation applies them once per distinct
value, never per row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from urllib.parse import urlsplit

#: Words that say what a thing is rather than which one: "Elon Musk's AI" stays
#: whole instead of shrinking to "ai".
GENERIC_WORDS = frozenset(
    {"ai", "app", "apps", "assistant", "bot", "chat", "chatbot", "company", "firm", "lab"}
    | {"labs", "model", "models", "platform", "product", "service", "startup"}
)
#: Legal-form words dropped from the end of a name ("Zhipu AI Inc." -> "zhipu ai").
LEGAL_SUFFIXES = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "ltd", "limited", "llc", "plc"}
    | {"gmbh", "sa", "ag", "holdings", "group"}
)
#: Makers dropped from chip item names so "Nvidia H100" and "H100" match.
CHIP_MAKERS = ("nvidia", "amd", "intel", "huawei", "asml", "smic", "tsmc", "samsung")
ITEM_ALIASES = {
    "hbm": "high bandwidth memory",
    "high bandwidth memories": "high bandwidth memory",
    "gpus": "gpu",
    "chips": "chip",
    "semiconductors": "semiconductor",
    "ai chips": "chip",
    "ai chip": "chip",
    "advanced chips": "chip",
    "advanced chip": "chip",
}
#: Items too vague to tell one export-control event from another.
GENERIC_ITEMS = frozenset({"chip", "semiconductor", "gpu", "technology"})

#: Host suffixes of government sites.
OFFICIAL_HOST_SUFFIXES = (
    ".gov",
    ".gov.cn",
    ".gov.uk",
    ".gov.au",
    ".gov.in",
    ".gov.tw",
    ".go.jp",
    ".go.kr",
    ".gc.ca",
    ".mil",
    ".europa.eu",
)
#: Source kinds whose articles are official publications.
OFFICIAL_SOURCE_KINDS = ("federal_register",)
#: Official bodies: a statement attributed to one of these (as its subject,
#: maker or in its evidence sentence) counts as official.
OFFICIAL_BODIES = (
    "commerce department",
    "department of commerce",
    "bureau of industry and security",
    "ministry of commerce",
    "mofcom",
    "white house",
    "federal register",
    "state council",
    "ministry of industry and information technology",
    "cyberspace administration of china",
    "national development and reform commission",
    "national bureau of statistics",
    "european commission",
    "ministry of economy, trade and industry",
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE = re.compile(r"^(.+?)(?:'s|s')\s+(.+)$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return text.replace("\u2019", "'").replace("\u2018", "'").strip()


def text_key(text: str | None) -> str:
    """Lower-case words without punctuation: "Top-tier AI" -> "top tier ai"."""
    return " ".join(_WORD.findall(_fold(text or "")))


def entity_key(name: str | None, org: str | None = None) -> str:
    """The grouping key of a company or product name.

    Case, punctuation and legal suffixes are ignored, an owner in front is
    dropped ("OpenAI's ChatGPT", "Google Gemini" made by Google -> "chatgpt",
    "gemini") unless what remains is only generic words ("Elon Musk's AI").
    """
    if not name:
        return ""
    folded = _fold(name)
    folded = re.sub(r"^the\s+", "", folded)
    m = _POSSESSIVE.match(folded)
    if m and not _generic(m.group(2)):
        folded = m.group(2)
    words = _WORD.findall(folded)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    owner = text_key(org).split() if org else []
    if owner and len(words) > len(owner) and words[: len(owner)] == owner:
        rest = words[len(owner) :]
        if not _generic(" ".join(rest)):
            words = rest
    return " ".join(words) or folded


def _generic(text: str) -> bool:
    return all(w in GENERIC_WORDS for w in _WORD.findall(text))


def item_key(item: str) -> str:
    """One chip item without its maker and in singular: "Nvidia H100s" -> "h100"."""
    words = _WORD.findall(_fold(item).replace("-", " "))
    while len(words) > 1 and words[0] in CHIP_MAKERS:
        words = words[1:]
    key = " ".join(words)
    key = ITEM_ALIASES.get(key, key)
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = ITEM_ALIASES.get(key, key[:-1])
    return key


def items_key(items: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Sorted distinct item keys of an items list (or its JSON text)."""
    names: list[str]
    if isinstance(items, str):
        try:
            names = [str(i) for i in json.loads(items)]
        except ValueError:
            names = [items]
    else:
        names = list(items or ())
    return tuple(sorted({k for k in map(item_key, names) if k}))


def specific_items(keys: tuple[str, ...]) -> frozenset[str]:
    """The item keys that name something specific (not just "chips")."""
    return frozenset(k for k in keys if k not in GENERIC_ITEMS)


def host(url: str | None) -> str:
    """The host of a URL without ``www.``, with its port when it has one."""
    if not url:
        return ""
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def is_official_url(url: str | None) -> bool:
    """Whether a URL is on a government host (``.gov``, ``.gov.cn``, ``europa.eu``, ...)."""
    name = host(url).split(":")[0]
    return any(name.endswith(s) or name == s[1:] for s in OFFICIAL_HOST_SUFFIXES)


def official_body(text: str | None) -> str | None:
    """The official body a name or sentence mentions, if any."""
    if not text:
        return None
    folded = _fold(text)
    return next((b for b in OFFICIAL_BODIES if b in folded), None)


def precision(period: str | None) -> int:
    """How precise a period is: 0 none, 1 year, 2 month, 3 day, 4 a range ``A/B``."""
    if not period:
        return 0
    if "/" in period:
        return 4
    return {4: 1, 7: 2, 10: 3}.get(len(period), 4)


def quarter(day: dt.date) -> str:
    """``2024-Q3``-style label of the quarter a day falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``2024-Q3`` quarter."""
    year, q = int(label[:4]), int(label[-1])
    first = dt.date(year, 3 * q - 2, 1)
    nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)
