"""Find amounts of money, counts and percentages as journalists write them.

"$2.7 billion", "US$1.5bn", "RMB 7 billion", "63.1 billion yuan ($8.77 billion)",
"1,151 deals", "nearly 200 million", "more than 1bn", "57%", "60 per cent",
"between $1bn and $2bn". Values are plain floats in the stated currency; the
conversion to US dollars happens in ``currency``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.metrics.sentences import digit_or_words, folded

_SCALES = {
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mil": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
    "crore": 1e7,
    "crores": 1e7,
    "lakh": 1e5,
    "lakhs": 1e5,
}
_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD_NUMBERS: dict[str, float] = {
    "a": 1,
    "an": 1,
    **_UNITS,
    **_TEENS,
    **_TENS,
    "hundred": 100,
    "a hundred": 100,
    "half a": 0.5,
}
#: Currency written before the number, longest first so "US$" wins over "$".
_PREFIXES = {
    "US$": "USD",
    "U.S.$": "USD",
    "USD": "USD",
    "$": "USD",
    "HK$": "HKD",
    "HKD": "HKD",
    "NT$": "TWD",
    "TWD": "TWD",
    "S$": "SGD",
    "SGD": "SGD",
    "A$": "AUD",
    "AUD": "AUD",
    "C$": "CAD",
    "CAD": "CAD",
    "€": "EUR",
    "EUR": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "RMB": "CNY",
    "Rmb": "CNY",
    "CNY": "CNY",
    "CN¥": "CNY",
    "JPY": "JPY",
    "JP¥": "JPY",
    "¥": "¥",
    "₩": "KRW",
    "KRW": "KRW",
    "₹": "INR",
    "INR": "INR",
    "Rs.": "INR",
    "Rs": "INR",
}
#: Currency written after the number ("2.5 billion dollars", "63.1 billion yuan").
_SUFFIXES = {
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "american dollars": "USD",
    "hong kong dollars": "HKD",
    "taiwan dollars": "TWD",
    "new taiwan dollars": "TWD",
    "singapore dollars": "SGD",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
    "dollars": "USD",
    "usd": "USD",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "rupees": "INR",
}
#: Hedges that qualify a value without changing it.
APPROX_WORDS = (
    "more than",
    "less than",
    "fewer than",
    "greater than",
    "at least",
    "at most",
    "up to",
    "as much as",
    "as many as",
    "as little as",
    "close to",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "approx.",
    "some",
    "over",
    "under",
    "above",
    "below",
    "upwards of",
    "north of",
    "in excess of",
    "just over",
    "just under",
    "an estimated",
    "estimated",
    "an additional",
    "another",
)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORD_SCALE = r"trillion|billion|million|thousand|crores?|lakhs?"
# "$31bn", "$31 bn", "$500m", "a $1.5-billion round"; a bare letter must touch the number.
_SCALE = rf"(?:(?:\s*|-)(?:{_WORD_SCALE})|\s?(?:tn|trn|bn|bln|mn|mln)|(?:mil|[bBmMkK]))(?![A-Za-z])"
_PREFIX = rf"(?:{_alt(list(_PREFIXES))})\s?"
_SUFFIX = rf"(?:{_alt(list(_SUFFIXES))})(?![A-Za-z])"
# Hedges are looked up behind a number once it is found: trying them at every
# position of every sentence is what made the number patterns slow.
_HEDGE = re.compile(rf"(?<![A-Za-z])(?:{_alt(list(APPROX_WORDS))})\s+$", re.IGNORECASE)
# "two", "twenty-five", "three hundred", "a hundred", "half a": spelled-out numbers.
_SMALL_WORD = _alt([*_UNITS, *_TEENS, *_TENS])
_WORDNUM = (
    rf"(?:(?:{_alt(list(_TENS))})[\s-](?:{_alt(list(_UNITS))})(?:\s+hundred)?|"
    rf"(?:{_SMALL_WORD})(?:\s+hundred)?|a\s+hundred|hundred|half\s+a|an?)"
)

_JOIN = r"\s*(?:-|–|to|(?(between)and|(?!)))\s*"
_MONEY = re.compile(
    rf"""(?<![A-Za-z0-9])(?P<between>between\s+)?
    (?:
      (?P<pre>{_PREFIX})(?P<n1>{_NUM})(?P<s1>{_SCALE})?
        (?:(?P<join>{_JOIN})(?P<pre2>{_PREFIX})?(?P<n2>{_NUM})(?P<s2>{_SCALE})?)?
    | (?P<n3>{_NUM})(?P<s3>{_SCALE})?
        (?:(?P<join2>{_JOIN})(?P<n4>{_NUM})(?P<s4>{_SCALE})?)?
        \s?(?P<suf>{_SUFFIX})
    | (?P<w>{_WORDNUM})\s+(?P<ws>{_WORD_SCALE})\s+(?P<wsuf>{_SUFFIX})
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"""(?<![A-Za-z0-9])(?P<between>between\s+)?
    (?P<n1>{_NUM})(?:\s*(?:%|percent|per\s?cent)?(?P<join>{_JOIN})(?P<n2>{_NUM}))?
    \s*(?P<unit>%|percent(?:age\s+points?)?|per\s?cent|pc\b|pct\b|percentage\s+points?)""",
    re.VERBOSE | re.IGNORECASE,
)
_COUNT_SCALE = rf"\s*(?:{_WORD_SCALE})|\s?(?:bn|mn|mln)|[mMkK]"
_COUNT = re.compile(
    rf"""(?<![A-Za-z0-9])(?P<between>between\s+)?
    (?:
      (?P<n1>{_NUM})(?P<s1>{_COUNT_SCALE})?(?![A-Za-z])
        (?:(?P<join>{_JOIN})(?P<n2>{_NUM})(?P<s2>{_COUNT_SCALE})?(?![A-Za-z]))?
    | (?P<w>{_WORDNUM})\s+(?P<ws>{_WORD_SCALE})(?![A-Za-z])
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_FROM = re.compile(r"\b(?:from|by)\s+$", re.IGNORECASE)
# "63.1 billion yuan ($8.77 billion)": the stated dollar figure wins.
_PAREN_USD = re.compile(
    r"\s*(?:[(\[]|,?\s+or)\s*(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|~)?"
)
_YEAR = re.compile(r"(?:1[89]\d\d|20\d\d)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a sentence, with offsets into that sentence."""

    kind: str  # "money", "percent", "points", "count" or "year"
    value: float
    start: int
    end: int
    currency: str | None = None
    usd: float | None = None  # the dollar figure the text itself gives, if any
    approx: str | None = None
    value_max: float | None = None
    scaled: bool = False


def _num(s: str | None) -> float | None:
    if not s:
        return None
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _scale(s: str | None) -> float:
    if not s:
        return 1.0
    return _SCALES.get(s.strip(" -").lower(), 1.0)


def _word(s: str) -> float:
    """The value of a spelled-out number ("twenty-five", "three hundred", "a")."""
    words = s.lower().replace("-", " ").split()
    if " ".join(words) in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[" ".join(words)])
    total = 0.0
    for w in words:
        if w == "hundred":
            total = (total or 1) * 100
        else:
            total += _WORD_NUMBERS.get(w, 0)
    return total


