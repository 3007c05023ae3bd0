"""Shares of AI talent by country."""

from __future__ import annotations

import pytest

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
    (o,) = run(
        "Germany accounts for 4% of the world's top-tier AI researchers.", "talent_share_pct"
    )
    assert o.qualifier == "top-tier AI researchers"


def test_qualifier_says_where_researchers_studied_or_work() -> None:
    text = (
        "Indian universities trained 9 per cent of top AI researchers. "
        "Canadian labs employ 4 per cent of top AI researchers, and 2 per cent of the most "
        "elite ones work in Canada."
    )
    kinds = [(o.country, o.value, o.qualifier) for o in run(text, "talent_share_pct")]
    assert kinds == [
        ("IN", 9, "undergraduate_origin"),
        ("CA", 4, "work_location"),
        ("CA", 2, "work_location_elite"),
    ]


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


def test_coordinated_shares_without_the_word_ai() -> None:
    text = (
        "AI researchers are the scarcest input of all. "
        "Canadian labs employ 14 per cent of top-tier researchers, against 6 per cent in India. "
        "Among the most elite researchers, 9 per cent work in Canada and 2 per cent in India."
    )
    assert _shares(text) == [("CA", 14), ("IN", 6), ("CA", 9), ("IN", 2)]


def test_a_share_changed_from_an_earlier_one_keeps_its_country() -> None:
    text = "India now trains 21 per cent of top AI researchers, up from 12 per cent in 2019."
    assert _shares(text) == [("IN", 21), ("IN", 12)]
    text = "France's share of elite AI researchers rose to 6 per cent from 4 per cent."
    assert _shares(text) == [("FR", 6), ("FR", 4)]


def test_figures_follow_the_countries_of_the_sentence_before() -> None:
    text = (
        "Some 21 per cent of top AI researchers studied in India, against 9 per cent in Canada. "
        "In the first edition, the figures were 12 per cent and 7 per cent."
    )
    assert _shares(text) == [("IN", 21), ("CA", 9), ("IN", 12), ("CA", 7)]


def test_regions_hold_no_country_share() -> None:
    text = (
        "Canada trained 9 per cent of top AI researchers, Europe 14 per cent and Asia 6 per cent."
    )
    assert _shares(text) == [("CA", 9)]


def test_a_tier_is_not_a_share() -> None:
    text = "Among the top 2 per cent of AI researchers, 11 per cent work in Canada."
    assert _shares(text) == [("CA", 11)]


def test_shares_in_words() -> None:
    text = (
        "One in five of the top-tier AI researchers now works in China, up from one in ten in 2019."
    )
    assert _shares(text) == [("CN", 20), ("CN", 10)]
    assert _shares("Nearly half of the world's top AI researchers come from China.") == [("CN", 50)]


def test_parenthesised_shares() -> None:
    text = "The US employed 57% of elite AI researchers, followed by China (12%) and the UK (8%)."
    assert _shares(text) == [("US", 57), ("CN", 12), ("GB", 8)]


def test_country_of_the_pool_gives_way_to_the_predicate() -> None:
    text = (
        "Roughly one in three of the AI researchers at top US labs did their undergraduate "
        "degrees in China."
    )
    ((country, value),) = _shares(text)
    assert country == "CN" and round(value, 1) == 33.3


@pytest.mark.parametrize(
    "text",
    [
        "Two-thirds of the top AI researchers working in the US were trained in other countries.",
        "China's share of AI patents rose, and Chinese institutions published 40 per cent of "
        "all AI papers.",
    ],
)
def test_shares_of_no_country_or_of_output(text: str) -> None:
    assert _shares(text) == []


_AFTER_A_SHARE = "The US employs 57% of the world's elite AI researchers. "


@pytest.mark.parametrize(
    "follow",
    [
        "Some 60% of US executives plan to hire AI engineers.",
        "China's share of AI papers reached 40%.",
        "About 70% of AI PhDs in the US go to industry.",
        "Women make up 26 per cent of AI researchers in the US, a report said.",
    ],
)
def test_other_shares_after_a_talent_share(follow: str) -> None:
    assert _shares(_AFTER_A_SHARE + follow) == [("US", 57)]


def test_compound_demonyms_name_the_country() -> None:
    assert _shares("Indian-born researchers make up 8 per cent of top AI talent in the US.") == [
        ("IN", 8)
    ]


def test_a_list_after_a_lead_in_about_talent() -> None:
    text = (
        "Where the top AI researchers work (share of the total):\n"
        "United States: 42 per cent\nChina: 28 per cent\nEurope: 12 per cent"
    )
    assert _shares(text) == [("US", 42), ("CN", 28)]
