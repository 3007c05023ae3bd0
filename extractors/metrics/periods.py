"""Find time expressions and resolve them to ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``A/B``.

Relative expressions ("last year", "in February", "this week", "in the first
quarter") are resolved against the article's publication date; without one
they resolve to nothing rather than to a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.metrics.sentences import digit_or_words, folded

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
}
_COUNTS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_YEAR = r"(?P<year>(?:19[5-9]|20[0-4])\d)"
_YEAR2 = r"(?P<year2>(?:19[5-9]|20[0-4])\d)"
_NOT_NUM_AFTER = r"(?![\d,.]\d|\s*(?:%|percent|per cent|million|billion|bn\b|m\b|users|deals))"

_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b{_YEAR}-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # "the January-March quarter", "between January and June", "April through June 2025".
    (
        "month_range",
        re.compile(
            rf"\b(?:between\s+(?P<a1>{_MONTH_WORD})\s+and\s+(?P<a2>{_MONTH_WORD})|"
            rf"(?P<b1>{_MONTH_WORD})\s*(?:-|–|to|through)\s*(?P<b2>{_MONTH_WORD}))\b"
            rf"(?:,?\s+(?:of\s+)?{_YEAR}\b)?"
        ),
    ),
    ("mdy", re.compile(rf"\b{_MONTH}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}\b")),
    ("my", re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    (
        "first_months",
        re.compile(
            r"\b(?:the\s+)?first\s+(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|"
            rf"eleven)\s+months\b(?:\s+(?:of\s+)?(?:(?:the\s+|this\s+|last\s+)?year|{_YEAR}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "first_quarters",
        re.compile(
            r"\b(?:the\s+)?first\s+(?P<n>two|three|2|3)\s+quarters\b"
            rf"(?:\s+(?:of\s+)?(?:(?:the\s+|this\s+|last\s+)?year|{_YEAR}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "half",
        re.compile(
            rf"\b(?:the\s+)?(?P<h>first|second|1st|2nd)\s+half\b(?:\s+(?:of\s+)?(?:{_YEAR}|(?P<rel>this|last)\s+year))?"
            rf"|\b(?P<h2>H[12])\s*{_YEAR2}",
            re.IGNORECASE,
        ),
    ),
    (
        "quarter",
        re.compile(
            r"\b(?:the\s+)?(?P<q>first|second|third|fourth|final|1st|2nd|3rd|4th)\s*[-\s]?quarter"
            rf"(?:\s+(?:of\s+)?{_YEAR})?|\bQ(?P<q2>[1-4])\s*(?:of\s+)?(?:{_YEAR2})?\b",
            re.IGNORECASE,
        ),
    ),
    ("fiscal", re.compile(rf"\b(?:fiscal|FY)\s*(?:year\s+)?{_YEAR}\b", re.IGNORECASE)),
    # "in August last year", "December of next year".
    (
        "month_rel",
        re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b"),
    ),
    (
        "comparison",
        re.compile(
            r"\b(?:year[-\s](?:over|on)[-\s]year|(?:the|a)\s+(?:year|month|quarter)\s+(?:before|earlier|prior|ago)|"
            r"(?:the\s+)?(?:previous|prior|preceding)\s+(?:year|month|quarter)|a\s+year\s+ago|"
            r"from\s+a\s+year\s+earlier|annually|per\s+year|a\s+year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<which>last|this|next|past|earlier\s+this|later\s+this)\s+(?P<unit>year|month|week|quarter)\b"
            r"|\b(?P<day>today|yesterday)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:on|last|this|since|from|by)\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "md",
        re.compile(
            rf"\b(?:(?P<pre>in|last|this|since|by|on|from|until|through|early|late|mid|mid-|in\s+early|in\s+late|in\s+mid)\s*)?"
            rf"{_MONTH}(?:\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b)?(?!\s*,?\s*(?:of\s+)?\d{{4}})"
            r"(?P<same>\s+of\s+(?:the\s+)?(?:same|that)\s+year)?"
        ),
    ),
    ("year", re.compile(rf"(?<![\d,.$£€¥-]){_YEAR}(?:['’]s)?{_NOT_NUM_AFTER}(?![\w-])")),
    # "the same month", "that month": the month named just before in the sentence.
    ("same_month", re.compile(r"\b(?:the\s+same|that)\s+month\b", re.IGNORECASE)),
]


# Words every match of a pattern contains, so that a pattern is not run on a sentence
# that lacks them: one of ``cased`` as written (the pattern is case-sensitive) and one
# of ``folded`` in the folded sentence. Month names all start with these three letters.
_MONTH_PREFIXES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_YEAR_DIGITS = ("19", "20")


@dataclass(frozen=True, slots=True)
class _Needs:
    cased: frozenset[str] | None = None
    folded: frozenset[str] | None = None

    def met(self, cased: set[str], folded: set[str]) -> bool:
        """Whether the words found (``cased`` as written, ``folded``) meet the needs."""
        return (self.cased is None or not self.cased.isdisjoint(cased)) and (
            self.folded is None or not self.folded.isdisjoint(folded)
        )


def _needs(cased: tuple[str, ...] = (), folded: tuple[str, ...] = ()) -> _Needs:
    return _Needs(frozenset(cased) or None, frozenset(folded) or None)


_NEEDS: dict[str, _Needs] = {
    "iso": _needs(folded=_YEAR_DIGITS),
    "month_range": _needs(_MONTH_PREFIXES),
    "mdy": _needs(_MONTH_PREFIXES, _YEAR_DIGITS),
    "dmy": _needs(_MONTH_PREFIXES, _YEAR_DIGITS),
    "my": _needs(_MONTH_PREFIXES, _YEAR_DIGITS),
    "first_months": _needs(folded=("months",)),
    "first_quarters": _needs(folded=("quarters",)),
    "half": _needs(folded=("half", "h1", "h2")),
    "quarter": _needs(folded=("quarter", "q1", "q2", "q3", "q4")),
    "fiscal": _needs(folded=("fiscal", "fy")),
    "month_rel": _needs(_MONTH_PREFIXES, ("year",)),
    "comparison": _needs(folded=("year", "month", "quarter", "annually")),
    "relative": _needs(folded=("year", "month", "week", "quarter", "today", "yesterday")),
    "weekday": _needs(("day",)),
    "md": _needs(_MONTH_PREFIXES),
    "year": _needs(folded=_YEAR_DIGITS),
    "same_month": _needs(folded=("month",)),
}
_CASED_WORDS = frozenset(w for n in _NEEDS.values() for w in n.cased or ())
_FOLDED_WORDS = frozenset(w for n in _NEEDS.values() for w in n.folded or ())

_SINCE_BEFORE = re.compile(r"\bsince\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A time expression: its offsets in the sentence and the period it names."""

    start: int
    end: int
    period: str | None
    comparison: bool = False  # "year-over-year", "the year before": a base, not a period
    future: bool = False


