"""Conversion to US dollars at yearly average rates."""

from __future__ import annotations

import pytest

from extractors.metrics.currency import rate, rates, to_usd
from extractors.metrics.numbers import Quantity


def _money(value: float, currency: str, usd: float | None = None) -> Quantity:
    return Quantity("money", value, 0, 1, currency, usd)


def test_table_covers_the_main_currencies() -> None:
    assert {"CNY", "EUR", "GBP", "JPY", "KRW", "HKD", "TWD"} <= set(rates())


def test_years_outside_the_table_use_the_nearest() -> None:
    years = sorted(rates()["CNY"])
    assert rate("CNY", 1990) == rates()["CNY"][years[0]]
    assert rate("CNY", 2100) == rates()["CNY"][years[-1]]


def test_yuan_is_converted_and_the_original_kept() -> None:
    value, original, currency = to_usd(_money(7e9, "CNY"), 2022) or (0, None, None)
    assert value == pytest.approx(7e9 / rates()["CNY"][2022])
    assert (original, currency) == (7e9, "CNY")


def test_a_stated_dollar_figure_wins() -> None:
    assert to_usd(_money(63e9, "CNY", usd=8.8e9), 2023) == (8.8e9, 63e9, "CNY")


def test_dollars_pass_through() -> None:
    assert to_usd(_money(5.0, "USD"), None) == (5.0, None, None)


def test_yen_sign_follows_the_sentence() -> None:
    jp = to_usd(_money(1e9, "¥"), 2023, "Japanese chip subsidies")
    cn = to_usd(_money(1e9, "¥"), 2023, "Chinese chip subsidies")
    assert jp is not None and cn is not None
    assert jp[2] == "JPY" and cn[2] == "CNY"


def test_a_month_converts_at_that_months_rate() -> None:
    monthly = to_usd(_money(1e9, "EUR"), 2025, "", "2025-09")
    yearly = to_usd(_money(1e9, "EUR"), 2025)
    assert monthly is not None and yearly is not None
    assert monthly[0] == pytest.approx(1e9 * 1.173, rel=0.01)
    assert monthly[0] != yearly[0]


def test_a_range_of_months_converts_at_the_years_rate() -> None:
    assert to_usd(_money(7e9, "CNY"), 2023, "", "2023-01/2023-11") == to_usd(
        _money(7e9, "CNY"), 2023
    )
