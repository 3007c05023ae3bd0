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
from extractors.metrics.sentences import Sentence, clause_of, clauses, split_sentences
from schemas.records import Observation

#: Anything that says the sentence is about artificial intelligence.
AI_TERM = re.compile(
    r"\b(?:AI|A\.I\.|GenAI|artificial[\s-]intelligence|machine[\s-]learning|generative|"
    r"large[\s-]language[\s-]models?|LLMs?|chatbots?|foundation[\s-]models?)\b"
)


@dataclass(slots=True)
class Analysed:
    """One sentence with what was found in it; offsets are relative to the sentence."""

    sentence: Sentence
    index: int
    quantities: list[Quantity]
    mentions: list[Mention]
    periods: list[PeriodMention]
    clauses: list[tuple[int, int]]

    @property
    def text(self) -> str:
        """The sentence text."""
        return self.sentence.text

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


def _analyse(sentence: Sentence, index: int, published: dt.date | None) -> Analysed:
    text = sentence.text
    quantities = find_quantities(text)
    spans = [(q.start, q.end) for q in quantities if q.kind != "year"]
    # "US$" is a currency, not a mention of the United States.
    mentions = [m for m in find_mentions(text) if not any(a <= m.start < b for a, b in spans)]
    periods = find_periods(text, published)
    return Analysed(sentence, index, quantities, mentions, periods, clauses(text))


def analyse(text: str, published: dt.date | None = None, title: str | None = None) -> Document:
    """Split and analyse an article's text."""
    doc = Document(text, published, title)
    doc.sentences = [_analyse(s, i, published) for i, s in enumerate(split_sentences(text))]
    if title:
        doc.title_mentions = find_mentions(title)
    return doc
