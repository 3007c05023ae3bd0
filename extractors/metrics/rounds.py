"""Funding rounds: one company raising money, and who led or put it in.

"Acme raised $50 million led by Zeta Capital", "Zeta led a $1bn round in Acme",
"Acme, which received a $2bn investment from Zeta", "Zeta will invest $4bn in
Acme". Valuations, revenues, acquisitions and fund sizes are not rounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.metrics.currency import to_usd
from extractors.metrics.document import CUMULATIVE, PUBLIC_OFFERING, Analysed, Document
from extractors.metrics.entities import (
    COMPANY_KINDS,
    NOT_NAMES,
    Mention,
    clean_name,
    descriptor_end,
    gazetteer,
    name_after,
    name_before,
    proper_name_at,
)
from extractors.metrics.numbers import Quantity, find_quantities
from extractors.metrics.periods import find_periods, year_of
from extractors.metrics.sentences import clause_of, clauses, has_any
from extractors.metrics.tables import plain_number, unit_of
from schemas.records import Observation

_ADVERBS = (
    r"(?:(?:has|have|had|is|was|were|also|recently|just|reportedly|now|previously|already|"
    r"successfully|quietly|finally|officially|today|yesterday|on\s+[A-Z][a-z]+day)\s+)*"
)
_RAISE_VERBS = (
    r"(?:raised|raises|raising|raise|secured|secures|securing|closed|closes|closing|landed|lands|"
    r"bagged|bags|received|receives|receiving|garnered|pulled\s+in|attracted|attracts|obtained|"
    r"nabbed|snagged|scored|completed|completes|got|gets|collected|announced|unveiled|"
    r"adding|added|adds|picked\s+up|picks\s+up|took\s+in|takes\s+in|brought\s+in|brings\s+in|"
    r"netted|nets|drew|draws|took|takes|raked\s+in|rakes\s+in|hauled\s+in|hauls\s+in|reeled\s+in|"
    r"scooped\s+up|pocketed|pockets|banked|banks|amassed|amasses|"
    r"(?:been\s+)?(?:backed|funded|financed)\s+with|clinched|clinches|inked|wrapped\s+up)"
)
# Verbs that also go with spending ("announced a $500m investment in its plants"):
# they count only when a round is named next to the amount.
_WEAK_VERB = re.compile(
    r"\b(?:completed|completes|got|gets|collected|announced|unveiled|closed|closes|adding|added|"
    r"adds|took|takes|won|wins|inked|clinched|clinches)\b"
)
_NAMED_ROUND = re.compile(
    r"\b(?:round|Series\s+[A-H]|funding|financing|seed|fundrais\w*|raise)\b", re.IGNORECASE
)
_INVEST_VERBS = (
    r"(?:led|leads|leading|lead|co-led|co-leads|headed|heads|invested|invests|investing|invest|"
    r"committed|commits|poured|pours|injected|injects|put|puts|pumped|ploughed|plowed|backed|backs|"
    r"provided|provides|pledged|participated|contributed|contributes|contributing|contribute)"
)
_ROUND_WORDS = re.compile(
    r"\b(?:round|raise[sd]?|raising|funding|financing|investment|invest\w*|backing|Series\s+[A-H]\b|"
    r"seed|injection|capital\s+increase|stake|led\s+by|fundraising|fundraise|tranche|valuation|"
    r"secur(?:ed|es|ing)|land(?:ed|s)|bagged|garnered|pulled\s+in|poured|pumped|injected|ploughed|"
    r"plowed|bankrolled|backed|raked\s+in|hauled\s+in|banked|pocketed|amassed|nabbed|netted)",
    re.IGNORECASE,
)
# "a $X valuation", "valued at $X", "$X in revenue": the money is not a round.
_NOT_A_ROUND_BEFORE = re.compile(
    r"(?:valu(?:ation|ed|ing)(?:\s+\w+)?\s+(?:of|at)|valu(?:ing|es)\s+(?:[\w'’-]+\s+){0,4}at|"
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
    r"subsid\w*|orders?|awards?|prize|fine|payments?|refund|tax|commitments?|"
    r"(?:(?:revolving|syndicated|term|bank|bridge)\s+)*(?:(?:credit|loan)\s+(?:line|facility)|"
    r"line\s+of\s+credit))",
    re.IGNORECASE,
)
_ACQUISITION = re.compile(
    r"\b(?:acquir\w+|acquisition|takeover|buy(?:s|ing)?\s+(?!into)|bought|merger)\b", re.IGNORECASE
)

_PLANNED = (
    r"(?:(?:is|are|was|were)\s+(?:in\s+talks|seeking|looking|set|planning|aiming|expected|"
    r"reported)\s+to\s+|(?:plans?|planned|seeks?|sought|aims?|hopes?|wants?)\s+to\s+)?"
)
# A round not yet closed is not a round: talks, plans and hopes of raising or investing
# ("is in talks to raise", "is seeking $500m", "plans to raise", "could invest").
_NOT_CLOSED = re.compile(
    r"\b(?:in\s+(?:\w+\s+)?(?:talks|discussions|negotiations)|seek(?:s|ing)?|sought|looking|"
    r"plan(?:s|ned|ning)?|aim(?:s|ed|ing)?|hop(?:es|ed|ing)|set|expected|poised|prepar(?:es|ed|ing)|"
    r"consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|explor(?:es|ed|ing)|mull(?:s|ed|ing)?|want(?:s|ed)?|"
    r"intends?|intending|targets?|targeting|close\s+to|nearing|could|may|might|try(?:ing)?|"
    r"tr(?:ies|ied)|attempt(?:s|ed|ing)?|pitch(?:es|ed|ing)?|courting)\b"
    r"(?:\s+(?:to|with|about|over|on|for|a|an|the|new|fresh|more|funding|capital|investors?|"
    r"potential|possible|raising|investing|another))*\s+(?:raise|raising|secure|securing|invest|"
    r"investing|close|closing|fundrais\w*|funding|financing|round|\$|US\$|€|£|¥|RMB|\d)",
    re.IGNORECASE,
)
#: "said to be raising", "people familiar with the matter": a raise reported in progress.
_RUMOURED = re.compile(
    r"\b(?:is|are|was|were)\s+(?:said\s+to\s+be\s+|reportedly\s+)?(?:raising|seeking)\b",
    re.IGNORECASE,
)
_SOURCES = re.compile(
    r"\b(?:people\s+(?:familiar|close|briefed|with\s+knowledge)|sources?\s+(?:said|say|told|"
    r"familiar|close)|according\s+to\s+(?:a\s+)?(?:report|sources|people|media))",
    re.IGNORECASE,
)


def _not_closed(text: str, q: Quantity, clause_start: int) -> bool:
    """Whether the amount is a round still being sought rather than one raised."""
    lo = max(0, clause_start - 60, q.start - 120)
    if _NOT_CLOSED.search(text, lo, q.start + 2):
        return True
    return bool(_RUMOURED.search(text, lo, q.start) and _SOURCES.search(text))


_RAISER_BEFORE = re.compile(
    rf"(?:,\s+(?:which|that|who)\s+|(?:,\s+[^,]{{1,80}},\s+)|\s+){_ADVERBS}{_PLANNED}"
    rf"{_RAISE_VERBS}\s+"
    r"(?:(?:a|an|the|another|its|their|fresh|new|additional|some|about|around|nearly|over|"
    r"first|second|third|latest|initial|last|next|final|big|bigger|largest|biggest|further|extra|"
    r"more\s+than|up\s+to|roughly|almost|funding|financing|investment|capital|of|injection|"
    r"completion|close|closing|successful|angel|pre-[A-H]\+*|[A-H]\+{1,2}|"
    r"infusion|cash|boost|backing|combined|total|"
    r"Series\s+[A-H]\+?|seed|pre-IPO|round|worth|totall?ing|strategic|equity|venture|"
    r"[\w-]+-stage|growth)\s+)*$",
    re.IGNORECASE,
)
_INVESTOR_BEFORE = re.compile(
    rf"\s+{_ADVERBS}(?:(?:will|would|plans?\s+to|planned\s+to|agreed\s+to|is\s+set\s+to|is\s+to)\s+)?"
    rf"{_INVEST_VERBS}\s+(?:(?:a|an|the|another|its|up\s+to|an\s+additional|additional|fresh|new|further|extra|"
    r"funding|financing|investment|round|of|in|strategic|Series\s+[A-H]\+?)\s+)*$",
    re.IGNORECASE,
)
_POSSESSIVE_BEFORE = re.compile(r"['’]s\s+(?:(?:latest|new|recent|fresh|planned|proposed)\s+)?$")
_TARGET_AFTER = re.compile(
    r"^\s*(?:(?:was|were|has\s+been|had\s+been|have\s+been|is\s+being|will\s+be)\s+"
    r"(?:invested|injected|poured|put|pumped|ploughed|plowed|committed)\s+)?"
    r"(?:(?:funding|financing|investment|equity|strategic|Series\s+[A-H]\+?|seed|pre-IPO|"
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
    r"\b(?:globally|worldwide|in\s+total|in\s+aggregate|combined|between\s+them|together|"
    r"a\s+total\s+of|total\s+(?:investment|funding|commitment|backing)|all\s+told|altogether|"
    r"collectively|across\s+[\d,]+\s+deals|"
    r"in\s+private\s+investment|in\s+venture\s+(?:capital|funding))\b",
    re.IGNORECASE,
)
_COMPOUND_ADJECTIVE = re.compile(r"[\w.&]+-[a-z]+")
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
_ANAPHOR = re.compile(
    r"(?:the\s+(?:company|startup|start-up|firm|lab|developer|group|business)|it)\b", re.IGNORECASE
)
_POSSESSIVE_RAISE = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}?(?:raise|round|funding|financing|fundraising|fundraise|"
    r"investment)\s+(?:was|is|came\s+to|totall?ed|amounted\s+to|of|at|brought\s+in|raised|"
    r"drew|pulled\s+in)\s+"
    r"(?:(?:a|an|the|about|around|some|nearly|roughly|more\s+than)\s+)*$",
    re.IGNORECASE,
)
_STAKE_IN = re.compile(
    r"\b(?:investment|stake|funding|financing|round|backing)\s+(?:in|into|for)\s+", re.IGNORECASE
)
_POSSESSIVE_END = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}$")
_INVESTMENT_NOUN_AFTER = re.compile(
    r"^\s*(?:equity\s+|cash\s+|strategic\s+)?(?:investment|injection|stake|tranche)\b",
    re.IGNORECASE,
)
_APPOSITIVE_OPENER = re.compile(
    r"[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3},\s+(?:a|an|the)\s+[^,]{3,80},"
)
_INVESTORS_INCLUDING = re.compile(
    r"(?:\w+\s+){0,2}?(?:investors|backers|firms|funds|shareholders)\s+"
    r"(?:including|such\s+as|like|led\s+by)\s+",
    re.IGNORECASE,
)
# What may stand before a sentence's subject: "The Chinese AI start-up", "In March,".
_SUBJECT_LEAD = re.compile(
    r"(?:(?:The|A|An|Its|Their|Meanwhile|However|Elsewhere|In\s+\w+(?:\s+\d{4})?,|"
    r"Last\s+\w+,?|On\s+\w+,?|[A-Z][\w.-]*['’]s|[A-Z][\w-]*(?:-based)?|US|U\.S\.|AI|"
    r"start-?up|company|firm|developer|maker|lab|chatbot|rival|giant|group|unicorn|chipmaker|"
    r"search|e-commerce|video|app|robotics|model|language|leading|largest|biggest|young|new)"
    r",?\s+)*"
)
_ANOTHER_AMOUNT = re.compile(
    r"[^.;$€£¥]{0,60}?\b(?:and|then|plus|followed\s+by)\s+(?:(?:up\s+to|another|a\s+further|"
    r"an\s+additional|about|some|nearly|more\s+than|over)\s+)*"
    # "..., with an option to invest a further $2.75bn": more of the same round.
    r"|[^.;$€£¥]{0,60}?\b(?:with|and)\b[^.;$€£¥]{0,40}?\b(?:another|a\s+further|an\s+additional|"
    r"further|additional)\s+(?:(?:up\s+to|about|some|nearly|more\s+than|over)\s+)*",
    re.IGNORECASE,
)
_SPEAKER = re.compile(
    r"\b([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})(?:,[^,]{3,80},)?\s+(?:said|says|announced|"
    r"confirmed|disclosed|told\s+\w+)\b"
)
_RELATIVE_BEFORE = re.compile(r",\s+(?:which|who|that)\s*$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\s*\w+ing\b")
_OBJECT_BEFORE = re.compile(
    r"\b(?:from|by|with|including|as|in|into|to|for|led\s+by)\s+(?:the\s+)?$|,\s*$", re.IGNORECASE
)
_COMPANY_NOUN = (
    r"(?:company|start-?up|firm|maker|developer|lab|provider|platform|business|unicorn|"
    r"designer|operator|outfit|venture|group|specialist|supplier|manufacturer)"
)
# What follows a company's name when it is the subject: an appositive describing a
# company, or a verb of making or selling.
_COMPANY_PREDICATE = re.compile(
    rf"(?:,\s+(?:a|an|the|which|whose)\s+[^,]{{0,80}}?\b{_COMPANY_NOUN}s?\b"
    r"|\s+(?:builds|makes|develops|designs|sells|offers|provides|operates|runs|creates|produces|"
    r"trains|supplies|manufactures)\b"
    rf"|\s+(?:is|was)\s+(?:a|an)\s+(?:[\w-]+\s+){{0,4}}?{_COMPANY_NOUN}\b)"
)
#: "Founded in 2021, Acme ...", "On Monday, Acme ...": a short phrase before the subject.
_FRONTED = re.compile(r"[^,.;]{2,50},\s+(?=[A-Z])")
_FOUNDED_OBJECT = re.compile(
    r"\b(?:start(?:ed)?|found(?:ed)?|co-found(?:ed)?|set\s+up|spun\s+out|spun\s+off)\s+(?=[A-Z])"
)
# Every match of ``_FOUNDED_OBJECT`` holds one of these as written.
_FOUNDED_WORDS = ("start", "found", "set", "spun")
_TITLE_FUNDING = re.compile(
    r"\b(?:rais\w*|funding|financing|round|Series\s+[A-H]|seed|invest\w*|backs?|backed|"
    r"valuation|valued|bags?|lands?|secures?|nets?)\b|[$€£¥]",
    re.IGNORECASE,
)
# "The round was led by Zeta", "The financing, a Series B, totalled $120m": the round of
# the company just reported on is the subject.
_ROUND_SUBJECT = re.compile(
    r"(?:(?:In|On|At|By|According\s+to)\s+[^,]{1,40},\s+)?(?:The|This|That|Its|Their|Each)\s+"
    r"(?:[\w$€£¥.-]+\s+){0,4}?(?:round|financing|funding|raise|fundraise|fundraising|investment|"
    r"injection|tranche|Series\s+[A-H]\+?|seed)\b",
    re.IGNORECASE,
)
_WITH_ROUND_BEFORE = re.compile(
    r"\b(?:with|after)\s+(?:a|an|its|another|the|their)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)
_ROUND_NOUN_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:round|raise|fundraise|financing|funding|Series\s+[A-H]|seed)\b",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|on|at|from|by|with|for|to|of|into|including|like|as|than|and|or)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_RAISED_BY = re.compile(
    r"^\s*(?:(?:has|have|had|was|were|is|are)\s+)?(?:been\s+)?(?:raised|secured|collected|"
    r"attracted|drawn|pulled\s+in|brought\s+in|taken\s+in)\s+by\s+",
    re.IGNORECASE,
)
_STARTUP_BEFORE = re.compile(
    r"\b(?:start-?ups?|upstarts?|unicorns?)\s+(?:[A-Z][\w.&-]*\s*){1,4}$", re.IGNORECASE
)
_ROUND_SIZE = re.compile(
    r"(?:\s*,[^,]{1,60},)?\s+(?:(?:was|is|has\s+been)\s+)?(?:totall?ed|totals|amounted\s+to|"
    r"amounts\s+to|came\s+to|comes\s+to|reached|was|is|of|worth|sized\s+at)\s+"
    r"(?:(?:about|around|roughly|some|nearly|almost|more\s+than|over|just\s+over|up\s+to|"
    r"a\s+total\s+of|an?)\s+)*",
    re.IGNORECASE,
)
_BACKED_WITH = re.compile(
    rf"\s+{_ADVERBS}(?:backed|funded|bankrolled|supported|financed|provided)\s+(?P<obj>[^,;$]{{1,60}}?)\s+"
    r"with\s+(?:(?:a|an|about|around|some|nearly|more\s+than|up\s+to|another|a\s+further|"
    r"an\s+additional)\s+)*$",
    re.IGNORECASE,
)
# A lead-in to a list of rounds ("This week's notable financings:") and its items
# ("- Acme AI – $75 million, led by Zeta").
_ROUND_LIST_LEAD = re.compile(
    r"\b(?:financings|rounds|deals|raises|fundraises|fundraisings|investments|funding)\b[^:]*:\s*$",
    re.IGNORECASE,
)
_ROUND_ITEM = re.compile(
    r"(?P<name>[A-Z][\w.&+-]*(?:\s+[A-Z0-9][\w.&+-]*){0,3})\s*(?:[:–—]|\s-\s)\s*"
)
_LATER_LEAD = re.compile(
    r"\b(?:led|co-led|headed|anchored|spearheaded)\s+by\s+|\bparticipation\s+from\s+",
    re.IGNORECASE,
)

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
    span = (descriptor_end(text, *span), span[1])
    # "Orbit's Series A raised ...": the possessor owns the round.
    owner = re.match(
        r"(.+?)['’]s\s+(?:Series\s+[A-H]|seed|round|funding|financing|raise)\b",
        text[span[0] : span[1]],
    )
    if owner:
        span = (span[0], span[0] + len(owner.group(1)))
    raw = clean_name(text[span[0] : span[1]])
    mention = next((m for m in mentions if m.start == span[0]), None)
    ent = mention.entity if mention else gazetteer().get(raw)
    if ent is None and raw.split()[:1] and raw.split()[0] in _GENERIC_LEADS:
        return None
    # "AI-related", "China-based", "US-backed": compound adjectives, not company names.
    if ent is None and _COMPOUND_ADJECTIVE.fullmatch(raw):
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
    # "Microsoft, which invested ...": the name before the relative pronoun.
    relative = _RELATIVE_BEFORE.search(text, max(0, verb - 12), verb)
    if relative:
        verb = relative.start()
    named = _name(text, name_before(text, verb, mentions), mentions)
    if named is not None:
        return named
    # "Baichuan ... closed the latest round last month, raising RMB 5bn": a participle
    # after a comma shares the subject of the sentence; so does a verb after an
    # appositive ("Nimbus AI, founded by two researchers, closed ...").
    if text.startswith(",", verb) or (
        text[:verb].rstrip().endswith(",") and _PARTICIPLE.match(text, verb)
    ):
        return _opener(a)
    if _WE_BEFORE.search(text, max(0, verb - 20), verb + 1):
        # "“We have raised $100m,” said Li Wei, chief executive of Orbit Labs": the
        # speaker's company.
        return _speakers_company(a)
    if not _PRONOUN_BEFORE.search(text[: verb + 1]):
        return None
    # "Kestrel AI said that it had raised": the speaker.
    speakers = list(_SPEAKER.finditer(text, 0, verb))
    if speakers:
        span = proper_name_at(text, speakers[-1].start(1))
        spoken = _name(text, span, mentions) if span else None
        if spoken is not None and _is_company(spoken[0]):
            return spoken
    # "Zhipu said that it had raised": the nearest company that is not an object.
    earlier = [
        m
        for m in mentions
        if m.entity.kind in _FOCUS_KINDS
        and m.end <= verb
        and not _OBJECT_BEFORE.search(text, max(0, m.start - 14), m.start)
    ]
    if earlier:
        return earlier[-1].entity.name, earlier[-1].entity.country
    # "Orion Labs, a Shenzhen start-up, said it had closed ...": the name it opens with.
    opener = _opener(a) if _APPOSITIVE_OPENER.match(text) else None
    return opener or focus


_WE_BEFORE = re.compile(r"\b[Ww]e(?:['’]ve|['’]d)?\s*$")
_ROLE = (
    r"(?:chief\s+executive(?:\s+officer)?|CEO|founder|co-founder|cofounder|president|chairman|"
    r"chairwoman|chief\s+\w+\s+officer|C[TFO]O|spokes(?:man|woman|person)|head|director|partner)"
)
_ROLE_OF = re.compile(rf"\b{_ROLE}\s+(?:and\s+\w+\s+)?(?:of|at)\s+")
_ROLE_AFTER = re.compile(rf"(?:['’]s)?\s+{_ROLE}\b")


def _speakers_company(a: Analysed) -> tuple[str, str | None] | None:
    """The company of the person quoted: "chief executive of Acme", "Acme's founder"."""
    role = _ROLE_OF.search(a.text)
    if role is not None:
        found = _name(a.text, name_after(a.text, role.end(), a.mentions), a.mentions)
        if found is not None:
            return found
    for m in a.mentions:
        if m.entity.kind in _FOCUS_KINDS and _ROLE_AFTER.match(a.text, m.end):
            return m.entity.name, m.entity.country
    return None


def _named_source(a: Analysed, q: Quantity) -> tuple[str, str | None] | None:
    """The investor named after "from" right after the amount, if any."""
    source = _FROM_AFTER.match(a.text[q.end :])
    if source is None:
        return None
    return _name(a.text, name_after(a.text, q.end + source.end(), a.mentions), a.mentions)


def _appositive(a: Analysed, comma: int) -> tuple[str, str | None] | None:
    """ "The start-up, Nebula AI, raised ...": the name set off by commas before the verb."""
    text = a.text
    if not text.startswith(",", comma):
        return None
    start = comma + 1 + len(text[comma + 1 :]) - len(text[comma + 1 :].lstrip())
    span = proper_name_at(text, start)
    if span is None or not text[span[1] :].lstrip().startswith(","):
        return None
    return _name(text, span, a.mentions)


def _opener(a: Analysed) -> tuple[str, str | None] | None:
    """The company a sentence opens with, its grammatical subject."""
    first = next((m for m in a.mentions if m.start == 0), None)
    if first is not None:
        return _name(a.text, (first.start, first.end), a.mentions)
    return _name(a.text, proper_name_at(a.text, 0), a.mentions)


def _clause_subject(a: Analysed, pos: int) -> tuple[str, str | None] | None:
    """The first company named before ``pos`` in its clause that is not the object of a
    preposition: the subject ("Its rival Baichuan followed with a round")."""
    text = a.text
    c0 = a.clauses[a.clause_at(pos)][0]
    for tok in re.finditer(r"\S+", text[:pos]):
        if tok.start() < c0 or _PREPOSITION_BEFORE.search(
            text, max(0, tok.start() - 14), tok.start()
        ):
            continue
        mention = a.mention_at(tok.start())
        span = (mention.start, mention.end) if mention else proper_name_at(text, tok.start())
        if span is None:
            continue
        found = _name(text, span, a.mentions)
        if found is not None and _is_company(found[0]):
            return found
    return None


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


def find_rounds(
    a: Analysed,
    focus: tuple[str, str | None] | None = None,
    recent: tuple[str, str | None] | None = None,
) -> list[Round]:
    """Funding rounds stated in one sentence; ``focus`` is the company "it" refers to,
    ``recent`` the one whose round the sentences just before reported."""
    text = a.text
    out: list[Round] = []
    for q in a.quantities:
        if q.kind != "money":
            continue
        before, after = text[: q.start], text[q.end :]
        window = text[max(0, q.start - 90) : q.end + 70]
        again = bool(out) and _ANOTHER_AMOUNT.fullmatch(text, out[-1].quantity.end, q.start)
        if not (
            _ROUND_WORDS.search(window)
            or again
            or (
                (verb := _RAISER_BEFORE.search(before)) is not None
                and (
                    _named_source(a, q) is not None
                    or _STARTUP_BEFORE.search(text, max(0, verb.start() - 60), verb.start())
                )
            )
        ):
            continue
        if _NOT_A_ROUND_BEFORE.search(before) or _NOT_A_ROUND_AFTER.match(after):
            continue
        if _ACQUISITION.search(text[max(0, q.start - 60) : q.end + 40]):
            continue
        # Sums and totals are told in the amount's own clause ("has raised $15bn since
        # 2021"); a total in the next clause ("taking its total to $8bn") is another figure.
        c0, c1 = a.clauses[a.clause_at(q.start)]
        lo, hi = max(c0, q.start - 60), min(c1, q.end + 40)
        if _AGGREGATE.search(text, lo, hi) or CUMULATIVE.search(text, lo, hi):
            continue
        if PUBLIC_OFFERING.search(text, max(0, q.start - 80), min(len(text), q.end + 60)):
            continue
        if _not_closed(text, q, c0):
            continue
        found = _read_round(a, q, before, after, focus, recent)
        if found is None and again:
            # "took $2bn from Google and up to $4bn from Amazon": the same raiser again.
            source = _named_source(a, q)
            found = (out[-1].entity, source[0] if source else None, out[-1].country)
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
    a: Analysed,
    q: Quantity,
    before: str,
    after: str,
    focus: tuple[str, str | None] | None,
    recent: tuple[str, str | None] | None = None,
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
            # "$25m was invested in Acme by Zeta": the passive's agent is the investor.
            agent = re.match(r"\s+by\s+", text[span[1] :])
            if agent:
                investor = _name(text, name_after(text, span[1] + agent.end(), mentions), mentions)
        elif _ANAPHOR.match(text, pos):
            # "invested $1bn in the company": the company the sentence is about.
            entity = _opener(a) or focus
    raiser = _RAISER_BEFORE.search(before)
    with_round = _WITH_ROUND_BEFORE.search(before) and _ROUND_NOUN_AFTER.match(after)
    if entity is None and raiser is None and with_round:
        # "Baichuan followed days later with a 5bn yuan round": the clause's subject.
        entity = _clause_subject(a, q.start)
    if (
        raiser is not None
        and _WEAK_VERB.search(raiser.group(0))
        and not _NAMED_ROUND.search(text, max(0, raiser.start() - 80), min(len(text), q.end + 30))
        # "took $2bn from Google": money from a named investor is a round too.
        and _named_source(a, q) is None
        # "Voice-AI startup Sonora gets $12m": a start-up getting money is raising it.
        and not _STARTUP_BEFORE.search(text, max(0, raiser.start() - 60), raiser.start())
    ):
        raiser = None
    if raiser and entity is None:
        entity = _appositive(a, raiser.start()) or _subject(a, raiser.start(), focus)
    backed = _BACKED_WITH.search(before)
    if backed is not None and entity is None:
        # "Radical Ventures has also backed the company with $10m": the object raised it.
        pos = backed.start("obj")
        if _ANAPHOR.match(text, pos):
            entity = recent or focus or _opener(a)
        else:
            entity = _name(text, name_after(text, pos, mentions), mentions)
        investor = investor or _subject(a, backed.start(), focus)
    backer = _INVESTOR_BEFORE.search(before)
    if backer:
        investor = _subject(a, backer.start(), focus)
    elif round_of := _ROUND_OF.search(before):
        # "Zeta is leading a financing round of $600m for Acme": the verb sits further back.
        lead = _LEADS_A.search(before, 0, round_of.start())
        if lead:
            investor = _name(text, name_before(text, lead.start(), mentions), mentions)
    possessive = _POSSESSIVE_BEFORE.search(before) or _POSSESSIVE_RAISE.search(before)
    if possessive and (entity is None or investor is None):
        owner = _name(text, name_before(text, possessive.start(), mentions), mentions)
        if entity is None:
            entity = owner
        elif investor is None:
            investor = owner
    source = _FROM_AFTER.match(after)
    if source and investor is None:
        pos = q.end + source.end()
        listing = _INVESTORS_INCLUDING.match(text, pos)
        investor = _name(
            text, name_after(text, listing.end() if listing else pos, mentions), mentions
        )
    led = _LED_BY.search(text, q.end, min(len(text), q.end + 120)) or _LED_BY.search(
        text, max(0, q.start - 120), q.start
    )
    if led and investor is None:
        investor = _name(text, name_after(text, led.end(), mentions), mentions)
    if entity is None:
        # "Amazon's latest investment in Anthropic as a $2.8bn round".
        stakes = list(_STAKE_IN.finditer(text, max(0, q.start - 120), q.start))
        if stakes:
            last = stakes[-1]
            entity = _name(text, name_after(text, last.end(), mentions), mentions)
            holder = _POSSESSIVE_END.search(text, max(0, last.start() - 40), last.start())
            if entity and investor is None and holder:
                investor = _name(text, name_before(text, holder.start(), mentions), mentions)
    if entity is None and recent is not None and target is None:
        # "ASML is contributing EUR1.3bn" or "Amazon ... with a $2.75bn investment" right
        # after a round: the investor's share of the company just reported on.
        backer_named = investor or (_opener(a) if _INVESTMENT_NOUN_AFTER.match(after) else None)
        if backer_named is not None and backer_named[0] != recent[0]:
            entity, investor = recent, backer_named
    passive = _RAISED_BY.match(after)
    if entity is None and passive:
        # "More than $1bn has been raised by Acme": the passive's agent raised it.
        entity = _name(text, name_after(text, q.end + passive.end(), mentions), mentions)
    subject = _ROUND_SUBJECT.match(text)
    if (
        entity is None
        and subject is not None
        and not _RAISER_BEFORE.search(before)
        and (q.start < subject.end() or _ROUND_SIZE.fullmatch(text, subject.end(), q.start))
    ):
        # "The financing, a Series B, totalled $120m", "The $50m round was led by Zeta":
        # the size of the round of the company just named.
        entity = recent or focus
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
    focus = _Focus(_title_subject(doc))
    recent: tuple[int, tuple[str, str | None]] | None = None
    listing = False
    for a in doc.prose():
        latest = recent[1] if recent is not None and a.index - recent[0] <= 2 else None
        # Inside a list of rounds a line reads as an item or not at all: the round just
        # listed is not the subject of the next line.
        in_list = listing and _ROUND_ITEM.match(a.text) is not None
        if in_list:
            item = _list_round(a)
            rounds = [item] if item is not None else []
        elif any(q.kind == "money" for q in a.quantities):
            rounds = find_rounds(a, focus.get(), latest)
        else:
            rounds = []  # every round is an amount of money
        # A lead-in to a list ends in a colon.
        if ":" in a.text and _ROUND_LIST_LEAD.search(a.text):
            listing = True
        elif not in_list:
            listing = False
        if not rounds and latest is not None and out:
            _lead_named_later(a, out)
        for r in rounds:
            period = _period(a, r.quantity)
            usd = to_usd(
                r.quantity, year_of(period) or _pub_year(doc), a.text, _rate_period(doc, a, period)
            )
            if usd is None:
                continue
            value, original, currency = usd
            obs = a.observation(
                "funding_round_usd",
                value,
                entity=r.entity,
                counterparty=r.counterparty,
                country=r.country,
                qualifier=r.quantity.approx,
                period=period[:7] if period else None,
                original_value=original,
                original_currency=currency,
            )
            used.add((a.index, r.quantity.start))
            if not any(_same_round(obs, o) for o in out):
                out.append(obs)
        if rounds:
            last = rounds[-1]
            focus.set((last.entity, last.country))
            recent = (a.index, (last.entity, last.country))
        else:
            # "The startup raised ..." in a later sentence means the company named last.
            focus.read(a)
    tabled = [o for o in _table_rounds(doc) if not any(_same_round(o, p) for p in out)]
    return out + tabled, used


class _Focus:
    """The company "it" refers to: the one the last sentence about a company was about,
    else the one before. Sentences are read for it only when an amount needs it, most
    recent first, since most are never needed."""

    def __init__(self, focus: tuple[str, str | None] | None) -> None:
        self._focus = focus
        self._unread: list[Analysed] = []

    def set(self, focus: tuple[str, str | None]) -> None:
        """The company a sentence's round was for."""
        self._focus = focus
        self._unread.clear()

    def read(self, a: Analysed) -> None:
        """A sentence without rounds, read later if needed."""
        self._unread.append(a)

    def get(self) -> tuple[str, str | None] | None:
        """The company in focus after the sentences read so far."""
        while self._unread:
            found = _focus(self._unread.pop())
            if found:
                self._focus = found
                break
        self._unread.clear()
        return self._focus


