"""Replay: stored raw pages re-extracted offline; older values superseded, still queryable."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import extractors.metrics
from flows.cli import app
from flows.ingest import ingest
from flows.replay import replay
from schemas.archive import Archive
from schemas.store import ObservationFilter, Store
from tests.flows.dated_site import FAST, build
from tests.server import SiteServer

pytestmark = pytest.mark.usefixtures("prefect_server")

OLD = extractors.metrics.EXTRACTOR_VERSION
NEW = "9.9.9-test"


def _doubling(original: Any) -> Any:
    def extract(text: str, **kwargs: Any) -> list[Any]:
        return [replace(o, value=o.value * 2) for o in original(text, **kwargs)]

    return extract


def test_replay_supersedes_older_values_and_keeps_them_queryable(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SiteServer() as site:
        dated = build(site, tmp_path, dt.date(2024, 1, 1), 2)
        first = ingest(
            sources_file=str(dated.sources_file), overrides={**FAST, "database_url": db_url}
        )
        hits = len(site.hits)
    n_articles = len(dated.articles)
    assert first["new_articles"] == n_articles
    store = Store(db_url)
    before = store.observations()
    believed_then = dt.datetime.now(dt.UTC)
    assert before and {o["extractor_version"] for o in before} == {OLD}

    # The extractor changes: a new version that reads every value twice as large.
    monkeypatch.setattr(extractors.metrics, "EXTRACTOR_VERSION", NEW)
    monkeypatch.setattr(extractors.metrics, "extract", _doubling(extractors.metrics.extract))
    # One raw page lost from the archive: that article is re-extracted from its stored text.
    archive = Archive(Path("data") / "archive")
    lost = next(iter(archive.digests()))
    for p in archive.root.glob(f"??/??/{lost}.*"):
        p.unlink()

    # The changed extractor exists only in this process: replay without worker processes.
    local = {"database_url": db_url, "workers": 1}
    later = replay(since=dt.date(2030, 1, 1), overrides=local)
    assert later["articles"] == 0  # nothing published since then
    summary = replay(overrides=local)  # the site is gone: no network
    assert len(site.hits) == hits
    assert summary["extractor_version"] == NEW
    assert summary["articles"] == summary["replayed"] == n_articles
    assert summary["from_archive"] + summary["from_text"] == n_articles
    assert summary["from_text"] == 1 and summary["failed"] == 0
    assert summary["superseded"] == len(before)
    assert summary["observations"] == len(before)

    now = store.observations()
    assert {o["extractor_version"] for o in now} == {NEW}
    assert sorted(o["value"] for o in now) == sorted(2 * o["value"] for o in before)
    assert all(o["superseded_at"] is None for o in now)

    everything = store.observations(ObservationFilter(include_superseded=True))
    assert len(everything) == 2 * len(before)
    old_rows = [o for o in everything if o["extractor_version"] == OLD]
    assert {o["superseded_by"] for o in old_rows} == {NEW}
    assert all(o["superseded_at"] is not None for o in old_rows)

    then = store.observations(ObservationFilter(as_of=believed_then))
    assert sorted((o["key"], o["value"]) for o in then) == sorted(
        (o["key"], o["value"]) for o in before
    )
    assert store.observations(ObservationFilter(as_of=dt.datetime.now(dt.UTC))) == now

    # Replaying again finds nothing to do and changes nothing.
    monkeypatch.setenv("GAPTRACK_DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["replay", "--json"])
    assert result.exit_code == 0, result.output
    again = json.loads(result.output[result.output.index("{") :])
    assert again["articles"] == again["observations"] == again["superseded"] == 0
    assert len(store.observations(ObservationFilter(include_superseded=True))) == len(everything)
    store.close()


def test_replay_in_worker_processes_matches_replay_in_process(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.workers

    with SiteServer() as site:
        dated = build(site, tmp_path, dt.date(2024, 1, 1), 3)
        ingest(sources_file=str(dated.sources_file), overrides={**FAST, "database_url": db_url})
    store = Store(db_url)

    def believed() -> list[tuple[Any, ...]]:
        rows = store.observations()
        return sorted((o["key"], o["value"], o["evidence"]) for o in rows)

    inline = replay(overrides={"database_url": db_url, "workers": 1}, force=True)
    after_inline = believed()
    # Batches of 4 articles, each split across two worker processes.
    monkeypatch.setattr(flows.workers, "MIN_POOLED", 2)
    started: list[bool] = []
    start = flows.workers.PagePool._start

    def spy(self: Any) -> Any:
        executor = start(self)
        started.append(executor is not None)
        return executor

    monkeypatch.setattr(flows.workers.PagePool, "_start", spy)
    pooled = replay(overrides={"database_url": db_url, "workers": 2, "batch_size": 4}, force=True)
    assert started and all(started)
    keys = ("articles", "replayed", "from_archive", "from_text", "failed", "observations")
    assert {k: pooled[k] for k in keys} == {k: inline[k] for k in keys}
    assert pooled["articles"] == len(dated.articles) > 4
    assert pooled["failed"] == 0 and len(after_inline) > 0
    assert believed() == after_inline
    store.close()