def _hedge(text: str, start: int) -> tuple[str | None, int]:
    """The hedge ("about", "more than") right before ``start`` and where it begins."""
    m = _HEDGE.search(text, max(0, start - 24), start)
    if not m:
        return None, start
    return " ".join(m.group(0).lower().split()), m.start()


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the number is part of a code such as "H100", "GPT-4" or "7nm"."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalpha() or before in "_/#":
        return True
    if before == "-" and start > 1 and text[start - 2].isalnum():
        return True
    return after.isalpha() or after == "_"


def _pair(lo: float, s_lo: str | None, hi: float | None, s_hi: str | None) -> tuple[float, float]:
    """Both ends of "2.5-3 billion": a scale written once applies to both."""
    scale_hi = _scale(s_hi) if s_hi else _scale(s_lo)
    scale_lo = _scale(s_lo) if s_lo else scale_hi
    return lo * scale_lo, (hi if hi is not None else 0.0) * scale_hi


def _is_change(text: str, m: re.Match[str], join: str) -> bool:
    """ "from $1bn to $2bn" is a change between two values, not a range."""
    joiner = (m.group(join) or "").strip().lower()
    return joiner == "to" and bool(_FROM.search(text, max(0, m.start() - 8), m.start()))


# "several hundred million", "a few billion": no figure is given.
_VAGUE_BEFORE = re.compile(
    r"\b(?:several|a\s+few|few|many|hundreds\s+of|tens\s+of)\s+$", re.IGNORECASE
)


