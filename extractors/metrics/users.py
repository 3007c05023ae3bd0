"""User counts of AI products: "Ernie Bot reached 100 million users", "its weekly
active users exceeded 400 million", "a user base of 200 million".

The entity is the product (its maker is ``org``); a company named alone stands
for its product when the article has just named it. Paying subscribers, business
customers and API calls are not users here.
"""

from __future__ import annotations

import re

from extractors.metrics.document import AI_TERM, Analysed, Document
from extractors.metrics.entities import Entity, Mention, gazetteer, proper_name_at
from extractors.metrics.numbers import Quantity
from schemas.records import Observation

_KIND = r"(?P<kind>monthly|weekly|daily|registered|active|total|cumulative)"
_NOUN = r"(?P<noun>users?|MAUs?|DAUs?|WAUs?|downloads|installs|installations)"
_AFTER_COUNT = re.compile(
    rf"^\s*(?:{_KIND}(?:[\s-]+active)?\s+|active\s+)?(?:(?:AI|app|chatbot|global|individual|unique)\s+)?"
    rf"(?:{_NOUN}\b|(?P<user_count>user\s+(?:count|base|tally|mark|milestone)))"
    r"|^\s*(?P<people>people|individuals|consumers)\s+(?:\w+\s+)?(?:use|using|used|have\s+used|tried)\b"
    r"|^\s*(?:people|users|individuals)\s+(?:every|each|a|per)\s+(?P<per>day|week|month)\b"
    r"|^\s*(?P<times>times)\b",
    re.IGNORECASE,
)
_BEFORE_COUNT = re.compile(
    rf"(?:{_KIND}(?:[\s-]+active)?\s+|active\s+)?(?:user\s+(?:base|count|numbers?|tally)|{_NOUN})\s+"
    r"(?:[\w'’-]+\s+){0,5}?(?:of|at|to|exceeded|exceeds|surpassed|surpasses|topped|tops|reached|reaches|"
    r"hit|hits|passed|crossed|stood\s+at|stands\s+at|(?:rose|grew|jumped|climbed|surged|soared|"
    r"increased|doubled|swelled)(?:\s+to)?|totall?ed|numbered|is|was|were|are|has|had|have|now|near|"
    r"approach\w*)\s+"
    r"(?:\w+\s+)?$",
    re.IGNORECASE,
)
_NOT_USERS = re.compile(
    r"\b(?:pay(?:ing)?|paid|premium|business|enterprise|corporate|developers?|subscri\w+|API|"
    r"customers?|clients?|employees?|students?|visits?|queries|requests|calls|times|internet|"
    r"online|smartphone|mobile\s+phone|netizens)\s*$",
    re.IGNORECASE,
)
_NOT_USERS_AFTER = re.compile(
    r"^\s*(?:paying|paid|business|enterprise|developer|API)\b", re.IGNORECASE
)
_USER_WORDS = re.compile(r"users?|MAU|DAU|WAU|download|install|people|individuals|consumers", re.I)
_PER = {"day": "daily_active", "week": "weekly_active", "month": "monthly_active"}
_QUALIFIERS = {
    "monthly": "monthly_active",
    "weekly": "weekly_active",
    "daily": "daily_active",
    "registered": "registered",
    "mau": "monthly_active",
    "maus": "monthly_active",
    "dau": "daily_active",
    "daus": "daily_active",
    "wau": "weekly_active",
    "waus": "weekly_active",
    "downloads": "downloads",
    "installs": "downloads",
    "installations": "downloads",
}
_PRONOUN = re.compile(
    r"\b(?:its|it|the\s+(?:[\w-]+\s+)?(?:company|firm|chatbot|app|assistant|service|platform|bot|"
    r"startup|model|product|giant|group|maker|developer|lab|leader))\b",
    re.IGNORECASE,
)
_ELLIPSIS_AFTER = re.compile(
    r"^\s*(?:[,.;)]|$|in\b|by\b|as\s+of\b|and\b|to\b|for\b|a\s+year|last\b|this\b|earlier\b)",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:now|currently|today)\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:now|currently|has|have|today)\b", re.IGNORECASE)
_APP_WORDS = re.compile(r"\b(?:app|apps|chatbot|assistant|model|AI|platform)\b")
_PRODUCT_LOOKBACK = 4
_MIN_USERS = 1_000
_MAX_USERS = 9e9


def _qualifier(word: str | None) -> str:
    if not word:
        return "total"
    return _QUALIFIERS.get(word.lower(), "total")


