"""Funding rounds: one company raising money, and who led or put it in.

"Acme raised $50 million led by Zeta Capital", "Zeta led a $1bn round in Acme",
"Acme, which received a $2bn investment from Zeta", "Zeta will invest $4bn in
Acme". Valuations, revenues, acquisitions and fund sizes are not rounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.metrics.currency import to_usd
from extractors.metrics.document import Analysed, Document
from extractors.metrics.entities import (
    COMPANY_KINDS,
    Mention,
    clean_name,
    gazetteer,
    name_after,
    name_before,
    proper_name_at,
)
from extractors.metrics.numbers import Quantity
from extractors.metrics.periods import year_of
from schemas.records import Observation

_ADVERBS = (
    r"(?:(?:has|have|had|is|was|were|also|recently|just|reportedly|now|previously|already|"
    r"successfully|quietly|finally|officially)\s+)*"
)
_RAISE_VERBS = (
    r"(?:raised|raises|raising|raise|secured|secures|securing|closed|closes|closing|landed|lands|"
    r"bagged|bags|received|receives|receiving|garnered|pulled\s+in|attracted|attracts|obtained|"
    r"nabbed|snagged|scored|completed|completes|got|gets|collected|announced|unveiled)"
)
# Verbs that also go with spending ("announced a $500m investment in its plants"):
# they count only when a round is named next to the amount.
_WEAK_VERB = re.compile(
    r"\b(?:completed|completes|got|gets|collected|announced|unveiled|closed|closes)\b"
)
_NAMED_ROUND = re.compile(
    r"\b(?:round|Series\s+[A-H]|funding|financing|seed|fundrais\w*|raise)\b", re.IGNORECASE
)
_INVEST_VERBS = (
    r"(?:led|leads|leading|lead|co-led|co-leads|headed|heads|invested|invests|investing|invest|"
    r"committed|commits|poured|pours|injected|injects|put|puts|pumped|ploughed|plowed|backed|backs|"
    r"provided|provides|pledged|participated)"
)
_ROUND_WORDS = re.compile(
    r"\b(?:round|raise[sd]?|raising|funding|financing|investment|invest\w*|backing|Series\s+[A-H]\b|"
    r"seed|injection|capital\s+increase|stake|led\s+by|fundraising|fundraise|tranche|valuation|"
    r"secur(?:ed|es|ing)|land(?:ed|s)|bagged|garnered|pulled\s+in)",
    re.IGNORECASE,
)
# "a $X valuation", "valued at $X", "$X in revenue": the money is not a round.
_NOT_A_ROUND_BEFORE = re.compile(
    r"(?:valu(?:ation|ed|ing)(?:\s+\w+)?\s+(?:of|at)|valu(?:ing|es)\s+(?:\w+\s+){0,3}at|"
    r"(?<!round\s)(?<!deal\s)(?<!funding\s)(?<!financing\s)(?<!investment\s)worth|"
    r"total\s+(?:funding|raised|investment)\s+(?:to|of|at)|"
    r"bringing\s+(?:its|the)\s+(?:\w+\s+){0,2}to|"
    r"market\s+(?:cap\w*|value)\s+(?:of|at)|revenues?\s+(?:of|at|to)|sales\s+of|profits?\s+of|"
    r"losses?\s+of|(?:spent|spend|spending|costs?|paid|pay|priced|price)\s+(?:of\s+|at\s+)?|"
    r"bought\s+\w+\s+for|acquired\s+\w+\s+for|for\s+(?:a\s+)?(?:reported\s+)?|fund\s+of|"
    r"annual(?:ized)?\s+(?:recurring\s+)?revenue\s+of|salary\s+of|fine[ds]?\s+(?:of\s+)?)"
    r"\s*(?:a|an|the|around|about|nearly|over|more\s+than|roughly|some|up\s+to|at\s+least)?\s*$",
    re.IGNORECASE,
)
_NOT_A_ROUND_AFTER = re.compile(
    r"^\s*(?:pre-money\s+|post-money\s+)?(?:valuation|"
    r"in\s+(?:annual\s+|annualized\s+)?(?:revenue|sales|losses?)|revenue|market\s+(?:cap|value)|"
    r"(?:venture\s+|investment\s+|new\s+)?fund\b|acquisition|takeover|deal\s+to\s+(?:buy|acquire)|"
    r"buyout|IPO|listing|data\s+cent(?:er|re)|contract|loan|debt|bonds?|worth\s+of|grants?|"
    r"subsid\w*|orders?|awards?|prize|fine|payments?|refund|tax)",
    re.IGNORECASE,
)
_ACQUISITION = re.compile(
    r"\b(?:acquir\w+|acquisition|takeover|buy(?:s|ing)?\s+(?!into)|bought|merger)\b", re.IGNORECASE
)

_PLANNED = (
    r"(?:(?:is|are|was|were)\s+(?:in\s+talks|seeking|looking|set|planning|aiming|expected|"
    r"reported)\s+to\s+|(?:plans?|planned|seeks?|sought|aims?|hopes?|wants?)\s+to\s+)?"
)
_RAISER_BEFORE = re.compile(
    rf"(?:,\s+(?:which|that|who)\s+|(?:,\s+[^,]{{1,80}},\s+)|\s+){_ADVERBS}{_PLANNED}"
    rf"{_RAISE_VERBS}\s+"
    r"(?:(?:a|an|the|another|its|their|fresh|new|additional|some|about|around|nearly|over|"
    r"more\s+than|up\s+to|roughly|almost|funding|financing|investment|capital|of|"
    r"Series\s+[A-H]\+?|seed|pre-IPO|round|worth|totall?ing|strategic|equity|venture|"
    r"[\w-]+-stage|growth)\s+)*$",
    re.IGNORECASE,
)
_INVESTOR_BEFORE = re.compile(
    rf"\s+{_ADVERBS}(?:(?:will|would|plans?\s+to|planned\s+to|agreed\s+to|is\s+set\s+to|is\s+to)\s+)?"
    rf"{_INVEST_VERBS}\s+(?:(?:a|an|the|another|its|up\s+to|an\s+additional|additional|fresh|new|"
    r"funding|financing|investment|round|of|in|strategic|Series\s+[A-H]\+?)\s+)*$",
    re.IGNORECASE,
)
_POSSESSIVE_BEFORE = re.compile(r"['’]s\s+(?:(?:latest|new|recent|fresh|planned|proposed)\s+)?$")
_TARGET_AFTER = re.compile(
    r"^\s*(?:(?:funding|financing|investment|equity|strategic|Series\s+[A-H]\+?|seed|pre-IPO|"
    r"venture|round|raise|injection|deal|tranche|of\s+funding|in\s+(?:funding|financing|"
    r"new\s+funding|fresh\s+funding|capital))\s+)*(?:in|into|for|to)\s+",
    re.IGNORECASE,
)
_FROM_AFTER = re.compile(
    r"^\s*(?:(?:funding|financing|investment|equity|strategic|Series\s+[A-H]\+?|seed|round|"
    r"injection|deal|tranche|in\s+(?:funding|financing|capital|new\s+funding|fresh\s+funding))\s+)*"
    r"(?:(?:this|last)\s+\w+\s+)?(?:from|by)\s+",
    re.IGNORECASE,
)
_LED_BY = re.compile(r"\b(?:led|co-led|headed|backed|anchored)\s+by\s+", re.IGNORECASE)
_ROUND_OF = re.compile(
    r"\b(?:round|funding|financing|investment|raise)\s+(?:of\s+)?$", re.IGNORECASE
)
_NOT_RAISERS = frozenset({"country", "government", "research"})
# Amounts summed over many companies are totals, not one company's round.
_AGGREGATE = re.compile(
    r"\b(?:globally|worldwide|in\s+total|in\s+aggregate|combined|across\s+[\d,]+\s+deals|"
    r"in\s+private\s+investment|in\s+venture\s+(?:capital|funding))\b",
    re.IGNORECASE,
)
#: First words that make a capitalised phrase a topic, not a company ("Generative AI").
_GENERIC_LEADS = frozenset(
    [
        *("Generative", "Global", "Private", "Venture", "Total", "Overall", "Enterprise"),
        *("Consumer", "Chinese", "American", "European", "Startup", "Startups", "Investors"),
        *("Funding", "Investment"),
    ]
)
_LEADS_A = re.compile(rf"\s+{_ADVERBS}{_INVEST_VERBS}\s+(?:a|an|the)\s+\w*\s*$", re.IGNORECASE)
_PRONOUN_BEFORE = re.compile(
    r"\b(?:it|the\s+(?:[\w-]+\s+)?(?:startup|start-up|company|firm|developer|lab|unicorn|group))"
    r"\s*$",
    re.IGNORECASE,
)
_FOCUS_KINDS = frozenset({"ai_company", "tech_company", "chip_maker"})
_BACKED = re.compile(r"([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)?)-backed\s+(?:[\w-]+\s+){0,4}$")
_COMPANY_SUFFIX = re.compile(
    r"\b(?:AI|Labs?|Robotics|Technolog(?:y|ies)|Tech|Intelligence|Inc\.?)$"
)


@dataclass(frozen=True, slots=True)
class Round:
    """A funding round read from one sentence."""

    quantity: Quantity
    entity: str
    counterparty: str | None
    country: str | None


def _name(
    text: str, span: tuple[int, int] | None, mentions: list[Mention]
) -> tuple[str, str | None] | None:
    """Canonical name and country for a span; None for countries, agencies and sources."""
    if span is None:
        return None
    raw = clean_name(text[span[0] : span[1]])
    mention = next((m for m in mentions if m.start == span[0]), None)
    ent = mention.entity if mention else gazetteer().get(raw)
    if ent is None and raw.split()[:1] and raw.split()[0] in _GENERIC_LEADS:
        return None
    if ent is not None:
        if ent.kind in _NOT_RAISERS:
            return None
        return ent.name, gazetteer().maker_country(ent)
    return (raw, None) if raw else None


def _subject(
    a: Analysed, verb: int, focus: tuple[str, str | None] | None
) -> tuple[str, str | None] | None:
    """Who does the verb at ``verb``: the name right before it, or for "it" and "the
    startup" the company named earlier in the sentence, else the one in focus."""
    text, mentions = a.text, a.mentions
    named = _name(text, name_before(text, verb, mentions), mentions)
    if named is not None or not _PRONOUN_BEFORE.search(text[: verb + 1]):
        return named
    earlier = [m for m in mentions if m.entity.kind in _FOCUS_KINDS and m.end <= verb]
    if earlier:
        return earlier[0].entity.name, earlier[0].entity.country
    return focus