def _list_round(a: Analysed) -> Round | None:
    """A round given as a list item: a company's name, a dash or colon, the amount."""
    item = _ROUND_ITEM.match(a.text)
    if item is None:
        return None
    q = next((q for q in a.quantities if q.kind == "money" and q.start == item.end()), None)
    if q is None:
        return None
    found = _name(a.text, (item.start("name"), item.end("name")), a.mentions)
    # "Worldwide: $110bn across 4,850 deals" is a total, not a company's round.
    if found is None or found[0] in NOT_NAMES or not _is_company(found[0]):
        return None
    led = _LED_BY.search(a.text, q.end)
    investor = _name(a.text, name_after(a.text, led.end(), a.mentions), a.mentions) if led else None
    return Round(q, found[0], investor[0] if investor else None, found[1])


def _lead_named_later(a: Analysed, out: list[Observation]) -> None:
    """ "The round was led by Zeta": the investor of the round just reported, when that
    sentence named none."""
    if not _ROUND_SUBJECT.match(a.text):
        return
    lead = _LATER_LEAD.search(a.text)
    last = out[-1]
    if lead is None or last.counterparty is not None:
        return
    investor = _name(a.text, name_after(a.text, lead.end(), a.mentions), a.mentions)
    if investor is not None and investor[0] != last.entity:
        out[-1] = replace(last, counterparty=investor[0])


