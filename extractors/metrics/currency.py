"""Convert amounts to US dollars at monthly or yearly average rates.

The rates are in extractors/data/fx_rates.toml.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from extractors.metrics.numbers import Quantity

_RATES_FILE = Path(__file__).resolve().parent.parent / "data" / "fx_rates.toml"
_JAPAN = re.compile(r"\b(?:Japan(?:ese)?|yen|Tokyo)\b")


@cache
def rates() -> dict[str, dict[int, float]]:
    """Units of each currency per US dollar, by year."""
    raw = tomllib.loads(_RATES_FILE.read_text(encoding="utf-8"))["rates"]
    return {cur: {int(y): float(r) for y, r in years.items()} for cur, years in raw.items()}


@cache
def monthly_rates() -> dict[str, dict[str, float]]:
    """Units of each currency per US dollar, by month ("YYYY-MM")."""
    raw = tomllib.loads(_RATES_FILE.read_text(encoding="utf-8")).get("monthly", {})
    return {cur: {str(m): float(r) for m, r in months.items()} for cur, months in raw.items()}


def rate(currency: str, year: int | None, period: str | None = None) -> float | None:
    """Average units per dollar: the month's when ``period`` names a month the table
    has, else the year's, clamped to the years the table covers."""
    if period and "/" not in period and len(period) >= 7 and period[4] == "-":
        monthly = monthly_rates().get(currency, {}).get(period[:7])
        if monthly:
            return monthly
    table = rates().get(currency)
    if not table:
        return None
    years = sorted(table)
    if year is None:
        year = years[-1]
    year = min(max(year, years[0]), years[-1])
    return table[year]


def resolve_yen_sign(currency: str | None, sentence: str) -> str | None:
    """ "¥" is yen in a sentence about Japan and yuan otherwise (this tracker reads China news)."""
    if currency != "¥":
        return currency
    return "JPY" if _JAPAN.search(sentence) else "CNY"


def to_usd(
    q: Quantity, year: int | None, sentence: str = "", period: str | None = None
) -> tuple[float, float | None, str | None] | None:
    """Dollar value of a money quantity, with the original amount and currency if converted;
    ``period`` ("YYYY-MM...") picks a monthly rate where there is one."""
    currency = resolve_yen_sign(q.currency, sentence)
    if currency == "USD":
        return q.value, None, None
    if q.usd is not None:
        return q.usd, q.value, currency
    if currency is None:
        return None
    r = rate(currency, year, period)
    if r is None or r <= 0:
        return None
    return q.value / r, q.value, currency