def _backer_of(a: Analysed, entity: str) -> tuple[str, str | None] | None:
    """ "Tencent-backed Acme" names Acme's investor."""
    at = a.text.find(entity)
    if at <= 0:
        return None
    m = _BACKED.search(a.text, max(0, at - 80), at)
    if not m:
        return None
    ent = gazetteer().get(m.group(1))
    return (ent.name, ent.country) if ent else (m.group(1), None)


def _descriptor_country(
    text: str, start: int, span: tuple[int, int], mentions: list[Mention]
) -> str | None:
    """Country from a demonym between the preposition and the name ("for Chinese startup Acme")."""
    for m in mentions:
        if start <= m.start < span[0] and m.entity.kind == "country":
            return m.entity.name
    return None


def _is_company(ent_name: str) -> bool:
    """Whether a name can raise money: unknown names can, countries and agencies cannot."""
    ent = gazetteer().get(ent_name)
    return ent is None or ent.kind in COMPANY_KINDS or ent.kind == "product"


def find_rounds(a: Analysed, focus: tuple[str, str | None] | None = None) -> list[Round]:
    """Funding rounds stated in one sentence; ``focus`` is the company "it" refers to."""
    text = a.text
    out: list[Round] = []
    for q in a.quantities:
        if q.kind != "money":
            continue
        before, after = text[: q.start], text[q.end :]
        window = text[max(0, q.start - 90) : q.end + 70]
        if not _ROUND_WORDS.search(window):
            continue
        if _NOT_A_ROUND_BEFORE.search(before) or _NOT_A_ROUND_AFTER.match(after):
            continue
        if _ACQUISITION.search(text[max(0, q.start - 60) : q.end + 40]):
            continue
        if _AGGREGATE.search(text, max(0, q.start - 60), min(len(text), q.end + 40)):
            continue
        found = _read_round(a, q, before, after, focus)
        if found is None:
            continue
        entity, investor, country = found
        if not _is_company(entity) or entity == investor:
            continue
        raiser = gazetteer().get(entity)
        # Investors raising money raise funds, not rounds.
        if raiser is not None and raiser.kind == "investor":
            continue
        out.append(Round(q, entity, investor, country))
    return out


