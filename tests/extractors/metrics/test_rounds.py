"""Funding rounds: who raised, who invested."""

from __future__ import annotations

import pytest

from tests.extractors.metrics.helpers import run


def _rounds(text: str) -> list[tuple[str | None, float, str | None]]:
    return [(o.entity, o.value, o.counterparty) for o in run(text, "funding_round_usd")]


_FORMS = [
    (
        "Zeta Robotics raised $120 million led by Sequoia Capital.",
        ("Zeta Robotics", 120e6, "Sequoia Capital"),
    ),
    ("Thrive Capital led a $300m Series B in Nimbus AI.", ("Nimbus AI", 300e6, "Thrive Capital")),
    (
        "Tencent is leading a funding round of about $250m for Chinese AI startup Orbit Labs.",
        ("Orbit Labs", 250e6, "Tencent"),
    ),
    (
        "Microsoft said it would invest up to $2 billion in Mistral AI.",
        ("Mistral AI", 2e9, "Microsoft"),
    ),
    (
        "StepFun, which received a $700 million investment from Tencent, is hiring.",
        ("StepFun", 700e6, "Tencent"),
    ),
    ("French startup Kestrel closed a €400 million round.", ("Kestrel", None, None)),
    (
        "Acme Vision, a Beijing-based AI lab, has secured $90 million.",
        ("Acme Vision", 90e6, None),
    ),
    (
        "Nimbus AI is in talks to raise $500 million at a $5 billion valuation.",
        ("Nimbus AI", 500e6, None),
    ),
]


@pytest.mark.parametrize(("text", "expected"), _FORMS)
def test_round_forms(text: str, expected: tuple[str, float | None, str | None]) -> None:
    ((entity, value, investor),) = _rounds(text)
    assert entity == expected[0]
    if expected[1] is not None:
        assert value == pytest.approx(expected[1])
    assert investor == expected[2]


def test_pronoun_takes_the_company_named_before() -> None:
    text = "Orbit Labs builds coding agents. The startup raised $40 million from Accel."
    assert _rounds(text) == [("Orbit Labs", 40e6, "Accel")]


def test_company_named_earlier_in_the_sentence() -> None:
    text = "Databricks said on Tuesday it had raised $10 billion."
    assert _rounds(text) == [("Databricks", 10e9, None)]


def test_round_country_from_gazetteer_or_descriptor() -> None:
    (a,) = run("Moonshot AI raised $1 billion.", "funding_round_usd")
    text = "SoftBank led a $50 million round in Japanese AI startup Sakura Labs."
    (b,) = run(text, "funding_round_usd")
    assert a.country == "CN" and b.country == "JP"


@pytest.mark.parametrize(
    "text",
    [
        "The startup is now valued at $3 billion.",
        "The deal values Orbit Labs at $900 million.",
        "Nvidia's market value topped $3 trillion.",
        "Orbit Labs posted revenue of $50 million.",
        "Alphabet agreed to acquire Orbit Labs for $2 billion.",
        "Sequoia Capital raised a $9 billion fund.",
        "Orbit Labs raised $40 million, bringing its total funding to $90 million.",
    ],
)
def test_not_rounds(text: str) -> None:
    assert [v for _, v, _ in _rounds(text)] in ([], [40e6])


def test_valuation_next_to_a_round_is_ignored() -> None:
    text = "Moonshot AI closed a $1 billion round led by Alibaba, valuing it at $2.5 billion."
    assert _rounds(text) == [("Moonshot AI", 1e9, "Alibaba")]


def test_rounds_are_not_country_totals() -> None:
    text = "Chinese AI startup Orbit Labs raised $60 million in 2024."
    assert run(text, "ai_investment_usd") == []
    assert len(run(text, "funding_round_usd")) == 1


def test_backer_named_as_a_modifier() -> None:
    assert _rounds("Tencent-backed Orbit Labs raised $600 million.") == [
        ("Orbit Labs", 600e6, "Tencent")
    ]
    assert _rounds("Backed by Alibaba, Orbit Labs raised $1 billion.") == [
        ("Orbit Labs", 1e9, "Alibaba")
    ]


