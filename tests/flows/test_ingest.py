"""The ingest flow end to end: real Prefect runs, a real HTTP server, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from flows.demo import SITE, serve
from flows.ingest import ingest
from schemas.store import Store
from tests.server import Route, SiteServer

pytestmark = pytest.mark.usefixtures("prefect_server")

FAST = {"allowed_hosts": "127.0.0.1", "per_host_delay": 0.0, "backoff": 0.01, "timeout": 2.0}
N_ARTICLES = len(re.findall(r"<loc>", (SITE / "sitemap.xml").read_text()))


def _run(sources: Path, db_url: str, **extra: Any) -> dict[str, Any]:
    return ingest(sources_file=str(sources), overrides={**FAST, "database_url": db_url, **extra})


def test_demo_site_end_to_end_and_idempotent(db_url: str, tmp_path: Path) -> None:
    with serve(port=0) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(site.sources_toml())
        first = _run(sources, db_url)
        store = Store(db_url)
        counts = store.table_counts()
        metrics = {r["metric"] for r in store.observations()}
        second = _run(sources, db_url, revisit_after_hours=0)  # conditional GETs: all 304
        third = _run(sources, db_url)  # fetched minutes ago: not requested at all
        after = store.table_counts()
        states = store.fetch_states(second["run_id"])
        fresh = store.fetch_states(third["run_id"])
        store.close()

    assert first["urls_seen"] == N_ARTICLES
    assert first["new_articles"] == N_ARTICLES
    assert first["failed"] == 0
    assert first["observations"] == counts["observations"] > 0
    assert counts["articles"] == N_ARTICLES
    assert {
        "ai_investment_usd",
        "funding_round_usd",
        "user_count",
        "chip_export_event",
        "talent_share_pct",
    } <= metrics
    # A second run finds everything unchanged and adds nothing but its own log rows.
    assert second["new_articles"] == second["observations"] == 0
    assert second["unchanged"] == N_ARTICLES
    assert second["fetched"] == 0
    assert fresh["states"]["unchanged"] == fresh["reasons"]["fresh"] == N_ARTICLES
    assert {k: after[k] for k in ("articles", "observations", "quarantine")} == {
        k: counts[k] for k in ("articles", "observations", "quarantine")
    }
    assert states["discovered"] == sum(states["states"].values()) == N_ARTICLES


ARTICLE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2024-05-01T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>Venture investors poured $67.2 billion into US AI startups in 2023, according to the AI Index.</p>
<p>{title} is one of several stories on the local test site, written with enough prose to count as an article.</p>
</article></body></html>"""


def _feed(base: str, paths: list[str]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def test_faults_are_recorded_and_other_sources_go_on(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'faults.db'}"
    with SiteServer() as site:
        paths = ["/ok", "/flaky", "/gone", "/index"]
        site.set(
            "/feed.xml", Route(_feed(site.base_url, paths), content_type="application/rss+xml")
        )
        site.set("/ok", ARTICLE.format(title="Good story"))
        site.set("/flaky", Route(ARTICLE.format(title="Flaky story"), fail_status=500, times=2))
        site.set("/gone", Route("not here", status=404))
        site.set("/index", "<html><body><p>Short page.</p></body></html>")
        site.set("/broken.xml", Route("<rss><channel><item>", content_type="application/rss+xml"))
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "good"\nkind = "rss"\nurl = "{site.url("/feed.xml")}"\n\n'
            f'[[source]]\nname = "broken"\nkind = "rss"\nurl = "{site.url("/broken.xml")}"\n\n'
            f'[[source]]\nname = "dead"\nkind = "rss"\nurl = "{site.url("/missing.xml")}"\n'
        )
        summary = _run(sources, db_url)
        flaky_hits = site.count("/flaky")

    assert summary["new_articles"] == 2  # /ok, and /flaky after two 500s
    assert flaky_hits == 3
    assert summary["failed"] == 1 and summary["skipped"] == 1
    assert summary["listing_failures"] == 2
    store = Store(db_url)
    states = store.fetch_states(summary["run_id"])
    assert states == {
        "discovered": 4,
        "states": {"new": 2, "failed": 1, "skipped": 1},
        "reasons": {"no_article": 1},
    }
    obs = store.observations()
    assert {o["value"] for o in obs} >= {67.2e9}
    assert all(o["source_url"].endswith(("/ok", "/flaky")) for o in obs)
    store.close()
    # Every body read is in the raw archive, keyed by the digest the fetch log keeps.
    from schemas.archive import Archive

    archive = Archive(Path("data") / "archive")
    assert len(list(archive.digests())) >= 3  # two articles and the short page
    assert archive.size_bytes() > 0


def test_status_reports_the_latest_run_per_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    db_url = f"sqlite:///{tmp_path / 'status.db'}"
    with SiteServer() as site:
        site.set(
            "/feed.xml",
            Route(_feed(site.base_url, ["/a", "/b"]), content_type="application/rss+xml"),
        )
        site.set("/a", ARTICLE.format(title="Story A"))
        site.set("/b", Route("gone", status=410))
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "s"\nkind = "rss"\nurl = "{site.url("/feed.xml")}"\n'
        )
        _run(sources, db_url)
    monkeypatch.setenv("GAPTRACK_DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["status", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "discovered": 2,
        "states": {"new": 1, "unchanged": 0, "skipped": 0, "failed": 1},
        "reasons": {},
    }
    table = CliRunner().invoke(app, ["status"], env={"COLUMNS": "160"})
    assert table.exit_code == 0 and "raw archive" in table.output
