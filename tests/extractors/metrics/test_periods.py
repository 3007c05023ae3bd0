"""Time expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.metrics.periods import find_periods, year_of

PUB = dt.date(2024, 4, 15)  # a Monday


def _periods(text: str, published: dt.date | None = PUB) -> list[str | None]:
    return [p.period for p in find_periods(text, published) if not p.comparison]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("in 2022", "2022"),
        ("2021's peak", "2021"),
        ("in August 2023", "2023-08"),
        ("on March 3, 2024", "2024-03-03"),
        ("on 3 March 2024", "2024-03-03"),
        ("last year", "2023"),
        ("this year", "2024"),
        ("last month", "2024-03"),
        ("this week", "2024-04-15"),
        ("on Wednesday", "2024-04-10"),
        ("in the first quarter", "2024-01/2024-03"),
        ("in the fourth quarter", "2023-10/2023-12"),
        ("Q3 2023", "2023-07/2023-09"),
        ("the first half of 2024", "2024-01/2024-06"),
        ("during the first nine months of 2023", "2023-01/2023-09"),
        ("in February", "2024-02"),
        ("last December", "2023-12"),
        ("in fiscal 2025", "2025"),
    ],
)
def test_resolves(text: str, period: str) -> None:
    assert _periods(text) == [period]


def test_same_year_refers_back() -> None:
    text = "300 million in December 2022 and 200 million in May of the same year"
    assert _periods(text) == ["2022-12", "2022-05"]


def test_comparison_bases_are_not_periods() -> None:
    found = find_periods("a 30% drop year-over-year, 10% less than the previous year", PUB)
    assert [p.comparison for p in found] == [True, True]


def test_relative_dates_need_a_publication_date() -> None:
    assert _periods("last year and in February", None) == [None, None]


def test_forecast_years_are_flagged() -> None:
    (p,) = find_periods("worth $1 trillion by 2030", PUB)
    assert p.future and p.period == "2030"


def test_verbs_are_not_months() -> None:
    assert _periods("Regulators may act and critics march on.") == []


def test_numbers_that_look_like_years_are_not() -> None:
    assert _periods("2,023 companies and 2019 deals") == []


def test_year_of() -> None:
    assert year_of("2023-01/2023-11") == 2023
    assert year_of(None) is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("since August last year", "2023-08"),
        ("in December of next year", "2025-12"),
        ("in the first 11 months alone", "2023-01/2023-11"),
        ("in the first half, while", "2024-01/2024-06"),
        ("the 2023 AI Index found", None),
        ("its 2022 edition", None),
        ("the 2021 peak", "2021"),
    ],
)
def test_more_expressions(text: str, period: str | None) -> None:
    assert (_periods(text) or [None])[0] == period


def test_the_same_month_is_the_month_named_before() -> None:
    assert _periods("It raised money last October and said the same month that") == [
        "2023-10",
        "2023-10",
    ]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("in the January-March quarter", "2024-01/2024-03"),
        ("between January and June", "2023-01/2023-06"),
        ("from April through June 2022", "2022-04/2022-06"),
        ("in Jan-Sept 2023", "2023-01/2023-09"),
    ],
)
def test_spans_of_months(text: str, period: str) -> None:
    assert _periods(text) == [period]