def _same_round(a: Observation, b: Observation) -> bool:
    """The same round told twice: same company and amount, and no different month."""
    same_amount = abs(a.value - b.value) <= 0.02 * max(a.value, b.value) or (
        a.original_value is not None
        and (a.original_value, a.original_currency) == (b.original_value, b.original_currency)
    )
    return (
        a.entity == b.entity
        and same_amount
        and (not a.period or not b.period or a.period[:7] == b.period[:7])
    )


def _rate_period(doc: Document, a: Analysed, period: str | None) -> str | None:
    """The month to convert at: the period itself, a month of the same year the
    sentence names ("said in October that it had raised 2.5bn yuan during 2023"), or
    for an undated round the month the article went out."""
    if not period:
        return doc.published.strftime("%Y-%m") if doc.published else None
    if len(period) != 4:
        return period
    months = [p.period for p in a.periods if p.period and len(p.period) >= 7]
    return next((m for m in months if m.startswith(period)), period)


def _focus(a: Analysed) -> tuple[str, str | None] | None:
    """The company a sentence is about: one it opens with, a company-like name opening
    it (after a fronted phrase such as "Founded in 2021,"), or a known company named
    early and not as an object."""
    named = next(
        (
            m
            for m in a.mentions
            if m.entity.kind in _FOCUS_KINDS and _SUBJECT_LEAD.fullmatch(a.text, 0, m.start)
        ),
        None,
    )
    if named is not None:
        return named.entity.name, named.entity.country
    starts = [0]
    # A fronted phrase ends in a comma within its first 51 characters.
    fronted = _FRONTED.match(a.text) if "," in a.text[2:51] else None
    if fronted:
        starts.append(fronted.end())
    for start in starts:
        span = proper_name_at(a.text, start)
        if span is None:
            continue
        found = _name(a.text, span, a.mentions)
        if found is None or not _is_company(found[0]):
            continue
        if _COMPANY_SUFFIX.search(found[0]) or _COMPANY_PREDICATE.match(a.text, span[1]):
            return found
    founded = _FOUNDED_OBJECT.search(a.text) if has_any(a.text, _FOUNDED_WORDS) else None
    if founded:
        found = _name(a.text, proper_name_at(a.text, founded.end()), a.mentions)
        if found is not None and _is_company(found[0]):
            return found
    return None