def _month_before(published: dt.date, month: int, strictly: bool) -> int:
    """Year of the most recent ``month`` not after the publication month."""
    if month < published.month or (month == published.month and not strictly):
        return published.year
    return published.year - 1


def _months(a: str, b: str) -> str:
    return a if a == b else f"{a}/{b}"


def _quarter(year: int, q: int) -> str:
    return _months(f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}")


def _resolve(kind: str, m: re.Match[str], published: dt.date | None) -> PeriodMention | None:
    g = m.groupdict()
    raw_year = g.get("year") or g.get("year2")
    year = int(raw_year) if raw_year else None
    pub = published
    if kind == "iso":
        return _mention(m, f"{year}-{g['m']}-{g['d']}")
    if kind == "month_range":
        first = _MONTHS[(g.get("a1") or g["b1"]).lower().rstrip(".")]
        last = _MONTHS[(g.get("a2") or g["b2"]).lower().rstrip(".")]
        y = year
        if y is None and pub:
            # The latest such stretch that has ended by publication.
            y = pub.year if last <= pub.month else pub.year - 1
        if y is None or last < first:
            return _mention(m, None)
        return _mention(m, _months(f"{y}-{first:02d}", f"{y}-{last:02d}"))
    if kind in ("mdy", "dmy"):
        month = _MONTHS[g["month"].lower().rstrip(".")]
        return _mention(m, f"{year}-{month:02d}-{int(g['d']):02d}")
    if kind == "my":
        return _mention(m, f"{year}-{_MONTHS[g['month'].lower()]:02d}")
    if kind in ("first_months", "first_quarters"):
        n = g["n"].lower()
        count = int(n) if n.isdigit() else _COUNTS.get(n, 0)
        if kind == "first_quarters":
            count *= 3
        y = year
        if y is None and pub:
            # "the first 11 months" of the latest year that has had that many.
            last = "last year" in m.group(0).lower()
            y = pub.year - 1 if last or count >= pub.month else pub.year
        if not y or not 1 <= count <= 12:
            return _mention(m, None)
        return _mention(m, _months(f"{y}-01", f"{y}-{count:02d}"))
    if kind == "half":
        h = (g.get("h") or g.get("h2") or "").lower()
        first = h in ("first", "1st", "h1")
        y = year
        if y is None and pub:
            y = pub.year - 1 if (g.get("rel") or "").lower() == "last" else pub.year
        if y is None:
            return _mention(m, None)
        return _mention(m, f"{y}-01/{y}-06" if first else f"{y}-07/{y}-12")
    if kind == "quarter":
        q = int(g["q2"]) if g.get("q2") else _ORDINALS[g["q"].lower()]
        y = year
        if y is None and pub:
            # "in the first quarter" means the latest such quarter that has begun.
            y = pub.year if 3 * q - 2 <= pub.month else pub.year - 1
        return _mention(m, _quarter(y, q) if y else None)
    if kind == "month_rel":
        if not pub:
            return _mention(m, None)
        step = {"last": -1, "this": 0, "next": 1}[g["rel"]]
        return _mention(m, f"{pub.year + step}-{_MONTHS[g['month'].lower().rstrip('.')]:02d}")
    if kind == "fiscal":
        return _mention(m, str(year))
    if kind == "comparison":
        return PeriodMention(m.start(), m.end(), None, comparison=True)
    if kind == "relative":
        return _relative(m, pub)
    if kind == "weekday":
        if not pub:
            return _mention(m, None)
        back = (pub.weekday() - _WEEKDAYS.index(g["wd"].lower())) % 7
        return _mention(m, (pub - dt.timedelta(days=back)).isoformat())
    if kind == "md":
        return _month_day(m, pub)
    if kind == "year":
        # "the fewest since 2014": the start of a comparison, not the stretch a figure covers.
        if _SINCE_BEFORE.search(m.string, 0, m.start()):
            return PeriodMention(m.start(), m.end(), str(year), comparison=True)
        return _mention(m, str(year))
    if kind == "same_month":
        return PeriodMention(m.start(), m.end(), "same-month")
    return None