def _user_quantities(a: Analysed, carried: str | None = None) -> list[tuple[Quantity, str]]:
    """Counts in the sentence that are user numbers, with their qualifier; ``carried`` is
    the qualifier of the previous sentence's counts, which bare counts here continue
    ("Doubao had 157 million monthly users. DeepSeek ranked second with 143 million.")."""
    text = a.text
    counts = [q for q in a.quantities if q.kind == "count"]
    found: list[tuple[Quantity, str]] = []
    if counts and carried and not _USER_WORDS.search(text):
        return [
            (q, carried)
            for q in counts
            if q.scaled and _ELLIPSIS_AFTER.match(text[q.end : q.end + 20])
        ]
    if not counts or not _USER_WORDS.search(text):
        return found
    for q in counts:
        after = text[q.end : q.end + 80]
        # Windows keep the work per number small in long sentences.
        before = text[max(0, q.start - 120) : q.start]
        m = _AFTER_COUNT.match(after)
        if m and m.group("times"):
            # "downloaded more than 10 million times"
            if re.search(r"\b(?:downloaded|installed)\s+(?:\w+\s+)?$", before):
                found.append((q, "downloads"))
            continue
        if m and m.group("per"):
            # "used by 400 million people every week"
            found.append((q, _PER[m.group("per").lower()]))
            continue
        if (
            m
            and not _NOT_USERS_AFTER.match(after)
            and not _NOT_USERS.search(text[q.end : q.end + m.end()])
        ):
            word = m.group("kind") or m.group("noun")
            if m.group("kind") and m.group("kind").lower() in ("active", "total", "cumulative"):
                word = m.group("noun")
            if word is None and m.group("user_count"):
                word = _sentence_kind(text)
            found.append((q, _qualifier(word)))
            continue
        b = _BEFORE_COUNT.search(before)
        if b and not _NOT_USERS.search(before[max(0, b.start() - 25) : b.start()]):
            word = b.group("kind") or b.group("noun")
            if b.group("kind") and b.group("kind").lower() in ("active", "total", "cumulative"):
                word = b.group("noun")
            found.append((q, _qualifier(word)))
    return _ellipses(a, counts, found)


def _sentence_kind(text: str) -> str | None:
    m = re.search(r"\b(monthly|weekly|daily|registered)\b", text, re.IGNORECASE)
    return m.group(1) if m else None


def _ellipses(
    a: Analysed, counts: list[Quantity], found: list[tuple[Quantity, str]]
) -> list[tuple[Quantity, str]]:
    """ "300 million weekly users in December and 200 million in August": the second
    count borrows the first's unit; "from 100 million to 200 million users" likewise."""
    if not found:
        return found
    have = {q.start for q, _ in found}
    extra: list[tuple[Quantity, str]] = []
    for q in counts:
        if q.start in have or not q.scaled:
            continue
        if not _ELLIPSIS_AFTER.match(a.text[q.end :]):
            continue
        nearest = min(found, key=lambda f: abs(f[0].start - q.start))
        gap = a.text[min(q.end, nearest[0].end) : max(q.start, nearest[0].start)]
        if len(gap) > 90 or re.search(r"[;:]|\b(?:revenue|paid|paying|subscri)", gap):
            continue
        extra.append((q, nearest[1]))
    return sorted(found + extra, key=lambda f: f[0].start)


def _product_for_company(doc: Document, company: Entity, upto: int) -> Entity | None:
    """The company's product named in the title or the last few sentences: "OpenAI
    said weekly users hit 500 million" counts ChatGPT's users in a story about ChatGPT,
    and nothing of the kind in a story that has moved on."""
    for a in reversed(doc.sentences[max(0, upto - _PRODUCT_LOOKBACK) : upto + 1]):
        for m in reversed(a.mentions):
            if m.entity.kind == "product" and m.entity.maker == company.name:
                return m.entity
    for m in doc.title_mentions:
        if m.entity.kind == "product" and m.entity.maker == company.name:
            return m.entity
    return None


def _subject(doc: Document, a: Analysed, q: Quantity, focus: Entity | None) -> Entity | None:
    """The product (or company) a user count belongs to: named in its clause, named
    before it, referred to ("the app", "its users"), or named after it."""
    kinds = ("product", "ai_company", "tech_company", "platform", "chip_maker")
    named = [m for m in a.mentions if m.entity.kind in kinds]
    c0, c1 = a.clauses[a.clause_at(q.start)]
    in_clause = [m for m in named if c0 <= m.start < c1]
    before = [m for m in named if m.end <= q.start]
    pick = _prefer_product([m for m in in_clause if m.end <= q.start]) or (
        _prefer_product(in_clause) if in_clause else None
    )
    if pick is None and _PRONOUN.search(a.text[c0 : q.start]) and focus is not None:
        return focus
    pick = pick or _prefer_product(before)
    if pick is None:
        if focus is not None and _PRONOUN.search(a.text[: q.start]):
            return focus
        pick = _prefer_product(named)
    if pick is None:
        return _unknown_subject(doc, a, q)
    ent = pick.entity
    if ent.kind in ("tech_company", "ai_company", "chip_maker"):
        product = _product_for_company(doc, ent, a.index)
        if product is not None:
            return product
    return ent


