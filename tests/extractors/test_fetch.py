"""The fetcher against a real local server with injected faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import itertools
import random
import time
from collections.abc import Callable
from typing import Any

import httpcore
import pytest

from extractors.fetch import (
    CHARSET_HEADER,
    FetchConfig,
    Fetcher,
    Validators,
    declared_charset,
    fetch_all,
    is_blocked_address,
    validators_from,
)
from schemas.records import FetchOutcome, FetchState, Link
from tests.server import Route, SiteServer, gzip_bomb, local_resolver

MakeConfig = Callable[..., FetchConfig]
PAGE = "<html><head><title>t</title></head><body><p>AI news</p></body></html>"


def get(
    config: FetchConfig,
    urls: list[str],
    *,
    validators: dict[str, Validators] | None = None,
    kind: str = "page",
    names: dict[str, list[str]] | None = None,
) -> list[FetchOutcome]:
    return fetch_all(urls, config, validators, kind=kind, resolver=local_resolver(names))


def one(config: FetchConfig, url: str, **kw: Any) -> FetchOutcome:
    return get(config, [url], **kw)[0]


# --------------------------------------------------------------------------- the happy path


def test_page_is_new_with_body_headers_and_user_agent(site: SiteServer, make_config: MakeConfig):
    site.set("/a", Route(body=PAGE, headers={"X-Extra": "1"}))
    out = one(make_config(), site.url("/a"))
    assert out.state is FetchState.NEW
    assert out.attempts == 1 and out.http_status == 200
    assert out.page is not None
    assert out.page.body == PAGE.encode()
    assert out.page.final_url == site.url("/a")
    assert out.page.headers["x-extra"] == "1"
    assert out.page.content_type == "text/html"
    hit = site.hits_for("/a")[0]
    assert hit.headers["user-agent"].startswith("gaptrack/")
    assert "http" in hit.headers["user-agent"]  # a contact URL
    assert hit.headers["accept-encoding"] == "gzip, deflate"


def test_link_input_carries_source_and_listed_date(site: SiteServer, make_config: MakeConfig):
    site.set("/a", PAGE)
    link = Link(site.url("/a"), "example", dt.date(2025, 1, 15), "Title")
    (out,) = get(make_config(), [link])  # type: ignore[list-item]
    assert out.source == "example"
    assert out.page is not None and out.page.listed_published == dt.date(2025, 1, 15)


def test_gzip_body_is_decoded(site: SiteServer, make_config: MakeConfig):
    site.set("/z", Route(body=PAGE * 50, gzip=True))
    out = one(make_config(), site.url("/z"))
    assert out.state is FetchState.NEW
    assert out.page is not None and out.page.body == (PAGE * 50).encode()


# --------------------------------------------------------------------------- conditional GET


def test_etag_round_trip_gives_unchanged(site: SiteServer, make_config: MakeConfig):
    site.set("/e", Route(body=PAGE, etag='"v1"'))
    config = make_config()
    first = get(config, [site.url("/e")])
    assert first[0].state is FetchState.NEW
    stored = validators_from(first)
    assert stored[site.url("/e")] == Validators('"v1"', None)
    second = one(config, site.url("/e"), validators=stored)
    assert second.state is FetchState.UNCHANGED
    assert second.http_status == 304 and second.page is None and second.attempts == 1
    assert site.hits_for("/e")[1].headers["if-none-match"] == '"v1"'


def test_last_modified_round_trip_gives_unchanged(site: SiteServer, make_config: MakeConfig):
    stamp = "Wed, 15 Jan 2025 10:00:00 GMT"
    site.set("/m", Route(body=PAGE, last_modified=stamp))
    config = make_config()
    first = one(config, site.url("/m"))
    assert first.page is not None
    second = one(
        config, site.url("/m"), validators={site.url("/m"): Validators.from_page(first.page)}
    )
    assert second.state is FetchState.UNCHANGED
    assert site.hits_for("/m")[1].headers["if-modified-since"] == stamp


# --------------------------------------------------------------------------- transient faults


def test_500_twice_then_success_is_retried(site: SiteServer, make_config: MakeConfig):
    site.set("/flaky", Route(body=PAGE, fail_status=500, times=2))
    out = one(make_config(retries=3), site.url("/flaky"))
    assert out.state is FetchState.NEW
    assert out.attempts == 3
    assert site.count("/flaky") == 3


def test_persistent_503_fails_after_all_retries(site: SiteServer, make_config: MakeConfig):
    site.set("/down", Route(fail_status=503))
    site.set("/ok", PAGE)
    config = make_config(retries=2)
    down, ok = get(config, [site.url("/down"), site.url("/ok")])
    assert down.state is FetchState.FAILED
    assert down.error == "http 503" and down.http_status == 503
    assert down.attempts == 3 and site.count("/down") == 3
    assert ok.state is FetchState.NEW


def test_429_retry_after_is_honoured(site: SiteServer, make_config: MakeConfig):
    site.set("/limited", Route(body=PAGE, fail_status=429, retry_after="1", times=1))
    out = one(make_config(), site.url("/limited"))
    assert out.state is FetchState.NEW and out.attempts == 2
    first, second = site.hits_for("/limited")
    assert second.at - first.at >= 0.95


def test_retry_after_over_the_cap_fails_fast_for_the_whole_host(
    site: SiteServer, make_config: MakeConfig
):
    site.set("/limited", Route(fail_status=429, retry_after="3600"))
    site.set("/other", PAGE)
    config = make_config(max_retry_after=2.0)

    async def run() -> tuple[FetchOutcome, FetchOutcome]:
        async with Fetcher(config, resolver=local_resolver()) as fetcher:
            first = await fetcher.fetch(site.url("/limited"))
            second = await fetcher.fetch(site.url("/other"))
        return first, second

    started = time.monotonic()
    limited, other = asyncio.run(run())
    assert time.monotonic() - started < 10  # nobody waited out the hour
    assert limited.state is FetchState.FAILED and limited.attempts == 1
    assert "3600" in (limited.error or "")
    # The server asked for an hour: the host's other URLs are not requested either.
    assert other.state is FetchState.FAILED and "pause" in (other.error or "")
    assert site.count("/other") == 0


def test_retry_after_http_date(site: SiteServer, make_config: MakeConfig):
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    stamp = soon.strftime("%a, %d %b %Y %H:%M:%S GMT")
    site.set("/d", Route(body=PAGE, fail_status=503, retry_after=stamp, times=1))
    out = one(make_config(), site.url("/d"))
    assert out.state is FetchState.NEW and out.attempts == 2


def test_slow_response_times_out_and_is_retried(site: SiteServer, make_config: MakeConfig):
    site.set("/slow", Route(body=PAGE, delay=1.0))
    site.set("/ok", PAGE)
    slow, ok = get(make_config(read_timeout=0.2, retries=1), [site.url("/slow"), site.url("/ok")])
    assert slow.state is FetchState.FAILED
    assert "timeout" in (slow.error or "")
    assert slow.attempts == 2 and site.count("/slow") == 2
    assert ok.state is FetchState.NEW


def test_slow_once_then_fine(site: SiteServer, make_config: MakeConfig):
    site.set("/slow", Route(body=PAGE, delay=0.6, times=1))
    out = one(make_config(read_timeout=0.2), site.url("/slow"))
    assert out.state is FetchState.NEW and out.attempts == 2


def test_dribbling_server_hits_the_total_timeout(site: SiteServer, make_config: MakeConfig):
    site.set("/drip", Route(body="x" * 20 * 1024, drip=0.1))
    out = one(make_config(read_timeout=1.0, total_timeout=0.5, retries=0), site.url("/drip"))
    assert out.state is FetchState.FAILED
    assert "timeout" in (out.error or "")


def test_connection_reset_is_retried_then_reported(site: SiteServer, make_config: MakeConfig):
    site.set("/reset", Route(reset=True))
    site.set("/reset-once", Route(body=PAGE, reset=True, times=1))
    reset, once = get(make_config(retries=2), [site.url("/reset"), site.url("/reset-once")])
    assert reset.state is FetchState.FAILED
    assert "connection" in (reset.error or "")
    assert reset.attempts == 3 and site.count("/reset") == 3
    assert once.state is FetchState.NEW and once.attempts == 2


def test_truncated_body_is_retried_then_reported(site: SiteServer, make_config: MakeConfig):
    site.set("/cut", Route(body=PAGE, truncate=500))
    out = one(make_config(retries=1), site.url("/cut"))
    assert out.state is FetchState.FAILED
    assert "truncated" in (out.error or "")
    assert out.attempts == 2 and site.count("/cut") == 2


# --------------------------------------------------------------------------- terminal outcomes


def test_404_fails_without_retry(site: SiteServer, make_config: MakeConfig):
    out = one(make_config(), site.url("/missing"))
    assert out.state is FetchState.FAILED
    assert out.error == "http 404" and out.http_status == 404 and out.attempts == 1
    assert site.count("/missing") == 1


def test_non_html_page_is_skipped_but_listing_kind_accepts_it(
    site: SiteServer, make_config: MakeConfig
):
    site.set("/doc.pdf", Route(body=b"%PDF-1.7", content_type="application/pdf"))
    site.set("/api.json", Route(body=b'{"a": 1}', content_type="application/json"))
    pdf = one(make_config(), site.url("/doc.pdf"))
    assert pdf.state is FetchState.SKIPPED and pdf.reason == "not_html"
    api = one(make_config(), site.url("/api.json"), kind="listing")
    assert api.state is FetchState.NEW and api.page is not None and api.page.body == b'{"a": 1}'
    xml = one(make_config(), site.url("/api.json"))
    assert xml.state is FetchState.SKIPPED  # JSON is not a page


def test_content_length_over_the_cap_is_skipped_unread(site: SiteServer, make_config: MakeConfig):
    site.set("/big", Route(body=b"a" * 300_000))
    out = one(make_config(max_bytes=100_000), site.url("/big"))
    assert out.state is FetchState.SKIPPED and out.reason == "too_large"
    assert out.page is None and out.attempts == 1


def test_streamed_body_over_the_cap_is_skipped(site: SiteServer, make_config: MakeConfig):
    # No Content-Length: the cap is enforced by counting while streaming.
    site.set("/stream", Route(body=b"a" * 300_000, declare_length=False))
    out = one(make_config(max_bytes=100_000), site.url("/stream"))
    assert out.state is FetchState.SKIPPED and out.reason == "too_large"


def test_gzip_bomb_is_stopped_early(site: SiteServer, make_config: MakeConfig):
    bomb = gzip_bomb(64 * 1024 * 1024)
    site.set("/bomb", Route(body=bomb, headers={"Content-Encoding": "gzip"}))
    site.set("/ok", PAGE)
    started = time.monotonic()
    bombed, ok = get(make_config(max_bytes=10 * 1024 * 1024), [site.url("/bomb"), site.url("/ok")])
    assert time.monotonic() - started < 10
    assert bombed.state is FetchState.SKIPPED and bombed.reason == "decompression_bomb"
    assert ok.state is FetchState.NEW


def test_decoded_size_counts_against_the_cap(site: SiteServer, make_config: MakeConfig):
    # Compresses about 4:1, so only the decoded size can exceed the cap.
    rng = random.Random(7)
    text = " ".join(
        rng.choice(["chip", "export", "model", "funding", "lab"]) for _ in range(80_000)
    )
    site.set("/inflates", Route(body=text, gzip=True))
    out = one(make_config(max_bytes=200_000), site.url("/inflates"))
    assert len(gzip.compress(text.encode())) < 200_000 < len(text)
    assert out.state is FetchState.SKIPPED and out.reason == "too_large"


def test_mislabelled_charset_is_passed_through_with_the_declared_one(
    site: SiteServer, make_config: MakeConfig
):
    body = "<html><body><p>\u201cSmart quotes\u201d \u2014 caf\u00e9</p></body></html>".encode(
        "cp1252"
    )
    site.set("/cp1252", Route(body=body, content_type="text/html; charset=UTF-8"))
    out = one(make_config(), site.url("/cp1252"))
    assert out.state is FetchState.NEW and out.page is not None
    assert out.page.body == body  # decoding is the parser's job
    assert out.page.headers[CHARSET_HEADER] == "utf-8"
    assert declared_charset(out.page) == "utf-8"


# --------------------------------------------------------------------------- redirects


def test_redirects_are_followed_to_the_final_url(site: SiteServer, make_config: MakeConfig):
    site.set("/old", Route(status=301, location="/mid"))
    site.set("/mid", Route(location=site.url("/new")))
    site.set("/new", PAGE)
    out = one(make_config(), site.url("/old"))
    assert out.state is FetchState.NEW and out.page is not None
    assert out.page.url == site.url("/old")
    assert out.page.final_url == site.url("/new")


def test_redirect_loop_fails(site: SiteServer, make_config: MakeConfig):
    site.set("/loop-a", Route(location="/loop-b"))
    site.set("/loop-b", Route(location="/loop-a"))
    out = one(make_config(), site.url("/loop-a"))
    assert out.state is FetchState.FAILED and "loop" in (out.error or "")


def test_too_many_redirects_fail(site: SiteServer, make_config: MakeConfig):
    for i in range(6):
        site.set(f"/r{i}", Route(location=f"/r{i + 1}"))
    site.set("/r6", PAGE)
    out = one(make_config(max_redirects=3), site.url("/r0"))
    assert out.state is FetchState.FAILED and "too many redirects" in (out.error or "")
    assert site.count("/r4") == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://127.0.0.2/",
    ],
)
def test_redirect_to_a_blocked_address_is_skipped(
    site: SiteServer, make_config: MakeConfig, target: str, monkeypatch: pytest.MonkeyPatch
):
    site.set("/jump", Route(location=target))
    connected: list[str] = []
    real_connect = httpcore.AnyIOBackend.connect_tcp

    async def spy(self: Any, host: str, port: int, **kw: Any) -> Any:
        connected.append(host)
        return await real_connect(self, host, port, **kw)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", spy)
    out = fetch_all([site.url("/jump")], make_config(), resolver=local_resolver())[0]
    assert out.state is FetchState.SKIPPED and out.reason == "blocked_address"
    assert out.http_status == 302
    # The check runs before any socket is opened: only the test server was dialled.
    assert connected and set(connected) == {"127.0.0.1"}


# --------------------------------------------------------------------------- address policy


def test_loopback_is_blocked_unless_allowed(site: SiteServer, make_config: MakeConfig):
    site.set("/a", PAGE)
    out = one(make_config(allowed_hosts=set()), site.url("/a"))
    assert out.state is FetchState.SKIPPED and out.reason == "blocked_address"
    assert site.count("/a") == 0 and site.count("/robots.txt") == 0


def test_names_are_resolved_and_checked_before_connecting(
    site: SiteServer, make_config: MakeConfig
):
    site.set("/a", PAGE)
    names = {
        "news.test": ["127.0.0.1"],
        "intranet.test": ["10.1.2.3"],
        "rebind.test": ["93.184.216.34", "127.0.0.1"],
        "metadata.test": ["169.254.169.254"],
    }
    config = make_config(allowed_hosts={"news.test"})
    urls = [f"http://{name}:{site.port}/a" for name in names]
    outcomes = get(config, urls, names=names)
    assert [o.state for o in outcomes] == [
        FetchState.NEW,
        FetchState.SKIPPED,
        FetchState.SKIPPED,
        FetchState.SKIPPED,
    ]
    assert {o.reason for o in outcomes[1:]} == {"blocked_address"}
    # Only the allowed name reached the server, with its own Host header.
    assert [h.headers["host"] for h in site.hits_for("/a")] == [f"news.test:{site.port}"]


@pytest.mark.parametrize(
    ("ip", "blocked"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00:ec2::254", True),
        ("::ffff:10.0.0.1", True),
        ("64:ff9b::a00:1", True),
        ("2002:7f00:1::", True),
        ("ff02::1", True),
        ("not-an-ip", True),
        ("93.184.216.34", False),
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
    ],
)
def test_address_policy(ip: str, blocked: bool):
    assert is_blocked_address(ip) is blocked


# --------------------------------------------------------------------------- robots.txt


def test_robots_disallow_is_obeyed_and_fetched_once(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/robots.txt",
        Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    )
    site.set("/private/x", PAGE)
    site.set("/public/a", PAGE)
    site.set("/public/b", PAGE)
    private, a, b = get(
        make_config(), [site.url("/private/x"), site.url("/public/a"), site.url("/public/b")]
    )
    assert private.state is FetchState.SKIPPED and private.reason == "robots"
    assert private.attempts == 0
    assert a.state is b.state is FetchState.NEW
    assert site.count("/private/x") == 0
    assert site.count("/robots.txt") == 1


def test_robots_can_be_ignored_by_config(site: SiteServer, make_config: MakeConfig):
    site.set("/robots.txt", Route(body="User-agent: *\nDisallow: /\n", content_type="text/plain"))
    site.set("/a", PAGE)
    out = one(make_config(respect_robots=False), site.url("/a"))
    assert out.state is FetchState.NEW and site.count("/robots.txt") == 0


def test_robots_group_for_our_token_wins(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/robots.txt",
        Route(
            body="User-agent: *\nDisallow: /\n\nUser-agent: gaptrack\nAllow: /\n",
            content_type="text/plain",
        ),
    )
    site.set("/a", PAGE)
    assert one(make_config(), site.url("/a")).state is FetchState.NEW


def test_robots_4xx_allows_everything(site: SiteServer, make_config: MakeConfig):
    site.set("/robots.txt", Route(status=403, body="no"))
    site.set("/a", PAGE)
    assert one(make_config(), site.url("/a")).state is FetchState.NEW


def test_robots_5xx_is_retried_then_disallows(site: SiteServer, make_config: MakeConfig):
    site.set("/robots.txt", Route(fail_status=503))
    site.set("/a", PAGE)
    site.set("/b", PAGE)
    a, b = get(make_config(retries=1), [site.url("/a"), site.url("/b")])
    for out in (a, b):
        assert out.state is FetchState.FAILED
        assert "robots.txt unreachable" in (out.error or "")
    # Tried with retries once, then remembered for the rest of the batch.
    assert site.count("/robots.txt") == 2
    assert site.count("/a") == site.count("/b") == 0


def test_robots_transient_failure_then_success(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/robots.txt",
        Route(body="User-agent: *\nDisallow: /x\n", fail_status=500, times=1),
    )
    site.set("/a", PAGE)
    assert one(make_config(), site.url("/a")).state is FetchState.NEW
    assert site.count("/robots.txt") == 2


def test_crawl_delay_spaces_requests(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/robots.txt", Route(body="User-agent: *\nCrawl-delay: 0.2\n", content_type="text/plain")
    )
    for p in ("/1", "/2", "/3"):
        site.set(p, PAGE)
    get(make_config(per_host_concurrency=4), [site.url(p) for p in ("/1", "/2", "/3")])
    starts = sorted(h.at for h in site.hits if h.path != "/robots.txt")
    assert all(b - a >= 0.18 for a, b in itertools.pairwise(starts))


# --------------------------------------------------------------------------- politeness


def test_min_delay_spaces_requests_to_one_host(site: SiteServer, make_config: MakeConfig):
    paths = [f"/p{i}" for i in range(4)]
    for p in paths:
        site.set(p, PAGE)
    get(make_config(per_host_min_delay=0.15, per_host_concurrency=4), [site.url(p) for p in paths])
    starts = sorted(h.at for h in site.hits if h.path != "/robots.txt")
    assert len(starts) == 4
    assert all(b - a >= 0.13 for a, b in itertools.pairwise(starts))


def test_per_host_concurrency_limit(site: SiteServer, make_config: MakeConfig):
    paths = [f"/s{i}" for i in range(4)]
    for p in paths:
        site.set(p, Route(body=PAGE, delay=0.1))
    started = time.monotonic()
    outs = get(make_config(per_host_concurrency=1, read_timeout=2), [site.url(p) for p in paths])
    assert all(o.state is FetchState.NEW for o in outs)
    # One at a time: four 0.1 s answers cannot overlap.
    assert time.monotonic() - started >= 0.4
    starts = sorted(h.at for h in site.hits if h.path != "/robots.txt")
    assert all(b - a >= 0.09 for a, b in itertools.pairwise(starts))


def test_set_min_delay_for_an_api_host(site: SiteServer, make_config: MakeConfig):
    for p in ("/q1", "/q2"):
        site.set(p, PAGE)

    async def run() -> None:
        async with Fetcher(make_config(), resolver=local_resolver()) as fetcher:
            fetcher.set_min_delay("127.0.0.1", 0.3)
            await fetcher.fetch_many([site.url("/q1"), site.url("/q2")])

    asyncio.run(run())
    first, second = sorted(h.at for h in site.hits if h.path != "/robots.txt")
    assert second - first >= 0.28


# --------------------------------------------------------------------------- batches


def test_fetch_many_one_outcome_per_url_in_order(site: SiteServer, make_config: MakeConfig):
    site.set("/good", PAGE)
    site.set("/bad", Route(fail_status=500))
    site.set("/big", Route(body=b"a" * 10_000))
    urls = [
        site.url("/good"),
        site.url("/bad"),
        site.url("/good"),
        "ftp://example.com/file",
        "not a url",
        site.url("/big"),
    ]
    outs = get(make_config(max_bytes=1000, retries=1), urls)
    assert [o.url for o in outs] == [urls[0], urls[1], urls[3], urls[4], urls[5]]
    assert [o.state for o in outs] == [
        FetchState.NEW,
        FetchState.FAILED,
        FetchState.FAILED,
        FetchState.FAILED,
        FetchState.SKIPPED,
    ]
    assert "http" in (outs[2].error or "") and outs[2].attempts == 0
    assert site.count("/good") == 1


def test_fetch_outside_context_manager_still_works(site: SiteServer, make_config: MakeConfig):
    site.set("/a", PAGE)

    async def run() -> FetchOutcome:
        fetcher = Fetcher(make_config(), resolver=local_resolver())
        try:
            return await fetcher.fetch(site.url("/a"))
        finally:
            await fetcher.aclose()

    assert asyncio.run(run()).state is FetchState.NEW


def test_config_validation():
    with pytest.raises(ValueError, match="contact"):
        FetchConfig(user_agent="gaptrack/0.1")
    with pytest.raises(ValueError):
        FetchConfig(read_timeout=0)
    config = FetchConfig(allowed_hosts={"News.Test.", "[::1]"})  # type: ignore[arg-type]
    assert config.allowed_hosts == frozenset({"news.test", "::1"})
    hash(config)  # frozen and hashable, safe to pass between tasks


# --------------------------------------------------------------------------- everything at once


def test_one_batch_with_every_fault_then_a_conditional_rerun(
    site: SiteServer, make_config: MakeConfig
):
    site.set(
        "/robots.txt", Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    good = {f"/good{i}": Route(body=PAGE + str(i), etag=f'"g{i}"') for i in range(3)}
    good["/dated"] = Route(body=PAGE, last_modified="Wed, 15 Jan 2025 10:00:00 GMT")
    good["/flaky"] = Route(body=PAGE, etag='"f"', fail_status=500, times=2)
    good["/limited"] = Route(body=PAGE, etag='"l"', fail_status=429, retry_after="1", times=1)
    good["/cp1252"] = Route(
        body="\u201cquoted\u201d".encode("cp1252"), content_type="text/html; charset=utf-8"
    )
    faults = {
        "/slow": (Route(body=PAGE, delay=1.0), FetchState.FAILED, "timeout", 3),
        "/reset": (Route(reset=True), FetchState.FAILED, "connection", 3),
        "/cut": (Route(body=PAGE, truncate=100), FetchState.FAILED, "truncated", 3),
        "/big": (Route(body=b"a" * 300_000), FetchState.SKIPPED, "too_large", 1),
        "/bomb": (
            Route(body=gzip_bomb(16 * 1024 * 1024), headers={"Content-Encoding": "gzip"}),
            FetchState.SKIPPED,
            "decompression_bomb",
            1,
        ),
        "/loop": (Route(location="/loop2"), FetchState.FAILED, "loop", 1),
        "/meta": (
            Route(location="http://169.254.169.254/"),
            FetchState.SKIPPED,
            "blocked_address",
            1,
        ),
        "/private/x": (Route(body=PAGE), FetchState.SKIPPED, "robots", 0),
        "/gone": (Route(status=410), FetchState.FAILED, "http 410", 1),
    }
    site.set("/loop2", Route(location="/loop"))
    for path, route in good.items():
        site.set(path, route)
    for path, (route, *_rest) in faults.items():
        site.set(path, route)
    config = make_config(read_timeout=0.2)
    urls = [site.url(p) for p in [*good, *faults]]

    first = {o.url: o for o in get(config, urls)}
    assert len(first) == len(urls)
    for path in good:
        assert first[site.url(path)].state is FetchState.NEW, path
    assert first[site.url("/flaky")].attempts == 3
    assert first[site.url("/limited")].attempts == 2
    for path, (_route, state, what, attempts) in faults.items():
        out = first[site.url(path)]
        assert out.state is state, path
        assert what in ((out.reason or "") + " " + (out.error or "")), (path, out)
        assert out.attempts == attempts, (path, out)
        assert out.page is None

    second = {o.url: o for o in get(config, urls, validators=validators_from(first.values()))}
    for path in good:
        expected = FetchState.NEW if path == "/cp1252" else FetchState.UNCHANGED
        assert second[site.url(path)].state is expected, path
    for path, (_route, state, *_rest) in faults.items():
        assert second[site.url(path)].state is state, path
