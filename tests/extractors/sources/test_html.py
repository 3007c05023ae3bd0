"""The ``html`` plug-in on a section page and its next page."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.errors import ParseError
from extractors.sources import get_plugin
from schemas.records import Source
from tests.extractors.sources.fixtures import fixture

SECTION = "https://biz.example.com/topics/artificial-intelligence/"
html = get_plugin("html")


def source(**options: object) -> Source:
    return Source("biz", "html", SECTION, dict(options))


def test_headline_links_same_site_only_with_dates():
    listing = html.parse(source(), SECTION, fixture("section.html"), None, None)
    assert [(link.url, link.published) for link in listing.links] == [
        ("https://biz.example.com/2025/01/15/cloud-provider-ai-capex/", dt.date(2025, 1, 15)),
        (
            "https://biz.example.com/2025/01/12/ai-deal-count-q4/?utm_campaign=topic",
            dt.date(2025, 1, 12),
        ),
        ("https://www.biz.example.com/2025/01/03/robotics-startup-series-b/", None),
    ]
    assert listing.links[0].title == "Cloud provider lifts AI capital spending to $80 billion"
    # Navigation, the footer, other sites and javascript: links are not articles.
    assert all("other.example.org" not in link.url for link in listing.links)
    assert listing.follow == []


def test_window_and_rel_next():
    listing = html.parse(source(), SECTION, fixture("section.html"), dt.date(2025, 1, 13), None)
    # Undated links are kept: the fetched page will tell.
    assert [link.published for link in listing.links] == [dt.date(2025, 1, 15), None]
    assert listing.follow == []  # the page already reaches back past the 13th
    deeper = html.parse(source(), SECTION, fixture("section.html"), dt.date(2025, 1, 1), None)
    assert deeper.follow == [SECTION + "page/2/"]
    paged = html.parse(source(max_pages=3), SECTION, fixture("section.html"), None, None)
    assert paged.follow == [SECTION + "page/2/"]


def test_custom_selectors_and_base_href():
    url = SECTION + "page/2/"
    listing = html.parse(
        source(selector="h2.title a", next_selector="a.pager-next", follow_pages=True),
        url,
        fixture("section_page2.html"),
        None,
        None,
    )
    assert [link.url for link in listing.links] == [
        "https://biz.example.com/2024/12/20/chip-startup-ipo/",
        "https://biz.example.com/2024/12/18/ai-talent-report/",
    ]
    assert listing.follow == [SECTION + "page/3/"]


def test_bad_selector_and_empty_page():
    with pytest.raises(ParseError, match="selector"):
        html.parse(source(selector="a[[["), SECTION, fixture("section.html"), None, None)
    with pytest.raises(ParseError):
        html.parse(source(), SECTION, b"  ", None, None)
