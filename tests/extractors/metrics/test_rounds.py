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