def _title_subject(doc: Document) -> tuple[str, str | None] | None:
    """The company a headline is about, when the story names it again and reads it as a
    company ("The quiet rise of Acme" over a story where Acme "builds robots")."""
    title = doc.title or ""
    for m in doc.title_mentions:
        if m.entity.kind in _FOCUS_KINDS:
            return m.entity.name, m.entity.country
    body = "\n".join(a.text for a in doc.sentences)
    for tok in re.finditer(r"\S+", title):
        span = proper_name_at(title, tok.start())
        if span is None:
            continue
        words = title[span[0] : span[1]].split()
        # Headlines capitalise every word: the longest run the story also writes.
        for n in range(len(words), 0, -1):
            name = clean_name(" ".join(words[:n]))
            if not name or name in NOT_NAMES or not _is_company(name):
                continue
            if name.split()[0] in _GENERIC_LEADS or gazetteer().get(name) is not None:
                continue
            # The plain substring test first: the pattern is compiled anew for each name.
            if name not in body:
                continue
            said = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            if not said.search(body):
                continue
            # "Coding startup Acme raises ...": a word describing the company, not its name.
            if re.match(rf"\s+{_COMPANY_NOUN}\b", title[span[0] + len(name) :]):
                continue
            if (
                _TITLE_FUNDING.search(title)
                or _COMPANY_SUFFIX.search(name)
                or _described_as_company(doc.text, name)
            ):
                return name, None
    return None


