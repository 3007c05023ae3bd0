"""Backfills: chunks per source and week, resumable after SIGKILL, shared by concurrent workers."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flows.backfill import backfill, plan_chunks, week_windows
from schemas.store import Store
from tests.conftest import ROOT
from tests.flows.dated_site import (
    FAST,
    DatedSite,
    build,
    env,
    gaptrack,
    sqlite_rows,
    wait_for,
)
from tests.server import SiteServer

SINCE, UNTIL, WEEKS = dt.date(2024, 1, 1), dt.date(2024, 2, 4), 5  # five Monday-Sunday weeks
SOURCES = ["dated-feed", "dated-sitemap"]


def snapshot(url: str) -> dict[str, Any]:
    """The stored rows that a backfill must reproduce exactly, with duplicate counts."""
    store = Store(url)
    with store.engine.connect() as conn:
        articles = [
            (u, h, t, str(p))
            for u, h, t, p in conn.execute(
                sa.text("SELECT url, content_hash, title, published_at FROM articles")
            )
        ]
        observations = [r[0] for r in conn.execute(sa.text("SELECT key FROM observations"))]
        quarantine = [r[0] for r in conn.execute(sa.text("SELECT key FROM quarantine"))]
        new_fetches = Counter(
            r[0]
            for r in conn.execute(
                sa.text("SELECT url FROM fetch_log WHERE kind = 'page' AND state = 'new'")
            )
        )
    store.close()
    return {
        "articles": set(articles),
        "observations": set(observations),
        "quarantine": set(quarantine),
        "duplicates": len(articles)
        - len(set(articles))
        + len(observations)
        - len(set(observations)),
        "new_fetches": new_fetches,
    }


def _rows(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: snap[k] for k in ("articles", "observations", "quarantine")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatedSite]:
    with SiteServer() as server:
        yield build(server, tmp_path_factory.mktemp("site"), SINCE, WEEKS, delay=0.25)


@pytest.fixture(scope="module")
def reference(
    site: DatedSite, prefect_server: None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The rows and summary of one uninterrupted backfill of the window, in-process."""
    folder = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{folder / 'reference.db'}"
    summary = backfill(
        since=SINCE,
        until=UNTIL,
        sources_file=str(site.sources_file),
        concurrency=3,
        overrides={**FAST, "database_url": url, "data_dir": str(folder)},
    )
    return snapshot(url) | {"summary": summary, "url": url}


def test_week_windows_cover_the_window_once() -> None:
    weeks = week_windows(dt.date(2024, 1, 3), dt.date(2024, 1, 22))
    assert weeks == [
        (dt.date(2024, 1, 3), dt.date(2024, 1, 7)),
        (dt.date(2024, 1, 8), dt.date(2024, 1, 14)),
        (dt.date(2024, 1, 15), dt.date(2024, 1, 21)),
        (dt.date(2024, 1, 22), dt.date(2024, 1, 22)),
    ]
    assert len(plan_chunks(["a", "b"], SINCE, UNTIL)) == 2 * WEEKS
    with pytest.raises(ValueError):
        week_windows(UNTIL, SINCE)


