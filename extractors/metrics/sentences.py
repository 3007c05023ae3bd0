"""Split article text into sentences and clauses, keeping character offsets.

Evidence must be an exact substring of the article, so nothing here rewrites
text: every span is a pair of offsets into the original string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Headings after which a page lists other stories, not this one's facts.
_FURNITURE_HEADINGS = re.compile(
    r"(?:you (?:might|may) also (?:like|be interested in)|"
    r"related (?:articles|stories|coverage|news|content|reading|posts)?|"
    r"read (?:more|next|also)|more (?:from|on|stories|news|in)\b.*|"
    r"recommended(?: for you| stories| reading)?|most (?:read|popular|viewed)|trending(?: now)?|"
    r"latest (?:news|stories)|see also|also read|editor'?s picks|top stories|"
    r"popular (?:stories|now))\s*:?",
    re.IGNORECASE,
)
#: One-line teasers inside the body ("Read more: ...").
_TEASER_LINE = re.compile(
    r"^(?:read (?:more|also|next)|related|see also|also read|recommended|watch)\s*:", re.IGNORECASE
)
# Matched at a paragraph's start with ``match(text, pos)``, so no "^" anchor.
_BULLET = re.compile(r"[ \t]*(?:[-•*·▪●–—]|\d{1,2}[.)])[ \t]+")


#: Words that end in a full stop without ending the sentence.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ABBREVIATIONS = _words(
    "mr mrs ms dr prof sen rep gov gen lt col st jr sr inc corp co ltd plc llc bros vs v etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos approx est fig dept univ intl "
    "e.g i.e a.m p.m"
)
#: After an initialism such as "U.S." these words start a new sentence.
_SENTENCE_STARTERS = _words(
    "The A An It Its In But And This That These Those He She They We I Meanwhile However "
    "Yet So Still Last On At For As While After Before According Some Many Most Analysts "
    "Officials Chinese American"
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)")
_CLAUSE_BREAK = re.compile(
    r",\s+|;\s+|:\s+|\s+[-–—]\s+|"
    r"\s+(?=(?:while|whereas|compared (?:with|to)|versus|vs\.?|against|but|although)\b)"
)
_AND = re.compile(r"\s+and\s+")
_LAST_WORD = re.compile(r"([A-Za-z.]+)$")
#: Longer "sentences" are tables or run-on furniture; they are cut so that the
#: per-sentence work stays small whatever the page holds.
MAX_SENTENCE = 600


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text and where it sits in the article."""

    text: str
    start: int
    end: int
    paragraph: int
    bullet: bool = False


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-empty lines of the article, stopping at page furniture."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[start:end].strip()
        if not body:
            continue
        if _FURNITURE_HEADINGS.fullmatch(body):
            break
        if _TEASER_LINE.match(body):
            continue
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        spans.append((start + lead, start + len(text[start:end].rstrip())))
    return spans


def _is_break(text: str, dot: int, after: int) -> bool:
    """Whether the full stop at ``dot`` ends a sentence whose successor starts at ``after``."""
    if after >= len(text):
        return True
    nxt = text[after]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(["):
        return False
    if text[dot] != ".":
        return True
    word = _LAST_WORD.search(text, max(0, dot - 40), dot)
    if not word:
        return True
    w = word.group(1)
    if w.lower().rstrip(".") in _ABBREVIATIONS:
        return False
    # Initialisms ("U.S.", "U.K.") usually run on into a noun ("U.S. chips");
    # only a typical sentence opener after them marks a real boundary.
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?", w + "."):
        following = re.match(r"[\w']+", text[after:])
        return bool(following and following.group(0) in _SENTENCE_STARTERS)
    return not (len(w) == 1 and w.isupper())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets, skipping related-story furniture."""
    out: list[Sentence] = []
    for n, (p_start, p_end) in enumerate(paragraphs(text)):
        bullet = _BULLET.match(text, p_start, p_end)
        start = bullet.end() if bullet else p_start
        cursor = start
        for m in _END.finditer(text, start, p_end):
            after = m.end()
            while after < p_end and text[after].isspace():
                after += 1
            if _is_break(text, m.start(), after):
                _append(out, text, cursor, m.end(), n, bool(bullet))
                cursor = after
        _append(out, text, cursor, p_end, n, bool(bullet))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int, para: int, bullet: bool) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = _cut_point(text, start, start + MAX_SENTENCE)
        out.append(
            Sentence(
                text[start:cut].rstrip(), start, start + len(text[start:cut].rstrip()), para, bullet
            )
        )
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(text[start:end], start, end, para, bullet))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence: after the last semicolon, comma or space."""
    for mark in ("; ", ", ", " "):
        at = text.rfind(mark, start + MAX_SENTENCE // 2, limit)
        if at > start:
            return at + len(mark)
    return limit


def clauses(text: str, *, split_and: bool = False) -> list[tuple[int, int]]:
    """Offsets of the clauses of one sentence: split at commas, semicolons and contrasts."""
    cuts = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
    if split_and:
        cuts += [(m.start(), m.end()) for m in _AND.finditer(text)]
        cuts.sort()
    spans: list[tuple[int, int]] = []
    pos = 0
    for a, b in cuts:
        if a < pos:
            continue
        # A comma inside a number ("1,151") is not followed by a space, so it
        # never reaches here; a lone "Inc," still splits, which is harmless.
        if a > pos:
            spans.append((pos, a))
        pos = b
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans or [(0, len(text))]


# Characters that ``re.IGNORECASE`` matches to an ASCII letter but ``str.lower`` does not
# turn into one ("ſ" matches "s"; "ı" and "İ" match "i").
_FOLD = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})


def folded(text: str) -> str:
    """``text`` in lower case, such that any ASCII word a case-insensitive pattern finds
    in ``text`` is a substring of it: a cheap test for words a pattern needs."""
    return text.translate(_FOLD).lower()


def has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether any of ``words`` occurs in ``text``."""
    return any(map(text.__contains__, words))


_DIGIT = re.compile(r"\d")


def digit_or_words(text: str, lower: str, words: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` finds anything in ``text``, for a pattern that matches any
    digit and otherwise only text holding one of ``words`` (looked up in ``lower``,
    the folded text): the cheap tests first."""
    if _DIGIT.search(text):
        return True
    return has_any(lower, words) and bool(pattern.search(text))


def clause_of(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the clause that contains ``offset``."""
    for i, (a, b) in enumerate(spans):
        if a <= offset < b:
            return i
    return max(0, len(spans) - 1)