def find_money(text: str) -> list[Quantity]:
    """Amounts of money in ``text``, in the stated currency ("¥" left undecided)."""
    found: list[Quantity] = []
    for m in _MONEY.finditer(text):
        if m.group("w") and _VAGUE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue
        approx, hedged = _hedge(text, m.start())
        if m.group("w"):
            value = _word(m.group("w")) * _scale(m.group("ws"))
            cur = _SUFFIXES[m.group("wsuf").lower()]
            start = hedged if approx else m.start("w")
            found.append(Quantity("money", value, start, m.end(), cur, None, approx, None, True))
            continue
        if m.group("pre") is not None:
            pre = m.group("pre").strip()
            if pre[0].isalpha() and m.start("pre") > 0 and text[m.start("pre") - 1].isalnum():
                continue
            cur = _PREFIXES.get(pre) or _PREFIXES.get(pre.upper(), "USD")
            n1, s1, n2, s2, join, core = "n1", "s1", "n2", "s2", "join", m.start("pre")
        else:
            cur = _SUFFIXES[" ".join(m.group("suf").lower().split())]
            n1, s1, n2, s2, join, core = "n3", "s3", "n4", "s4", "join2", m.start("n3")
            if _glued(text, core, core):
                continue
        lo, hi = _num(m.group(n1)), _num(m.group(n2))
        if lo is None:
            continue
        scaled = bool(m.group(s1) or m.group(s2))
        # A bare "5 won" or "3 pounds" is rarely money in this domain.
        if m.group("pre") is None and not scaled and lo < 10_000:
            continue
        start = hedged if approx else core
        a, b = _pair(lo, m.group(s1), hi, m.group(s2))
        if hi is None:
            found.append(Quantity("money", a, start, m.end(), cur, None, approx, None, scaled))
        elif _is_change(text, m, join):
            second = m.start("pre2") if m.group("pre2") else m.start(n2)
            found.append(
                Quantity(
                    "money",
                    a,
                    start,
                    m.end(s1) if m.group(s1) else m.end(n1),
                    cur,
                    None,
                    approx,
                    None,
                    scaled,
                )
            )
            found.append(Quantity("money", b, second, m.end(), cur, None, None, None, scaled))
        else:
            vmax = b if b > a else None
            found.append(Quantity("money", a, start, m.end(), cur, None, approx, vmax, scaled))
    return _merge_stated_usd(text, found)


def _merge_stated_usd(text: str, found: list[Quantity]) -> list[Quantity]:
    """Fold "63.1 billion yuan ($8.77 billion)" into one amount carrying both figures."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None and _PAREN_USD.fullmatch(text[q.end : nxt.start]):
            usd, other = (nxt, q) if nxt.currency == "USD" else (q, nxt)
            if usd.currency == "USD" and other.currency not in ("USD", None):
                end = nxt.end + (1 if text[nxt.end : nxt.end + 1] in (")", "]") else 0)
                out.append(
                    Quantity(
                        "money",
                        other.value,
                        q.start,
                        end,
                        other.currency,
                        usd.value,
                        q.approx,
                        other.value_max,
                        True,
                    )
                )
                i += 2
                continue
        out.append(q)
        i += 1
    return out


def find_percents(text: str) -> list[Quantity]:
    """Percentages in ``text``; percentage-point changes are kept apart as "points"."""
    found: list[Quantity] = []
    for m in _PERCENT.finditer(text):
        lo, hi = _num(m.group("n1")), _num(m.group("n2"))
        if lo is None or _glued(text, m.start("n1"), m.start("n1")):
            continue
        kind = "points" if "point" in m.group("unit").lower() else "percent"
        approx, hedged = _hedge(text, m.start())
        start = hedged if approx else m.start("n1")
        if hi is not None and _is_change(text, m, "join"):
            found.append(Quantity(kind, lo, start, m.end("n1"), approx=approx))
            found.append(Quantity(kind, hi, m.start("n2"), m.end()))
            continue
        vmax = hi if hi is not None and hi > lo else None
        found.append(Quantity(kind, lo, start, m.end(), None, None, approx, vmax))
    return found


# "one in five", "two out of three", "nearly half of", "a third of", "two-thirds of":
# shares written in words. An ordinal before "half" makes it a period ("the first half of").
_DENOMINATORS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "tenth": 10,
    "tenths": 10,
}
_FRACTION = re.compile(
    r"(?<![\w-])(?:(?P<n>one|two|three|four|an?|\d)\s+(?:in|out\s+of)\s+"
    r"(?P<d>two|three|four|five|six|seven|eight|nine|ten|\d{1,3})(?![\w%-])"
    r"|(?P<half>half)\s+of\b"
    r"|(?P<fn>a|one|two|three|four)[\s-](?P<fd>thirds?|quarters?|fifths?|tenths?)\s+of\b)",
    re.IGNORECASE,
)
_ORDINAL_BEFORE = re.compile(
    r"\b(?:first|second|1st|2nd|latter|other|the|this|that|each)\s+$", re.IGNORECASE
)


def _count_word(word: str) -> float:
    word = word.lower()
    if word.isdigit():
        return float(word)
    return float(_DENOMINATORS.get(word) or _WORD_NUMBERS.get(word, 0))


def find_fractions(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Shares written in words ("one in five", "nearly half of"), as percentages."""
    found: list[Quantity] = []
    for m in _FRACTION.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.group("half"):
            if _ORDINAL_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue
            value = 50.0
        elif m.group("fd"):
            value = 100 * _count_word(m.group("fn")) / _count_word(m.group("fd"))
        else:
            d = _count_word(m.group("d"))
            n = _count_word(m.group("n"))
            if not d or n >= d:
                continue
            value = 100 * n / d
        approx, hedged = _hedge(text, m.start())
        start = hedged if approx else m.start()
        end = m.end() - (3 if m.group(0).lower().endswith(" of") else 0)
        found.append(Quantity("percent", value, start, end, approx=approx))
    return found


