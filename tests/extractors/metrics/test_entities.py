"""Gazetteer lookups and unknown names."""

from __future__ import annotations

from extractors.metrics.entities import (
    find_mentions,
    gazetteer,
    name_after,
    name_before,
    proper_name_at,
)


def _names(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.entity.name, m.form) for m in find_mentions(text)]


def test_countries_in_their_forms() -> None:
    found = _names("The U.S. and Chinese officials met in Washington, not in North Korea.")
    assert found == [
        ("U.S.", "US", "name"),
        ("Chinese", "CN", "adjective"),
        ("Washington", "US", "seat"),
        ("North Korea", "KP", "name"),
    ]


def test_currency_and_place_names_are_not_countries() -> None:
    assert _names("US$5 billion for Latin America and the University of Washington") == []


def test_short_capitals_match_exactly() -> None:
    assert _names("let us go to the bis and smic") == []
    assert [n for _, n, _ in _names("BIS added SMIC")] == ["US Commerce Department", "SMIC"]


def test_longest_alias_wins_and_possessives_are_trimmed() -> None:
    found = _names("Baidu's Ernie Bot and Sequoia China's fund")
    assert [(t, n) for t, n, _ in found] == [
        ("Baidu", "Baidu"),
        ("Ernie Bot", "Ernie Bot"),
        ("Sequoia China", "Hongshan"),
    ]


def test_products_lead_to_their_maker() -> None:
    gz = gazetteer()
    kimi = gz.get("Kimi")
    assert kimi is not None and kimi.maker == "Moonshot AI"
    assert gz.maker_country(kimi) == "CN"


def test_unknown_names_after_descriptors() -> None:
    text = "a round for Chinese AI startup Zeta Robotics, its first"
    span = name_after(text, text.index("for") + 4, find_mentions(text))
    assert span is not None and text[span[0] : span[1]] == "Zeta Robotics"


def test_no_name_behind_a_preposition() -> None:
    text = "raised money in a new funding round backed by Acme"
    assert name_after(text, text.index("in") + 3, find_mentions(text)) is None


def test_name_before() -> None:
    text = "Meanwhile Zeta Labs raised"
    span = name_before(text, text.index(" raised"), find_mentions(text))
    assert span is not None and text[span[0] : span[1]] == "Zeta Labs"


def test_country_based_compounds() -> None:
    found = [
        (m.text, m.entity.name, m.form) for m in find_mentions("UK-based and Israel-based firms")
    ]
    assert found == [("UK", "GB", "adjective"), ("Israel", "IL", "adjective")]


def test_a_span_of_months_is_not_a_name() -> None:
    assert proper_name_at("January-March quarter", 0) is None
    assert proper_name_at("Mistral AI raised", 0) == (0, 10)
