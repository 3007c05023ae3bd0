"""Country totals of AI investment and AI deal counts for a period.

"US AI startups drew $31 billion across 1,151 deals in 2022. This compares with
$2 billion in 68 deals in China" gives four observations: the second sentence
inherits the period of the first. All-sector venture totals, valuations,
revenues, market sizes and forecasts are not AI investment totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.metrics.currency import to_usd
from extractors.metrics.document import AI_TERM, Analysed, Document
from extractors.metrics.entities import COMPANY_KINDS, Mention
from extractors.metrics.numbers import Quantity
from extractors.metrics.periods import PeriodMention, shift_years, year_of
from schemas.records import Observation

_INVESTMENT_WORDS = re.compile(
    r"\b(?:invest\w*|fund(?:ing|ed|s)?|raised?|raising|financ\w*|venture|VCs?|deals?|capital|"
    r"backing|poured|earmarked|amounted|total(?:l?ed|s)?|drew|attracted|rounds?)\b",
    re.IGNORECASE,
)
_DEAL_NOUN = re.compile(
    r"^\s*(?:(?:AI|A\.I\.|artificial\s+intelligence|generative\s+AI|GenAI|venture|VC|private|"
    r"equity|investment|funding|financing|disclosed|[\w-]+-stage|[\w-]+-related|startup|new|"
    r"separate|individual)\s+)*"
    r"(?:deals|investments|funding\s+rounds|financing\s+rounds|rounds|funding\s+events|"
    r"financing\s+events|investment\s+events|financings|transactions|fundraisings)\b",
    re.IGNORECASE,
)
_NUMBER_OF_DEALS = re.compile(
    r"\bnumber\s+of\s+(?:\w+\s+){0,3}(?:deals|investments|funding\s+rounds|rounds|transactions)\b",
    re.IGNORECASE,
)
# Words near an amount that make it something other than invested capital.
_DISTRACTOR = re.compile(
    r"\b(?:valu(?:ation|ed|ing)|(?<!deals\s)(?<!deal\s)(?<!rounds\s)(?<!investments\s)worth|"
    r"market\s+(?:cap\w*|value|size|share)|revenues?|sales|"
    r"profits?|income|earnings|loss(?:es)?|spen[dt]|spending|costs?|price[ds]?|fines?|budget|"
    r"salar\w+|capex|capital\s+expenditures?|acqui\w+|bought|buy\w*|exports?|imports?|"
    r"subsid\w*|grants?|stimulus|loans?|debt|bonds?|IPOs?|listings?|data\s+cent(?:er|re)s?|"
    r"compute|fund\s+of|a\s+[\w$.\s]{0,20}fund\b|market\s+(?:will|is|was|could)|"
    r"forecasts?|projected|expected|estimates?\s+(?:that|the)|could\s+reach|will\s+(?:reach|grow|be)|"
    r"stock|shares?|index|tariffs?|infrastructure|projects?|pledg\w+|plans?\s+to|will\s+invest|"
    r"would\s+invest|intends?\s+to|commit\w+|joint\s+venture|government|state[\s-]backed)\b",
    re.IGNORECASE,
)
# Sector-wide totals that include AI but are not AI totals.
_ALL_SECTOR = re.compile(
    r"\b(?:overall\s+(?:venture|VC|startup|funding|investment|tech)|all[\s-]sectors?|"
    r"across\s+(?:all\s+)?(?:sectors|industries)|total\s+venture|broader|entire|"
    r"global\s+venture|all\s+startups|tech\s+sector|technology\s+sector)\b",
    re.IGNORECASE,
)
# A clause with a funding word of its own but no AI word is about something else.
_OWN_TOPIC = re.compile(
    r"\b(?:venture|VCs?|funding|investments?|capital|financing)\b", re.IGNORECASE
)
_COMPARISON = re.compile(
    r"\b(?:from|than|compared|versus|vs\.?|against|unchanged|drop(?:ped)?\s+from|down\s+from|"
    r"up\s+from|which\s+saw|while|whereas|times|twice|double|triple|half|above|below|higher|"
    r"lower|ahead\s+of|behind|more\s+than|less\s+than)\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(
    r"^(?:This|These|That|Those|It|They|The\s+(?:total|figure|amount|sum|number|tally|investments?|"
    r"deals?|funding)|By\s+comparison|In\s+comparison|In\s+contrast|Compared|Meanwhile|"
    r"Of\s+(?:that|this|these|those))\b"
)
_SINGLE_COMPANY = re.compile(
    r"\b(?:a|an|the|one|its)\s+(?:[\w-]+\s+){0,3}"
    r"(?:startup|start-up|company|firm|developer|lab|unicorn)\b(?!s)",
    re.IGNORECASE,
)
_GLOBAL = re.compile(r"\b(?:global(?:ly)?|worldwide|world's|around\s+the\s+world)\b", re.IGNORECASE)
_DEALS_THEN_COUNT = re.compile(
    r"\b(?:deals|investments|funding\s+rounds|financings|transactions)\b[^.$;]{0,40}?"
    r"\b(?:to|at|reached|hit|totall?ed|numbered|was|were)\s+(?:about\s+|around\s+|some\s+|just\s+)?$",
    re.IGNORECASE,
)
_YEAR_BACK = re.compile(
    r"\s*,?\s*(?:a|one|the)\s+year\s+(?:earlier|before|ago|prior)|"
    r"\s*,?\s*(?:in\s+)?the\s+(?:previous|prior|preceding)\s+year",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"\band\b|\bwhile\b|\bwhereas\b|\bbut\b|;")
# Country totals are large; smaller amounts in such sentences are something else.
_MIN_TOTAL_USD = 10e6


@dataclass(slots=True)
class Topic:
    """What the last investment sentence was about, for the sentences that follow it."""

    index: int
    country: str | None
    period: str | None


def _distance(text: str, q: Quantity, m: Mention) -> tuple[bool, int]:
    """How far a country is from an amount; crossing "and" or "while" counts as far."""
    a, b = (q.end, m.start) if m.start >= q.end else (m.end, q.start)
    return bool(_BOUNDARY.search(text[a:b])), b - a


def _country_for(a: Analysed, q: Quantity, ci: int) -> str | None:
    """The country a total belongs to: named in its clause, else the sentence's subject."""
    a0, b0 = a.clauses[ci]
    countries = [m for m in a.countries() if m.form != "seat"]
    in_clause = [m for m in countries if a0 <= m.start < b0]
    if in_clause:
        return min(in_clause, key=lambda m: _distance(a.text, q, m)).entity.name
    if not countries:
        return None
    # A country in a clause that has its own amount belongs to that amount, unless
    # this clause only compares ("up from $33bn in 2022") with it.
    owning = {
        a.clause_at(x.start) for x in a.quantities if x is not q and x.kind in ("money", "count")
    }
    free = [m for m in countries if a.clause_at(m.start) not in owning]
    if free:
        return free[0].entity.name
    if _COMPARISON.search(a.clause_text(ci)):
        earlier = [m for m in countries if m.start < a0]
        return earlier[-1].entity.name if earlier else None
    return None


