"""Numbers as journalists write them."""

from __future__ import annotations

import pytest

from extractors.metrics.numbers import Quantity, find_quantities


def _one(text: str, kind: str) -> Quantity:
    found = [q for q in find_quantities(text) if q.kind == kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("The lab raised $2.7 billion last week.", 2.7e9, "USD"),
        ("a $31bn haul", 31e9, "USD"),
        ("a US$1.5 billion loan facility", 1.5e9, "USD"),
        ("a $500m cheque", 500e6, "USD"),
        ("nearly 2.5 billion dollars", 2.5e9, "USD"),
        ("RMB 7 billion", 7e9, "CNY"),
        ("RMB7bn of state money", 7e9, "CNY"),
        ("some 63.1 billion yuan", 63.1e9, "CNY"),
        ("a €1.2bn programme", 1.2e9, "EUR"),
        ("£400 million", 400e6, "GBP"),
        ("HK$3.2 billion", 3.2e9, "HKD"),
        ("1.2 trillion won", 1.2e12, "KRW"),
        ("$5B", 5e9, "USD"),
        ("a billion dollars", 1e9, "USD"),
    ],
)
def test_money_forms(text: str, value: float, currency: str) -> None:
    q = _one(text, "money")
    assert q.value == pytest.approx(value)
    assert q.currency == currency
    assert text[q.start : q.end].strip()


def test_yen_sign_is_left_for_context() -> None:
    assert _one("¥10 billion", "money").currency == "¥"


def test_stated_dollar_equivalent_is_kept() -> None:
    text = "They committed 20 billion yuan ($2.8 billion) to the plan."
    q = _one(text, "money")
    assert (q.value, q.currency, q.usd) == (20e9, "CNY", 2.8e9)
    assert text[q.start : q.end] == "20 billion yuan ($2.8 billion)"


def test_dollars_first_then_original() -> None:
    q = _one("worth $1.4 billion (10 billion yuan)", "money")
    assert (q.value, q.currency, q.usd) == (10e9, "CNY", 1.4e9)


def test_hedges_are_kept_apart_from_the_value() -> None:
    q = _one("at least $600m", "money")
    assert (q.value, q.approx) == (600e6, "at least")
    c = _one("more than 1bn", "count")
    assert (c.value, c.approx) == (1e9, "more than")


def test_ranges_share_a_scale() -> None:
    q = _one("$2.5-3 billion", "money")
    assert (q.value, q.value_max) == (2.5e9, 3e9)
    between = _one("between $1bn and $2bn", "money")
    assert (between.value, between.value_max) == (1e9, 2e9)


def test_from_to_is_two_values_not_a_range() -> None:
    found = find_quantities("climbed from $4.2bn in 2021 to $19bn")
    money = [q.value for q in found if q.kind == "money"]
    assert money == [4.2e9, 19e9]
    counts = [q.value for q in find_quantities("rose from 100 million to 200 million users")]
    assert counts == [100e6, 200e6]


def test_and_between_two_amounts_is_not_a_range() -> None:
    money = [q for q in find_quantities("$31 billion and $2 billion") if q.kind == "money"]
    assert [q.value for q in money] == [31e9, 2e9]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,151 deals", 1151),
        ("nearly 200 million", 200e6),
        ("2,788 thousand hours", 2.788e6),
        ("half a million", 5e5),
        ("36m users", 36e6),
    ],
)
def test_counts(text: str, value: float) -> None:
    assert _one(text, "count").value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"), [("57%", 57), ("60 percent", 60), ("12 per cent", 12), ("about 7.5pc", 7.5)]
)
def test_percentages(text: str, value: float) -> None:
    assert _one(text, "percent").value == value


def test_percentage_points_are_not_percentages() -> None:
    assert [q.kind for q in find_quantities("up 2.5 percentage points")] == ["points"]


def test_model_names_and_sizes_are_not_numbers() -> None:
    found = find_quantities("Nvidia's H100 and A800, a 7nm process and GPT-4")
    assert found == []


def test_years_are_marked() -> None:
    assert [q.kind for q in find_quantities("in 2023")] == ["year"]


def test_no_digits_no_work() -> None:
    assert find_quantities("No figures in this sentence at all.") == []


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("two billion dollars", 2e9, "USD"),
        ("sixty billion yuan", 60e9, "CNY"),
        ("three hundred million dollars", 300e6, "USD"),
        ("a $1.5-billion round", 1.5e9, "USD"),
        ("Rs 500 crore", 5e9, "INR"),
        ("1.2 trillion yuan", 1.2e12, "CNY"),
        ("RMB10bn", 10e9, "CNY"),
    ],
)
def test_more_money_forms(text: str, value: float, currency: str) -> None:
    q = _one(text, "money")
    assert (q.value, q.currency) == (pytest.approx(value), currency)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("one in five researchers", 20),
        ("nearly half of all funding", 50),
        ("two-thirds of them", 200 / 3),
        ("a quarter of the world's talent", 25),
        ("1 in 4 engineers", 25),
    ],
)
def test_shares_in_words(text: str, value: float) -> None:
    assert _one(text, "percent").value == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["in the first half of 2024", "in the fourth quarter of 2023", "one in a million"]
)
def test_periods_and_idioms_are_not_shares(text: str) -> None:
    assert [q for q in find_quantities(text) if q.kind == "percent"] == []


def test_spelled_out_counts() -> None:
    assert _one("forty million users", "count").value == 40e6
    assert _one("twenty-five million users", "count").value == 25e6


@pytest.mark.parametrize(
    "text",
    ["several hundred million dollars", "a few billion yuan", "hundreds of millions of dollars"],
)
def test_vague_amounts_are_not_figures(text: str) -> None:
    assert [q for q in find_quantities(text) if q.kind == "money"] == []


def test_by_then_to_is_a_change() -> None:
    found = [(q.value, q.value_max) for q in find_quantities("rose by 100 million to 500 million")]
    assert found == [(100e6, None), (500e6, None)]
