"""The ``gdelt`` plug-in: window slicing, documented limits and ArtList answers."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest

from extractors.errors import ParseError
from extractors.sources.gdelt import ENDPOINT, GdeltPlugin, slices
from schemas.records import Source
from tests.extractors.sources.fixtures import fixture

TODAY = dt.date(2025, 1, 20)
gdelt = GdeltPlugin(today=TODAY)
QUERY = '("artificial intelligence" OR AI) (China OR Chinese) sourcelang:english'


def source(url: str = ENDPOINT, **options: object) -> Source:
    return Source("gdelt", "gdelt", url, {"query": QUERY, **options})


def params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_slices():
    d = dt.date
    assert slices(d(2025, 1, 1), d(2025, 1, 3), 1) == [
        (d(2025, 1, 1), d(2025, 1, 1)),
        (d(2025, 1, 2), d(2025, 1, 2)),
        (d(2025, 1, 3), d(2025, 1, 3)),
    ]
    assert slices(d(2025, 1, 1), d(2025, 1, 10), 7) == [
        (d(2025, 1, 1), d(2025, 1, 7)),
        (d(2025, 1, 8), d(2025, 1, 10)),
    ]
    # Never more than about three months per request, whatever is asked.
    year = slices(d(2024, 1, 1), d(2024, 12, 31), 365)
    assert len(year) == 5 and all((b - a).days < 90 for a, b in year)


def test_window_requests_newest_first():
    urls = gdelt.start_urls(source(), dt.date(2025, 1, 14), dt.date(2025, 1, 15))
    assert [params(u)["startdatetime"] for u in urls] == ["20250115000000", "20250114000000"]
    p = params(urls[0])
    assert p["enddatetime"] == "20250115235959"
    assert p["query"] == QUERY and p["mode"] == "ArtList" and p["format"] == "json"
    assert p["maxrecords"] == "250"


def test_limits_are_clamped():
    urls = gdelt.start_urls(source(maxrecords=1000), dt.date(2016, 12, 30), dt.date(2017, 1, 1))
    assert len(urls) == 1  # nothing before 2017 is searchable
    assert params(urls[0])["maxrecords"] == "250"
    future = gdelt.start_urls(source(), TODAY, dt.date(2025, 3, 1))
    assert len(future) == 1  # the window ends today


def test_no_window_asks_for_a_timespan():
    (url,) = gdelt.start_urls(source(timespan="6h"), None, None)
    assert params(url)["timespan"] == "6h"
    assert "startdatetime" not in params(url)


def test_query_is_required():
    with pytest.raises(ValueError, match="query"):
        gdelt.start_urls(Source("g", "gdelt", ENDPOINT), None, None)


def test_one_request_per_five_seconds_on_the_public_api():
    assert gdelt.min_interval(source()) == 5.0
    assert gdelt.min_interval(source(min_interval=0.1)) == 5.0
    assert gdelt.min_interval(source("http://127.0.0.1:9/api/v2/doc/doc", min_interval=0.1)) == 0.1


def test_artlist_answer():
    day = dt.date(2025, 1, 15)
    listing = gdelt.parse(source(), ENDPOINT, fixture("gdelt_artlist.json"), day, day)
    assert [link.url for link in listing.links] == [
        "https://news.example.com/2025/01/15/ai-diffusion-rule-reaction",
        "https://asia.example.net/tech/20250115/ai-export-controls",
        "https://news.example.com/2025/01/15/ai-diffusion-rule-reaction?utm_source=gdelt",
    ]
    assert {link.published for link in listing.links} == {day}
    assert listing.links[1].title == "Beijing responds to US AI export controls"
    assert listing.follow == []


def test_empty_and_error_answers():
    assert gdelt.parse(source(), ENDPOINT, b"", None, None).links == []
    assert gdelt.parse(source(), ENDPOINT, b"{}", None, None).links == []
    with pytest.raises(ParseError, match="limit requests"):
        gdelt.parse(source(), ENDPOINT, fixture("gdelt_rate_limited.txt"), None, None)
    with pytest.raises(ParseError):
        gdelt.parse(source(), ENDPOINT, b'{"articles": ', None, None)