def _mention(m: re.Match[str], period: str | None, future: bool = False) -> PeriodMention:
    return PeriodMention(m.start(), m.end(), period, future=future)


def _relative(m: re.Match[str], pub: dt.date | None) -> PeriodMention:
    g = m.groupdict()
    if g.get("day"):
        if not pub:
            return _mention(m, None)
        day = pub if g["day"].lower() == "today" else pub - dt.timedelta(days=1)
        return _mention(m, day.isoformat())
    which = " ".join(g["which"].lower().split())
    unit = g["unit"].lower()
    if not pub:
        return _mention(m, None, future=which == "next")
    step = {"last": -1, "past": -1, "next": 1}.get(which, 0)
    if unit == "year":
        return _mention(m, str(pub.year + step), future=step > 0)
    if unit == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        return _mention(m, f"{y}-{mo + 1:02d}", future=step > 0)
    if unit == "quarter":
        y, q = divmod(pub.year * 4 + (pub.month - 1) // 3 + step, 4)
        return _mention(m, _quarter(y, q + 1), future=step > 0)
    # A week is reported by the day the article went out.
    day = pub + dt.timedelta(days=7 * step)
    return _mention(m, day.isoformat(), future=step > 0)


def _month_day(m: re.Match[str], pub: dt.date | None) -> PeriodMention | None:
    g = m.groupdict()
    word = g["month"].rstrip(".")
    pre = (g.get("pre") or "").strip().lower()
    # "May" and "March" are also verbs; they count as months only when introduced.
    if word.lower() in ("may", "march", "mar") and not pre and not g.get("d"):
        return None
    if not pre and not g.get("d") and word.lower() not in _MONTHS:
        return None
    if g.get("same"):
        # Resolved by find_periods from the year mentioned just before.
        return PeriodMention(m.start(), m.end(), f"same-{_MONTHS[word.lower()]:02d}")
    if not pub:
        return _mention(m, None)
    month = _MONTHS[word.lower()]
    year = _month_before(pub, month, strictly=pre == "last")
    if g.get("d"):
        day = int(g["d"])
        try:
            return _mention(m, dt.date(year, month, day).isoformat())
        except ValueError:
            return _mention(m, f"{year}-{month:02d}")
    return _mention(m, f"{year}-{month:02d}")


# "the 2025 AI Index", "its 2022 edition", "the 2019 NeurIPS conference": a year that
# names a publication or an event is not the period of the figures around it.
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|its|their|this|that|a|an|his|her|our)\s+$", re.IGNORECASE
)
_TITLE_AFTER = re.compile(
    r"\s+(?:[A-Z][\w.-]*|editions?|reports?|surveys?|stud(?:y|ies)|index|rankings?|lists?|"
    r"conferences?|meetings?|summits?|version|update|review|budget|elections?|law|act|rules?|"
    r"regulations?|framework|olympics|games)\b"
)


