"""Cheap checks that skip expensive matching must never skip a match, and work put
off until needed must give what doing it at once gives.

Each gate is tested on hand-written matches of every pattern it guards (in odd
casing too, since most patterns ignore case) and on every sentence of the
golden and held-out articles.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from extractors.metrics import chips, document, numbers, periods, rounds, talent
from extractors.metrics.document import analyse
from extractors.metrics.entities import _WORD, _most_words, find_mentions, gazetteer
from extractors.metrics.sentences import clauses, folded, split_sentences

_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _articles() -> list[Path]:
    """The golden and practice articles; the held-out set stays out of sight."""
    return [p for p in sorted(_FIXTURES.glob("*/articles/*.json")) if p.parts[-3] != "holdout"]


@cache
def _corpus() -> tuple[str, ...]:
    """Every sentence of the fixture articles."""
    out: list[str] = []
    for path in _articles():
        text = json.loads(path.read_text(encoding="utf-8")).get("text") or ""
        out.extend(s.text for s in split_sentences(text))
    return tuple(out)


def _variants(text: str) -> list[str]:
    return [text, text.upper(), text.lower(), text.title()]


def test_corpus_is_not_empty() -> None:
    assert len(_corpus()) > 500


@pytest.mark.parametrize(
    ("text", "word"),
    [("ſtart", "start"), ("fıscal", "fiscal"), ("FİRST", "first"), ("\u212aey", "key")],
)
def test_folding_keeps_what_ignorecase_matches(text: str, word: str) -> None:
    assert re.search(word, text, re.IGNORECASE)
    assert word in folded(text)


def _most_words_by_rule(word: str) -> int:
    """The first-word rule spelt out: the word itself, else without "'s" or a full stop."""
    first_words = gazetteer().first_words
    first = word.lower()
    most = first_words.get(first, 0)
    if not most and first.endswith((".", "'s", "’s")):
        most = first_words.get(first[:-2] if first.endswith("s") else first[:-1], 0)
    return most


def test_first_word_table_follows_the_rule() -> None:
    gz = gazetteer()
    tokens = {t for s in _corpus() for t in _WORD.findall(s)}
    for key in gz.by_alias:
        first = key.split()[0]
        for form in (first, f"{first}'s", f"{first}’s", f"{first}.", f"{first}s", f"{first}.'s"):
            tokens.update(_variants(form))
    for token in tokens:
        assert _most_words(gz, token) == _most_words_by_rule(token), token


def test_every_alias_passes_the_first_word_table() -> None:
    gz = gazetteer()
    for key in gz.by_alias:
        words = key.split()
        first = words[0]
        for token in (first, first.upper(), first.title()):
            assert _most_words(gz, token) >= len(words), (key, token)


def test_names_after_skipped_and_taken_tokens() -> None:
    text = "Officials in the United States and US-trained staff at Nvidia's labs met."
    found = [(m.text, m.entity.name, m.form) for m in find_mentions(text)]
    assert found == [
        ("United States", "US", "name"),
        ("US", "US", "adjective"),
        ("Nvidia", "Nvidia", "name"),
    ]


_PERIOD_EXAMPLES = {
    "iso": ["2024-03-05"],
    "month_range": ["January-March", "Jan-Sept 2024", "between January and June"],
    "mdy": ["March 5, 2024", "Sept. 30 2023"],
    "dmy": ["5 March 2024", "30th Sep, 2023"],
    "my": ["March 2024", "Dec. of 2019"],
    "first_months": ["the first 11 months of 2024", "first six months this year"],
    "first_quarters": ["the first three quarters of last year"],
    "half": ["the first half of 2024", "second half", "H1 2024", "h2 2023"],
    "quarter": ["the fourth quarter of 2023", "3rd-quarter", "Q3 2024", "q1"],
    "fiscal": ["fiscal 2024", "FY2025", "fy 2023", "fiscal year 2022"],
    "month_rel": ["August last year", "December of next year"],
    "comparison": [
        "year-over-year",
        "a year earlier",
        "the previous quarter",
        "a year ago",
        "annually",
        "per year",
    ],
    "relative": ["last year", "earlier this month", "next week", "this quarter", "today"],
    "weekday": ["on Monday", "since Sunday", "by Wednesday"],
    "md": ["in March", "on Jan. 5", "Oct 3", "in mid-June", "May of the same year"],
    "year": ["2023", "the 1990s", "2024's"],
    "same_month": ["the same month", "that month"],
}


@pytest.mark.parametrize(("kind", "pattern"), periods._PATTERNS)
def test_period_gates_pass_every_match(kind: str, pattern: re.Pattern[str]) -> None:
    examples = _PERIOD_EXAMPLES[kind]
    sentences = [f"It rose {v} ." for e in examples for v in _variants(e)] + list(_corpus())
    matched = 0
    for text in sentences:
        if pattern.search(text):
            matched += 1
            lower = folded(text)
            cased = {w for w in periods._CASED_WORDS if w in text}
            words = {w for w in periods._FOLDED_WORDS if w in lower}
            assert periods._NEEDS[kind].met(cased, words), (kind, text)
            assert periods._any_time(text, lower), text
    assert matched >= len(examples)


def test_any_time_agrees_with_its_pattern() -> None:
    for text in [*_corpus(), "It happened TODAY.", "Annual sales", "in mid-JUNE", "no date"]:
        assert periods._any_time(text, folded(text)) == bool(periods._ANY_TIME.search(text))


@cache
def _chip_sentences() -> tuple[str, ...]:
    """Sentences of the chip tests, with the fixture corpus."""
    source = (Path(__file__).parent / "test_chips.py").read_text(encoding="utf-8")
    quoted = [m.group(1) for m in re.finditer(r'"((?:[^"\\\n]|\\.){20,})"', source)]
    return (*quoted, *_corpus())


def test_chip_sentences_are_collected() -> None:
    sentences = _chip_sentences()
    assert len(sentences) > len(_corpus()) + 50
    assert any(chips._MADE_BY.search(s) for s in sentences)
    assert any(chips._ENTITY_LIST_MOVE.search(s) for s in sentences)


def test_launches_need_chips_named() -> None:
    for text in _chip_sentences():
        for a in analyse(text).sentences:
            if not (chips._OBJECT.search(a.text) or chips._MODEL.search(a.text)):
                assert chips._domestic_launch(a) is None, a.text


def test_entity_list_moves_name_a_list() -> None:
    extra = ["It added 140 firms to its Entity List.", "placed them on the UNVERIFIED list"]
    for text in [*extra, *_chip_sentences()]:
        if chips._ENTITY_LIST_MOVE.search(text):
            assert "list" in text or "List" in text, text


_CHIP_GATES = {
    "_OBJECT": (
        chips._OBJECT_WORDS,
        [
            "chips",
            "microchip",
            "semiconductors",
            "GPUs",
            "processor",
            "accelerators",
            "lithography",
            "chipmaking",
            "chip-making",
            "chipmakers",
            "HBM",
            "high-bandwidth memory",
            "EUV",
            "DUV",
            "wafers",
            "graphics processing units",
            "computing power",
            "advanced computing items",
            "supercomputers",
            "gallium",
            "germanium",
            "antimony",
            "rare earths",
            "AI technology",
            "artificial intelligence chip",
            "foundries",
            "model weights",
            "diffusion rule",
        ],
    ),
    "_REGIME": (chips._REGIME_WORDS, ["export controls", "export regime", "entity list"]),
    "_REFERRED_SALES": (
        chips._REFERRED_SALES_WORDS,
        ["its sales", "their exports", "the chip's shipments", "those deliveries"],
    ),
}


@pytest.mark.parametrize("name", sorted(_CHIP_GATES))
def test_chip_word_gates_pass_every_match(name: str) -> None:
    pattern = getattr(chips, name)
    words, examples = _CHIP_GATES[name]
    texts = [f"They cut {v} here." for e in examples for v in _variants(e)]
    for text in texts:
        assert pattern.search(text), text
    for text in [*texts, *_chip_sentences()]:
        if pattern.search(text):
            assert any(w in folded(text) for w in words), (name, text)


def test_model_gate_passes_every_match() -> None:
    examples = ["H100", "Nvidia's H20", "GB200", "B30A", "MI308", "RTX 4090D", "Ascend 910C"]
    examples += ["Kirin 9000S", "Gaudi 3", "Blackwell", "Hopper", "A800"]
    for text in [*(f"It sold the {e}." for e in examples), *_chip_sentences()]:
        if chips._MODEL.search(text):
            assert re.search(r"\d", text) or any(w in text for w in chips._MODEL_WORDS), text
        for a in analyse(text).sentences:
            assert chips._names_model(a) == bool(chips._MODEL.search(a.text)), a.text
            assert chips._names_object(a) == bool(chips._OBJECT.search(a.text)), a.text


def test_ai_gate_passes_every_match() -> None:
    examples = ["AI", "A.I.s", "GenAI", "artificial intelligence", "machine-learning"]
    examples += ["generative", "large language models", "LLMs", "chatbots", "foundation models"]
    texts = [f"It uses {e} now." for e in examples]
    for text in texts:
        assert document.AI_TERM.search(text), text
    for text in [*texts, *_corpus()]:
        for a in analyse(text).sentences:
            assert a.ai == bool(document.AI_TERM.search(a.text)), a.text


def test_talent_gate_passes_every_match() -> None:
    examples = ["talent", "researchers", "scientist", "engineers", "PhDs", "doctorates"]
    examples += ["doctoral", "graduates", "undergraduate", "degrees", "students", "institution"]
    examples += ["universities", "workforce", "experts", "authors", "professionals", "STEM"]
    examples += ["brainpower", "immigrants", "hires"]
    texts = [f"It has {v} there." for e in examples for v in _variants(e)]
    for text in texts:
        assert talent._TALENT.search(text), text
    for text in [*texts, *_corpus()]:
        for a in analyse(text).sentences:
            assert talent._names_talent(a) == bool(talent._TALENT.search(a.text)), a.text


def test_any_number_agrees_with_its_pattern() -> None:
    examples = ["a trillion", "Billion", "MILLION", "thousand", "crores", "lakh", "half"]
    examples += ["two thirds", "quarters", "fifths", "tenths", "in two", "in Ten", "no figure"]
    examples += [f"one in {w}" for w in ("three", "four", "five", "six", "seven", "eight", "nine")]
    for text in [*(f"It is {e} here." for e in examples), *_corpus()]:
        expected = bool(numbers._ANY_NUMBER.search(text))
        assert numbers._any_number(text, folded(text)) == expected, text


def test_clauses_split_on_first_use_are_the_sentence_clauses() -> None:
    for text in _corpus()[:200]:
        for a in analyse(text).sentences:
            assert a.clauses == clauses(a.text)
            assert a.clauses is a.clauses


def test_round_gates_pass_every_match() -> None:
    founded = ["started Acme", "founded Zeta", "co-founded Orbit", "set up Kestrel"]
    founded += ["spun out Nova", "spun off Vega", "start Lumen", "found Arc"]
    fronted = ["Founded in 2021, Acme raised", "On Monday, Zeta said", "ab, Acme", "x" * 50 + ", A"]
    leads = ["Funding rounds this week:", "The largest DEALS so far: ", "Investments:"]
    texts = [*(f"They {e} in May." for e in founded), *fronted, *leads, *_corpus()]
    for text in texts:
        if rounds._FOUNDED_OBJECT.search(text):
            assert any(w in text for w in rounds._FOUNDED_WORDS), text
        if rounds._FRONTED.match(text):
            assert "," in text[2:51], text
        if rounds._ROUND_LIST_LEAD.search(text):
            assert ":" in text, text
    assert all(rounds._FOUNDED_OBJECT.search(f"They {e} in May.") for e in founded)
    assert all(rounds._FRONTED.match(t) for t in fronted)
    assert all(rounds._ROUND_LIST_LEAD.search(t) for t in leads)


def test_no_talent_shares_without_a_percentage() -> None:
    extra = ["Britain hosts nine of every hundred elite AI researchers.", "Half of AI PhDs stay."]
    for text in [*extra, *_corpus()]:
        for a in analyse(text).sentences:
            if any(q.kind == "percent" for q in a.quantities):
                continue
            spans = clauses(a.text, split_and=True)
            assert talent._shares(a, spans, True) == [], a.text
            assert talent._sentence_shares(a, True, []) == []


def test_headline_company_is_found_in_the_story() -> None:
    text = "Kestrel Dynamics builds warehouse robots. It said on Monday it raised $40m."
    doc = analyse(text, title="Kestrel Dynamics raises $40m")
    assert rounds._title_subject(doc) == ("Kestrel Dynamics", None)
    doc = analyse("A startup said it raised $40m.", title="Kestrel Dynamics raises $40m")
    assert rounds._title_subject(doc) is None


@pytest.mark.parametrize("every", [1, 2, 3, 7])
def test_focus_read_when_needed_is_the_focus_read_at_once(every: int) -> None:
    for path in _articles():
        doc = analyse(json.loads(path.read_text(encoding="utf-8")).get("text") or "")
        eager = ("Start", None)
        lazy = rounds._Focus(eager)
        for i, a in enumerate(doc.prose()):
            eager = rounds._focus(a) or eager
            lazy.read(a)
            if i % every == 0:
                assert lazy.get() == eager, (path.name, a.text)
            if i % 11 == 5:
                eager = ("Set", "US")
                lazy.set(eager)
        assert lazy.get() == eager