def test_claims_are_exclusive_and_leases_expire(db_url: str) -> None:
    store = Store(db_url)
    store.plan_chunks(plan_chunks(["a", "b", "c"], SINCE, UNTIL))
    claimed: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        while (
            chunk := store.claim_chunk(f"h:{n}:t", ["a", "b", "c"], SINCE, UNTIL, lease_seconds=60)
        ) is not None:
            with lock:
                claimed.append(chunk.id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == len(set(claimed)) == 3 * WEEKS
    assert store.chunk_states(["a", "b", "c"], SINCE, UNTIL) == {"running": 3 * WEEKS}

    # A lease that runs out hands the chunk to the next claimer; the old owner cannot finish it.
    store.plan_chunks([("d", SINCE, SINCE)])
    first = store.claim_chunk("h:1:x", ["d"], SINCE, UNTIL, lease_seconds=0.05)
    assert first is not None
    assert store.claim_chunk("h:2:y", ["d"], SINCE, UNTIL, lease_seconds=60) is None
    time.sleep(0.2)
    second = store.claim_chunk("h:2:y", ["d"], SINCE, UNTIL, lease_seconds=60)
    assert second is not None and second.id == first.id and second.attempts == 2
    assert not store.finish_chunk(first.id, "h:1:x", state="done")
    assert store.finish_chunk(second.id, "h:2:y", state="done")

    # A dead process of this host loses its chunks at once; a live one keeps them.
    store.plan_chunks([("e", SINCE, SINCE), ("f", SINCE, SINCE)])
    assert store.claim_chunk("me:111:a", ["e"], SINCE, UNTIL, lease_seconds=600)
    assert store.claim_chunk("me:222:b", ["f"], SINCE, UNTIL, lease_seconds=600)
    assert store.release_dead_chunks("me", lambda pid: pid == 222) == 1
    assert store.chunk_states(["e", "f"], SINCE, UNTIL) == {"pending": 1, "running": 1}
    store.close()


def test_backfill_stores_the_window_and_reports_progress(
    reference: dict[str, Any], site: DatedSite
) -> None:
    summary = reference["summary"]
    expected = site.in_window(SINCE, UNTIL)
    assert {a[0] for a in reference["articles"]} == expected
    assert summary["new_articles"] == len(expected) == 4 * WEEKS
    assert summary["chunks"] == {
        "total": 2 * WEEKS,
        "done": 2 * WEEKS,
        "failed": 0,
        "pending": 0,
        "ran": 2 * WEEKS,
        "failed_now": 0,
    }
    assert summary["observations"] == len(reference["observations"]) >= len(expected)
    assert reference["duplicates"] == 0
    assert set(summary["sources"]) == set(SOURCES)
    # Each article was fetched by exactly one chunk.
    assert set(reference["new_fetches"].values()) == {1}
    # The same summary keys as ingest's, plus the chunk counts.
    assert {"urls_seen", "fetched", "unchanged", "skipped", "failed", "quarantined"} <= set(summary)

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    key = f"backfill-{SINCE:%Y%m%d}-{UNTIL:%Y%m%d}"
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert artifacts and artifacts[0].type == "progress"
    assert max(float(a.data) for a in artifacts) == 100.0  # type: ignore[arg-type]


def test_rerun_adds_nothing_and_force_redoes_every_chunk(
    db_url: str, reference: dict[str, Any], site: DatedSite, tmp_path: Path
) -> None:
    params: dict[str, Any] = {
        "since": SINCE,
        "until": UNTIL,
        "sources_file": str(site.sources_file),
        "overrides": {**FAST, "database_url": db_url},
    }
    first = backfill(**params)
    assert _rows(snapshot(db_url)) == _rows(reference)
    again = backfill(**params)
    assert again["chunks"]["ran"] == 0 and again["new_articles"] == 0
    forced = backfill(**params, force=True, source_names=["dated-feed"])
    assert forced["chunks"]["ran"] == WEEKS
    assert forced["new_articles"] == forced["observations"] == 0
    assert forced["urls_seen"] == first["sources"]["dated-feed"]["urls_seen"]
    assert _rows(snapshot(db_url)) == _rows(reference)


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def _done_chunks(db: Path) -> int:
    rows = sqlite_rows(db, "SELECT count(*) FROM backfill_chunks WHERE state = 'done'")
    return int(rows[0][0]) if rows else 0


@pytest.mark.slow
def test_backfill_killed_and_restarted_ends_with_the_rows_of_an_uninterrupted_run(
    reference: dict[str, Any], site: DatedSite, tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    environ = env(
        GAPTRACK_DATABASE_URL=f"sqlite:///{db}",
        GAPTRACK_DATA_DIR=str(tmp_path / "data"),
        PREFECT_API_URL=_api_url(),
    )
    args = ["backfill", "--since", str(SINCE), "--until", str(UNTIL)]
    args += ["--sources", str(site.sources_file), "--concurrency", "2"]
    log = tmp_path / "backfill.log"
    proc = gaptrack(args, environ, log)
    try:
        wait_for(lambda: _done_chunks(db) >= 3, 180, "three finished chunks")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    states = dict(sqlite_rows(db, "SELECT state, count(*) FROM backfill_chunks GROUP BY state"))
    assert states.get("done", 0) < 2 * WEEKS, f"the backfill finished before the kill: {states}"
    assert states.get("running"), f"no chunk was in flight at the kill: {states}"

    resumed = gaptrack(args, environ, log)
    assert resumed.wait(timeout=300) == 0, log.read_text()[-3000:]
    after = snapshot(f"sqlite:///{db}")
    assert _rows(after) == _rows(reference)
    assert after["duplicates"] == 0
    chunks = sqlite_rows(db, "SELECT state, attempts FROM backfill_chunks")
    assert {s for s, _ in chunks} == {"done"} and len(chunks) == 2 * WEEKS
    # The chunks in flight at the kill were taken over at once, not after their lease.
    assert any(a == 2 for _, a in chunks)
    # Done chunks were not redone: only the interrupted ones fetched again.
    again = gaptrack(args, environ, log)
    assert again.wait(timeout=300) == 0
    last = [line for line in log.read_text().splitlines() if line.startswith("chunks: ")][-1]
    assert "done=10" in last and "ran=0" in last


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_of_a_process_pool_share_one_backfill_on_postgresql(
    pg_database: str, reference: dict[str, Any], site: DatedSite, tmp_path: Path
) -> None:
    """Two ``prefect worker`` processes on a process work pool, each running one flow run
    of the ``backfill/on-demand`` deployment of deploy/prefect.yaml, share out the chunks."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from tests.conftest import _empty_pg

    Store(pg_database).close()
    _empty_pg(pg_database)
    environ = env(
        GAPTRACK_DATABASE_URL=pg_database,
        GAPTRACK_DATA_DIR=str(tmp_path / "data"),
        GAPTRACK_HOME=str(ROOT),
        PREFECT_API_URL=_api_url(),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_WORKER_QUERY_SECONDS="1",
    )
    prefect = [str(ROOT / ".venv" / "bin" / "prefect"), "--no-prompt"]
    for cmd in (
        ["work-pool", "create", "gaptrack", "--type", "process", "--overwrite"],
        ["deploy", "--prefect-file", "deploy/prefect.yaml", "--name", "on-demand"],
    ):
        done = subprocess.run(
            prefect + cmd, env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    worker = [*prefect, "worker", "start", "--pool", "gaptrack", "--limit", "1"]
    workers = []
    for i, log in enumerate(logs):
        with log.open("wb") as fh:
            workers.append(
                subprocess.Popen(
                    [*worker, "--name", f"worker-{i}"],
                    env=environ,
                    cwd=tmp_path,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                )
            )
    site.slow_down(1.0)  # long enough for both runs to be under way at once
    try:
        parameters = {
            "since": SINCE.isoformat(),
            "until": UNTIL.isoformat(),
            "sources_file": str(site.sources_file),
            "concurrency": 1,
        }
        runs = [
            run_deployment("backfill/on-demand", parameters=parameters, timeout=0) for _ in range(2)
        ]

        def finished() -> list[Any]:
            with get_client(sync_client=True) as client:
                states = [client.read_flow_run(r.id).state for r in runs]
            return states if all(s is not None and s.is_final() for s in states) else []

        states = wait_for(finished, 300, "both flow runs to finish", interval=1)
    finally:
        site.slow_down(0.25)
        for w in workers:
            w.send_signal(signal.SIGINT)
        for w in workers:
            try:
                w.wait(timeout=60)
            except subprocess.TimeoutExpired:
                # A worker stuck in its own shutdown (its Prefect server's SQLite busy)
                # is not what this test checks: stop and reap it.
                w.kill()
                w.wait(timeout=30)
    output = "".join(log.read_text() for log in logs)
    assert all(s.is_completed() for s in states), output[-4000:]

    after = snapshot(pg_database)
    assert _rows(after) == _rows(reference)
    assert after["duplicates"] == 0
    # No chunk was run twice: every article was fetched as new exactly once.
    assert set(after["new_fetches"].values()) == {1}
    store = Store(pg_database)
    chunks = store.chunks(SOURCES, SINCE, UNTIL)
    store.close()
    assert len(chunks) == 2 * WEEKS
    assert {c["state"] for c in chunks} == {"done"}
    assert {c["attempts"] for c in chunks} == {1}
    # Both flow runs (each a process started by its worker) took chunks.
    owners = Counter(c["owner"].rsplit(":", 2)[1] for c in chunks)
    assert len(owners) == 2, owners
