"""discover(): listings fetched through the Fetcher from a real local server."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import itertools
from collections.abc import Callable

from extractors.discover import Discovery, discover
from extractors.fetch import FetchConfig, Fetcher
from extractors.urls import canonical_url
from schemas.records import FetchState, Source
from tests.extractors.sources.fixtures import fixture
from tests.server import ENTITY_BOMB, Route, SiteServer, local_resolver

MakeConfig = Callable[..., FetchConfig]
XML = "application/xml"


def run(
    config: FetchConfig,
    *sources: Source,
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_pages: int = 20,
) -> list[Discovery]:
    async def go() -> list[Discovery]:
        async with Fetcher(config, resolver=local_resolver()) as fetcher:
            return list(
                await asyncio.gather(
                    *(
                        discover(s, fetcher, since=since, until=until, max_pages=max_pages)
                        for s in sources
                    )
                )
            )

    return asyncio.run(go())


def rebased(name: str, site: SiteServer, *hosts: str) -> bytes:
    """A fixture with absolute URLs on ``hosts`` pointed at the local server."""
    body = fixture(name)
    for host in hosts:
        body = body.replace(host.encode(), site.base_url.encode())
    return body


def test_rss_with_paging_and_dedup(site: SiteServer, make_config: MakeConfig):
    hosts = ("https://news.example.com", "https://NEWS.example.com:443")
    site.set(
        "/feeds/ai.xml",
        Route(body=rebased("rss2.xml", site, *hosts), content_type="application/rss+xml"),
    )
    site.set(
        "/feeds/ai.xml?page=2",
        Route(body=rebased("rss2_page2.xml", site, *hosts), content_type="application/rss+xml"),
    )
    src = Source("news", "rss", site.url("/feeds/ai.xml"))
    (found,) = run(make_config(), src, since=dt.date(2025, 1, 1))
    assert [o.state for o in found.listings] == [FetchState.NEW, FetchState.NEW]
    assert all(o.source == "news" for o in found.listings)
    urls = [link.url for link in found.links]
    # Two spellings of the chipmaker story (root-relative with tracking
    # parameters, absolute with a fragment) are one link, in canonical form.
    assert urls.count(site.url("/2025/01/15/chipmaker-raises-2-5-billion/")) == 1
    assert len(urls) == len(set(urls)) == 4
    assert site.url("/2025/01/06/startup-opens-ai-lab-singapore/") in urls
    assert all(link.source == "news" for link in found.links)
    # Page 2 already reached back before the window: page 3 was never asked for.
    assert site.count("/feeds/ai.xml") == 2


def test_max_pages_bounds_followed_pages(site: SiteServer, make_config: MakeConfig):
    def page(n: int) -> Route:
        body = (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>p</title>'
            f'<link rel="next" href="/p{n + 1}.xml"/>'
            f'<entry><title>e{n}</title><link href="/story/{n}"/><id>{n}</id>'
            "<updated>2025-01-15T00:00:00Z</updated></entry></feed>"
        )
        return Route(body=body, content_type="application/atom+xml")

    for n in range(10):
        site.set(f"/p{n}.xml", page(n))
    src = Source("paged", "rss", site.url("/p0.xml"), {"follow_pages": True})
    (found,) = run(make_config(), src, max_pages=3)
    assert len(found.listings) == 4  # the start page and three followed
    assert len(found.links) == 4
    assert site.count("/p4.xml") == 0
    (capped,) = run(make_config(), Source("p", "rss", site.url("/p0.xml"), {"max_pages": 2}))
    assert len(capped.listings) == 3


def test_broken_feeds_fail_alone(site: SiteServer, make_config: MakeConfig):
    site.set("/bad.xml", Route(body=fixture("malformed.xml"), content_type=XML))
    site.set("/bomb.xml", Route(body=ENTITY_BOMB, content_type=XML))
    site.set("/good.xml", Route(body=fixture("rdf.xml"), content_type=XML))
    bad, bomb, good = run(
        make_config(),
        Source("bad", "rss", site.url("/bad.xml")),
        Source("bomb", "rss", site.url("/bomb.xml")),
        Source("good", "rss", site.url("/good.xml")),
    )
    (outcome,) = bad.listings
    assert outcome.state is FetchState.FAILED
    assert outcome.error is not None and outcome.error.startswith("parse error: malformed feed")
    assert outcome.page is not None  # kept for the archive
    assert bad.links == [] and bad.failed == [outcome]
    assert bomb.listings[0].state is FetchState.FAILED
    assert "entity" in (bomb.listings[0].error or "")
    assert good.listings[0].state is FetchState.NEW and len(good.links) == 2


def test_sitemap_index_with_gzip_child_and_a_missing_one(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/sitemap.xml", Route(body=rebased("sitemap_index.xml", site, "https://www.example.com"))
    )
    site.set(
        "/sitemaps/posts-2025-01.xml.gz",
        Route(
            body=gzip.compress(fixture("sitemap_posts_2025_01.xml")),
            content_type="application/gzip",
        ),
    )
    site.set("/sitemaps/posts-2024-12.xml", Route(body=fixture("sitemap_posts_2024_12.xml")))
    src = Source("site", "sitemap", site.url("/sitemap.xml"))
    (found,) = run(make_config(), src, since=dt.date(2024, 12, 15))
    assert [o.state for o in found.listings] == [FetchState.NEW] * 3
    urls = {link.url for link in found.links}
    assert site.url("/2024/12/30/ai-investment-2024-review/") in urls
    assert site.url("/2024/12/02/entity-list-additions/") not in urls  # lastmod before since
    assert site.url("/2025/01/06/startup-opens-ai-lab-singapore/") in urls
    assert "https://www.example.com/2025/01/15/chipmaker-raises-2-5-billion/" in urls
    assert site.count("/sitemaps/posts-2024-11.xml") == 0
    (everything,) = run(make_config(), src)
    missing = [o for o in everything.listings if o.state is not FetchState.NEW]
    assert len(missing) == 1 and missing[0].error == "http 404"
    assert len(everything.links) == 5


def test_html_section_pages(site: SiteServer, make_config: MakeConfig):
    base = "/topics/artificial-intelligence/"
    site.set(base, rebased("section.html", site, "https://biz.example.com"))
    site.set(base + "page/2/", rebased("section_page2.html", site, "https://biz.example.com"))
    src = Source(
        "biz",
        "html",
        site.url(base),
        {"selector": "article h2 a, article h3 a, h2.title a", "max_pages": 2},
    )
    (found,) = run(make_config(), src)
    assert len(found.listings) == 2
    urls = [link.url for link in found.links]
    assert canonical_url(site.url("/2025/01/12/ai-deal-count-q4/?utm_campaign=topic")) in urls
    assert site.url("/2024/12/20/chip-startup-ipo/") in urls
    assert site.count(base + "page/3/") == 0  # no next link on page 2 under the default


def test_federal_register_paging(site: SiteServer, make_config: MakeConfig):
    path = "/api/v1/documents.json"
    page1 = rebased("federal_register_page1.json", site, "https://www.federalregister.gov")
    site.set(path, Route(body=page1, content_type="application/json"))
    next_query = page1.decode().split('"next_page_url": "')[1].split('"')[0].split("?", 1)[1]
    site.set(
        f"{path}?{next_query}",
        Route(body=fixture("federal_register_page2.json"), content_type="application/json"),
    )
    src = Source("bis", "federal_register", site.url(path))
    (found,) = run(make_config(), src, since=dt.date(2024, 12, 1), until=dt.date(2025, 1, 31))
    assert [o.state for o in found.listings] == [FetchState.NEW, FetchState.NEW]
    assert [link.published for link in found.links] == [
        dt.date(2025, 1, 16),
        dt.date(2025, 1, 15),
        dt.date(2024, 12, 5),
    ]
    first = site.hits_for(path)[0]
    assert "conditions%5Bpublication_date%5D%5Bgte%5D=2024-12-01" in first.query


def test_gdelt_slices_are_spaced_by_its_interval(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/api/v2/doc/doc",
        Route(body=fixture("gdelt_artlist.json"), content_type="application/json"),
    )
    src = Source(
        "gdelt", "gdelt", site.url("/api/v2/doc/doc"), {"query": "AI chips", "min_interval": 0.5}
    )
    (found,) = run(make_config(), src, since=dt.date(2025, 1, 13), until=dt.date(2025, 1, 15))
    assert len(found.listings) == 3
    # Arrival times seen by the server lag the client's sends by scheduling delays
    # on a busy machine, so the check leaves room for them.
    starts = sorted(h.at for h in site.hits_for("/api/v2/doc/doc"))
    assert all(b - a >= 0.35 for a, b in itertools.pairwise(starts))
    # Every slice answers the same fixture: the tracking-parameter duplicate is
    # merged and the story seen on the 16th falls outside the window.
    assert len(found.links) == 2


def test_listing_faults_are_outcomes_not_exceptions(site: SiteServer, make_config: MakeConfig):
    site.set(
        "/robots.txt", Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    site.set("/private/feed.xml", Route(body=fixture("rdf.xml"), content_type=XML))
    site.set(
        "/flaky.xml", Route(body=fixture("rdf.xml"), content_type=XML, fail_status=503, times=1)
    )
    robots, blocked, flaky, unknown, misconfigured = run(
        make_config(),
        Source("r", "rss", site.url("/private/feed.xml")),
        Source("b", "rss", "http://10.0.0.1/feed.xml"),
        Source("f", "rss", site.url("/flaky.xml")),
        Source("u", "carrier-pigeon", site.url("/x")),
        Source("m", "gdelt", site.url("/api")),
    )
    assert robots.listings[0].state is FetchState.SKIPPED
    assert robots.listings[0].reason == "robots"
    assert blocked.listings[0].reason == "blocked_address"
    assert flaky.listings[0].state is FetchState.NEW and flaky.listings[0].attempts == 2
    assert len(flaky.links) == 2
    assert unknown.listings[0].state is FetchState.FAILED
    assert "unknown source kind" in (unknown.listings[0].error or "")
    assert "bad source configuration" in (misconfigured.listings[0].error or "")
    assert site.count("/private/feed.xml") == 0