def _prefer_product(ms: list[Mention]) -> Mention | None:
    """The last product among the mentions, else the last company."""
    products = [m for m in ms if m.entity.kind == "product"]
    pool = products or ms
    return pool[-1] if pool else None


def _unknown_subject(doc: Document, a: Analysed, q: Quantity) -> Entity | None:
    """A name opening the sentence, when the sentence is about an app or model and the
    name is capitalised elsewhere too (so it is a name, not a capitalised first word)."""
    if not _APP_WORDS.search(a.text):
        return None
    span = proper_name_at(a.text, 0)
    if span is None or span[1] > q.start:
        return None
    name = a.text[span[0] : span[1]]
    elsewhere = re.compile(rf"[\w,;] {re.escape(name)}\b")
    if not any(elsewhere.search(s.text) for s in doc.sentences):
        return None
    return Entity(name, "product")


def _period(doc: Document, a: Analysed, q: Quantity) -> str | None:
    """When the count was reached: a date near it, one counted from a launch ("a year
    after its August 2023 release"), or the publication month for "now"."""
    dated = [p for p in a.periods if p.period and not p.comparison and not p.future]
    ci = a.clause_at(q.start)
    c0, _ = a.clauses[ci]
    same = [p for p in dated if a.clause_at(p.start) == ci]
    if not same and doc.published and _NOW.search(a.text, c0, q.start):
        return doc.published.strftime("%Y-%m")
    if dated:
        same = same or dated
        best = min(same, key=lambda p: min(abs(p.start - q.end), abs(q.start - p.end)))
        assert best.period is not None
        offset = _AFTER_ANCHOR.search(a.text, max(0, best.start - 60), best.start)
        if offset:
            return _shift(best.period, offset.group("n"), offset.group("unit"))
        return best.period
    if doc.published and _PRESENT.search(a.text):
        return doc.published.strftime("%Y-%m")
    return None


_AFTER_ANCHOR = re.compile(
    r"\b(?P<n>a|an|one|two|three|four|five|six|\d{1,2})\s+(?P<unit>year|month)s?\s+"
    r"(?:after|of|since)\s+(?:its|the|their)?\s*(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _shift(period: str, n: str, unit: str) -> str:
    """``period`` moved forward by ``n`` years or months, as ``YYYY`` or ``YYYY-MM``."""
    step = int(n) if n.isdigit() else _SMALL.get(n.lower(), 0)
    year, month = int(period[:4]), int(period[5:7]) if len(period) >= 7 else 0
    if unit.lower() == "year":
        return f"{year + step}" + (f"-{month:02d}" if month else "")
    if not month:
        return str(year)
    y, m = divmod(year * 12 + month - 1 + step, 12)
    return f"{y}-{m + 1:02d}"


def extract_users(doc: Document) -> list[Observation]:
    """User-count observations, one per product, value and qualifier."""
    out: list[Observation] = []
    seen: set[tuple[str, float, str]] = set()
    focus: Entity | None = _title_focus(doc)
    carried: str | None = None
    gz = gazetteer()
    for a in doc.sentences:
        products = [m.entity for m in a.mentions if m.entity.kind in ("product", "ai_company")]
        emitted = False
        last_qualifier = "total"
        for q, qualifier in _user_quantities(a, carried):
            if not _MIN_USERS <= q.value <= _MAX_USERS:
                continue
            ent = _subject(doc, a, q, focus)
            if ent is None or ent.kind == "platform":
                continue
            if ent.kind not in ("product", "ai_company") and not AI_TERM.search(a.text):
                continue
            key = (ent.name, q.value, qualifier)
            if key in seen:
                continue
            seen.add(key)
            maker = gz.get(ent.maker) if ent.maker else (ent if ent.kind != "product" else None)
            out.append(
                a.observation(
                    "user_count",
                    q.value,
                    entity=ent.name,
                    org=maker.name if maker else None,
                    country=gz.maker_country(ent),
                    qualifier=qualifier,
                    period=_period(doc, a, q),
                )
            )
            focus = ent
            emitted = True
            last_qualifier = qualifier
        if not emitted and products:
            focus = products[0]
        carried = last_qualifier if emitted else None
    return out


def _title_focus(doc: Document) -> Entity | None:
    for m in doc.title_mentions:
        if m.entity.kind == "product":
            return m.entity
    return None