_MORE_FORMS = [
    (
        "Orbit Labs, a robotics start-up, is backed by Tencent, which invested $80 million in the "
        "company in 2021.",
        ("Orbit Labs", 80e6, "Tencent"),
    ),
    (
        "Nimbus AI, founded by two former researchers, closed a round last month, raising "
        "$90 million from investors including Accel and Sequoia.",
        ("Nimbus AI", 90e6, "Accel"),
    ),
    (
        "Kestrel AI announced its third financing round of the year, adding $45 million.",
        ("Kestrel AI", 45e6, None),
    ),
    (
        "A tracker counts Tencent's latest investment in Orbit Labs as a $70 million round.",
        ("Orbit Labs", 70e6, "Tencent"),
    ),
    (
        "Kestrel AI's last big raise was a $200 million round led by Accel.",
        ("Kestrel AI", 200e6, "Accel"),
    ),
    (
        "The start-up, Nebula AI, picked up $30 million from investors including Greenoaks.",
        ("Nebula AI", 30e6, "Greenoaks"),
    ),
    (
        "Paris-based Helix Robotics raised $80 million in a Series B led by Index Ventures.",
        ("Helix Robotics", 80e6, "Index Ventures"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), _MORE_FORMS)
def test_more_round_forms(text: str, expected: tuple[str, float, str | None]) -> None:
    assert _rounds(text) == [expected]


def test_the_company_in_focus_raised_again() -> None:
    text = (
        "Nimbus AI said on Monday it had raised $500 million in a Series C round. "
        "Investors include Accel, Nvidia and AMD. "
        "The company raised its first $200 million in May."
    )
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Nimbus AI", 500e6), ("Nimbus AI", 200e6)]


def test_an_investors_share_of_the_round_just_reported() -> None:
    text = (
        "Kestrel AI has raised $300 million in a round led by Nvidia. "
        "Nvidia is contributing $200 million, giving it a stake of about 8 per cent."
    )
    assert _rounds(text) == [("Kestrel AI", 300e6, "Nvidia"), ("Kestrel AI", 200e6, "Nvidia")]


def test_the_speaker_is_the_raiser_of_it() -> None:
    text = (
        "Orbit Labs raised $50 million last October from Tencent, and Kestrel AI said the same "
        "month that it had raised $40 million."
    )
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Orbit Labs", 50e6), ("Kestrel AI", 40e6)]


def test_a_round_told_twice_is_recorded_once() -> None:
    text = (
        "Orbit Labs raised $50 million led by Accel. "
        "The $50 million round, Orbit Labs said, will pay for robots."
    )
    assert len(run(text, "funding_round_usd")) == 1


def test_euro_rounds_convert_at_the_months_rate() -> None:
    (o,) = run("Helix Robotics raised €100 million in September 2025.", "funding_round_usd")
    assert o.original_currency == "EUR" and o.period == "2025-09"
    assert 115e6 < o.value < 119e6  # about 1.17 dollars per euro that month


@pytest.mark.parametrize(
    "text",
    [
        "Orbit Labs has raised $900 million since its founding.",
        "Tencent has invested a total of $300 million in Orbit Labs.",
        "Orbit Labs raised HK$4 billion in its initial public offering.",
        "Kestrel AI, Zeta AI and Orbit Labs raised $700 million between them this year.",
        "Orbit Labs secured a $500 million credit facility from banks.",
    ],
)
def test_sums_and_public_offerings_are_not_rounds(text: str) -> None:
    assert run(text, "funding_round_usd") == []


def test_a_second_amount_from_another_investor() -> None:
    text = "In 2022 Orbit Labs took $50 million from Tencent and up to $80 million from Accel."
    assert _rounds(text) == [("Orbit Labs", 50e6, "Tencent"), ("Orbit Labs", 80e6, "Accel")]


def test_a_further_investment_by_the_speaker() -> None:
    text = "Tencent said on Monday it had invested a further $90 million in Orbit Labs."
    assert _rounds(text) == [("Orbit Labs", 90e6, "Tencent")]


def test_compound_adjectives_are_not_companies() -> None:
    text = "Analysts put funding for AI-related start-ups at more than $80 billion for the year."
    assert run(text, "funding_round_usd") == []
