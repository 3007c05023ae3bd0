"""An article analysed once: sentences with their numbers, names, dates and clauses.

Every metric extractor reads the same ``Document``, so each sentence is
tokenised a single time however many metrics look at it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from extractors.metrics.entities import Mention, find_mentions
from extractors.metrics.numbers import Quantity, find_quantities
from extractors.metrics.periods import PeriodMention, find_periods
from extractors.metrics.sentences import (
    Sentence,
    clause_of,
    clauses,
    folded,
    has_any,
    split_sentences,
)
from extractors.metrics.tables import Table, find_tables
from schemas.records import Observation

#: Anything that says the sentence is about artificial intelligence.
AI_TERM = re.compile(
    r"\b(?:AI|A\.I\.|GenAI|artificial[\s-]intelligence|machine[\s-]learning|generative|"
    r"large[\s-]language[\s-]models?|LLMs?|chatbots?|foundation[\s-]models?)\b"
)

# Every match of ``AI_TERM`` (case-sensitive) holds one of these as written.
_AI_WORDS = (
    "AI",
    "A.I.",
    "artificial",
    "machine",
    "generative",
    "large",
    "LLM",
    "chatbot",
    "foundation",
)

#: Regions and blocs: their totals and shares belong to no country ("Asian AI
#: companies", "Europe trained 18 per cent"). The European Union acts as one in trade
#: rules, so the gazetteer keeps it as an actor; figures for it are still regional.
REGION = re.compile(
    r"\b(?:Asia|Asian|Europe|European|EU|Africa|African|Latin\s+America\w*|"
    r"Middle\s+East\w*|Nordic|Southeast\s+Asian?|rest\s+of\s+the\s+world)\b"
)

#: Sums over many years ("has raised $15bn since 2021", "now stands at $8bn", "to
#: date"): neither one round nor one period's total. A superlative before "since"
#: ("the most since 2018") compares instead.
CUMULATIVE = re.compile(
    r"(?<!most\s)(?<!least\s)(?<!lowest\s)(?<!highest\s)(?<!biggest\s)(?<!largest\s)"
    r"(?<!smallest\s)\bsince\s+(?:its\s+|their\s+|the\s+company's\s+)?(?:founding|inception|launch|"
    r"creation|start|(?:19|20)\d\d)\b|\bto\s+date\b|\bcumulative\w*|\b(?:now\s+)?stands\s+at\b|\bover\s+the\s+(?:past|last)\s+(?:\w+\s+)?"
    r"(?:years|decade)\b|"
    # "between 2015 and 2021", "from 2019 to 2023": a sum over several years.
    r"\b(?:between\s+(?:19|20)\d\d\s+and|from\s+(?:19|20)\d\d\s+(?:to|through|until))\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
#: Money raised on a public market is not a private round.
PUBLIC_OFFERING = re.compile(
    r"\b(?:IPOs?|initial\s+public\s+offerings?|public\s+offerings?|listings?|flotation|"
    r"share\s+sales?|follow-on\s+offering|secondary\s+offering)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Analysed:
    """One sentence with what was found in it; offsets are relative to the sentence."""

    sentence: Sentence
    index: int
    quantities: list[Quantity]
    mentions: list[Mention]
    periods: list[PeriodMention]
    #: The text folded to lower case (``sentences.folded``), for cheap word tests.
    folded: str
    #: Whether ``AI_TERM`` matches the text.
    ai: bool
    #: A table line (caption, header or row): read by the table readers, not as prose.
    in_table: bool = False
    #: Clause offsets, split on first use: most sentences are never read by clause.
    _clauses: list[tuple[int, int]] | None = None

    @property
    def text(self) -> str:
        """The sentence text."""
        return self.sentence.text

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """Offsets of the sentence's clauses."""
        if self._clauses is None:
            self._clauses = clauses(self.text)
        return self._clauses

    def clause_at(self, offset: int) -> int:
        """Index of the clause holding ``offset``."""
        return clause_of(self.clauses, offset)

    def clause_text(self, index: int) -> str:
        """Text of clause ``index``."""
        a, b = self.clauses[index]
        return self.text[a:b]

    def countries(self) -> list[Mention]:
        """Mentions of countries (names, demonyms and seats of government)."""
        return [m for m in self.mentions if m.entity.kind == "country"]

    def mention_at(self, start: int) -> Mention | None:
        """The gazetteer mention that starts at ``start``."""
        return next((m for m in self.mentions if m.start == start), None)

    def observation(self, metric: str, value: float, **fields: Any) -> Observation:
        """An observation whose evidence is this sentence."""
        s = self.sentence
        return Observation(
            metric=metric,
            value=float(value),
            evidence=s.text,
            evidence_start=s.start,
            evidence_end=s.end,
            **fields,
        )


@dataclass(slots=True)
class Document:
    """The analysed article."""

    text: str
    published: dt.date | None
    title: str | None
    sentences: list[Analysed] = field(default_factory=list)
    title_mentions: list[Mention] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def prose(self) -> list[Analysed]:
        """The sentences that are not table lines."""
        return [a for a in self.sentences if not a.in_table]


def _analyse(sentence: Sentence, index: int, published: dt.date | None) -> Analysed:
    text = sentence.text
    lower = folded(text)
    quantities = find_quantities(text, lower=lower)
    spans = [(q.start, q.end) for q in quantities if q.kind != "year"]
    # "US$" is a currency, not a mention of the United States.
    mentions = [m for m in find_mentions(text) if not any(a <= m.start < b for a, b in spans)]
    periods = find_periods(text, published, lower=lower)
    ai = has_any(text, _AI_WORDS) and bool(AI_TERM.search(text))
    return Analysed(sentence, index, quantities, mentions, periods, lower, ai)


_BYLINE = re.compile(r"\s*By\s+(?:(?:[a-z]+\s+){1,3}|(?:[A-Z][\w.'’-]*\s+){2}|[A-Z][\w.'’-]*\s+)")


def _without_headline(sentence: Sentence, title: str | None) -> Sentence:
    """The first sentence without the headline and byline that a short page's text may
    open with ("Acme raises $5m By Staff Writer Acme said on Monday ...")."""
    if not title or not sentence.text.startswith(title.strip()):
        return sentence
    cut = len(title.strip())
    byline = _BYLINE.match(sentence.text, cut)
    if byline:
        cut = byline.end()
    while cut < len(sentence.text) and sentence.text[cut].isspace():
        cut += 1
    if len(sentence.text) - cut < 20:
        return sentence
    return Sentence(
        sentence.text[cut:],
        sentence.start + cut,
        sentence.end,
        sentence.paragraph,
        sentence.bullet,
    )


def analyse(text: str, published: dt.date | None = None, title: str | None = None) -> Document:
    """Split and analyse an article's text."""
    doc = Document(text, published, title)
    sentences = split_sentences(text)
    if sentences:
        sentences[0] = _without_headline(sentences[0], title)
    doc.sentences = [_analyse(s, i, published) for i, s in enumerate(sentences)]
    doc.tables = find_tables(text)
    spans = [span for t in doc.tables for span in t.spans]
    if spans:
        for a in doc.sentences:
            a.in_table = any(x <= a.sentence.start < y for x, y in spans)
    if title:
        doc.title_mentions = find_mentions(title)
    return doc
