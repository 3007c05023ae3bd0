"""User counts of AI products: "Ernie Bot reached 100 million users", "its weekly
active users exceeded 400 million", "a user base of 200 million".

The entity is the product (its maker is ``org``); a company named alone stands
for its product when the article has just named it. Paying subscribers, business
customers and API calls are not users here.
"""

from __future__ import annotations

import re

from extractors.metrics.document import AI_TERM, Analysed, Document
from extractors.metrics.entities import (
    NOT_NAMES,
    Entity,
    Mention,
    find_mentions,
    gazetteer,
    proper_name_at,
)
from extractors.metrics.numbers import Quantity, find_quantities, is_change
from extractors.metrics.periods import find_periods
from extractors.metrics.tables import plain_number
from schemas.records import Observation

_KIND = r"(?P<kind>monthly|weekly|daily|registered|active|total|cumulative)"
_NOUN = r"(?P<noun>users?|MAUs?|DAUs?|WAUs?|downloads|installs|installations|actives)"
_AFTER_COUNT = re.compile(
    rf"^\s*(?:{_KIND}(?:[\s-]+active)?\s+|active\s+)?(?:(?:AI|app|chatbot|global|individual|unique)\s+)?"
    rf"(?:{_NOUN}\b|(?P<user_count>user\s+(?:count|base|tally|mark|milestone)))"
    r"|^\s*(?P<people>people|individuals|consumers|(?:unique\s+)?visitors)\s+(?:\w+\s+){0,2}?"
    r"(?:use|uses|using|used|tried|visited|opened|(?P<got>downloaded|installed))\b"
    r"|^\s*(?:people|users|individuals)\s+(?:every|each|a|per)\s+(?P<per>day|week|month)\b"
    r"|^\s*(?P<by>people|users|individuals|consumers)\b"
    r"|^\s*(?P<whom>of\s+(?:whom|them|those|these))\s+(?:\w+\s+){0,2}?(?:use|uses|used|using|are|were)\b"
    r"|^\s*(?P<times>times)\b",
    re.IGNORECASE,
)
_BEFORE_COUNT = re.compile(
    rf"(?:(?:{_KIND}(?:[\s-]+active)?\s+|active\s+)?(?:user\s+(?:base|count|numbers?|tally)|{_NOUN})|"
    # "the number of people using ChatGPT each week has doubled to ..."
    r"(?:number\s+of\s+)?(?:people|users|individuals|consumers)\s+(?:using|who\s+use[sd]?)\b)\s+"
    r"(?:[\w'’()-]+\s+){0,5}?(?:of|at|to|exceeded|exceeds|surpassed|surpasses|topped|tops|reached|reaches|"
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
# "is used by an estimated 100 million people": the people come after the count.
_USED_BY = re.compile(
    r"\b(?:used|adopted|tried|accessed|downloaded|installed)\s+by\s+$", re.IGNORECASE
)
_GAINED = re.compile(
    r"\b(?:add(?:ed|s|ing)?|gain(?:ed|s|ing)?|lost|los(?:es|ing)|shed(?:s|ding)?|attract(?:ed|s|ing)?\s+"
    r"(?:an?\s+)?(?:additional|extra|new)|(?:by|of)\s+(?:an?\s+)?(?:additional|extra))\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"\s+(?:[\w'’-]+\s+){0,3}?(?:every|each|a|per)\s+(?P<per>day|week|month)\b", re.IGNORECASE
)
_USER_WORDS = re.compile(
    r"users?|MAU|DAU|WAU|download|install|people|individuals|consumers|visitors|actives", re.I
)
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
    r"^\s*(?:[,.;)]|$|in\b|by\b|as\s+of\b|and\b|to\b|for\b|a\s+year|last\b|this\b|earlier\b|"
    r"on\b|at\b|since\b|before\b|after\b|three\s+days|two\s+days|a\s+week|a\s+month)",
    re.IGNORECASE,
)
_USE_AFTER = re.compile(
    r"\s+(?:(?:unique\s+)?(?:people|users|individuals|visitors|consumers)\s+)(?:\w+\s+){0,2}?"
    r"(?:use|uses|used|using|tried|visited|opened|chat\s+with|downloaded|installed)\s+"
    r"(?:the\s+|its\s+|their\s+)?"
)
_POSSESSOR = re.compile(
    r"\b([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*)['’]s\s+(?:(?:estimated|reported|roughly|about|"
    r"some|nearly|more\s+than|over)\s+)?$"
)
# "157 million monthly users for it", "143 million for DeepSeek": the owner after the count.
_OWNER_AFTER = re.compile(
    r"\s+(?:(?:[\w-]+\s+){0,4}?(?:users?|MAUs?|DAUs?|downloads|installs)\s+)?"
    r"(?:for|of|on|at)\s+(?:(?P<pronoun>it|them|the\s+(?:app|chatbot|assistant|service|bot))\b|"
    r"(?:[a-z]+\s+){0,2})",
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


#: A user count, its qualifier and, for a bare count that borrows its unit ("and 200
#: million in August"), the count it borrows from.
UserCount = tuple[Quantity, str, Quantity | None]


def _user_quantities(a: Analysed, carried: str | None = None) -> list[UserCount]:
    """Counts in the sentence that are user numbers, with their qualifier; ``carried`` is
    the qualifier of the previous sentence's counts, which bare counts here continue
    ("Doubao had 157 million monthly users. DeepSeek ranked second with 143 million.")."""
    text = a.text
    counts = [q for q in a.quantities if q.kind == "count"]
    found: list[tuple[Quantity, str]] = []
    if counts and carried and not _USER_WORDS.search(text):
        return [
            (q, carried, None)
            for q in counts
            if q.scaled and _ELLIPSIS_AFTER.match(text[q.end : q.end + 20])
        ]
    if not counts or not _USER_WORDS.search(text):
        return []
    for q in counts:
        after = text[q.end : q.end + 80]
        # Windows keep the work per number small in long sentences.
        before = text[max(0, q.start - 120) : q.start]
        if _GAINED.search(before) or is_change(text, q) or q.approx in ("another", "an additional"):
            continue  # "added 2 million users last month": a change, not a level
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
        if m and m.group("by") and not _USED_BY.search(before):
            m = None
        if m and (m.group("people") or m.group("whom") or m.group("by")):
            # "13 million visitors used it each day", "185 million of whom use it weekly",
            # "100 million people have downloaded the app"
            rate = _RATE.match(text, q.end + m.end())
            if m.groupdict().get("got"):
                found.append((q, "downloads"))
            else:
                found.append((q, _PER[rate.group("per").lower()] if rate else "total"))
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
            rate = _RATE.search(b.group(0))
            if word is None and rate is not None:
                found.append((q, _PER[rate.group("per").lower()]))
                continue
            if b.group("kind") and b.group("kind").lower() in ("active", "total", "cumulative"):
                word = b.group("noun")
            found.append((q, _qualifier(word)))
    return _ellipses(a, counts, found)


def _sentence_kind(text: str) -> str | None:
    m = re.search(r"\b(monthly|weekly|daily|registered)\b", text, re.IGNORECASE)
    return m.group(1) if m else None


def _ellipses(
    a: Analysed, counts: list[Quantity], found: list[tuple[Quantity, str]]
) -> list[UserCount]:
    """ "300 million weekly users in December and 200 million in August": the second
    count borrows the first's unit; "from 100 million to 200 million users" likewise."""
    if not found:
        return []
    have = {q.start for q, _ in found}
    extra: list[UserCount] = []
    for q in counts:
        if q.start in have or not q.scaled or is_change(a.text, q):
            continue
        if not _ELLIPSIS_AFTER.match(a.text[q.end :]):
            continue
        nearest = min(found, key=lambda f: abs(f[0].start - q.start))
        gap = a.text[min(q.end, nearest[0].end) : max(q.start, nearest[0].start)]
        if len(gap) > 90 or re.search(r"[;:]|\b(?:revenue|paid|paying|subscri)", gap):
            continue
        extra.append((q, nearest[1], nearest[0]))
    direct: list[UserCount] = [(q, kind, None) for q, kind in found]
    return sorted(direct + extra, key=lambda f: f[0].start)


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
    """The product (or company) a user count belongs to: named before it in its clause,
    referred to ("the app", "its users"), named right after ("users for Doubao"), named
    earlier in the sentence, or anywhere in it."""
    kinds = ("product", "ai_company", "tech_company", "platform", "chip_maker")
    named = [m for m in a.mentions if m.entity.kind in kinds]
    c0, c1 = a.clauses[a.clause_at(q.start)]
    # "X's 600 million users": the count is the possessor's, known or not.
    owner_of = _POSSESSOR.search(a.text, max(0, q.start - 60), q.start)
    if owner_of is not None:
        mention = next((m for m in named if m.end == owner_of.end(1)), None)
        if mention is None:
            return None
        if mention.entity.kind == "platform":
            return mention.entity
    # "500 million people use ChatGPT every week": the product they use.
    used = _USE_AFTER.match(a.text, q.end)
    if used is not None:
        target = next((m for m in named if m.start == used.end()), None)
        if target is not None:
            return _as_product(doc, a, target.entity)
    # "AI Overviews, the summaries atop search results, reach more than 2 billion users":
    # the name set off by an appositive is the subject of the verb before the count.
    appositive = _APPOSITIVE_SUBJECT.search(a.text, max(0, q.start - 220), q.start)
    if appositive is not None:
        mention = a.mention_at(appositive.start("name"))
        name = appositive.group("name")
        if mention is not None and mention.entity.kind != "country":
            return _as_product(doc, a, mention.entity)
        if mention is None and name not in NOT_NAMES and gazetteer().get(name) is None:
            return Entity(name, "product")
    pick = _prefer_product([m for m in named if c0 <= m.start and m.end <= q.start])
    if pick is None and _PRONOUN.search(a.text[c0 : q.start]) and focus is not None:
        return _as_product(doc, a, focus)
    owner = _OWNER_AFTER.match(a.text, q.end)
    if pick is None and owner:
        if owner.group("pronoun"):
            if focus is not None:
                return focus
        else:
            pick = next((m for m in named if m.start == owner.end()), None)
    pick = pick or _prefer_product([m for m in named if c0 <= m.start < c1])
    pick = pick or _prefer_product([m for m in named if m.end <= q.start])
    if pick is None:
        introduced = _introduced_product(a, q)
        if introduced is not None:
            return introduced
        if focus is not None and _PRONOUN.search(a.text[: q.start]):
            return focus
        pick = _prefer_product(named)
    if pick is None:
        return _unknown_subject(doc, a, q)
    return _as_product(doc, a, pick.entity)


_PRODUCT_NOUN = (
    r"(?:chatbot|app|application|assistant|model|service|platform|bot|product|tool|companion|"
    r"agent|search\s+engine|copilot)s?"
)
_NAME_RUN = r"[A-Z][\w.&+-]*(?:\s+[A-Z0-9][\w.&+-]*){0,3}"
# "its chatbot app, Lumi, has ...", "Acme's assistant Wave is used by ...": a product
# introduced by what it is.
_NAMED_AFTER_NOUN = re.compile(
    rf"\b(?:[Ii]ts|[Tt]heir|[A-Z][\w.&-]*['’]s?)\s+(?:[\w-]+\s+){{0,3}}?{_PRODUCT_NOUN},?\s+"
    rf"(?P<name>{_NAME_RUN})(?:,|\s+(?=[a-z]))"
)
# "Talkio, an AI companion app made by ..., has ...": a name described right after it.
_DESCRIBED_NAME = re.compile(
    rf"(?:^|[.;]\s+|,\s+(?:and|while|but)\s+)(?P<name>{_NAME_RUN}),\s+(?:a|an|the)\s+(?:[^,]{{0,60}}?\s)?"
    rf"{_PRODUCT_NOUN}\b"
)


_APPOSITIVE_SUBJECT = re.compile(
    rf"(?<![\w.-])(?P<name>{_NAME_RUN}),\s+(?:a|an|the|which|its|whose)\s[^,]{{1,120}},\s+"
    r"(?:[\w-]+\s+){0,2}?(?:has|have|had|reach\w*|count\w*|boast\w*|serve\w*|attract\w*|"
    r"draw\w*|claim\w*|hit|hits|top\w*|surpass\w*|exceed\w*|pass\w*|cross\w*|"
    r"(?:is|are|was|were)\s+used\s+by|now)\s+(?:[\w-]+\s+){0,2}$"
)


def _introduced_product(a: Analysed, q: Quantity) -> Entity | None:
    """An unknown product the sentence introduces before the count by saying what it is."""
    best: Entity | None = None
    for pattern in (_NAMED_AFTER_NOUN, _DESCRIBED_NAME):
        for m in pattern.finditer(a.text, 0, q.start):
            name = m.group("name").strip()
            if name in NOT_NAMES or gazetteer().get(name) is not None:
                continue
            best = Entity(name, "product")
    return best


def _as_product(doc: Document, a: Analysed, ent: Entity) -> Entity:
    """A company stands for its product when the story has just named it."""
    if ent.kind in ("tech_company", "ai_company", "chip_maker"):
        product = _product_for_company(doc, ent, a.index)
        if product is not None:
            return product
    return ent


def _named_owner(a: Analysed, q: Quantity) -> bool:
    """Whether a bare count names its own product ("143 million for DeepSeek", "and
    Kimi 36 million")."""
    c0, _ = a.clauses[a.clause_at(q.start)]
    if any(c0 <= m.start and m.end <= q.start for m in a.mentions if m.entity.kind != "country"):
        return True
    owner = _OWNER_AFTER.match(a.text, q.end)
    return bool(owner and any(m.start == owner.end() for m in a.mentions))


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
    # The qualifier a lead-in ("Monthly active users of the top apps:") gives the list
    # items after it ("- Doubao: 78 million").
    listing: str | None = None
    gz = gazetteer()
    for a in doc.prose():
        products = [m.entity for m in a.mentions if m.entity.kind in ("product", "ai_company")]
        emitted = False
        last_qualifier = "total"
        owners: dict[int, Entity] = {}
        items = _list_items(a, listing)
        found: list[tuple[Quantity, str, Entity | None]]
        if items:
            found = [(q, qualifier, ent) for q, qualifier, ent in items]
        else:
            found = []
            for q, qualifier, source in _user_quantities(a, carried):
                if not _MIN_USERS <= q.value <= _MAX_USERS:
                    continue
                ent = _subject(doc, a, q, focus)
                if source is not None and source.start in owners and not _named_owner(a, q):
                    # "2.6 million times ..., up from about 1 million on Friday": same app.
                    ent = owners[source.start]
                if ent is not None:
                    owners[q.start] = ent
                found.append((q, qualifier, ent))
        for q, qualifier, ent in found:
            if ent is None or ent.kind == "platform":
                continue
            if ent.kind not in ("product", "ai_company") and not a.ai:
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
        if a.text.rstrip().endswith(":") and _USER_WORDS.search(a.text):
            listing = _measure(a.text) or "total"
        elif not items:
            listing = None
    stated = {(o.entity, o.value) for o in out}
    return out + [o for o in _table_users(doc) if (o.entity, o.value) not in stated]


# "Doubao: 78 million", "- Kimi (13m)", "; DeepSeek – 61 million": a list item's name
# right before its count.
_ITEM_BEFORE = re.compile(
    rf"(?:^|[:;]\s*|\s[-•·▪–—]\s+)(?P<name>{_NAME_RUN})\s*(?::|–|—|\s-\s|\()\s*"
    r"(?:(?:about|around|roughly|some|nearly|almost|over|more\s+than|just\s+over)\s+)?$"
)


def _list_items(a: Analysed, listing: str | None) -> list[tuple[Quantity, str, Entity]]:
    """Counts listed after a lead-in about users ("Monthly active users of the top apps:
    - Doubao: 78 million - Kimi: 13 million"), in this sentence or the one before."""
    text = a.text
    start = 0
    colon = text.find(":")
    if colon > 0 and _USER_WORDS.search(text, 0, colon):
        listing, start = _measure(text[:colon]) or "total", colon
    if listing is None:
        return []
    out: list[tuple[Quantity, str, Entity]] = []
    for q in a.quantities:
        if q.kind != "count" or q.start < start or not (q.scaled or q.value >= _MIN_USERS):
            continue
        m = _ITEM_BEFORE.search(text, max(start, q.start - 60), q.start)
        if m is None:
            continue
        mention = a.mention_at(m.start("name"))
        if mention is not None and mention.entity.kind == "country":
            continue
        ent = mention.entity if mention is not None else Entity(m.group("name"), "product")
        if ent.name in NOT_NAMES:
            continue
        out.append((q, listing, ent))
    return out


def _title_focus(doc: Document) -> Entity | None:
    for m in doc.title_mentions:
        if m.entity.kind == "product":
            return m.entity
    return None


# --- Tables ---------------------------------------------------------------
# "Product | Maker | Users | Measure | As of" with rows such as
# "Acme Chat | Acme | 80 million | Monthly active users | May 2025".

_USERS_HEAD = (r"\busers?\b", r"\bMAUs?\b", r"\bDAUs?\b", r"\baudience\b", r"\bdownloads\b")
_MEASURE_HEAD = (r"measure", r"metric", r"\btype\b", r"\bkind\b", r"\bbasis\b", r"counts?\b")
_MAKER_HEAD = (r"maker", r"company", r"developer", r"owner", r"\bfirm\b", r"\bby\b")
_DATE_HEAD = (r"as\s+of", r"\bdate\b", r"\bwhen\b", r"\bperiod\b", r"\bmonth\b", r"reported")
_PRODUCT_HEAD = (r"product", r"\bapp\b", r"chatbot", r"assistant", r"\bmodel\b", r"service")
_COUNT_UNIT = re.compile(
    r"\(\s*(?P<s>m|mn|millions?|bn|billions?|k|thousands?)\s*\)|\bin\s+(?P<w>millions|billions)\b",
    re.IGNORECASE,
)
_COUNT_SCALES = {"m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3}
_MEASURE_WORDS = re.compile(
    r"\b(?P<w>monthly|weekly|daily|registered|downloads?|installs?|total|cumulative|MAUs?|DAUs?|"
    r"WAUs?)\b",
    re.IGNORECASE,
)


def _count_scale(text: str) -> float:
    m = _COUNT_UNIT.search(text)
    if not m:
        return 1.0
    word = (m.group("s") or m.group("w")).lower()
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    return _COUNT_SCALES.get(word, _COUNT_SCALES.get(word[:1], 1.0))


def _measure(text: str) -> str | None:
    m = _MEASURE_WORDS.search(text)
    if not m:
        return None
    word = m.group("w").lower()
    if word.startswith(("download", "install")):
        return "downloads"
    if word in ("total", "cumulative"):
        return "total"
    return _qualifier(word)


def _table_users(doc: Document) -> list[Observation]:
    """User counts read from tables with a users column, one per product row."""
    out: list[Observation] = []
    gz = gazetteer()
    for table in doc.tables:
        users = table.column(*_USERS_HEAD)
        if users is None:
            continue
        context = f"{table.caption} {' '.join(table.header)} {doc.title or ''}"
        measure = table.column(*_MEASURE_HEAD)
        maker = table.column(*_MAKER_HEAD)
        date = table.column(*_DATE_HEAD)
        product = table.column(*_PRODUCT_HEAD)
        product = 0 if product is None or product == users else product
        scale = _count_scale(f"{table.header[users]} {table.caption}")
        for row in table.rows:
            cells = row.cells
            if max(users, product) >= len(cells):
                continue
            value = _cell_count(cells[users], scale)
            if value is None or not _MIN_USERS <= value <= _MAX_USERS:
                continue
            ent = _cell_entity(cells[product])
            if ent is None or ent.kind == "platform":
                continue
            if ent.kind not in ("product", "ai_company") and not AI_TERM.search(context):
                continue
            qualifier = (
                (_measure(cells[measure]) if measure is not None and measure < len(cells) else None)
                or _measure(table.header[users])
                or "total"
            )
            org = None
            if maker is not None and maker < len(cells):
                named = gz.get(cells[maker].strip())
                org = named.name if named else (cells[maker].strip() or None)
            made_by = gz.get(ent.maker) if ent.maker else None
            org = (made_by.name if made_by else None) or org
            period = None
            if date is not None and date < len(cells):
                dated = [p for p in find_periods(cells[date], doc.published) if p.period]
                period = dated[0].period if dated else None
            org_entity = gz.get(org)
            country = gz.maker_country(ent) or (org_entity.country if org_entity else None)
            out.append(
                Observation(
                    "user_count",
                    value,
                    doc.text[row.start : row.end],
                    entity=ent.name,
                    org=org,
                    country=country,
                    qualifier=qualifier,
                    period=period,
                    evidence_start=row.start,
                    evidence_end=row.end,
                )
            )
    return out


def _cell_count(cell: str, scale: float) -> float | None:
    counts = [q for q in find_quantities(cell) if q.kind == "count"]
    if counts:
        q = counts[0]
        return q.value if q.scaled else q.value * scale
    value = plain_number(cell)
    return value * scale if value is not None else None


def _cell_entity(cell: str) -> Entity | None:
    """The product a cell names: a known one mentioned in it, else the cell as a name."""
    found = [m for m in find_mentions(cell) if m.entity.kind != "country"]
    if found:
        return found[0].entity
    name = cell.strip(" *†")
    return Entity(name, "product") if name and name[0].isupper() else None