def _described_as_company(text: str, name: str) -> bool:
    """Whether the story reads ``name`` as a company: founded, described or acting as one."""
    escaped = re.escape(name)
    return bool(
        re.search(rf"{_FOUNDED_OBJECT.pattern}{escaped}\b", text)
        or re.search(rf"{escaped}{_COMPANY_PREDICATE.pattern}", text)
        or re.search(rf"\b{_COMPANY_NOUN}\s+{escaped}\b", text)
    )


def _pub_year(doc: Document) -> int | None:
    return doc.published.year if doc.published else None


def _period(a: Analysed, q: Quantity) -> str | None:
    """The date nearest the amount, ignoring comparison bases and forecasts; one in the
    amount's own clause ("and put $600m into Acme in March") beats one across "and"."""
    spans = clauses(a.text, split_and=True)
    own = clause_of(spans, q.start)
    best: tuple[int, str] | None = None
    for p in a.periods:
        if not p.period or p.comparison or p.future:
            continue
        dist = min(abs(p.start - q.end), abs(q.start - p.end))
        if clause_of(spans, p.start) != own:
            dist += 1000
        if best is None or dist < best[0]:
            best = (dist, p.period)
    return best[1] if best else None


# --- Tables ---------------------------------------------------------------
# "Company | Round closed | Amount raised | Investors | Valuation" and rows such as
# "Acme | March 2024 | $600m | Zeta Capital | $2.5bn": one round per row.

