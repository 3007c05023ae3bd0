"""Canonical URLs and link joining."""

from __future__ import annotations

import pytest

from extractors.urls import canonical_url, host_of, join_url, origin_of, same_site


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.COM/a", "https://news.example.com/a"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:80/a", "http://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        ("https://news.example.com", "https://news.example.com/"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        (
            "https://news.example.com/a?utm_source=rss&utm_medium=feed&id=7",
            "https://news.example.com/a?id=7",
        ),
        (
            "https://news.example.com/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2&UTM_Campaign=z",
            "https://news.example.com/a",
        ),
        ("https://news.example.com/a?b=2&a=1&a=0", "https://news.example.com/a?a=0&a=1&b=2"),
        ("https://news.example.com/%7euser/%2fx", "https://news.example.com/~user/%2Fx"),
        ("https://news.example.com/a b", "https://news.example.com/a%20b"),
        ("https://news.example.com/a/./b/../c", "https://news.example.com/a/c"),
        ("https://news.example.com./a", "https://news.example.com/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("  https://news.example.com/a  ", "https://news.example.com/a"),
        ("https://news.example.com/a?q=x%20y&page=", "https://news.example.com/a?page=&q=x%20y"),
    ],
)
def test_canonical_url(raw: str, canonical: str):
    assert canonical_url(raw) == canonical


def test_canonical_is_idempotent_and_keeps_path_case():
    url = "https://news.example.com/Story/ABC?Z=1&a=2"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "/Story/ABC" in once


def test_non_http_urls_are_left_alone():
    assert canonical_url("mailto:desk@example.com") == "mailto:desk@example.com"
    assert canonical_url("http://[bad") == "http://[bad"


@pytest.mark.parametrize(
    ("base", "href", "joined"),
    [
        ("https://a.example/feed.xml", "/2025/01/x", "https://a.example/2025/01/x"),
        ("https://a.example/news/feed.xml", "story", "https://a.example/news/story"),
        ("https://a.example/x/", "//cdn.example/y", "https://cdn.example/y"),
        ("https://a.example/x/", " https://b.example/y#frag \n", "https://b.example/y"),
        ("https://a.example/x/", "https://b.example", "https://b.example/"),
        ("https://a.example/x/", "javascript:void(0)", None),
        ("https://a.example/x/", "mailto:desk@a.example", None),
        ("https://a.example/x/", "#top", "https://a.example/x/"),
        ("https://a.example/x/", "", None),
        ("https://a.example/x/", None, None),
        ("https://a.example/x/", "/a\tb\nc", "https://a.example/abc"),
    ],
)
def test_join_url(base: str, href: str | None, joined: str | None):
    assert join_url(base, href) == joined


def test_hosts_origins_and_sites():
    assert host_of("https://WWW.Example.com:8443/x") == "www.example.com"
    assert origin_of("https://Example.com:443/x") == "https://example.com"
    assert origin_of("http://example.com:8080/x") == "http://example.com:8080"
    assert origin_of("http://[::1]:8080/x") == "http://[::1]:8080"
    assert same_site("https://www.example.com/a", "https://example.com/b")
    assert same_site("https://example.com/a", "https://news.example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/b")
    assert not same_site("https://badexample.com/a", "https://example.com/b")