def find_counts(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Plain numbers outside ``taken`` spans; four-digit years are marked as "year"."""
    found: list[Quantity] = []
    for m in _COUNT.finditer(text):
        core = m.start("n1") if m.group("n1") else m.start("w")
        if any(a <= core < b for a, b in taken):
            continue
        approx, hedged = _hedge(text, m.start())
        start = hedged if approx else core
        if m.group("w"):
            if _VAGUE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
                continue
            value = _word(m.group("w")) * _scale(m.group("ws"))
            found.append(Quantity("count", value, start, m.end(), None, None, approx, None, True))
            continue
        end_n1 = m.end("s1") if m.group("s1") else m.end("n1")
        if _glued(text, core, end_n1) or text[m.end("n1") : m.end("n1") + 1] == "%":
            continue
        lo, hi = _num(m.group("n1")), _num(m.group("n2"))
        if lo is None:
            continue
        scaled = bool(m.group("s1") or m.group("s2"))
        if not scaled and hi is None and _YEAR.fullmatch(m.group("n1")):
            found.append(Quantity("year", lo, core, m.end("n1")))
            continue
        a, b = _pair(lo, m.group("s1"), hi, m.group("s2"))
        if hi is None:
            found.append(Quantity("count", a, start, m.end(), None, None, approx, None, scaled))
        elif _is_change(text, m, "join") or _YEAR.fullmatch(m.group("n1")):
            found.append(Quantity("count", a, start, end_n1, None, None, approx, None, scaled))
            found.append(
                Quantity("count", b, m.start("n2"), m.end(), None, None, None, None, scaled)
            )
        else:
            vmax = b if b > a else None
            found.append(Quantity("count", a, start, m.end(), None, None, approx, vmax, scaled))
    return found


_CHANGE_BY = re.compile(
    r"\b(?:rose|risen|rise|rises|rising|grew|grown|grow|grows|growing|increased|increases|increasing|"
    r"jumped|jumps|climbed|climbs|surged|surges|soared|soars|fell|fallen|falls|falling|dropped|drops|"
    r"declined|declines|shrank|shrunk|slid|slipped|up|down|higher|lower)\s+by\s+$",
    re.IGNORECASE,
)


def is_change(text: str, q: Quantity) -> bool:
    """Whether ``q`` is the size of a change ("rose by $2bn to $7bn"), not a level."""
    return bool(_CHANGE_BY.search(text, max(0, q.start - 20), q.start))


_ANY_NUMBER = re.compile(
    r"\d|\b(?:trillion|billion|million|thousand|crores?|lakhs?|half|thirds?|quarters?|fifths?|"
    r"tenths?|in\s+(?:two|three|four|five|six|seven|eight|nine|ten))\b",
    re.IGNORECASE,
)


# Every non-digit match of ``_ANY_NUMBER`` holds one of these (in the folded text).
_NUMBER_WORDS = (
    "trillion",
    "billion",
    "million",
    "thousand",
    "crore",
    "lakh",
    "half",
    "third",
    "quarter",
    "fifth",
    "tenth",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def _any_number(text: str, lower: str) -> bool:
    """Whether ``_ANY_NUMBER`` matches, testing the cheap digit and words first."""
    return digit_or_words(text, lower, _NUMBER_WORDS, _ANY_NUMBER)


def find_quantities(text: str, *, lower: str | None = None) -> list[Quantity]:
    """All money, percentages and counts in ``text``, ordered by position. ``lower`` is
    ``folded(text)`` when the caller has it already."""
    if not _any_number(text, folded(text) if lower is None else lower):
        return []
    money = find_money(text)
    taken = [(q.start, q.end) for q in money]
    percents = [q for q in find_percents(text) if not any(a <= q.start < b for a, b in taken)]
    taken += [(q.start, q.end) for q in percents]
    fractions = find_fractions(text, taken)
    taken += [(q.start, q.end) for q in fractions]
    counts = find_counts(text, taken)
    return sorted(money + percents + fractions + counts, key=lambda q: q.start)
