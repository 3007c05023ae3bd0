"""Tables in article text, in the hand-written and the Markdown layout."""

from __future__ import annotations

from extractors.metrics.tables import find_tables, plain_number, unit_of
from tests.extractors.metrics.helpers import run

_PIPES = (
    "Intro paragraph about money.\n\n"
    "AI venture funding by country, $m\n"
    "Country | 2019 | 2020\n"
    "Canada | 410 | 520\n"
    "Israel | 300 | 380\n\n"
    "A closing paragraph."
)
_MARKDOWN = (
    "Intro paragraph about money.\n"
    "| AI venture funding by country, $m |  |  |\n"
    "| Country | 2019 | 2020 |\n"
    "|---|---|---|\n"
    "| Canada | 410 | 520 |\n"
    "| Israel | 300 | 380 |\n"
    "A closing paragraph."
)


def test_both_layouts_give_the_same_table() -> None:
    for text in (_PIPES, _MARKDOWN):
        (table,) = find_tables(text)
        assert table.caption == "AI venture funding by country, $m"
        assert table.header == ("Country", "2019", "2020")
        assert [r.cells for r in table.rows] == [("Canada", "410", "520"), ("Israel", "300", "380")]
        row = table.rows[0]
        assert text[row.start : row.end].strip("| ").startswith("Canada")


def test_prose_with_a_bar_is_not_a_table() -> None:
    assert find_tables("He said the odds were 3|1 against it.\nAnother line.") == []


def test_units_from_captions() -> None:
    assert unit_of("Funding, $bn") == ("USD", 1e9)
    assert unit_of("in millions of euros") == ("EUR", 1e6)
    assert unit_of("RMB bn") == ("CNY", 1e9)
    assert unit_of("Number of deals") is None
    assert plain_number("1,151") == 1151 and plain_number("about 4.2") == 4.2
    assert plain_number("n/a") is None


def test_country_rows_become_totals_with_the_year_of_their_column() -> None:
    for text in (_PIPES, _MARKDOWN):
        got = {(o.country, o.value, o.period) for o in run(text, "ai_investment_usd")}
        assert got == {
            ("CA", 410e6, "2019"),
            ("CA", 520e6, "2020"),
            ("IL", 300e6, "2019"),
            ("IL", 380e6, "2020"),
        }
        (first, *_) = run(text, "ai_investment_usd")
        assert first.evidence.strip("| ").startswith("Canada")


def test_countries_as_columns_and_deal_counts() -> None:
    text = "Number of AI deals\nYear | Canada | Israel\n2021 | 120 | 95\n"
    got = {(o.country, o.value, o.period) for o in run(text, "ai_deal_count")}
    assert got == {("CA", 120, "2021"), ("IL", 95, "2021")}


def test_counts_of_companies_and_regions_are_not_totals() -> None:
    text = (
        "Newly funded AI companies\nCountry | 2022\nCanada | 41\n\n"
        "AI funding by region, $bn\nRegion | 2022\nEurope | 9.1\n"
    )
    assert run(text, "ai_investment_usd") == [] and run(text, "ai_deal_count") == []


def test_a_figure_in_prose_and_table_is_recorded_once() -> None:
    text = "Canadian AI start-ups raised $410 million in 2019.\n\n" + _PIPES.split("\n\n", 1)[1]
    values = [o.value for o in run(text, "ai_investment_usd") if o.country == "CA"]
    assert sorted(values) == [410e6, 520e6]


def test_round_table() -> None:
    text = (
        "Big rounds for robot makers\n"
        "Company | Closed | Amount raised | Lead investor | Valuation\n"
        "Orbit Labs | May 2024 | $120m | Accel | $1bn\n"
        "Kestrel AI | June 2024 | €50m | Index Ventures | Not disclosed\n"
    )
    rounds = run(text, "funding_round_usd")
    assert [(o.entity, o.counterparty, o.period) for o in rounds] == [
        ("Orbit Labs", "Accel", "2024-05"),
        ("Kestrel AI", "Index Ventures", "2024-06"),
    ]
    assert rounds[0].value == 120e6 and 52e6 < rounds[1].value < 56e6


def test_user_table() -> None:
    text = (
        "Chatbot audiences\n"
        "Product | Maker | Users | Measure | As of\n"
        "Claude | Anthropic | 30 million | Monthly active users | March 2025\n"
        "Kimi | Moonshot AI | 12 million | Daily active users | January 2025\n"
    )
    got = [(o.entity, o.org, o.value, o.qualifier, o.period) for o in run(text, "user_count")]
    assert got == [
        ("Claude", "Anthropic", 30e6, "monthly_active", "2025-03"),
        ("Kimi", "Moonshot AI", 12e6, "daily_active", "2025-01"),
    ]


def test_table_of_export_measures() -> None:
    text = (
        "Chip export measures\n"
        "Date | Who | Measure | Direction\n"
        "May 2021 | Japan | Licences for lithography tools | Tighter\n"
        "June 2022 | United States | Waivers for memory makers | Looser\n"
    )
    got = [(o.country, o.action, o.period) for o in run(text, "chip_export_event")]
    assert got == [("JP", "restrict", "2021-05"), ("US", "license", "2022-06")]
