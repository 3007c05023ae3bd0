"""The ``rss`` plug-in on RSS 2.0, Atom, RDF, broken and hostile feeds."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from extractors.errors import ParseError
from extractors.sources import get_plugin
from schemas.records import Source
from tests.extractors.sources.fixtures import fixture
from tests.server import ENTITY_BOMB

FEED = "https://news.example.com/feeds/ai.xml"
rss = get_plugin("rss")


def source(**options: object) -> Source:
    return Source("example", "rss", FEED, dict(options))


def test_start_url_is_the_feed():
    assert rss.start_urls(source(), None, None) == [FEED]


def test_rss2_items_with_root_relative_links_and_guid_permalinks():
    listing = rss.parse(source(), FEED, fixture("rss2.xml"), None, None)
    urls = [link.url for link in listing.links]
    assert urls[0].startswith("https://news.example.com/2025/01/15/chipmaker-raises-2-5-billion/")
    assert "https://news.example.com/2025/01/13/ai-chip-export-framework/" in urls
    # No <link>, but a permalink guid.
    assert "https://news.example.com/2025/01/10/chatbot-100-million-weekly-users/" in urls
    first = listing.links[0]
    assert first.published == dt.date(2025, 1, 15)
    assert first.title == "Chipmaker raises $2.5 billion for AI accelerators"
    assert first.source == "example"
    # A routine run (no window) reads only the newest page.
    assert listing.follow == []


def test_rss2_window_filters_and_follows_rel_next():
    listing = rss.parse(source(), FEED, fixture("rss2.xml"), dt.date(2025, 1, 11), None)
    assert {link.published for link in listing.links} == {
        dt.date(2025, 1, 13),
        dt.date(2025, 1, 15),
    }
    # The page still reaches the window's start? It goes back to Jan 10, before
    # the 11th, so older pages cannot hold anything new.
    assert listing.follow == []
    deeper = rss.parse(source(), FEED, fixture("rss2.xml"), dt.date(2025, 1, 1), None)
    assert deeper.follow == ["https://news.example.com/feeds/ai.xml?page=2"]
    until = rss.parse(source(), FEED, fixture("rss2.xml"), None, dt.date(2025, 1, 12))
    assert [link.published for link in until.links] == [dt.date(2025, 1, 10)]


def test_follow_pages_option_without_a_window():
    listing = rss.parse(source(follow_pages=True), FEED, fixture("rss2.xml"), None, None)
    assert listing.follow == ["https://news.example.com/feeds/ai.xml?page=2"]


def test_atom_with_rfc5005_next():
    url = "https://policy.example.org/atom.xml"
    listing = rss.parse(source(), url, fixture("atom.xml"), dt.date(2025, 1, 1), None)
    assert [link.url for link in listing.links] == [
        "https://policy.example.org/posts/compute-thresholds/",
        "https://policy.example.org/posts/talent-flows-2024/",
    ]
    # 15:00 at +08:00 is 07:00 UTC, the same day.
    assert listing.links[1].published == dt.date(2025, 1, 8)
    assert listing.follow == ["https://policy.example.org/atom.xml?page=2"]


def test_rdf_rss1():
    url = "https://research.example.net/index.rdf"
    listing = rss.parse(source(), url, fixture("rdf.xml"), None, None)
    assert [(link.url, link.published) for link in listing.links] == [
        ("https://research.example.net/2025/01/12/benchmark-results/", dt.date(2025, 1, 12)),
        ("https://research.example.net/2025/01/02/open-weights-release/", dt.date(2025, 1, 2)),
    ]


def test_gzipped_feed_body():
    import gzip

    listing = rss.parse(source(), FEED, gzip.compress(fixture("rdf.xml")), None, None)
    assert len(listing.links) == 2


def test_malformed_feed_is_a_parse_error():
    with pytest.raises(ParseError, match="malformed feed"):
        rss.parse(source(), FEED, fixture("malformed.xml"), None, None)


def test_html_is_not_a_feed():
    with pytest.raises(ParseError, match="not a feed"):
        rss.parse(source(), FEED, fixture("section.html"), None, None)


def test_entity_bomb_is_refused_before_parsing():
    started = time.monotonic()
    for body in (fixture("entity_bomb.xml"), ENTITY_BOMB):
        with pytest.raises(ParseError, match="entity"):
            rss.parse(source(), FEED, body, None, None)
    assert time.monotonic() - started < 5


def test_quadratic_blowup_is_refused_too():
    big = "x" * 10_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>'
        f'<rss version="2.0"><channel><title>{"&a;" * 1000}</title></channel></rss>'
    ).encode()
    with pytest.raises(ParseError):
        rss.parse(source(), FEED, body, None, None)


def test_a_plain_doctype_is_stripped_not_fetched():
    body = (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>t</title><link>https://a.example/</link>'
        b"<item><title>One</title><link>https://a.example/one</link></item></channel></rss>"
    )
    listing = rss.parse(source(), "https://a.example/rss", body, None, None)
    assert [link.url for link in listing.links] == ["https://a.example/one"]