def _period_for(a: Analysed, q: Quantity, ci: int, topic: Topic | None) -> tuple[str | None, bool]:
    """Period of a total and whether it is a forecast."""
    period, future = _base_period(a, q, ci, topic)
    # "$4.5 billion a year earlier": the same stretch of the year before.
    if period and _YEAR_BACK.match(a.text, q.end, min(len(a.text), q.end + 30)):
        return shift_years(period, -1), future
    return period, future


def _base_period(a: Analysed, q: Quantity, ci: int, topic: Topic | None) -> tuple[str | None, bool]:
    """The period an amount is stated for, before any "a year earlier"."""

    def near(found: list[PeriodMention]) -> str | None:
        best = min(found, key=lambda p: min(abs(p.start - q.end), abs(q.start - p.end)))
        return best.period

    usable = [p for p in a.periods if not p.comparison]
    own = [p for p in usable if a.clause_at(p.start) == ci]
    if own:
        if any(p.future for p in own):
            return None, True
        dated = [p for p in own if p.period]
        if dated:
            return near(dated), False
    with_amounts = {a.clause_at(x.start) for x in a.quantities if x.kind in ("money", "count")}
    lead = [p for p in usable if p.period and a.clause_at(p.start) not in with_amounts]
    if lead:
        return near(lead), any(p.future for p in lead)
    earlier = [p for p in usable if p.period and a.clause_at(p.start) < ci]
    if earlier:
        return earlier[-1].period, False
    if topic is not None:
        return topic.period, False
    return None, False


