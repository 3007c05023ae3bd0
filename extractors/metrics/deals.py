"""Country totals of AI investment and AI deal counts for a period.

"US AI startups drew $31 billion across 1,151 deals in 2022. This compares with
$2 billion in 68 deals in China" gives four observations: the second sentence
inherits the period of the first. All-sector venture totals, valuations,
revenues, market sizes and forecasts are not AI investment totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.metrics.currency import to_usd
from extractors.metrics.document import (
    AI_TERM,
    CUMULATIVE,
    PUBLIC_OFFERING,
    REGION,
    Analysed,
    Document,
)
from extractors.metrics.entities import COMPANY_KINDS, Mention, find_mentions
from extractors.metrics.numbers import Quantity, find_quantities, is_change
from extractors.metrics.periods import PeriodMention, find_periods, shift_years, year_of
from extractors.metrics.tables import Row, Table, plain_number, unit_of
from schemas.records import Observation

_INVESTMENT_WORDS = re.compile(
    r"\b(?:invest\w*|fund(?:ing|ed|s)?|raised?|raising|financ\w*|venture|VCs?|deals?|capital|"
    r"backing|poured|earmarked|amounted|total(?:l?ed|s)?|drew|attracted|rounds?|flow(?:ed|s|ing)?|"
    r"pumped|ploughed|plowed|injected|secured|garnered|hauled|raked|received|took\s+in|pulled\s+in|"
    r"brought\s+in|landed|bagged)\b",
    re.IGNORECASE,
)
_DEAL_NOUN = re.compile(
    r"^\s*(?:(?:AI|A\.I\.|artificial\s+intelligence|generative\s+AI|GenAI|venture|VC|private|"
    r"equity|investment|funding|financing|disclosed|[\w-]+-stage|[\w-]+-related|startup|new|"
    r"separate|individual|such|similar)\s+)*"
    r"(?:deals|investments|funding\s+rounds|financing\s+rounds|rounds|"
    r"(?:funding|financing|investment)\s+(?:and\s+(?:funding|financing|investment)\s+)?"
    r"(?:events|cases|deals)|financings|transactions|fundraisings|"
    r"(?<=such\s)(?:events|cases))\b",
    re.IGNORECASE,
)
_NUMBER_OF_DEALS = re.compile(
    r"\b(?:number\s+of\s+(?:\w+\s+){0,3}(?:deals|investments|funding\s+rounds|rounds|transactions|"
    r"(?:investment|financing|funding)\s+(?:and\s+\w+\s+)?(?:events|cases))|(?:deal|transaction|round)\s+(?:count|volume|"
    r"tally|numbers?))\b",
    re.IGNORECASE,
)
# Words near an amount that make it something other than invested capital.
_DISTRACTOR = re.compile(
    r"\b(?:valu(?:ation|ed|ing)|average|median|mean|typical|"
    r"market\s+(?:cap\w*|value|size|share)|revenues?|sales|"
    r"profits?|income|earnings|loss(?:es)?|spen[dt]|spending|costs?|price[ds]?|fines?|budget|"
    r"salar\w+|capex|capital\s+expenditures?|acqui\w+|M&A|mergers?|bought|buy\w*|exports?|imports?|"
    r"subsid\w*|grants?|stimulus|loans?|debt|bonds?|IPOs?|listings?|data\s+cent(?:er|re)s?|"
    r"compute|fund\s+of|a\s+[\w$.\s]{0,20}fund\b|market\s+(?:will|is|was|could)|"
    r"forecasts?|projected|expected|estimates?\s+(?:that|the)|could\s+reach|will\s+(?:reach|grow|be)|"
    r"stock|shares?|tariffs?|infrastructure|projects?|pledg\w+|plans?\s+to|will\s+invest|"
    r"would\s+invest|intends?\s+to|commit\w+|joint\s+venture|government|state[\s-]backed|"
    r"(?:new|venture|[\d,]+)\s+funds|public\s+(?:funding|money|funds)|"
    r"over\s+(?:the\s+next\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+years)\b",
    re.IGNORECASE,
)
# "worth" values a company ("a start-up worth $2bn") unless deals are what is worth it
# ("530 deals worth $8bn", "those deals were worth 63bn yuan").
_WORTH = re.compile(r"\bworth\b", re.IGNORECASE)
_DEALS_WORTH = re.compile(
    r"\b(?:deals?|rounds?|investments?|events|transactions|financings|funding)\b[^.;$]{0,25}?"
    r"\bworth\b",
    re.IGNORECASE,
)
#: Blocs are not countries: their totals are regional.
_REGIONS = frozenset({"EU"})
_GLOBAL_OPENER = re.compile(
    r"^(?:Globally|Worldwide|Around\s+the\s+world|Across\s+the\s+world|Overall)\b", re.IGNORECASE
)
# Sector-wide totals that include AI but are not AI totals.
_ALL_SECTOR = re.compile(
    r"\b(?:overall\s+(?:\w+\s+)?(?:venture|VC|startup|funding|investment|tech|market)|all[\s-]sectors?|"
    r"across\s+(?:all\s+)?(?:sectors|industries)|total\s+venture|broader|entire|"
    r"global\s+venture|total\s+start-?up|all\s+(?:[\w.-]+\s+){0,2}(?:start-?ups|companies|firms|sectors|industries)|"
    r"tech\s+sector|technology\s+sector|nationwide|across\s+the\s+(?:country|economy))\b",
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
    r"^(?:This|These|That|Those|It|They|The\s+(?:[\w-]+\s+){0,2}?(?:total|figure|amount|sum|number|"
    r"tally|investments?|money|value|capital|haul|deals?|funding)|By\s+comparison|In\s+comparison|In\s+contrast|Compared|Meanwhile|"
    r"Of\s+(?:that|this|these|those)|"
    # "Funding in China fell to $1.2bn": the same measure for another country.
    r"(?:Funding|Investment|Financing|Deals?|Deal\s+count|Deal\s+volume)\s+(?:in|to|for|into)\s+"
    r"(?:the\s+)?[A-Z][\w.]*|"
    # "Disclosed investment followed the same arc, dropping from ...": the same story's money.
    r"(?:(?:Disclosed|Private|Venture)\s+)?(?:investment|funding|financing)\s+(?:followed|fell|rose|"
    r"dropped|climbed|grew|slumped|jumped|surged|declined|reached|totall?ed|came|was|hit|amounted)|"
    r"(?:The\s+)?(?i:deal|transaction|round|investment|funding)\s+"
    r"(?:count|volume|tally|numbers?|total|value)s?|"
    # "China's total came to $7.8bn", "America's tally": a country's figure, just compared.
    r"(?:[A-Z][\w.]*\s+){0,2}[A-Z][\w.]*['’]s?\s+(?:own\s+)?(?:total|figure|tally|haul|share|count|"
    r"sum|amount))\b"
)
# "China came second with $17bn", "the UK was third at $4bn", "followed by China".
_RANK = re.compile(
    r"\b(?:(?:came|ranked|was|were|is|finished|placed|stood)\s+(?:a\s+)?(?:distant\s+|close\s+)?"
    r"(?:second|third|fourth|fifth|next|last)|followed\s+(?:by|with|at|on)|trail(?:ed|ing)|"
    r"next\s+(?:came|was))\b",
    re.IGNORECASE,
)
# "Japan, the world's fourth-largest economy, managed only $680m": in a run of country
# totals, a sentence that opens with a country is that country's figure.
_COUNTRY_LEAD = re.compile(
    r"\s*(?:,|:|['’]s\b|\s+(?:was|had|managed|drew|attracted|got|saw|took|came|stood|raised|"
    r"recorded|logged|counted)\b)"
)
# "South Korea and India each attracted about $1.4bn": one figure for every country listed.
_EACH = re.compile(r"\s+each\b", re.IGNORECASE)
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?")
# "A year later the US figure had risen to $67bn": the year after the topic's.
_YEAR_LATER = re.compile(
    r"(?:A|One)\s+year\s+(?:later|on)|The\s+(?:following|next)\s+year|By\s+the\s+next\s+year",
    re.IGNORECASE,
)
# "nearly half of the $55.6bn invested nationwide": the whole the AI figure is a part of.
_PART_OF = re.compile(
    r"\b(?:half|thirds?|quarters?|fifths?|tenths?|share|portion|fraction|%|per\s?cent|percent)\s+"
    r"of\s+(?:the|all|a|its|their)?\s*$|\bout\s+of\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
# "Between 2013 and 2023, American AI companies drew $335bn": a fronted span of years
# makes every figure of the sentence a sum over them.
_FRONTED = re.compile(
    r"(?:In\s+all\s+|All\s+told\s+)?(?:Between|From|Since|Over|In\s+the|To\s+date)\b[^,]{0,40},"
)
# "... 2,117 investment events in 2021, before the count fell to 1,294 in 2022 and to 842".
_COUNT_MOVED = re.compile(
    r"\bthe\s+(?:count|tally|number|total)\s+(?:\w+\s+){0,2}?(?:fell|rose|dropped|slipped|"
    r"declined|climbed|grew|increased|jumped|shrank|was|reached|hit)\s+(?:to|at)?\s*"
    r"(?:(?:about|around|roughly|just)\s+)?$",
    re.IGNORECASE,
)
_AND_TO = re.compile(r"[^.;$%]{0,30}\band\s+(?:then\s+)?(?:to|at)\s+$", re.IGNORECASE)
_SAME_MEASURE = re.compile(r"\bthe\s+(?:count|tally|number|total|figure|sum)\b(?!\s+of\b)")
_PERIOD_LEAD = re.compile(
    r"(?:In\s+|During\s+|For\s+)?(?:the\s+)?(?:(?:first|second|third|fourth|final|last)\s+"
    r"(?:quarter|half)|Q[1-4]|H[12])(?:\s+alone|\s+of\s+the\s+year)?\b",
    re.IGNORECASE,
)
# "Britain ($4.2 billion, 410 rounds)": figures in brackets right after a country.
_BRACKETED = re.compile(r"\s*\((?:about\s+|around\s+|roughly\s+)?(?:\$|US\$|€|£|¥|₩|RMB|\d)")
_SECTOR = re.compile(r"\bthe\s+(?:sector|industry|field|space|segment)\b", re.IGNORECASE)
_BETWEEN_THEM = re.compile(r"\b(?:between\s+them|combined|together|collectively)\b", re.IGNORECASE)
_COMPANY_OPENER = re.compile(
    r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*\s+(?:AI|Labs?|Technologies|Inc)\b"
)
# "Another tracker puts the figure at $7.8bn", "ITJuzi recorded 63.1bn yuan": a source's
# own count of the total just discussed.
_TALLY = re.compile(
    r"\b(?:puts?|pegs?|pegged|places?|placed|estimates?|estimated)\s+(?:the|its|that)\s+"
    r"(?:figure|total|tally|amount|sum|number)\s+at\b|"
    r"\b(?:recorded|counted|tallied|logged|tracked|counts|records)\s+(?:(?:about|around|roughly|some|"
    r"nearly|just|only|more\s+than)\s+)?(?:\$|US\$|€|£|¥|RMB|\d)",
    re.IGNORECASE,
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
_ELLIPSIS = re.compile(
    r"\b(?:while|whereas|and|but)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+)?[A-Z][\w.]*['’]s?\s+"
    r"(?:[\w-]+\s+){0,6}?(?:to|at|was|were|reached|hit|numbered)\s+"
    r"(?:(?:about|around|roughly|some|just|only)\s+)?$"
)
# "fell to 1,420 from 1,650 a quarter earlier": a figure for a stretch other than a year
# back, which the count's own period cannot date.
_OTHER_STRETCH = re.compile(
    r"\s*,?\s*(?:(?:a|one|the)\s+(?:quarter|month|week|half)\s+(?:earlier|before|ago|prior)|"
    r"(?:in\s+)?the\s+(?:previous|prior|preceding|last)\s+(?:quarter|month|week|half))",
    re.IGNORECASE,
)
_POSSESSIVE_COUNT = re.compile(
    r"\b[A-Z][\w.]*['’]s\s+(?:(?:about|around|roughly|some|just|only)\s+)?$"
)
_YEAR_BRACKET = re.compile(r"\b(?:19|20)\d\d\s*\(\s*$")
_COUNTED = re.compile(
    r"\b(?:deals|rounds|transactions|financings|investments|(?:funding|financing|investment)\s+"
    r"(?:events|cases))\b",
    re.IGNORECASE,
)
_WORTH_LEAD = re.compile(r"\s*(?:and\s+)?worth\b", re.IGNORECASE)
_ONE_ROUND = re.compile(
    r"\s+(?:Series\s+[A-H]\b|(?:[\w-]+\s+)?(?:round|raise)\b(?!s))", re.IGNORECASE
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:(?:about|around|roughly|some|just)\s+)?$", re.IGNORECASE)
_COMPARED_COUNT = re.compile(
    r"\b(?:than|from|against|versus|vs\.?|compared\s+(?:with|to))\s+(?:the\s+)?"
    r"(?:(?:about|around|roughly|some|nearly)\s+)?$",
    re.IGNORECASE,
)
_YEAR_BACK = re.compile(
    r"\s*,?\s*(?:a|one|the)\s+year\s+(?:earlier|before|ago|prior)|"
    r"\s*,?\s*(?:in\s+)?the\s+(?:previous|prior|preceding)\s+year",
    re.IGNORECASE,
)
# What may stand between a figure and "a year earlier": its deal noun, or the count the
# amount was spread over ("$4.9bn across 194 deals a year earlier").
_FIGURE_TAIL = re.compile(
    r"(?:\s+(?:across|in|over|from|with|spread\s+(?:across|over))\s+(?:about\s+|around\s+|some\s+)?"
    r"[\d,]+(?=\s))?"
)


def _year_back(a: Analysed, q: Quantity) -> bool:
    """Whether "a year earlier" (or the like) follows the figure and its noun."""
    pos = q.end
    tail = _FIGURE_TAIL.match(a.text, pos)
    # "fell to 210 from 245 a year earlier": a count after a count is the one compared.
    if tail is not None and not (q.kind == "count" and tail.group(0).lstrip().startswith("from")):
        pos = tail.end()
    noun = _DEAL_NOUN.match(a.text[pos:])
    if noun is not None:
        pos += noun.end()
    return bool(_YEAR_BACK.match(a.text, pos, min(len(a.text), pos + 30)))


_COMPARISON_GAP = re.compile(
    r"\b(?:from|than|compared|versus|vs\.?|against|up|down|while|whereas)\b", re.IGNORECASE
)
_PARTNER_CLAUSE = re.compile(
    r"(?:(?:raising|drawing|attracting|pulling\s+in|bringing\s+in|totall?ing|amounting\s+to|"
    r"worth|valued\s+at|with|for|across|spread\s+(?:across|over)|involving|representing)\b|"
    r"(?:a\s+|the\s+)?(?:combined|total|sum)\b)",
    re.IGNORECASE,
)
_SOURCE_CLAUSE = re.compile(r"\s*(?:according\s+to|citing|per|data\s+from|said)\b", re.I)
_BOUNDARY = re.compile(r"\band\b|\bwhile\b|\bwhereas\b|\bbut\b|;")
# Country totals are large; smaller amounts in such sentences are something else.
_MIN_TOTAL_USD = 10e6


@dataclass(slots=True)
class Topic:
    """What the last investment sentence was about, for the sentences that follow it."""

    index: int
    country: str | None
    period: str | None
    #: Too far back to lend its country; its period still dates totals given without one.
    stale: bool = False


def _distance(text: str, q: Quantity, m: Mention) -> tuple[bool, int]:
    """How far a country is from an amount; crossing "and" or "while" counts as far."""
    a, b = (q.end, m.start) if m.start >= q.end else (m.end, q.start)
    return bool(_BOUNDARY.search(text[a:b])), b - a


def _after_country(a: Analysed, pos: int) -> str | None:
    """The country whose bracketed figures hold ``pos`` ("Britain ($4.2bn, 410 rounds)");
    with ``pos`` 0, the first country followed by bracketed figures."""
    for m in a.countries():
        if m.entity.name in _REGIONS or not _BRACKETED.match(a.text, m.end):
            continue
        if pos == 0:
            return m.entity.name
        close = a.text.find(")", m.end)
        if m.end < pos and (close == -1 or pos < close):
            return m.entity.name
    return None


def _country_for(a: Analysed, q: Quantity, ci: int) -> str | None:
    """The country a total belongs to: named in its clause, else the sentence's subject."""
    bracketed = _after_country(a, q.start)
    if bracketed is not None:
        return bracketed
    a0, b0 = a.clauses[ci]
    countries = [m for m in a.countries() if m.form != "seat" and m.entity.name not in _REGIONS]
    in_clause = [m for m in countries if a0 <= m.start < b0]
    if in_clause:
        return min(in_clause, key=lambda m: _distance(a.text, q, m)).entity.name
    if not countries:
        return None
    # "the amount invested in China, which came second with $13.4bn": the relative
    # clause is about the country just before it.
    if re.match(r"(?:which|that|who)\b", a.text[a0:b0]):
        lead_in = len(a.text[:a0].rstrip(" ,"))
        antecedent = [m for m in countries if m.end == lead_in]
        if antecedent:
            return antecedent[0].entity.name
    # "..., raising a combined $31bn", "..., totalling 107bn yuan": a participle clause
    # goes with the clause before it, country and all.
    if _PARTNER_CLAUSE.match(a.text, a0):
        earlier = [
            m
            for m in countries
            if m.start < a0 and not _SOURCE_CLAUSE.match(a.clause_text(a.clause_at(m.start)))
        ]
        if earlier:
            return earlier[-1].entity.name
    # "..., before the count fell to 1,294": the measure just given, so its country.
    if _SAME_MEASURE.search(a.text, a0, b0):
        earlier = [m for m in countries if m.start < a0]
        if earlier:
            return earlier[-1].entity.name
    # A country in a clause that has its own amount belongs to that amount, unless
    # this clause only compares ("up from $33bn in 2022") with it; "3.5 times" is a ratio.
    # Counts of other things ("backed 1,400 AI companies") own no country.
    owning = {
        a.clause_at(x.start)
        for x in a.quantities
        if x is not q
        and (x.kind == "money" or (x.kind == "count" and _deal_count(a, x)))
        and not re.match(r"\s*(?:times|-fold)\b", a.text[x.end :])
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
    if period and _year_back(a, q):
        return shift_years(period, -1), future
    # "rose to 180 last year from 154", "to $9.6bn from $15.9bn": the figure compared
    # with a year's, when nothing dates it, is the year before's.
    if _FROM_BEFORE.search(a.text, max(0, q.start - 16), q.start) and not any(
        p.period and not p.comparison and _bound_to(a, p) is q for p in a.periods
    ):
        prior = [x for x in a.quantities if x.kind == q.kind and x.end <= q.start]
        if prior:
            before, _ = _base_period(a, prior[-1], a.clause_at(prior[-1].start), topic)
            if before and len(before) == 4:
                return shift_years(before, -1), future
    return period, future


def _bound_to(a: Analysed, p: PeriodMention) -> Quantity | None:
    """The amount, count or percentage a time expression is attached to: the nearest in
    its clause with nothing else in between ("$2bn in 2022", "2022's $5.5bn", "20.5
    billion yuan last year", "70 per cent less than in 2022")."""
    ci = a.clause_at(p.start)
    best: tuple[int, Quantity] | None = None
    for x in a.quantities:
        if x.kind == "year" or a.clause_at(x.start) != ci:
            continue
        lo, hi = (x.end, p.start) if x.end <= p.start else (p.end, x.start)
        if hi < lo or hi - lo > 40:
            continue
        between = [y for y in a.quantities if y.kind != "year" and lo <= y.start < hi]
        if between:
            continue
        if best is None or hi - lo < best[0]:
            best = (hi - lo, x)
    return best[1] if best else None


def _base_period(a: Analysed, q: Quantity, ci: int, topic: Topic | None) -> tuple[str | None, bool]:
    """The period an amount is stated for, before any "a year earlier": one attached to
    it, else one free in its clause, else the sentence's lead, else the topic's."""

    def near(found: list[PeriodMention]) -> str | None:
        best = min(found, key=lambda p: min(abs(p.start - q.end), abs(q.start - p.end)))
        return best.period

    # Days ("on Monday") date the report, not the stretch a total covers.
    usable = [p for p in a.periods if not p.comparison and not (p.period and len(p.period) == 10)]
    bound = {id(p): _bound_to(a, p) for p in usable}
    mine = [p for p in usable if bound[id(p)] is q]
    if mine:
        if any(p.future for p in mine):
            return None, True
        dated = [p for p in mine if p.period]
        if dated:
            return near(dated), False
    # "N deals worth $X in 2022": an amount shares the year of the count it goes with.
    partner = [
        p
        for p in usable
        if p.period
        and a.clause_at(p.start) == ci
        and (b := bound[id(p)]) is not None
        and b.kind in ("money", "count")
        and b.kind != q.kind
        and not _COMPARISON_GAP.search(a.text, min(b.end, q.end), max(b.start, q.start))
    ]
    own = [p for p in usable if a.clause_at(p.start) == ci and bound[id(p)] is None]
    if _year_back(a, q):
        own = [p for p in usable if a.clause_at(p.start) == ci]
    for found in (partner, own):
        if any(p.future for p in found):
            return None, True
        dated = [p for p in found if p.period]
        if dated:
            return near(dated), False
    earlier = [
        p
        for p in usable
        if p.period
        and a.clause_at(p.start) < ci
        and (bound[id(p)] is None or bound[id(p)].kind in ("money", "count"))  # type: ignore[union-attr]
    ]
    if earlier:
        return earlier[-1].period, any(p.future for p in earlier)
    with_amounts = {a.clause_at(x.start) for x in a.quantities if x.kind in ("money", "count")}
    lead = [
        p
        for p in usable
        if p.period and a.clause_at(p.start) not in with_amounts and bound[id(p)] is None
    ]
    if lead:
        return near(lead), any(p.future for p in lead)
    if topic is not None:
        return topic.period, False
    return None, False


def _stated_period(a: Analysed, used: set[tuple[int, int]]) -> str | None:
    """The period a sentence gives its amounts of money, if one is attached to them; a
    funding round's month ("a $600m round in June") dates the round, not the totals."""
    for p in a.periods:
        if not p.period or p.comparison or p.future or len(p.period) == 10:
            continue
        bound = _bound_to(a, p)
        if bound is not None and bound.kind == "money" and (a.index, bound.start) not in used:
            return p.period
    return None


def _company_subject(a: Analysed, q: Quantity, ci: int) -> bool:
    """Whether a company owns the amount: its clause names one before it, or the clause
    is a participle ("..., raising HK$4bn") of a sentence that opens with one."""
    a0, _ = a.clauses[ci]
    if any(m.entity.kind in COMPANY_KINDS and a0 <= m.start < q.start for m in a.mentions):
        return True
    if _SINGLE_COMPANY.search(a.text[a0 : q.start]):
        return True
    if re.match(r"\w+ing\b", a.text[a0:]):
        return any(m.entity.kind in COMPANY_KINDS and m.start == 0 for m in a.mentions) or bool(
            _COMPANY_OPENER.match(a.text)
        )
    return False


def _is_ai_total(a: Analysed, q: Quantity, ci: int, continuing: bool) -> bool:
    """Whether the amount in clause ``ci`` is about AI: said there, or carried over from
    another clause of the sentence when this clause has no funding topic of its own
    (the noun of the count itself, "412 investment events", is not another topic)."""
    a0, b0 = a.clauses[ci]
    noun = _DEAL_NOUN.match(a.text[q.end :])
    cut = q.end + noun.end() if noun else q.end
    clause = a.text[a0 : q.start] + " " + a.text[cut:b0] if a0 <= q.start else a.clause_text(ci)
    if _ALL_SECTOR.search(clause):
        return False
    if AI_TERM.search(clause):
        return True
    if a.ai:
        # "..., with a total financing amount of 150.6bn yuan": the clause before's money.
        return (
            bool(_COMPARISON.search(clause))
            or not _OWN_TOPIC.search(clause)
            or (a0 > 0 and bool(_PARTNER_CLAUSE.match(a.text, a0)))
        )
    return continuing


def _deal_count(a: Analysed, q: Quantity) -> bool:
    """ "1,151 deals", "the number of AI deals rose to 450", "AI deals fell 30% to 450"."""
    if _DEAL_NOUN.match(a.text[q.end :]):
        return True
    before = a.text[max(0, q.start - 70) : q.start]
    if _NUMBER_OF_DEALS.search(before) and re.search(
        r"\b(?:to|at|was|were|of|reached|hit|totall?ed|numbered|stood\s+at)\s+"
        r"(?:(?:about|around|roughly|some|nearly|just|only|over|more\s+than)\s+)?$",
        before,
    ):
        return True
    earlier = [x for x in a.quantities if x.kind == "count" and x.end <= q.start]
    if (
        _COUNT_MOVED.search(before)
        or (earlier and _AND_TO.fullmatch(a.text, earlier[-1].end, q.start))
    ) and any(_deal_count(a, x) for x in earlier):
        return True
    # "1,143 AI deals, far ahead of China's 232": another country's count of the same.
    if _POSSESSIVE_COUNT.search(before) and any(_deal_count(a, x) for x in earlier):
        return True
    # "closed 18% fewer venture deals in 2023 (1,005) than in 2022 (1,226)".
    if _YEAR_BRACKET.search(before) and _COUNTED.search(before):
        return True
    # "the number of US AI deals rose 8% to 1,710, while China's fell to 310".
    if _ELLIPSIS.search(before) and any(
        x.kind == "count" and x.start < q.start and _deal_count(a, x) for x in a.quantities
    ):
        return True
    if _DEALS_THEN_COUNT.search(before) and not re.match(
        r"\s*(?:%|percent|per cent)", a.text[q.end :]
    ):
        return True
    # "113 deals this year, 20 per cent fewer than the 143 recorded in 2023"; "the number
    # of AI rounds fell to 210 from 245".
    return bool(
        _COMPARED_COUNT.search(before)
        and not _DEAL_NOUN.match(a.text[q.end :])
        and not re.match(r"\s*(?:%|percent|per cent|times)", a.text[q.end :])
        and any(
            x is not q
            and x.kind == "count"
            and (
                _DEAL_NOUN.match(a.text[x.end :])
                or (
                    x.start < q.start
                    and not _OTHER_STRETCH.match(a.text, q.end)
                    and _deal_count(a, x)
                )
            )
            for x in a.quantities
        )
    )


def extract_deals(doc: Document, used: set[tuple[int, int]]) -> list[Observation]:
    """AI investment totals and deal counts by country and period."""
    out: list[Observation] = []
    topic: Topic | None = None
    # The year the story last named: a total given without any date is for it, unless
    # its own sentence names one.
    context: str | None = None
    about_ai = False
    # "Here is where AI venture money went in 2024:" over bullets "United States: $83bn
    # across 1,803 deals": each bullet is a country's figure.
    listing = False
    for a in doc.prose():
        bullet = a.sentence.bullet
        in_list = listing and bullet
        if not bullet:
            listing = a.ai and a.text.rstrip().endswith(":")
        # "Start-ups in the sector closed 1,150 deals": the AI of the sentence before.
        sector = about_ai and bool(_SECTOR.search(a.text))
        about_ai = a.ai
        own = _years(a)
        said = own[0] if own else context
        context = own[-1] if own else context
        if topic is not None and a.index - topic.index > 2:
            topic = Topic(topic.index, None, topic.period, stale=True)
        if not any(q.kind in ("money", "count") for q in a.quantities):
            continue
        live = topic is not None and not topic.stale
        later = _YEAR_LATER.match(a.text)
        if later is not None and topic is not None and topic.period:
            topic = Topic(topic.index, topic.country, shift_years(topic.period, 1), topic.stale)
        lead = a.text
        if later is not None:
            lead = a.text[later.end() :].lstrip(" ,")
            lead = lead[:1].upper() + lead[1:]
        # "That money was spread across 389 deals"; "China came second with $17bn".
        continuing = live and bool(
            (_CONTINUATION.match(lead) and (_INVESTMENT_WORDS.search(a.text) or later))
            or (_RANK.search(a.text) and a.countries())
            or _TALLY.search(a.text)
            or _country_lead(a)
        )
        # "The fourth quarter alone brought $31.2bn over 1,020 rounds": the same measure for
        # a part of the topic's period; "Britain ($4.2bn, 410 rounds)": figures after a name.
        continuing = (
            continuing
            or (in_list and _country_lead(a))
            or (
                bool(_INVESTMENT_WORDS.search(a.text))
                and (
                    sector
                    or (live and bool(_PERIOD_LEAD.match(a.text)))
                    or (live and _after_country(a, 0) is not None)
                )
            )
        )
        if not (a.ai or continuing):
            continue
        if not (
            _INVESTMENT_WORDS.search(a.text)
            or continuing
            # "registered 1,286 such events": the count's noun says what it counts.
            or any(q.kind == "count" and _DEAL_NOUN.match(a.text[q.end :]) for q in a.quantities)
        ):
            continue
        found: list[Observation] = []
        for q in a.quantities:
            if (a.index, q.start) in used or q.kind not in ("money", "count"):
                continue
            if q.kind == "count" and not _deal_count(a, q):
                continue
            obs = _total(doc, a, q, topic, continuing)
            if obs is None:
                continue
            if obs.period is None and said is not None:
                obs = replace(obs, period=said)
            found.append(obs)
            found.extend(replace(obs, country=c) for c in _each_of(a, q, obs.country))
        found = [o for o in found if not _stated(o, out)]
        if found:
            out.extend(found)
            period = next((o.period for o in found if o.period), topic.period if topic else None)
            topic = Topic(a.index, found[-1].country, period)
        elif (stated := _stated_period(a, used)) is not None:
            # "Global AI investment fell to $96bn in 2023": no country total, but the
            # year the next sentences' totals are for.
            country = topic.country if topic is not None and not topic.stale else None
            topic = Topic(a.index, country, stated, stale=country is None)
    return out + [o for o in _table_totals(doc) if not _stated(o, out)]


def _years(a: Analysed) -> list[str]:
    """The years of the time expressions in a sentence that date something."""
    return [p.period[:4] for p in a.periods if p.period and not p.comparison and not p.future]


def _country_lead(a: Analysed) -> bool:
    """Whether the sentence opens with a country's name as its subject."""
    first = a.mentions[0] if a.mentions else None
    return bool(
        first is not None
        and first.start == 0
        and first.entity.kind == "country"
        and first.form == "name"
        and first.entity.name not in _REGIONS
        and _COUNTRY_LEAD.match(a.text, first.end)
    )


def _each_of(a: Analysed, q: Quantity, country: str | None) -> list[str]:
    """The other countries of a list that "each" got the figure: "South Korea and India
    each attracted about $1.4bn"."""
    countries = [m for m in a.countries() if m.end <= q.start and m.form != "seat"]
    if not countries or countries[-1].entity.name != country:
        return []
    if not _EACH.match(a.text, countries[-1].end):
        return []
    others: list[str] = []
    i = len(countries) - 1
    while i > 0 and _LIST_GLUE.fullmatch(a.text, countries[i - 1].end, countries[i].start):
        i -= 1
        others.append(countries[i].entity.name)
    return [c for c in others if c != country and c not in _REGIONS]


def _total(
    doc: Document, a: Analysed, q: Quantity, topic: Topic | None, continuing: bool
) -> Observation | None:
    """The observation for one amount or count, if it is a country's AI total."""
    ci = a.clause_at(q.start)
    a0, b0 = a.clauses[ci]
    near = a.text[max(a0, q.start - 45) : min(b0, q.end + 30)]
    if _DISTRACTOR.search(near) or _GLOBAL.search(a.clause_text(ci)) or is_change(a.text, q):
        return None
    if (
        _WORTH.search(near)
        and not _DEALS_WORTH.search(near)
        # "AI deals in China numbered 1,150, worth a combined 60bn yuan".
        and not (
            _WORTH_LEAD.match(a.text, a0)
            and any(x.kind == "count" and x.end <= a0 and _deal_count(a, x) for x in a.quantities)
        )
    ):
        return None
    if _ONE_ROUND.match(a.text, q.end):
        # "the $1 billion Series C that Wayve raised": one company's round.
        return None
    if CUMULATIVE.search(a.text, max(a0, q.start - 60), min(b0, q.end + 40)):
        return None
    fronted = _FRONTED.match(a.text)
    if fronted is not None and CUMULATIVE.search(a.text, 0, fronted.end()):
        return None
    if _PART_OF.search(a.text, max(0, q.start - 30), q.start):
        return None
    if PUBLIC_OFFERING.search(a.text, max(0, q.start - 80), min(len(a.text), q.end + 60)):
        return None
    if REGION.search(a.clause_text(ci)):
        return None
    if not _is_ai_total(a, q, ci, continuing):
        return None
    if _company_subject(a, q, ci):
        return None
    # "Zhipu AI, Moonshot AI and MiniMax raised $2.1bn between them": named companies' sum.
    if _BETWEEN_THEM.search(a.text, q.end, min(len(a.text), q.end + 40)) and any(
        m.entity.kind in COMPANY_KINDS and m.start < q.start for m in a.mentions
    ):
        return None
    country = _country_for(a, q, ci)
    if _GLOBAL_OPENER.match(a.text) and not any(a0 <= m.start < b0 for m in a.countries()):
        return None
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


# --- Tables ---------------------------------------------------------------
# "Private AI investment by country, $bn" over "Country | 2022 | 2023" and rows such
# as "United States | 47.4 | 67.2": one total per country and year column.

_TABLE_DEALS = re.compile(
    r"\b(?:deals|rounds|transactions|financings|(?:funding|investment|financing)\s+(?:events|cases)|"
    r"deal\s+(?:count|volume|numbers?)|number\s+of\s+(?:deals|investments))\b",
    re.IGNORECASE,
)
_TABLE_MONEY = re.compile(
    r"\b(?:invest\w*|funding|raised|financing|venture|capital|money)\b", re.IGNORECASE
)
_TABLE_NOT_TOTAL = re.compile(
    r"\b(?:valuations?|revenues?|sales|market\s+(?:cap\w*|value|size|share)|spending|capex|"
    r"exports?|imports?|share|%|per\s*cent|change|growth|newly\s+funded|"
    r"unicorns|forecasts?|projected)\b|%",
    re.IGNORECASE,
)
# "Newly funded AI companies" counts companies; "Venture capital raised by AI start-ups,
# $bn" is money all the same.
_TABLE_COMPANIES = re.compile(r"\b(?:companies|startups|start-ups|firms)\b", re.IGNORECASE)


def _cell_country(cell: str) -> str | None:
    """The country a cell names, when it names one and nothing else but a source in
    brackets ("US (PitchBook)")."""
    cell = _CELL_SOURCE.sub("", cell)
    found = [m for m in find_mentions(cell) if m.entity.kind == "country"]
    if len(found) != 1:
        return None
    m = found[0]
    if (cell[: m.start] + cell[m.end :]).strip(" *†‡"):
        return None
    return None if m.entity.name in _REGIONS else m.entity.name


def _cell_period(cell: str, doc: Document) -> str | None:
    found = [p for p in find_periods(cell, doc.published) if p.period and not p.comparison]
    if found:
        return found[0].period
    # "2023 deals", "Deals 2024": a year heading a column of counts.
    year = _HEAD_YEAR.search(cell)
    return year.group(0) if year else None


_CELL_SOURCE = re.compile(r"\s*\([^)]*\)\s*$")
# "67.2bn" in a table of AI money: dollars with their scale written in the cell.
_SCALED_CELL = re.compile(r"\s*([\d.,]+)\s*(bn|billion|mn|m|million)\s*$", re.IGNORECASE)
_HEAD_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _lead_in(doc: Document, table: Table) -> str:
    """The prose sentence right before a table ("Here are the AI totals by country:"),
    which says what the table holds when its caption does not."""
    if not table.spans:
        return ""
    start = table.spans[0][0]
    before = [a for a in doc.sentences if not a.in_table and a.sentence.end <= start]
    if not before or doc.text[before[-1].sentence.end : start].strip():
        return ""
    return before[-1].text


def _table_cell(
    doc: Document,
    table: Table,
    row: Row,
    cell: str,
    head: str,
    country: str,
    period: str | None,
) -> Observation | None:
    """The total one cell gives, read with its column header and the caption."""
    context = f"{table.caption} {head}"
    if _TABLE_NOT_TOTAL.search(head) or _TABLE_COMPANIES.search(head) or not cell:
        return None
    deals = bool(_TABLE_DEALS.search(head)) or (
        not _TABLE_MONEY.search(head) and not unit_of(head) and bool(_TABLE_DEALS.search(context))
    )
    value = plain_number(cell)
    if deals:
        if value is None or not value.is_integer():
            return None
        return _row_observation(doc, row, "ai_deal_count", value, country, period)
    unit = unit_of(head) or unit_of(table.caption)
    quantities = [q for q in find_quantities(cell) if q.kind == "money"]
    scaled = _SCALED_CELL.fullmatch(cell)
    if quantities:
        q = quantities[0]
    elif value is not None and unit is not None and (unit[0] or _TABLE_MONEY.search(context)):
        q = Quantity("money", value * unit[1], 0, len(cell), unit[0] or "USD", scaled=True)
    elif scaled is not None and _TABLE_MONEY.search(context):
        number = float(scaled.group(1).replace(",", ""))
        factor = 1e9 if scaled.group(2).lower() in ("bn", "billion") else 1e6
        currency = unit[0] if unit is not None and unit[0] else "USD"
        q = Quantity("money", number * factor, 0, len(cell), currency, scaled=True)
    else:
        return None
    usd = to_usd(q, year_of(period), context, period)
    if usd is None or usd[0] < _MIN_TOTAL_USD:
        return None
    return _row_observation(doc, row, "ai_investment_usd", usd[0], country, period, usd[1], usd[2])


def _row_observation(
    doc: Document,
    row: Row,
    metric: str,
    value: float,
    country: str,
    period: str | None,
    original: float | None = None,
    currency: str | None = None,
) -> Observation:
    """An observation whose evidence is a table row."""
    return Observation(
        metric,
        value,
        doc.text[row.start : row.end],
        country=country,
        period=period,
        evidence_start=row.start,
        evidence_end=row.end,
        original_value=original,
        original_currency=currency,
    )


def _table_totals(doc: Document) -> list[Observation]:
    """Country totals read from tables whose caption or header says they are AI money
    or AI deals; rows or columns may be the countries."""
    out: list[Observation] = []
    for table in doc.tables:
        if not AI_TERM.search(table.caption):
            lead = _lead_in(doc, table)
            if lead and AI_TERM.search(lead):
                table = replace(table, caption=f"{lead} {table.caption}".strip())
        context = f"{table.caption} {' '.join(table.header)}"
        if not AI_TERM.search(context) or _ALL_SECTOR.search(context):
            continue
        if not (_TABLE_DEALS.search(context) or _TABLE_MONEY.search(context)):
            continue
        if _TABLE_NOT_TOTAL.search(table.caption):
            continue
        if _TABLE_COMPANIES.search(table.caption) and not (
            _TABLE_DEALS.search(table.caption)
            or _TABLE_MONEY.search(table.caption)
            or unit_of(table.caption)
        ):
            continue
        caption_period = _cell_period(table.caption, doc)
        by_row = [(_cell_country(r.cells[0]), r) for r in table.rows]
        if any(c for c, _ in by_row):
            for country, row in by_row:
                if country is None:
                    continue
                for j, cell in enumerate(row.cells[1:], 1):
                    head = table.header[j] if j < len(table.header) else ""
                    period = _cell_period(head, doc) or caption_period
                    obs = _table_cell(doc, table, row, cell, head, country, period)
                    if obs is not None:
                        out.append(obs)
            continue
        columns = [(_cell_country(h), j) for j, h in enumerate(table.header)]
        if not any(c for c, _ in columns):
            # "AI financing in China" over "Year | Deals | Amount (billion yuan)": one
            # country's figures by period.
            named = {
                m.entity.name for m in find_mentions(table.caption) if m.entity.kind == "country"
            }
            if len(named) == 1 and not named & _REGIONS:
                (only,) = named
                for row in table.rows:
                    period = _cell_period(row.cells[0], doc)
                    if period is None:
                        continue
                    for j, cell in enumerate(row.cells[1:], 1):
                        head = table.header[j] if j < len(table.header) else ""
                        obs = _table_cell(doc, table, row, cell, head, only, period)
                        if obs is not None:
                            out.append(obs)
            continue
        for row in table.rows:
            period = _cell_period(row.cells[0], doc) or caption_period
            for country, j in columns:
                if country is None or j == 0 or j >= len(row.cells):
                    continue
                obs = _table_cell(doc, table, row, row.cells[j], "", country, period)
                if obs is not None:
                    out.append(obs)
    return out


def _stated(o: Observation, before: list[Observation]) -> bool:
    """Whether the article already gave this figure (a figure is recorded once)."""
    return any(
        p.metric == o.metric
        and p.country == o.country
        and (year_of(p.period) == year_of(o.period) or not p.period or not o.period)
        and abs(p.value - o.value) <= 0.005 * max(p.value, o.value)
        for p in before
    )
