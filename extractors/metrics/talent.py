"""Shares of AI talent by country: "the U.S. is home to 60% of top AI institutions",
"China at 47% and the U.S. lagging with 18%", "38% have China as their country of origin".

Each percentage goes to the country the sentence ties it to: one named right after
it ("38% have China"), right before it ("China with 12%"), in its clause, or the
subject of the clause it continues.
"""

from __future__ import annotations

import re

from extractors.metrics.document import AI_TERM, REGION, Analysed, Document
from extractors.metrics.numbers import Quantity
from extractors.metrics.sentences import clause_of, clauses, has_any
from schemas.records import Observation

_TALENT = re.compile(
    r"\b(?:talent|researchers?|scientists?|engineers?|PhDs?|doctorates?|doctoral|graduates?|"
    r"undergraduates?|degrees?|students?|institutions?|universities|workforce|experts?|"
    r"authors?|professionals?|STEM|brainpower|immigrants?|hires?)\b",
    re.IGNORECASE,
)
# Every match of ``_TALENT`` holds one of these (in the folded text).
_TALENT_WORDS = (
    "talent",
    "researcher",
    "scientist",
    "engineer",
    "phd",
    "doctora",
    "graduate",
    "degree",
    "student",
    "institution",
    "universities",
    "workforce",
    "expert",
    "author",
    "professional",
    "stem",
    "brainpower",
    "immigrant",
    "hire",
)
_PEOPLE = re.compile(
    r"talent|researchers?|scientists?|engineers?|PhDs?|graduates?|students?|experts?|"
    r"workforce|professionals?|authors?",
    re.IGNORECASE,
)
_SURVEY = re.compile(
    r"\b(?:executives|respondents|surveyed|survey\s+of|polled|consumers|customers|users|"
    r"companies\s+(?:have|say|said|plan)|employers)\b",
    re.IGNORECASE,
)
_CHANGE_AFTER = re.compile(
    r"\s*(?:decline|drop|decrease|increase|rise|growth|jump|fall|gain|more|less|higher|lower|"
    r"year[-\s]on[-\s]year|year[-\s]over[-\s]year|annual)\b",
    re.IGNORECASE,
)
_CHANGE_BEFORE = re.compile(
    # "make up 8 per cent" is a share; "up 8 per cent" a change.
    r"(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)\b(?:up|down|rose|fell|grew|increased|decreased|"
    r"by|a|an)\s+$",
    re.IGNORECASE,
)
_OWNER_AFTER = re.compile(
    r"^\s*(?:of\s+(?:them\s+|those\s+|these\s+)?)?(?:\w+\s+){0,2}?(?:have|has|had|are|were|is|was|come|came|"
    r"coming|hail|hailed|from|in|originate\w*|went\s+to|stay\w*\s+in|work\w*\s+in)\s+(?:from\s+|in\s+)?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_OWNER_BEFORE = re.compile(
    r"^\s*[:–—]\s*$|"  # "United States: 42 per cent", a list item
    r"^\s*(?:\(|:|,)?\s*(?:(?:is\s+)?(?:lagging|trailing|ranked\w*|coming\s+in|second|third|behind)\s+)?"
    r"(?:with|at|on|had|has|accounted\s+for|accounts\s+for|held|holds|took|takes|claims?|claimed|"
    r"made\s+up|makes\s+up|produced|produces|was\s+home\s+to|is\s+home\s+to|home\s+to)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"according\s+to\s+(?:\w+\s+){0,2}\w+|\w+\s+(?:said|say|says|found|estimate[sd]?|wrote)\b",
    re.IGNORECASE,
)
_TIER_BEFORE = re.compile(r"\btop\s+$", re.IGNORECASE)
_FROM_BEFORE = re.compile(
    r"\bfrom\s+(?:(?:about|around|roughly|some|nearly|just)\s+)?$", re.IGNORECASE
)
#: Blocs and regions hold shares too, but they are not countries.
_REGIONS = frozenset({"EU"})
_ORIGIN_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|at|from|to|of|than|into|with|for|by)\s+(?:the\s+)?$", re.IGNORECASE
)
_MODIFIER = re.compile(
    r"(?:(?:top|top-tier|elite|leading|best|most[\s-]cited|foreign|international|AI|"
    r"artificial\s+intelligence|machine\s+learning|skilled|senior|young|Chinese|American|U\.S\.|US|"
    r"[\w-]+-born|[\w-]+-trained)\s+){0,3}$",
    re.IGNORECASE,
)


