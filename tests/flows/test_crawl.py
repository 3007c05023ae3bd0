"""Crawling a misbehaving site through the ingest flow: every fault recorded, nothing else lost.

Each URL's final state is read back from the fetch log, and a second run must
do what a user expects: retry what failed, skip what is unchanged.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flows.ingest import ingest
from schemas.store import Store
from tests.server import ENTITY_BOMB, Route, SiteServer, gzip_bomb

pytestmark = pytest.mark.usefixtures("prefect_server")

SETTINGS = {
    "allowed_hosts": "127.0.0.1",
    "per_host_delay": 0.0,
    "per_host_concurrency": 8,
    "fetch_concurrency": 16,
    "backoff": 0.01,
    "timeout": 1.0,
    "retries": 2,
    "max_bytes": 200_000,
    "revisit_after_hours": 0,
    "max_pages_per_source": 1000,
}


def article(n: int, extra: str = "") -> str:
    """A distinct news page with a figure, navigation and related links."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Story {n}</title>
<meta property="article:published_time" content="2024-{n % 12 + 1:02d}-{n % 27 + 1:02d}T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/ai">AI</a></nav><article><h1>Story {n}</h1>
<p>Nimbus{n} AI, a San Francisco start-up, raised ${n + 10} million in a funding round led by Example Ventures, the company said on Tuesday.</p>
<p>Analysts said the deal, one of {n + 100} tracked this year, reflects steady demand for AI tools among enterprise buyers. {extra}</p>
</article><aside><h2>You might also like</h2><a href="/x">Chipmaker sells $9 billion of memory</a></aside>
<footer>Copyright</footer></body></html>"""


def _feed(base: str, paths: list[str]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def _final_states(db_url: str, run_id: str) -> dict[str, tuple[str, str | None]]:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT url, state, reason FROM fetch_log WHERE run_id = :r AND kind = 'page'"),
            {"r": run_id},
        ).all()
    engine.dispose()
    urls = [r[0] for r in rows]
    assert len(urls) == len(set(urls)), "a URL ended in more than one state"
    return {url.rsplit("/", 1)[-1]: (state, reason) for url, state, reason in rows}


def test_every_fault_is_recorded_and_a_second_run_retries_the_failed(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    big = article(9, "x" * 300_000)
    windows = article(10, "It cost \u20ac5 \u2014 \u201cquoted\u201d.").encode("cp1252")
    faults: dict[str, Route] = {
        "ok": Route(article(1), etag='"ok-v1"'),
        "rate-limited": Route(article(2), fail_status=429, retry_after="1", times=1),
        "flaky": Route(article(3), fail_status=500, times=2),
        "slow": Route(article(4), delay=3.0, times=3),
        "reset": Route(article(5), reset=True, times=3),
        "truncated": Route(article(6), truncate=5000, times=3),
        "too-large": Route(big),
        "bomb": Route(gzip_bomb(64 * 1024 * 1024), headers={"Content-Encoding": "gzip"}),
        "binary": Route(gzip.compress(article(13).encode()), content_type="text/html"),
        "windows": Route(windows, content_type="text/html; charset=utf-8"),
        "loop": Route(location="/loop"),
        "metadata": Route(location="http://169.254.169.254/latest/meta-data/"),
        "private": Route(article(12)),
        "gone": Route("not here", status=404),
    }
    paths = [f"/{name}" if name != "private" else "/private/private" for name in faults]
    with SiteServer() as site:
        site.set(
            "/robots.txt", Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        )
        site.set(
            "/feed.xml", Route(_feed(site.base_url, paths), content_type="application/rss+xml")
        )
        site.set(
            "/malformed.xml",
            Route("<rss><channel><item><title>x", content_type="application/rss+xml"),
        )
        site.set("/bomb.xml", Route(ENTITY_BOMB, content_type="application/rss+xml"))
        for name, route in faults.items():
            site.set("/private/private" if name == "private" else f"/{name}", route)
        sources = tmp_path / "sources.toml"
        sources.write_text(
            "".join(
                f'[[source]]\nname = "{n}"\nkind = "rss"\nurl = "{site.url(p)}"\n\n'
                for n, p in (
                    ("site", "/feed.xml"),
                    ("malformed", "/malformed.xml"),
                    ("bomb", "/bomb.xml"),
                )
            )
        )
        first = ingest(sources_file=str(sources), overrides={**SETTINGS, "database_url": db_url})
        states = _final_states(db_url, first["run_id"])
        hits = {p: site.count(p) for p in ("/flaky", "/private/private", "/bomb")}
        second = ingest(sources_file=str(sources), overrides={**SETTINGS, "database_url": db_url})
        again = _final_states(db_url, second["run_id"])

    assert states == {
        "ok": ("new", None),
        "rate-limited": ("new", None),
        "flaky": ("new", None),
        "slow": ("failed", None),
        "reset": ("failed", None),
        "truncated": ("failed", None),
        "too-large": ("skipped", "too_large"),
        "bomb": ("skipped", "decompression_bomb"),
        "windows": ("new", None),
        "loop": ("failed", None),
        "metadata": ("skipped", "blocked_address"),
        "private": ("skipped", "robots"),
        "gone": ("failed", None),
        "binary": ("failed", "parse_error"),
    }
    assert first["listing_failures"] == 2  # the malformed feed and the entity bomb
    assert hits["/private/private"] == 0  # robots.txt is obeyed before any request
    assert hits["/flaky"] == 3
    # Second run: what failed is tried again (slow, reset and truncated now answer),
    # what was stored is unchanged, what is refused stays refused.
    assert again["slow"] == again["reset"] == again["truncated"] == ("new", None)
    assert again["ok"][0] == again["flaky"][0] == again["windows"][0] == "unchanged"
    assert again["gone"] == ("failed", None)
    assert again["private"] == ("skipped", "robots")
    assert again["bomb"] == ("skipped", "decompression_bomb")
    store = Store(db_url)
    texts = {r["source_url"].rsplit("/", 1)[-1]: r["evidence"] for r in store.observations()}
    assert store.table_counts()["articles"] == 7
    store.close()
    assert "windows" in texts  # the mislabelled page was decoded and extracted
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        text = conn.execute(
            sa.text("SELECT text FROM articles WHERE url LIKE '%/windows'")
        ).scalar_one()
    engine.dispose()
    assert "\u20ac5 \u2014 \u201cquoted\u201d" in text


def _plan(n: int) -> dict[str, tuple[str, Route]]:
    """Paths of a large site and their expected final state, faults mixed in."""
    plan: dict[str, tuple[str, Route]] = {}
    for i in range(n):
        path = f"/news/{i:04d}"
        if i % 97 == 5:
            plan[path] = ("skipped:duplicate", Route(article(0)))  # same story as /news/0000
        elif i % 41 == 7:
            plan[path] = ("failed", Route("missing", status=404))
        elif i % 53 == 11:
            plan[path] = ("skipped:too_large", Route(article(i, "y" * 300_000)))
        elif i % 61 == 13:
            plan[path] = ("skipped:no_article", Route("<html><body><p>Gallery.</p></body></html>"))
        elif i % 29 == 3:
            plan[path] = ("new", Route(article(i), fail_status=503, times=1))
        elif i % 71 == 17:
            plan[path] = (
                "skipped:decompression_bomb",
                Route(gzip_bomb(8 * 1024 * 1024), headers={"Content-Encoding": "gzip"}),
            )
        else:
            plan[path] = ("new", Route(article(i)))
    return plan


def test_a_large_faulty_site_accounts_for_every_url(tmp_path: Path, capsys: Any) -> None:
    n = 520
    db_url = f"sqlite:///{tmp_path / 'large.db'}"
    plan = _plan(n)
    with SiteServer() as site:
        for path, (_, route) in plan.items():
            site.set(path, route)
        urls = "".join(f"<url><loc>{site.base_url}{p}</loc></url>" for p in plan)
        site.set(
            "/sitemap.xml",
            Route(
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                content_type="application/xml",
            ),
        )
        # The feed repeats the newest 60 stories: they must be fetched once, not twice.
        site.set(
            "/feed.xml",
            Route(_feed(site.base_url, list(plan)[-60:]), content_type="application/rss+xml"),
        )
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "feed"\nkind = "rss"\nurl = "{site.url("/feed.xml")}"\n\n'
            f'[[source]]\nname = "sitemap"\nkind = "sitemap"\nurl = "{site.url("/sitemap.xml")}"\n'
        )
        summary = ingest(sources_file=str(sources), overrides={**SETTINGS, "database_url": db_url})
        fetched_twice = [p for p in plan if site.count(p) > 1 and plan[p][1].fail_status is None]

    expected = Counter(state.split(":")[0] for state, _ in plan.values())
    reasons = Counter(state.split(":")[1] for state, _ in plan.values() if ":" in state)
    store = Store(db_url)
    got = store.fetch_states(summary["run_id"])
    store.close()
    with capsys.disabled():
        print(
            f"\n{n}-page site: discovered={got['discovered']} states={got['states']} reasons={got['reasons']}"
        )
    assert got["discovered"] == n == sum(got["states"].values())
    assert got["states"] == dict(expected)
    assert got["reasons"] == dict(reasons)
    assert fetched_twice == []
    assert summary["new_articles"] == expected["new"]