def _read_round(
    a: Analysed, q: Quantity, before: str, after: str, focus: tuple[str, str | None] | None
) -> tuple[str, str | None, str | None] | None:
    """Who raised ``q`` and who invested, from the words around it."""
    text, mentions = a.text, a.mentions
    entity: tuple[str, str | None] | None = None
    investor: tuple[str, str | None] | None = None
    country: str | None = None

    target = _TARGET_AFTER.match(after)
    if target:
        pos = q.end + target.end()
        span = name_after(text, pos, mentions)
        entity = _name(text, span, mentions)
        if entity and span:
            country = _descriptor_country(text, pos, span, mentions)
    raiser = _RAISER_BEFORE.search(before)
    if (
        raiser is not None
        and _WEAK_VERB.search(raiser.group(0))
        and not _NAMED_ROUND.search(text, raiser.start(), min(len(text), q.end + 30))
    ):
        raiser = None
    if raiser and entity is None:
        entity = _subject(a, raiser.start(), focus)
    backer = _INVESTOR_BEFORE.search(before)
    if backer:
        investor = _subject(a, backer.start(), focus)
    elif round_of := _ROUND_OF.search(before):
        # "Zeta is leading a financing round of $600m for Acme": the verb sits further back.
        lead = _LEADS_A.search(before, 0, round_of.start())
        if lead:
            investor = _name(text, name_before(text, lead.start(), mentions), mentions)
    possessive = _POSSESSIVE_BEFORE.search(before)
    if possessive and (entity is None or investor is None):
        owner = _name(text, name_before(text, possessive.start(), mentions), mentions)
        if entity is None:
            entity = owner
        elif investor is None:
            investor = owner
    source = _FROM_AFTER.match(after)
    if source and investor is None:
        investor = _name(text, name_after(text, q.end + source.end(), mentions), mentions)
    led = _LED_BY.search(text, q.end, min(len(text), q.end + 120)) or _LED_BY.search(
        text, max(0, q.start - 120), q.start
    )
    if led and investor is None:
        investor = _name(text, name_after(text, led.end(), mentions), mentions)
    if entity is None:
        return None
    if investor is None:
        investor = _backer_of(a, entity[0])
    if country is None:
        country = entity[1]
    return entity[0], investor[0] if investor else None, country