# "two-thirds of researchers working in the US were trained in other countries": the
# share belongs to no one country, whatever country the pool is described by.
_ELSEWHERE = re.compile(
    r"\b(?:(?:other|foreign)\s+countries|abroad|overseas|elsewhere|outside\s+(?:the\s+)?"
    r"(?:country|[A-Z][\w.]*))\b"
)


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_PREDICATE_VERB = re.compile(
    r"\b(?:is|are|was|were|did|do|does|have|has|had|come|came|hail(?:s|ed)?|work(?:s|ed)?|"
    r"stud(?:y|ies|ied)|earn(?:s|ed)|receiv(?:e|es|ed)|obtain(?:s|ed)|got|get|hold|held|"
    r"account(?:s|ed)?|make|made|complet(?:e|es|ed)|graduat(?:e|es|ed)|trained|born|live[sd]?|"
    r"stay(?:s|ed)?|remain(?:s|ed)?|move[sd]?|went|go)\b",
    re.IGNORECASE,
)


def _owner(a: Analysed, q: Quantity, spans: list[tuple[int, int]]) -> str | None:
    text = a.text
    countries = [m for m in a.countries() if m.form != "seat"]
    if not countries:
        return None
    c_end = spans[clause_of(spans, q.start)][1]
    if _ELSEWHERE.search(text, q.end, c_end):
        return None
    for m in countries:
        between = text[q.end : m.start]
        if m.start >= q.end and m.start - q.end < 40 and _OWNER_AFTER.match(between):
            # "70% of AI PhDs in the US": "in" after the pool places the pool, it does
            # not give the share to the country.
            if re.match(r"\s*of\b", between) and re.search(r"\bin\s+(?:the\s+)?$", between):
                continue
            return m.entity.name
    ci = clause_of(spans, q.start)
    c0, c1 = spans[ci]
    # "38% of top researchers working in the US are from China": origin beats workplace.
    for m in countries:
        if q.end <= m.start < c1 and _ORIGIN_BEFORE.search(text, max(0, m.start - 12), m.start):
            return m.entity.name
    for m in reversed(countries):
        if c0 <= m.start and m.end <= q.start and _OWNER_BEFORE.match(text[m.end : q.start]):
            return m.entity.name
    # "one in three of the researchers at top US labs did their degrees in China": a
    # country describing the pool gives way to one in the predicate after the verb.
    verb = _PREDICATE_VERB.search(text, q.end, c1)
    if re.match(r"\s+of\b", text[q.end :]):
        pool_end = verb.start() if verb is not None else c1
        in_pool = [m for m in countries if q.end <= m.start < pool_end]
        predicate = [m for m in countries if pool_end <= m.start < c1]
        if in_pool and predicate:
            return predicate[0].entity.name
        located = all(_LOCATIVE_BEFORE.search(text, max(0, m.start - 12), m.start) for m in in_pool)
        if in_pool and located and not [m for m in countries if c0 <= m.start and m.end <= q.start]:
            # "70% of AI PhDs in the US go to industry", "Women make up 26 per cent of AI
            # researchers in the US": a share within one country's pool.
            return None
    inside = [m for m in countries if c0 <= m.start < c1]
    if inside:
        before = [m for m in inside if m.end <= q.start]
        return (before[-1] if before else inside[0]).entity.name
    for k in range(ci - 1, -1, -1):
        k0, k1 = spans[k]
        subjects = [
            m
            for m in countries
            if k0 <= m.start < k1 and not _PREPOSITION_BEFORE.search(text[k0 : m.start])
        ]
        if subjects:
            return subjects[0].entity.name
    return None


