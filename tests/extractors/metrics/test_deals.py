"""Country totals of AI investment and AI deal counts."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.extractors.metrics.helpers import run


def _totals(text: str) -> list[tuple[str | None, float, str | None]]:
    return [(o.country, o.value, o.period) for o in run(text, "ai_investment_usd")]


def _deals(text: str) -> list[tuple[str | None, float, str | None]]:
    return [(o.country, o.value, o.period) for o in run(text, "ai_deal_count")]


def test_total_and_deal_count_in_one_clause() -> None:
    text = "American AI startups pulled in $42 billion across 980 deals in 2021."
    assert _totals(text) == [("US", 42e9, "2021")]
    assert _deals(text) == [("US", 980, "2021")]


def test_following_sentence_inherits_the_period() -> None:
    text = (
        "Investors put $12 billion into British AI companies in 2020. "
        "That compares with $3 billion across 150 deals in France."
    )
    assert _totals(text) == [("GB", 12e9, "2020"), ("FR", 3e9, "2020")]
    assert _deals(text) == [("FR", 150, "2020")]


def test_each_amount_takes_its_own_year() -> None:
    text = "AI funding in Japan reached $4bn in 2019, well above the $1bn of 2017."
    assert _totals(text) == [("JP", 4e9, "2019"), ("JP", 1e9, "2017")]


def test_comparison_clause_keeps_the_country() -> None:
    text = (
        "In 2021, the value of Korean AI deals was $6bn, down from 2020 which saw deals worth $8bn"
    )
    assert _totals(text) == [("KR", 6e9, "2021"), ("KR", 8e9, "2020")]


def test_deal_count_and_value_together() -> None:
    text = "German AI firms closed 40 deals worth $900 million in 2022."
    assert _deals(text) == [("DE", 40, "2022")]
    assert _totals(text) == [("DE", 900e6, "2022")]


def test_a_year_earlier_in_the_same_clause() -> None:
    text = (
        "Investment in Israeli AI companies fell to $1.9 billion in the third quarter "
        "from $3 billion a year earlier."
    )
    assert _totals(text) == [("IL", 1.9e9, "2024-07/2024-09"), ("IL", 3e9, "2023-07/2023-09")]


def test_lead_year_applies_to_the_sentence() -> None:
    text = "In 2018, Chinese AI firms drew about $9 billion."
    (o,) = run(text, "ai_investment_usd")
    assert (o.country, o.value, o.period, o.qualifier) == ("CN", 9e9, "2018", "about")


def test_foreign_currency_totals_are_converted() -> None:
    (o,) = run("Chinese AI startups raised 50 billion yuan in 2022.", "ai_investment_usd")
    assert o.original_currency == "CNY" and o.original_value == 50e9
    assert o.value == pytest.approx(50e9 / 6.729, rel=1e-3)


def test_deal_count_with_the_noun_before_it() -> None:
    assert _deals("AI deals in India fell 12% to 300 in 2023.") == [("IN", 300, "2023")]


def test_anaphora_carries_country_and_period() -> None:
    text = (
        "Canadian AI companies closed 210 funding rounds in the first half of 2023. "
        "Those rounds brought in $2.2 billion."
    )
    assert _totals(text) == [("CA", 2.2e9, "2023-01/2023-06")]


@pytest.mark.parametrize(
    "text",
    [
        "Venture funding across all sectors in Germany fell to $9 billion last year.",
        "Total venture investment in the US reached $170 billion in 2023, PitchBook said.",
        "Global AI funding topped $100 billion in 2024.",
        "The overall AI market in China will be worth $200 billion by 2030.",
        "Acme, a French AI startup, raised $50 million in 2023.",
        "The government of Spain plans to invest $2 billion in AI by 2026.",
        "Alibaba will spend 380 billion yuan on AI infrastructure over three years.",
        "Nvidia's revenue from China fell to $10 billion in 2023.",
    ],
)
def test_distractors_are_not_totals(text: str) -> None:
    assert run(text, "ai_investment_usd") == []


def test_all_sector_total_next_to_an_ai_total() -> None:
    text = (
        "Venture funding for Israeli startups was $8 billion last year, "
        "while AI companies took $3 billion."
    )
    assert _totals(text) == [("IL", 3e9, "2023")]


def test_a_year_earlier_is_the_year_before() -> None:
    text = "Indian AI startups raised $1.2 billion in 2024, down from $1.9 billion a year earlier."
    assert _totals(text) == [("IN", 1.2e9, "2024"), ("IN", 1.9e9, "2023")]


def test_same_period_is_carried_to_the_next_total() -> None:
    text = (
        "Korean AI startups raised $2 billion in 2023. "
        "Japanese AI startups raised $1 billion over the same period."
    )
    assert _totals(text) == [("KR", 2e9, "2023"), ("JP", 1e9, "2023")]


def test_ranking_sentences_continue_the_totals() -> None:
    text = (
        "Private AI investment in Canada reached $2.9 billion in 2019. "
        "Israel came second with $1.4 billion, and France a distant third at $900 million. "
        "Japan was fourth at $700 million."
    )
    assert _totals(text) == [
        ("CA", 2.9e9, "2019"),
        ("IL", 1.4e9, "2019"),
        ("FR", 900e6, "2019"),
        ("JP", 700e6, "2019"),
    ]


def test_relative_clause_and_ratio() -> None:
    text = (
        "Indian AI companies drew $6 billion of venture money in 2020, four times the amount "
        "invested in Spain, which was next with $1.5 billion."
    )
    assert _totals(text) == [("IN", 6e9, "2020"), ("ES", 1.5e9, "2020")]


def test_comparison_years_do_not_date_the_total() -> None:
    text = (
        "Korean AI start-ups closed 180 deals in 2021. "
        "The total they raised came to $1.2 billion, 40 per cent more than in 2020."
    )
    assert _totals(text) == [("KR", 1.2e9, "2021")]


def test_change_from_a_base_takes_the_base_its_own_year() -> None:
    text = (
        "Israeli AI start-ups closed 90 deals this year. "
        "The money raised rose to 20 billion shekels ($5.4 billion) from $3.9 billion last year."
    )
    assert _totals(text) == [("IL", 5.4e9, "2024"), ("IL", 3.9e9, "2023")]


def test_a_count_compared_with_a_deal_count_is_one() -> None:
    text = "Brazilian AI firms closed 64 funding deals in 2022, fewer than the 80 recorded in 2021."
    assert _deals(text) == [("BR", 64, "2022"), ("BR", 80, "2021")]


def test_report_editions_are_not_periods() -> None:
    text = (
        "Private investment in Swedish AI companies reached $1.1 billion in 2021, "
        "according to the 2022 AI Index published on Monday."
    )
    assert _totals(text) == [("SE", 1.1e9, "2021")]


def test_a_global_sentence_dates_the_country_totals_after_it() -> None:
    text = (
        "Global private AI investment fell to $80 billion in 2019. "
        "Funding for robotics held up. "
        "American AI companies drew $40 billion, ahead of China with $9 billion."
    )
    assert _totals(text) == [("US", 40e9, "2019"), ("CN", 9e9, "2019")]


def test_another_sources_figure_for_the_same_total() -> None:
    text = (
        "Indian AI start-ups raised about $1 billion across 300 deals in 2022, one tracker says. "
        "Another database puts the figure at $1.6 billion."
    )
    assert _totals(text) == [("IN", 1e9, "2022"), ("IN", 1.6e9, "2022")]


@pytest.mark.parametrize(
    "text",
    [
        "Globally, AI start-ups raised $20 billion in the quarter, and deals fell to 600.",
        "Asian AI companies raised $4 billion across 200 deals and European ones $3 billion.",
        "Investors have poured $20 billion into Chinese AI chipmakers since 2020.",
        "The median AI round in Japan was $12 million last year.",
        "Acme AI listed in Hong Kong, raising HK$3 billion in its initial public offering.",
        "Zeta AI, Orbit Labs and Kestrel AI raised $900 million between them in 2023.",
    ],
)
def test_more_distractors(text: str) -> None:
    assert run(text, "ai_investment_usd") == [] and run(text, "ai_deal_count") == []


def test_all_sector_total_in_a_contrast_clause() -> None:
    text = (
        "American AI firms took $60 billion in the first half, while the overall US venture "
        "market raised $140 billion."
    )
    assert [o.value for o in run(text, "ai_investment_usd")] == [60e9]


def test_a_total_repeated_later_is_recorded_once() -> None:
    text = (
        "Swiss AI start-ups raised $1.3 billion in 2023. "
        "Analysts cheered. Swiss AI start-ups raised $1.3 billion in 2023, the report repeats."
    )
    assert _totals(text) == [("CH", 1.3e9, "2023")]


def test_since_a_year_is_not_the_period_of_a_total() -> None:
    text = "US AI start-ups raised $12.5 billion across 310 deals, the fewest deals since 2016."
    found = run(text, "ai_investment_usd", published=dt.date(2024, 7, 2))
    assert all(o.period != "2016" for o in found)


def test_investment_events_and_a_participle_total() -> None:
    text = (
        "In 2024, China's AI sector recorded 1,312 investment events, totaling about "
        "107 billion yuan, according to a research firm."
    )
    assert _deals(text) == [("CN", 1312, "2024")]
    ((country, value, period),) = _totals(text)
    assert (country, period) == ("CN", "2024") and 14e9 < value < 16e9


def test_count_noun_is_not_a_second_topic() -> None:
    text = (
        "China's artificial intelligence industry attracted investment of 63.5 billion yuan "
        "in the first half of 2024, with 412 investment events recorded."
    )
    assert _deals(text) == [("CN", 412, "2024-01/2024-06")]


def test_raising_clause_shares_the_country_of_the_deals() -> None:
    text = (
        "AI startups in the US closed 1,903 deals in the third quarter, according to a "
        "tracker, raising a combined $31.1 billion."
    )
    assert _deals(text) == [("US", 1903, "2024-07/2024-09")]
    assert _totals(text) == [("US", 31.1e9, "2024-07/2024-09")]


def test_deal_count_and_country_total_continue_the_topic() -> None:
    text = (
        "US-based AI startups raised $27.1 billion in the second quarter of 2024. "
        "Deal count fell to 1,420 from 1,650 a quarter earlier. "
        "China's total came to $2.3 billion."
    )
    assert _deals(text) == [("US", 1420, "2024-04/2024-06")]
    assert [(c, v) for c, v, _ in _totals(text)] == [("US", 27.1e9), ("CN", 2.3e9)]


def test_a_year_earlier_after_the_deals() -> None:
    text = (
        "AI companies in China raised $1.4 billion in the first quarter of 2024 across 98 deals, "
        "compared with $4.9 billion across 194 deals a year earlier."
    )
    assert _totals(text) == [("CN", 1.4e9, "2024-01/2024-03"), ("CN", 4.9e9, "2023-01/2023-03")]
    assert _deals(text) == [("CN", 98, "2024-01/2024-03"), ("CN", 194, "2023-01/2023-03")]


@pytest.mark.parametrize(
    "text",
    [
        "That was almost half of the $209 billion raised by all US start-ups last year in AI.",
        "US AI venture firms gathered $76.1 billion across 508 new funds.",
        "US investors backed 1,400 AI companies in the first half.",
    ],
)
def test_all_startups_funds_and_companies_are_not_ai_totals(text: str) -> None:
    assert run(text, "ai_investment_usd") == [] and run(text, "ai_deal_count") == []


def test_changes_and_continuations() -> None:
    text = "AI investment in China fell by $2 billion to $7 billion in 2023."
    assert _totals(text) == [("CN", 7e9, "2023")]
    text = (
        "Funding to US-based AI startups rose to $27.7 billion in the fourth quarter of 2023. "
        "Funding in China fell 40% quarter on quarter to $1.2 billion."
    )
    assert [(c, v) for c, v, _ in _totals(text)] == [("US", 27.7e9), ("CN", 1.2e9)]
    text = "In the first three quarters, China's AI industry saw 682 financing cases."
    assert _deals(text) == [("CN", 682, "2024-01/2024-09")]


def test_count_compared_with_a_counted_number() -> None:
    text = "In 2023 the number of AI funding rounds in Spain rose to 180 from 150 a year earlier."
    assert _deals(text) == [("ES", 180, "2023"), ("ES", 150, "2022")]


def test_a_rounds_month_does_not_date_later_totals() -> None:
    text = (
        "Italian AI start-ups raised $900 million in 2023. "
        "Domestic lab Nova AI raised a $100 million round in June. "
        "The number of AI deals in Italy fell to 90 from 120 a year earlier."
    )
    assert _deals(text) == [("IT", 90, "2023"), ("IT", 120, "2022")]


def test_next_countries_of_a_ranking() -> None:
    text = (
        "Private AI investment in Sweden reached $2 billion in 2023. "
        "Norway followed at $900 million and Denmark at $700 million."
    )
    assert _totals(text) == [("SE", 2e9, "2023"), ("NO", 900e6, "2023"), ("DK", 700e6, "2023")]


def test_each_country_of_a_list_gets_the_figure() -> None:
    text = "In 2023, Spain and Italy each drew about $500 million of AI investment."
    assert sorted(_totals(text)) == [("ES", 500e6, "2023"), ("IT", 500e6, "2023")]


def test_sentence_opening_with_a_country_continues_the_totals() -> None:
    text = (
        "Private AI investment in Germany came to $1.9 billion in 2023. "
        "Austria, a much smaller market, managed $300 million."
    )
    assert _totals(text) == [("DE", 1.9e9, "2023"), ("AT", 300e6, "2023")]


def test_possessive_country_takes_the_same_count() -> None:
    text = "In 2024 the number of AI deals in Canada rose 5% to 420, while Israel's fell to 190."
    assert _deals(text) == [("CA", 420, "2024"), ("IL", 190, "2024")]


def test_a_year_later_is_the_year_after_the_topics() -> None:
    text = (
        "In 2021, private AI investment in South Korea was $3 billion. "
        "A year later the figure had fallen to $2 billion."
    )
    assert _totals(text) == [("KR", 3e9, "2021"), ("KR", 2e9, "2022")]


def test_the_count_moving_on_to_later_years() -> None:
    text = (
        "Japanese AI companies closed 500 deals in 2021, before the tally fell to 400 in 2022 "
        "and to 350 in 2023."
    )
    assert _deals(text) == [("JP", 500, "2021"), ("JP", 400, "2022"), ("JP", 350, "2023")]


def test_investment_sentence_continues_the_country() -> None:
    text = (
        "Korean AI companies recorded 300 investment deals in 2022. "
        "Disclosed investment fell from 2 trillion won in 2022 to 1.5 trillion won in 2023."
    )
    assert [(c, p) for c, _, p in _totals(text)] == [("KR", "2022"), ("KR", "2023")]


def test_fronted_span_of_years_is_a_cumulative_sum() -> None:
    text = (
        "Between 2015 and 2023, Canadian AI companies attracted $20 billion of private "
        "investment, against $5 billion for Sweden."
    )
    assert _totals(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Canadian AI start-ups raised $2 billion in 2023, a third of the $6 billion invested "
        "nationwide.",
        "Canadian AI start-ups raised $2 billion in 2023 out of $6 billion invested in start-ups.",
    ],
)
def test_the_whole_an_ai_total_is_part_of(text: str) -> None:
    assert _totals(text) == [("CA", 2e9, "2023")]


def test_undated_total_takes_the_year_the_story_named() -> None:
    text = (
        "Trackers disagree about how 2024 went for AI start-ups. "
        "The number of AI deals in Israel fell to 190, one count shows."
    )
    assert _deals(text) == [("IL", 190, "2024")]


def test_country_based_companies() -> None:
    text = "UK-based AI start-ups raised $4.5 billion across 480 deals in 2024."
    assert _totals(text) == [("GB", 4.5e9, "2024")]
    assert _deals(text) == [("GB", 480, "2024")]


def test_investment_and_financing_events() -> None:
    text = "China's AI sector saw 1,150 investment and financing events in 2024."
    assert _deals(text) == [("CN", 1150, "2024")]


def test_mergers_are_not_venture_totals() -> None:
    text = "AI M&A deals in the US were worth $30 billion in 2024."
    assert _totals(text) == []


def test_the_sector_of_the_sentence_before() -> None:
    text = (
        "China is pouring state money into artificial intelligence. "
        "Chinese start-ups in the sector closed 1,150 financing deals in 2024, ITJuzi said."
    )
    assert _deals(text) == [("CN", 1150, "2024")]


def test_tables_of_money_raised_by_start_ups_and_of_financing_events() -> None:
    text = (
        "Funding rose again last year.\n\n"
        "Venture capital raised by AI start-ups, $ billion\n"
        "Country | 2023 | 2024\n"
        "United States | 67.2 | 109.1\n\n"
        "AI financing events by country\n"
        "Country | 2023 | 2024\n"
        "China | 232 | 310\n\n"
        "Newly funded AI companies\n"
        "Country | 2023 | 2024\n"
        "China | 122 | 150\n"
    )
    assert _totals(text) == [("US", 67.2e9, "2023"), ("US", 109.1e9, "2024")]
    assert _deals(text) == [("CN", 232, "2023"), ("CN", 310, "2024")]


def test_a_quarter_of_the_topics_year_continues_it() -> None:
    text = (
        "AI start-ups headquartered in Canada raised $2 billion across 300 rounds in 2024. "
        "The fourth quarter alone brought $800 million over 90 rounds."
    )
    assert _totals(text) == [("CA", 2e9, "2024"), ("CA", 800e6, "2024-10/2024-12")]
    assert _deals(text) == [("CA", 300, "2024"), ("CA", 90, "2024-10/2024-12")]


def test_figures_in_brackets_after_each_country() -> None:
    text = (
        "US AI start-ups raised $97 billion across 4,000 rounds in 2024. "
        "Outside the US, Britain ($4.2 billion, 410 rounds) and France ($3.1 billion, 230 "
        "rounds) led."
    )
    assert _totals(text)[1:] == [("GB", 4.2e9, "2024"), ("FR", 3.1e9, "2024")]
    assert _deals(text)[1:] == [("GB", 410, "2024"), ("FR", 230, "2024")]


def test_such_events_after_a_count_of_events() -> None:
    text = (
        "Chinese AI companies recorded 1,053 investment and financing events in 2024. "
        "In 2023, the country's AI sector registered 1,286 such events."
    )
    assert _deals(text) == [("CN", 1053, "2024"), ("CN", 1286, "2023")]


def test_investment_in_a_span_of_months() -> None:
    text = "Investment in US AI start-ups hit $26.6 billion in the January-March quarter."
    assert _totals(text) == [("US", 26.6e9, "2024-01/2024-03")]


def test_bullets_under_an_ai_lead_in() -> None:
    text = (
        "Here is where AI venture money went in 2023, by our count:\n\n"
        "- Germany: $1.9 billion across 210 deals\n"
        "- Worldwide: $110 billion across 4,850 deals\n"
    )
    assert _totals(text) == [("DE", 1.9e9, "2023")]
    assert _deals(text) == [("DE", 210, "2023")]
    assert run(text, "funding_round_usd") == []


def test_counts_in_brackets_after_their_years() -> None:
    text = (
        "Chinese AI companies closed 18% fewer venture deals in 2023 (1,005) than in 2022 (1,226)."
    )
    assert _deals(text) == [("CN", 1005, "2023"), ("CN", 1226, "2022")]


def test_the_figure_compared_from_is_the_year_befores() -> None:
    text = "In Singapore, the number of AI deals rose to 180 last year from 154."
    assert _deals(text) == [("SG", 180, "2023"), ("SG", 154, "2022")]


def test_with_a_total_amount_after_a_count() -> None:
    text = (
        "In 2023, the AI sector on the Chinese mainland witnessed 1,203 financing cases, with a "
        "total financing amount of 150.6 billion yuan."
    )
    assert [(c, p) for c, _, p in _totals(text)] == [("CN", "2023")]
    assert _deals(text) == [("CN", 1203, "2023")]


def test_the_number_of_financing_cases() -> None:
    text = "In 2023 the number of AI financing cases in China more than doubled to 210."
    assert _deals(text) == [("CN", 210, "2023")]


@pytest.mark.parametrize(
    "text",
    [
        "To date, Singapore-based AI companies have raised about $5 billion.",
        "Singapore's AI plan comes with $1 billion of public funding over five years.",
        "Total startup funding in India rose to $11.6 billion, with AI accounting for 7% of it.",
        "In 2024 the UK's AI figure excludes the $1 billion Series C that Wayve raised.",
    ],
)
def test_more_sums_that_are_not_a_countrys_ai_total(text: str) -> None:
    assert _totals(text) == []


def test_another_countrys_possessive_count() -> None:
    text = "In 2023, the United States saw 1,143 AI deals, far ahead of China's 232."
    assert _deals(text) == [("US", 1143, "2023"), ("CN", 232, "2023")]


def test_a_quarter_is_not_a_company() -> None:
    text = "In the US, AI companies raised $26.6 billion in Q1 2025."
    assert _totals(text) == [("US", 26.6e9, "2025-01/2025-03")]
    assert run(text, "funding_round_usd") == []


def test_worth_a_combined_sum_after_a_deal_count() -> None:
    text = "AI-related deals in China numbered 1,150 in 2024, worth a combined 60 billion yuan."
    assert [(c, p) for c, _, p in _totals(text)] == [("CN", "2024")]


def test_table_after_an_ai_lead_in_without_an_ai_caption() -> None:
    text = (
        "Private investment in artificial intelligence keeps concentrating in a few places.\n\n"
        "Private investment by country, $bn\n"
        "Country | 2022 | 2023\n"
        "Germany | 2.4 | 1.9\n"
    )
    assert _totals(text) == [("DE", 2.4e9, "2022"), ("DE", 1.9e9, "2023")]


def test_table_columns_headed_by_a_year_and_a_noun() -> None:
    text = "AI funding deals by country\nCountry | 2022 deals | 2023 deals\nGermany | 240 | 210\n"
    assert _deals(text) == [("DE", 240, "2022"), ("DE", 210, "2023")]


def test_table_after_a_sentence_about_something_else_is_not_read() -> None:
    text = (
        "Chipmakers' sales rose sharply last year.\n\n"
        "Sales by country, $bn\n"
        "Country | 2022 | 2023\n"
        "Germany | 2.4 | 1.9\n"
    )
    assert _totals(text) == []


def test_table_cells_with_a_source_or_a_scale() -> None:
    text = "AI investment by country\nCountry | 2022 | 2023\nGermany (Dealroom) | 2.4bn | 1.9bn\n"
    assert _totals(text) == [("DE", 2.4e9, "2022"), ("DE", 1.9e9, "2023")]


def test_table_of_one_countrys_figures_by_year() -> None:
    text = "AI financing in China\nYear | Deals | Amount (billion yuan)\n2022 | 733 | 118.27\n"
    assert _deals(text) == [("CN", 733, "2022")]
    assert [(c, p) for c, _, p in _totals(text)] == [("CN", "2022")]
