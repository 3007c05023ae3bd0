"""robots.txt parsing and matching (RFC 9309) and the per-origin cache."""

from __future__ import annotations

import asyncio

import pytest

from extractors.errors import RobotsUnreachable
from extractors.robots import (
    Robots,
    RobotsCache,
    parse_robots,
    product_token,
    robots_for_status,
    robots_url,
)

SITE = "https://news.example.com"


def allowed(text: str, path: str, token: str = "gaptrack") -> bool:
    return parse_robots(text, token).allowed(SITE + path)


def test_product_token_and_robots_url():
    assert product_token("gaptrack/0.1 (+https://example.org/bot)") == "gaptrack"
    assert robots_url("https://news.example.com:8443/a/b?c=1") == (
        "https://news.example.com:8443/robots.txt"
    )


def test_longest_match_wins_over_file_order():
    text = "User-agent: *\nDisallow: /\nAllow: /news/\n"
    assert allowed(text, "/news/story")
    assert not allowed(text, "/admin")


def test_allow_wins_a_tie():
    assert allowed("User-agent: *\nDisallow: /a\nAllow: /a\n", "/a/b")


def test_wildcards_and_end_anchor():
    text = "User-agent: *\nDisallow: /*?s=\nDisallow: /*.pdf$\nDisallow: /tag/*/feed\n"
    assert not allowed(text, "/search?s=ai")
    assert not allowed(text, "/files/report.pdf")
    assert allowed(text, "/files/report.pdf?download=1")
    assert not allowed(text, "/tag/chips/feed")
    assert allowed(text, "/tag/chips/")


def test_specific_group_replaces_the_star_group():
    text = (
        "User-agent: *\nDisallow: /\n\n"
        "User-agent: GapTrack\nUser-agent: other\nDisallow: /private\nCrawl-delay: 2\n"
    )
    assert allowed(text, "/news")
    assert not allowed(text, "/private/x")
    assert parse_robots(text, "gaptrack").crawl_delay == 2.0
    assert not allowed(text, "/news", token="somebot")


def test_groups_for_the_same_agent_are_merged():
    text = "User-agent: a\nDisallow: /x\n\nUser-agent: a\nDisallow: /y\n"
    assert not allowed(text, "/x", "a") and not allowed(text, "/y", "a")


def test_empty_disallow_comments_and_sitemaps():
    text = "# hello\nUser-agent: * # everyone\nDisallow:\nSitemap: https://news.example.com/s.xml\n"
    robots = parse_robots(text, "gaptrack")
    assert robots.allowed(SITE + "/anything")
    assert robots.sitemaps == ("https://news.example.com/s.xml",)


def test_percent_encoding_is_normalised():
    text = "User-agent: *\nDisallow: /caf%C3%A9\nDisallow: /~user\n"
    assert not allowed(text, "/café/menu")
    assert not allowed(text, "/%7Euser/page")


def test_robots_txt_itself_is_always_allowed():
    assert allowed("User-agent: *\nDisallow: /\n", "/robots.txt")


def test_answer_handling():
    token = "gaptrack"
    assert robots_for_status(404, b"", token).allow_all
    assert robots_for_status(401, b"", token).allow_all
    assert not robots_for_status(200, b"User-agent: *\nDisallow: /\n", token).allowed(SITE + "/a")
    for status in (429, 500, 503):
        with pytest.raises(RobotsUnreachable):
            robots_for_status(status, b"", token)
    # A BOM and a body over the read limit are tolerated.
    big = b"\xef\xbb\xbfUser-agent: *\nDisallow: /x\n" + b"#" * (600 * 1024)
    assert not robots_for_status(200, big, token).allowed(SITE + "/x")


def test_cache_loads_once_for_concurrent_callers_and_caches_failures():
    now = [0.0]
    cache = RobotsCache(ttl=100, error_ttl=10, clock=lambda: now[0])
    calls: list[str] = []

    async def ok() -> Robots:
        calls.append("ok")
        await asyncio.sleep(0.01)
        return Robots(allow_all=True)

    async def down() -> Robots:
        calls.append("down")
        raise RobotsUnreachable("robots.txt http 503")

    async def run() -> None:
        results = await asyncio.gather(*(cache.get("https://a.example", ok) for _ in range(5)))
        assert all(r.allow_all for r in results)
        for _ in range(2):
            with pytest.raises(RobotsUnreachable):
                await cache.get("https://b.example", down)
        now[0] = 11.0  # the error TTL ran out, the success TTL did not
        await cache.get("https://a.example", ok)
        with pytest.raises(RobotsUnreachable):
            await cache.get("https://b.example", down)

    asyncio.run(run())
    assert calls == ["ok", "down", "down"]