def extract_rounds(doc: Document) -> tuple[list[Observation], set[tuple[int, int]]]:
    """Funding-round observations and the (sentence, offset) of every amount they used."""
    out: list[Observation] = []
    used: set[tuple[int, int]] = set()
    focus: tuple[str, str | None] | None = None
    for a in doc.sentences:
        for r in find_rounds(a, focus):
            period = _period(a, r.quantity)
            usd = to_usd(r.quantity, year_of(period) or _pub_year(doc), a.text)
            if usd is None:
                continue
            value, original, currency = usd
            out.append(
                a.observation(
                    "funding_round_usd",
                    value,
                    entity=r.entity,
                    counterparty=r.counterparty,
                    country=r.country,
                    qualifier=r.quantity.approx,
                    period=period,
                    original_value=original,
                    original_currency=currency,
                )
            )
            used.add((a.index, r.quantity.start))
        # "The startup raised ..." in a later sentence means the company named last.
        focus = _focus(a) or focus
    return out, used


def _focus(a: Analysed) -> tuple[str, str | None] | None:
    """The company a sentence is about: a known one, or a company-like name opening it."""
    named = [m for m in a.mentions if m.entity.kind in _FOCUS_KINDS]
    if named:
        return named[0].entity.name, named[0].entity.country
    span = proper_name_at(a.text, 0)
    if span is None:
        return None
    name = a.text[span[0] : span[1]]
    return (name, None) if _COMPANY_SUFFIX.search(name) else None


def _pub_year(doc: Document) -> int | None:
    return doc.published.year if doc.published else None


def _period(a: Analysed, q: Quantity) -> str | None:
    """The date nearest the amount, ignoring comparison bases and forecasts."""
    best: tuple[int, str] | None = None
    for p in a.periods:
        if not p.period or p.comparison or p.future:
            continue
        dist = min(abs(p.start - q.end), abs(q.start - p.end))
        if best is None or dist < best[0]:
            best = (dist, p.period)
    return best[1] if best else None
