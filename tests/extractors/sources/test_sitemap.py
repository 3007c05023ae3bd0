"""The ``sitemap`` plug-in: indexes, urlsets with lastmod, Google News sitemaps."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from extractors.errors import ParseError
from extractors.sources import get_plugin
from schemas.records import Source
from tests.extractors.sources.fixtures import fixture

ROOT = "https://www.example.com"
sitemap = get_plugin("sitemap")


def source() -> Source:
    return Source("example", "sitemap", ROOT + "/sitemap.xml")


def test_index_follows_children_newest_first():
    listing = sitemap.parse(
        source(), ROOT + "/sitemap.xml", fixture("sitemap_index.xml"), None, None
    )
    assert listing.links == []
    assert listing.follow == [
        ROOT + "/sitemaps/posts-2025-01.xml.gz",
        ROOT + "/sitemaps/posts-2024-12.xml",  # root-relative, resolved
        ROOT + "/sitemaps/posts-2024-11.xml",
    ]


def test_index_skips_children_last_modified_before_the_window():
    listing = sitemap.parse(
        source(), ROOT + "/sitemap.xml", fixture("sitemap_index.xml"), dt.date(2024, 12, 15), None
    )
    assert listing.follow == [
        ROOT + "/sitemaps/posts-2025-01.xml.gz",
        ROOT + "/sitemaps/posts-2024-12.xml",
    ]


def test_urlset_with_lastmod_and_relative_locs():
    url = ROOT + "/sitemaps/posts-2025-01.xml"
    listing = sitemap.parse(source(), url, fixture("sitemap_posts_2025_01.xml"), None, None)
    assert [(link.url, link.published) for link in listing.links] == [
        (ROOT + "/2025/01/15/chipmaker-raises-2-5-billion/", dt.date(2025, 1, 15)),
        (ROOT + "/2025/01/06/startup-opens-ai-lab-singapore/", dt.date(2025, 1, 6)),
        (ROOT + "/2024/06/01/evergreen-ai-explainer/", dt.date(2025, 1, 9)),
    ]


def test_lastmod_before_since_drops_but_a_later_lastmod_does_not():
    url = ROOT + "/sitemaps/posts-2025-01.xml"
    body = fixture("sitemap_posts_2025_01.xml")
    since = sitemap.parse(source(), url, body, dt.date(2025, 1, 7), None)
    assert len(since.links) == 2 and all("startup" not in link.url for link in since.links)
    # Modified on the 15th says nothing about being published by the 10th.
    until = sitemap.parse(source(), url, body, None, dt.date(2025, 1, 10))
    assert len(until.links) == 3


def test_google_news_publication_dates_filter_both_ends():
    url = ROOT + "/news-sitemap.xml"
    listing = sitemap.parse(
        source(), url, fixture("news_sitemap.xml"), dt.date(2025, 1, 12), dt.date(2025, 1, 15)
    )
    assert [(link.url, link.published, link.title) for link in listing.links] == [
        (
            ROOT + "/business/2025/01/15/ai-startup-funding-round",
            dt.date(2025, 1, 15),
            "AI startup closes $400 million funding round",
        ),
        (
            # 21:30 at -05:00 on the 14th is the 15th in UTC.
            ROOT + "/world/2025/01/14/chip-export-rules-reaction",
            dt.date(2025, 1, 15),
            "Allies react to new chip export rules",
        ),
    ]


def test_gzipped_sitemap_file():
    body = gzip.compress(fixture("sitemap_posts_2024_12.xml"))
    listing = sitemap.parse(source(), ROOT + "/s.xml.gz", body, None, None)
    assert len(listing.links) == 2


def test_plain_text_sitemap():
    body = b"https://www.example.com/a\nhttps://www.example.com/b\n\n"
    listing = sitemap.parse(source(), ROOT + "/sitemap.txt", body, None, None)
    assert [link.url for link in listing.links] == [ROOT + "/a", ROOT + "/b"]


@pytest.mark.parametrize(
    "name", ["entity_bomb.xml", "malformed.xml", "rss2.xml", "federal_register_page1.json"]
)
def test_hostile_or_wrong_documents_are_parse_errors(name: str):
    with pytest.raises(ParseError):
        sitemap.parse(source(), ROOT + "/sitemap.xml", fixture(name), None, None)


def test_external_entity_is_refused():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>'
    )
    with pytest.raises(ParseError):
        sitemap.parse(source(), ROOT + "/sitemap.xml", body, None, None)
