"""Property tests: any text is handled, and values stay in range."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.metrics import extract

# Fragments that reach every extractor when strung together at random.
_FRAGMENTS = [
    "$",
    "US$",
    "¥",
    "€",
    "RMB",
    "yuan",
    " billion",
    " million",
    "bn",
    "m",
    "%",
    " percent",
    "1,151",
    "2.7",
    "63.1",
    "0",
    "999999999999",
    "2022",
    "2023's",
    "in 2021",
    "last year",
    "in February",
    "Q3",
    "first half of",
    " users",
    " monthly active users",
    " downloads",
    " deals",
    " funding rounds",
    "AI",
    "artificial intelligence",
    "China",
    "the U.S.",
    "Chinese",
    "Washington",
    "Beijing",
    "Nvidia",
    "H20",
    "A800",
    "Huawei",
    "SMIC",
    "Ascend 910B",
    "Baidu",
    "Ernie Bot",
    "ChatGPT",
    "OpenAI",
    "Anthropic",
    "Amazon",
    " raised ",
    " led by ",
    " invest ",
    " in ",
    " from ",
    " to ",
    " restrict",
    " ban",
    " lifted the ban",
    " licences",
    " export controls",
    " chips",
    " unveiled ",
    " researchers",
    " talent",
    " at ",
    " with ",
    ", ",
    ". ",
    "\n",
    "\n\n",
    "- ",
    "(",
    ")",
    "valuation",
    "revenue",
    "worth",
    "The ",
    "It ",
    "This compares with ",
    "You might also like",
    "between ",
    " and ",
    "-",
    "nearly ",
    "more than ",
]

_news = st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join)
_dates = st.one_of(
    st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
)

_MONEY = {"ai_investment_usd", "funding_round_usd"}


def _check(text: str, published: dt.date | None) -> None:
    for o in extract(text, published=published):
        assert math.isfinite(o.value)
        if o.metric in _MONEY:
            assert 0 <= o.value < 1e13
        elif o.metric == "talent_share_pct":
            assert 0 <= o.value <= 100
        else:
            assert o.value >= 0
        assert o.evidence_start is not None and o.evidence_end is not None
        assert text[o.evidence_start : o.evidence_end] == o.evidence
        assert o.evidence.strip()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), _dates)
def test_arbitrary_text_never_raises(text: str, published: dt.date | None) -> None:
    _check(text, published)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_news, _dates)
def test_newsy_text_stays_in_range(text: str, published: dt.date | None) -> None:
    _check(text, published)
