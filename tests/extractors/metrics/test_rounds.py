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
        "Zeta AI's $60 million Series A was led by Index Ventures.",
        ("Zeta AI", 60e6, "Index Ventures"),
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


@pytest.mark.parametrize(
    "text",
    [
        "Orbit Labs is in talks to raise about $500 million at a $4 billion valuation.",
        "The robotics maker is seeking to raise $100 million from new investors.",
        "Kestrel AI plans to raise $250 million next year.",
        "Zeta Labs is said to be raising $1 billion, according to people familiar with the matter.",
        "Tencent is considering investing $300 million in Orbit Labs.",
    ],
)
def test_rounds_not_yet_closed_are_not_rounds(text: str) -> None:
    assert run(text, "funding_round_usd") == []


def test_a_closed_round_beside_talks_of_the_next_one() -> None:
    text = (
        "Orbit Labs is in talks to raise $500 million. "
        "Last year, Orbit Labs raised $150 million in a Series B led by Accel."
    )
    assert _rounds(text) == [("Orbit Labs", 150e6, "Accel")]


def test_lead_investor_named_in_the_next_sentence() -> None:
    text = (
        "Chinese AI start-up Lumen Intelligence has raised $300 million in a new round. "
        "The round was led by Hillhouse Capital, with participation from Tencent."
    )
    assert _rounds(text) == [("Lumen Intelligence", 300e6, "Hillhouse")]


def test_the_round_as_subject_of_a_later_sentence() -> None:
    text = (
        "Lattice AI, which makes code-review software, said it had closed a new round. "
        "The financing, a Series B, totalled $120 million and was led by Tiger Global."
    )
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Lattice AI", 120e6)]


def test_the_company_introduced_before_its_round() -> None:
    text = (
        "Founded in 2021, Sierra Vision builds computer-vision tools for farms. "
        "The company raised $18 million in a Series A round."
    )
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Sierra Vision", 18e6)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A further $25 million was invested in Quanta Robotics by Hongshan.",
            ("Quanta Robotics", 25e6, "Hongshan"),
        ),
        (
            "More than $1 billion has been raised by Nimbus Labs, the company said.",
            ("Nimbus Labs", 1e9, None),
        ),
        (
            "Heidelberg-based Vela AI said on Monday it had secured $500 million in a Series B.",
            ("Vela AI", 500e6, None),
        ),
        (
            "Enflame received a capital injection of 2 billion yuan from Tencent.",
            ("Enflame", None, "Tencent"),
        ),
        (
            "Acme Robotics, a provider of warehouse robots, today announced the completion of a "
            "$40 million Series A.",
            ("Acme Robotics", 40e6, None),
        ),
        (
            "Voice-AI startup Sonora gets $12 million to take on call centres.",
            ("Sonora", 12e6, None),
        ),
        (
            "Its rival Baichuan followed days later with a $700 million round led by Alibaba.",
            ("Baichuan", 700e6, "Alibaba"),
        ),
        (
            "Nova Dynamics, a Chinese robotics start-up, has raised two billion yuan.",
            ("Nova Dynamics", None, None),
        ),
    ],
)
def test_passive_descriptive_and_headline_forms(
    text: str, expected: tuple[str, float | None, str | None]
) -> None:
    ((entity, value, investor),) = _rounds(text)
    assert entity == expected[0]
    if expected[1] is not None:
        assert value == pytest.approx(expected[1])
    assert investor == expected[2]


def test_several_rounds_in_one_sentence() -> None:
    text = "Moonshot AI raised $1 billion, MiniMax raised $600 million and Baichuan raised $300 million."
    assert [(e, v) for e, v, _ in _rounds(text)] == [
        ("Moonshot AI", 1e9),
        ("MiniMax", 600e6),
        ("Baichuan", 300e6),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Venture investment in Chinese AI firms totalled RMB 120 billion last year.",
        "The funding values the seven-month-old company at about $2 billion.",
        "The company also secured a $4 billion revolving credit facility from banks.",
    ],
)
def test_group_totals_valuations_and_credit_are_not_rounds(text: str) -> None:
    assert run(text, "funding_round_usd") == []


_AFTER_A_ROUND = (
    "Orbit Labs, a Shenzhen robotics start-up, raised $50 million in a Series B led by Accel. "
)


@pytest.mark.parametrize(
    "follow",
    [
        "The round brings Orbit's valuation to $2 billion.",
        "The investment will be used to build a $300 million factory.",
        "The company plans to spend $30 million on a new factory.",
        "Orbit Labs expects to raise another $100 million next year.",
        "It is also in talks with banks over a $40 million loan.",
        "Accel, which manages $20 billion, declined to comment.",
        "Orbit competes with Unitree, which is valued at about $1.7 billion.",
        "Orbit paid $10 million for a warehouse in Shenzhen.",
    ],
)
def test_other_money_after_a_round_is_not_another_round(follow: str) -> None:
    assert _rounds(_AFTER_A_ROUND + follow) == [("Orbit Labs", 50e6, "Accel")]


def test_a_round_in_another_company_after_a_round() -> None:
    text = _AFTER_A_ROUND + "Accel led a $200 million round in another robotics firm, Kestrel AI."
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Orbit Labs", 50e6), ("Kestrel AI", 200e6)]


def test_a_possessed_round_belongs_to_the_possessor() -> None:
    assert [(e, v) for e, v, _ in _rounds("In 2023, Orbit's Series A raised $15 million.")] == [
        ("Orbit", 15e6)
    ]


def test_a_list_of_rounds_after_a_lead_in() -> None:
    text = (
        "This week's notable AI financings:\n"
        "- Zhipu AI – $400 million, from state-backed funds\n"
        "- StepFun – several hundred million dollars, led by Tencent\n"
        "- Orbit Labs – $75 million, led by Accel"
    )
    assert _rounds(text) == [("Zhipu AI", 400e6, None), ("Orbit Labs", 75e6, "Accel")]


def test_an_investor_backing_the_company_with_an_amount() -> None:
    text = (
        "Vertex Mind said it had closed a $45 million Series A. "
        "Radical Ventures has also backed the company with $10 million."
    )
    assert [(e, v) for e, v, _ in _rounds(text)] == [("Vertex Mind", 45e6), ("Vertex Mind", 10e6)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We have raised $100 million and will use it to hire,” said Li Wei, chief executive "
            "of Orbit Labs.",
            ("Orbit Labs", 100e6, None),
        ),
        (
            "Orbit Labs (formerly Orbit Robotics) raised $100 million in a Series B (led by Accel).",
            ("Orbit Labs", 100e6, "Accel"),
        ),
        (
            "Alibaba Group Holding Ltd. (9988.HK) led a $1 billion round in Moonshot AI.",
            ("Moonshot AI", 1e9, "Alibaba"),
        ),
    ],
)
def test_quotes_and_parentheses(text: str, expected: tuple[str, float, str | None]) -> None:
    assert _rounds(text) == [expected]