_ORIGIN_WORDS = re.compile(
    r"\b(?:undergraduate|first\s+degrees?|bachelor\w*|trained|trains|educated|origin|"
    r"born|hail\w*|came\s+from|come\s+from|produc\w+|sources?\s+of)\b",
    re.IGNORECASE,
)
_WORK_WORDS = re.compile(
    r"\b(?:work\w*|employ\w*|institutions?|destination|based\s+in|home\s+to|hosts?|"
    r"end\s+up|stay\w*|located)\b",
    re.IGNORECASE,
)
_ELITE = re.compile(r"\b(?:elite|top\s+2|top\s+two)\b", re.IGNORECASE)
_OF_POOL = re.compile(
    r"\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,5}?(?:researchers|talent|scientists|engineers|"
    r"authors|ones|people|graduates|institutions|them|experts)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"\b(?:though|although|but|while|whereas)\b|;", re.IGNORECASE)


def _qualifier(a: Analysed, q: Quantity) -> str | None:
    """What the share counts: "undergraduate_origin", "work_location" or
    "work_location_elite" (the most elite tier) when the sentence says, else the pool
    in its own words ("top AI institutions")."""
    text = a.text
    if _ORIGIN_WORDS.search(text):
        return "undergraduate_origin"
    if _WORK_WORDS.search(text):
        return "work_location_elite" if _elite(text, q) else "work_location"
    return _pool(a, q)


def _elite(text: str, q: Quantity) -> bool:
    """Whether the share is of the most elite tier: said of its pool ("57 per cent of the
    most elite researchers") or earlier in its stretch of the sentence."""
    pool = _OF_POOL.match(text, q.end)
    if pool:
        return bool(_ELITE.search(pool.group(0)))
    cuts = [0, *(m.end() for m in _CONTRAST.finditer(text, 0, q.start))]
    return bool(_ELITE.search(text, cuts[-1], q.end))


def _pool(a: Analysed, q: Quantity) -> str | None:
    """The talent pool the share is of, e.g. "top AI institutions"."""
    text = a.text
    found = list(_TALENT.finditer(text))
    if not found:
        return None
    after = [m for m in found if m.start() >= q.end]
    if re.match(r"\s+of\b", text[q.end :]) and after:
        best = after[0]  # "42% of the world's most elite AI talent"
    else:
        # People ("researchers", "talent") name the pool better than "degrees".
        people = [m for m in found if _PEOPLE.match(m.group(0))] or found
        best = min(people, key=lambda m: min(abs(m.start() - q.end), abs(q.start - m.end())))
    lead = _MODIFIER.search(text, max(0, best.start() - 60), best.start())
    start = lead.start() if lead else best.start()
    return " ".join(text[start : best.end()].split())


_NOT_POOL = re.compile(
    r"\s+of\s+(?:the\s+|all\s+|global\s+|total\s+|the\s+world['’]s\s+|its\s+|their\s+)?"
    r"(?:[\w'’-]+\s+){0,3}?(?:papers|patents|publications|citations|filings|models|revenues?|"
    r"markets?|investment|funding|spending|compute|chips|exports|imports|output|production|"
    r"downloads|users|sales|capacity|data\s+cent(?:er|re)s|jobs|postings|vacancies|companies|"
    r"firms|startups|start-ups)\b",
    re.IGNORECASE,
)


_SHARE_OF_OUTPUT = re.compile(
    r"\bshare\s+of\s+(?:the\s+|all\s+|global\s+|world\s+)?(?:[\w'’-]+\s+){0,3}?(?:papers|patents|"
    r"publications|citations|filings|models|revenues?|markets?|investment|funding|spending|compute|"
    r"chips|exports|imports|output|production|downloads|users|sales|capacity|jobs|postings)\b"
    r"[^,;]{0,40}$",
    re.IGNORECASE,
)


def _talent_clauses(a: Analysed, spans: list[tuple[int, int]]) -> set[int]:
    """Clauses that name a talent pool (a source such as "according to researchers" does not)."""
    found = set()
    for m in _TALENT.finditer(a.text):
        if _SOURCE.search(a.text, max(0, m.start() - 30), m.end() + 12):
            continue
        found.add(clause_of(spans, m.start()))
    return found


def _shares(a: Analysed, spans: list[tuple[int, int]], carried: bool) -> list[Quantity]:
    """Percentages that are shares of a talent pool: the pool is named in their clause
    or the clause before, or they continue a share just read ("compared with 12%")."""
    pools = _talent_clauses(a, spans)
    out: list[Quantity] = []
    chained = carried
    for q in a.quantities:
        if q.kind != "percent" or not 0 <= q.value <= 100:
            continue
        text = a.text
        if _CHANGE_AFTER.match(text, q.end) or _CHANGE_BEFORE.search(
            text, max(0, q.start - 12), q.start
        ):
            continue
        if _NOT_POOL.match(text, q.end) or _SHARE_OF_OUTPUT.search(
            text, max(0, q.start - 80), q.start
        ):
            continue  # "40 per cent of all AI papers": a share of output, not of people
        ci = clause_of(spans, q.start)
        if ci in pools or ci - 1 in pools or chained:
            out.append(q)
            chained = True
    return out


def _names_talent(a: Analysed) -> bool:
    """Whether ``_TALENT`` matches the sentence."""
    return has_any(a.folded, _TALENT_WORDS) and bool(_TALENT.search(a.text))


def extract_talent(doc: Document) -> list[Observation]:
    """Talent shares by country."""
    out: list[Observation] = []
    prev_ai = False
    # Once the article has talked about AI talent, its later talent sentences need not
    # say "AI" again ("American institutions employ 42 per cent of top-tier researchers").
    about_talent = bool(doc.title and AI_TERM.search(doc.title) and _TALENT.search(doc.title))
    previous: list[Observation] = []
    # A lead-in about talent ending in a colon: the list items after it carry its shares
    # ("Where the top AI researchers work:" over "United States: 42 per cent").
    listing = False
    for a in doc.prose():
        ai = a.ai
        # Only read when it can matter: for a usable sentence or a new talent topic.
        talent = (ai or prev_ai or about_talent) and _names_talent(a)
        usable = (ai or prev_ai or about_talent) and talent and not _SURVEY.search(a.text)
        # "China was second at 28%." continues the talent figures of the sentence before.
        carried = (
            (bool(previous) or listing)
            and not any(q.kind == "money" for q in a.quantities)
            and not _SURVEY.search(a.text)
        )
        prev_ai = ai
        about_talent = about_talent or (ai and talent)
        if not (usable or carried):
            previous = []
            listing = False
            continue
        found = _sentence_shares(a, carried and not usable, previous)
        if usable and a.text.rstrip().endswith(":"):
            listing = True
        elif not found:
            listing = False
        # A share repeated later in the article is the same fact.
        out.extend(
            o
            for o in found
            if not any(
                (p.country, p.value, p.qualifier) == (o.country, o.value, o.qualifier) for p in out
            )
        )
        previous = found
    return out


def _regional(a: Analysed, q: Quantity, spans: list[tuple[int, int]]) -> bool:
    """Whether the share's clause gives it to a region ("Asia 10 per cent")."""
    c0, c1 = spans[clause_of(spans, q.start)]
    if not REGION.search(a.text, c0, q.start):
        return False
    return not any(c0 <= m.start < c1 for m in a.countries() if m.entity.name not in _REGIONS)


def _sentence_shares(a: Analysed, carried: bool, previous: list[Observation]) -> list[Observation]:
    # Shares are percentages: without one there is nothing to split clauses for.
    if not any(q.kind == "percent" for q in a.quantities):
        return []
    spans = clauses(a.text, split_and=True)
    shares = _shares(a, spans, carried)
    # "the figures were 29 per cent and 20 per cent": the countries of the sentence
    # before, in the same order.
    order = list(dict.fromkeys(o.country for o in previous if o.country))
    if carried and shares and not a.countries() and len(shares) == len(order):
        return [
            a.observation("talent_share_pct", q.value, country=c, qualifier=previous[0].qualifier)
            for q, c in zip(shares, order, strict=True)
        ]
    found: list[Observation] = []
    for q in shares:
        if _TIER_BEFORE.search(a.text, max(0, q.start - 12), q.start):
            continue  # "the top 2 per cent": a tier, not a share
        country: str | None
        if _FROM_BEFORE.search(a.text, max(0, q.start - 20), q.start) and found:
            # "rose to 28 per cent from 11 per cent": the same country's earlier share.
            country = found[-1].country
        else:
            country = _owner(a, q, spans)
        if country is None or country in _REGIONS or _regional(a, q, spans):
            continue
        qualifier = _qualifier(a, q) or (previous[-1].qualifier if carried and previous else None)
        found.append(
            a.observation("talent_share_pct", q.value, country=country, qualifier=qualifier)
        )
    return found