_AMOUNT_HEAD = (r"\bamount\b", r"\braised\b", r"\bround\s+size\b", r"\bsize\b", r"\bfunding\b")
_NOT_AMOUNT_HEAD = re.compile(r"valu|revenue|market|total\s+funding|cumulative", re.IGNORECASE)
_INVESTOR_HEAD = (r"investor", r"backer", r"\bled\s+by\b", r"\blead\b")
_DATE_HEAD = (r"\bdate\b", r"\bclosed\b", r"\bwhen\b", r"\bannounced\b", r"\bmonth\b", r"\byear\b")
_COMPANY_HEAD = (r"company", r"start-?up", r"\bfirm\b", r"developer", r"\blab\b", r"raiser")


def _table_rounds(doc: Document) -> list[Observation]:
    """Rounds read from tables with a company column and an amount-raised column."""
    out: list[Observation] = []
    for table in doc.tables:
        amount = table.column(*_AMOUNT_HEAD)
        if amount is None or _NOT_AMOUNT_HEAD.search(table.header[amount]):
            continue
        company = table.column(*_COMPANY_HEAD)
        company = 0 if company is None or company == amount else company
        investors = table.column(*_INVESTOR_HEAD)
        date = table.column(*_DATE_HEAD)
        unit = unit_of(f"{table.header[amount]} {table.caption}")
        for row in table.rows:
            if max(amount, company) >= len(row.cells):
                continue
            obs = _table_round(row.cells[company], row.cells[amount], unit)
            if obs is None:
                continue
            period = None
            if date is not None and date < len(row.cells):
                dated = [p for p in find_periods(row.cells[date], doc.published) if p.period]
                period = dated[0].period if dated else None
            investor = None
            if investors is not None and investors < len(row.cells):
                first = row.cells[investors].split(",")[0].strip()
                hit = gazetteer().get(first)
                investor = hit.name if hit else (first or None)
            usd = to_usd(obs.quantity, year_of(period) or _pub_year(doc), row.cells[amount], period)
            if usd is None:
                continue
            out.append(
                Observation(
                    "funding_round_usd",
                    usd[0],
                    doc.text[row.start : row.end],
                    entity=obs.entity,
                    counterparty=investor,
                    country=obs.country,
                    qualifier=obs.approx,
                    period=period[:7] if period else None,
                    evidence_start=row.start,
                    evidence_end=row.end,
                    original_value=usd[1],
                    original_currency=usd[2],
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class _Cell:
    """A money cell read with the company of its row."""

    quantity: Quantity
    entity: str
    country: str | None

    @property
    def approx(self) -> str | None:
        return self.quantity.approx


def _table_round(name: str, cell: str, unit: tuple[str | None, float] | None) -> _Cell | None:
    """The round a row's company and amount cells give."""
    name = clean_name(name)
    if not name or not _is_company(name):
        return None
    found = [q for q in find_quantities(cell) if q.kind == "money"]
    if found:
        q = found[0]
    else:
        value = plain_number(cell)
        if value is None or unit is None:
            return None
        q = Quantity("money", value * unit[1], 0, len(cell), unit[0] or "USD", scaled=True)
    hit = gazetteer().get(name)
    if hit is not None and (hit.kind in _NOT_RAISERS or hit.kind == "investor"):
        return None
    entity = hit.name if hit else name
    return _Cell(q, entity, gazetteer().maker_country(hit) if hit else None)
