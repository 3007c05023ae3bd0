"""The ``federal_register`` plug-in: query building and documents.json answers."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest

from extractors.errors import ParseError
from extractors.sources import get_plugin
from extractors.sources.federal_register import ENDPOINT
from schemas.records import Source
from tests.extractors.sources.fixtures import fixture

fr = get_plugin("federal_register")


def source(**options: object) -> Source:
    return Source("bis", "federal_register", ENDPOINT, dict(options))


def test_query_for_a_window():
    (url,) = fr.start_urls(source(), dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == ENDPOINT
    params = parse_qsl(parts.query)
    assert ("conditions[agencies][]", "industry-and-security-bureau") in params
    assert ("conditions[type][]", "RULE") in params
    assert ("conditions[publication_date][gte]", "2024-12-01") in params
    assert ("conditions[publication_date][lte]", "2025-01-31") in params
    assert ("per_page", "100") in params and ("order", "newest") in params
    assert {v for k, v in params if k == "fields[]"} >= {"html_url", "publication_date", "title"}


def test_query_options():
    (url,) = fr.start_urls(source(types=["RULE", "PRORULE"], per_page=5000), None, None)
    params = parse_qsl(urlsplit(url).query)
    assert [v for k, v in params if k == "conditions[type][]"] == ["RULE", "PRORULE"]
    assert ("per_page", "1000") in params  # the API's maximum
    assert not any("publication_date" in k for k, _ in params)


def test_results_and_next_page():
    since = dt.date(2024, 12, 1)
    listing = fr.parse(
        source(), ENDPOINT + "?page=1", fixture("federal_register_page1.json"), since, None
    )
    assert [(link.published, link.title) for link in listing.links] == [
        (
            dt.date(2025, 1, 16),
            "Implementation of Additional Due Diligence Measures for Advanced Computing "
            "Integrated Circuits",
        ),
        (dt.date(2025, 1, 15), "Framework for Artificial Intelligence Diffusion"),
    ]
    assert listing.links[1].url.startswith("https://www.federalregister.gov/documents/2025/01/15/")
    assert len(listing.follow) == 1 and "page=2" in listing.follow[0]
    last = fr.parse(source(), ENDPOINT, fixture("federal_register_page2.json"), since, None)
    assert len(last.links) == 1 and last.follow == []


def test_without_a_window_only_the_newest_page():
    listing = fr.parse(source(), ENDPOINT, fixture("federal_register_page1.json"), None, None)
    assert len(listing.links) == 2 and listing.follow == []


def test_empty_answer_and_errors():
    empty = fr.parse(source(), ENDPOINT, fixture("federal_register_empty.json"), None, None)
    assert empty.links == [] and empty.follow == []
    with pytest.raises(ParseError, match="error"):
        fr.parse(source(), ENDPOINT, b'{"errors": {"conditions": "bad date"}}', None, None)
    with pytest.raises(ParseError, match="JSON"):
        fr.parse(source(), ENDPOINT, b"<html>maintenance</html>", None, None)