def _company_subject(a: Analysed, q: Quantity, ci: int) -> bool:
    """Whether a company owns the amount (its clause names one before it)."""
    a0, _ = a.clauses[ci]
    return any(
        m.entity.kind in COMPANY_KINDS and a0 <= m.start < q.start for m in a.mentions
    ) or bool(_SINGLE_COMPANY.search(a.text[a0 : q.start]))


def _is_ai_total(a: Analysed, ci: int, continuing: bool) -> bool:
    """Whether the amount in clause ``ci`` is about AI: said there, or carried over from
    another clause of the sentence when this clause has no funding topic of its own."""
    clause = a.clause_text(ci)
    if _ALL_SECTOR.search(clause):
        return False
    if AI_TERM.search(clause):
        return True
    if AI_TERM.search(a.text):
        return bool(_COMPARISON.search(clause)) or not _OWN_TOPIC.search(clause)
    return continuing


def _deal_count(a: Analysed, q: Quantity) -> bool:
    """ "1,151 deals", "the number of AI deals rose to 450", "AI deals fell 30% to 450"."""
    if _DEAL_NOUN.match(a.text[q.end :]):
        return True
    before = a.text[max(0, q.start - 70) : q.start]
    if _NUMBER_OF_DEALS.search(before) and re.search(r"\b(?:to|at|was|of|reached|hit)\s+$", before):
        return True
    return bool(_DEALS_THEN_COUNT.search(before)) and not re.match(
        r"\s*(?:%|percent|per cent)", a.text[q.end :]
    )


def extract_deals(doc: Document, used: set[tuple[int, int]]) -> list[Observation]:
    """AI investment totals and deal counts by country and period."""
    out: list[Observation] = []
    topic: Topic | None = None
    for a in doc.sentences:
        if topic is not None and a.index - topic.index > 2:
            topic = None
        continuing = bool(
            topic is not None and _CONTINUATION.match(a.text) and _INVESTMENT_WORDS.search(a.text)
        )
        if not (AI_TERM.search(a.text) or continuing):
            continue
        if not _INVESTMENT_WORDS.search(a.text):
            continue
        found: list[Observation] = []
        for q in a.quantities:
            if (a.index, q.start) in used or q.kind not in ("money", "count"):
                continue
            if q.kind == "count" and not _deal_count(a, q):
                continue
            obs = _total(doc, a, q, topic, continuing)
            if obs is not None:
                found.append(obs)
        if found:
            out.extend(found)
            topic = Topic(a.index, found[-1].country, found[0].period)
    return out


def _total(
    doc: Document, a: Analysed, q: Quantity, topic: Topic | None, continuing: bool
) -> Observation | None:
    """The observation for one amount or count, if it is a country's AI total."""
    ci = a.clause_at(q.start)
    a0, b0 = a.clauses[ci]
    near = a.text[max(a0, q.start - 45) : min(b0, q.end + 30)]
    if _DISTRACTOR.search(near) or _GLOBAL.search(a.clause_text(ci)):
        return None
    if not _is_ai_total(a, ci, continuing):
        return None
    if _company_subject(a, q, ci):
        return None
    country = _country_for(a, q, ci)
    if country is None and topic is not None and (continuing or not a.countries()):
        country = topic.country
    if country is None:
        return None
    period, future = _period_for(a, q, ci, topic)
    if future:
        return None
    if q.kind == "count":
        if not q.value.is_integer() or q.value < 1 or q.value > 1e6:
            return None
        return a.observation(
            "ai_deal_count", q.value, country=country, period=period, qualifier=q.approx
        )
    year = year_of(period) or (doc.published.year if doc.published else None)
    usd = to_usd(q, year, a.text)
    if usd is None or usd[0] < _MIN_TOTAL_USD:
        return None
    value, original, currency = usd
    return a.observation(
        "ai_investment_usd",
        value,
        country=country,
        period=period,
        qualifier=q.approx,
        original_value=original,
        original_currency=currency,
    )