def _names_an_edition(text: str, m: re.Match[str]) -> bool:
    return bool(
        _DETERMINER_BEFORE.search(text, max(0, m.start() - 8), m.start())
        and _TITLE_AFTER.match(text, m.end())
    )


_FUTURE_CUE = re.compile(r"\b(?:by|until|through)\s+$|\bforecasts?\b|\bwill\b", re.IGNORECASE)
_ANY_TIME = re.compile(
    r"\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|year|month|week|quarter|half|"
    r"today|yesterday|annual|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
    re.IGNORECASE,
)


#: Words one of which every non-digit match of ``_ANY_TIME`` contains ("day" for the
#: weekdays, "today" and "yesterday").
_TIME_WORDS = (
    *(m.lower() for m in _MONTH_PREFIXES),
    "year",
    "month",
    "week",
    "quarter",
    "half",
    "day",
    "annual",
)


def _any_time(text: str, lower: str) -> bool:
    """Whether ``_ANY_TIME`` matches, testing the cheap digit and words first."""
    return digit_or_words(text, lower, _TIME_WORDS, _ANY_TIME)


def find_periods(
    text: str, published: dt.date | None = None, *, lower: str | None = None
) -> list[PeriodMention]:
    """Time expressions in ``text``, resolved against ``published``; no overlaps.
    ``lower`` is ``folded(text)`` when the caller has it already."""
    if lower is None:
        lower = folded(text)
    if not _any_time(text, lower):
        return []
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []
    cased = {w for w in _CASED_WORDS if w in text}
    words = {w for w in _FOLDED_WORDS if w in lower}
    for kind, pattern in _PATTERNS:
        if not _NEEDS[kind].met(cased, words):
            continue
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if kind == "year" and _names_an_edition(text, m):
                taken.append((m.start(), m.end()))
                continue
            p = _resolve(kind, m, published)
            if p is None:
                continue
            found.append(p)
            taken.append((m.start(), m.end()))
    out: list[PeriodMention] = []
    for p in sorted(found, key=lambda p: p.start):
        if p.period == "same-month":
            month = next(
                (q.period[:7] for q in reversed(out) if q.period and len(q.period) >= 7), None
            )
            p = PeriodMention(p.start, p.end, month)
        elif p.period and p.period.startswith("same-"):
            prior = next((q.period[:4] for q in reversed(out) if q.period), None)
            p = PeriodMention(p.start, p.end, f"{prior}-{p.period[5:]}" if prior else None)
        if (
            p.period
            and len(p.period) == 4
            and _FUTURE_CUE.search(text, max(0, p.start - 12), p.start)
        ):
            p = PeriodMention(p.start, p.end, p.period, p.comparison, True)
        out.append(p)
    return out


def year_of(period: str | None) -> int | None:
    """The first year a period covers."""
    if not period or not period[:4].isdigit():
        return None
    return int(period[:4])


def shift_years(period: str, years: int) -> str:
    """``period`` moved by whole years ("2024-07/2024-09" -> "2023-07/2023-09")."""
    return re.sub(r"\b(\d{4})\b", lambda m: str(int(m.group(1)) + years), period)
