"""Shares of AI talent by country."""

from __future__ import annotations

from tests.extractors.metrics.helpers import run


def _shares(text: str) -> list[tuple[str | None, float]]:
    return [(o.country, o.value) for o in run(text, "talent_share_pct")]


def test_country_before_with() -> None:
    text = "Britain hosts 9% of elite AI researchers, compared with Canada at 5% and France with 3%"
    assert _shares(text) == [("GB", 9), ("CA", 5), ("FR", 3)]


def test_country_after_the_share() -> None:
    text = (
        "Among top AI scientists working in Europe, 21% came from India, "
        "compared with 8% from Germany."
    )
    assert _shares(text) == [("IN", 21), ("DE", 8)]


def test_subject_carries_across_and() -> None:
    text = "The UK is home to 11% of leading AI institutions and trains 7% of top AI graduates."
    assert _shares(text) == [("GB", 11), ("GB", 7)]


def test_next_sentence_continues_the_figures() -> None:
    text = "Canada is the destination for 6% of top AI researchers. France was next at 4%."
    assert _shares(text) == [("CA", 6), ("FR", 4)]


def test_qualifier_names_the_pool() -> None:
    (o,) = run("Germany hosts 4% of the world's top-tier AI researchers.", "talent_share_pct")
    assert o.qualifier == "top-tier AI researchers"


def test_not_talent() -> None:
    assert _shares("Of 900 executives surveyed in Japan, 40% use AI tools at work.") == []
    assert _shares("China's share of AI patents rose to 61%.") == []
    assert _shares("AI hiring in India grew 30% year-over-year among engineers.") == []


def test_origin_beats_workplace() -> None:
    text = "Some 30% of top AI researchers working in Canada are from India."
    assert _shares(text) == [("IN", 30)]


def test_a_source_is_not_a_talent_pool() -> None:
    text = "According to researchers at a think tank, Korea's share of AI patents reached 12%."
    assert _shares(text) == []
