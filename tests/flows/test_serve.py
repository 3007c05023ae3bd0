"""``gaptrack serve``: its own Prefect server, scheduled runs that store data, clean stops.

Prefect's temporary test server runs no scheduler, so this starts the real
thing: ``gaptrack serve`` as a subprocess, which starts ``prefect server start``
on a free port of 127.0.0.1 and serves the ingest deployment every 10 seconds.
"""

from __future__ import annotations

import datetime as dt
import signal
import socket
from pathlib import Path

import pytest

from flows.serve import free_port
from tests.flows.dated_site import build, env, gaptrack, sqlite_rows, wait_for
from tests.server import SiteServer

pytestmark = pytest.mark.slow


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _count(db: Path, sql: str) -> int:
    rows = sqlite_rows(db, sql)
    return int(rows[0][0]) if rows else 0


def _paused(prefect_db: Path) -> list[int]:
    return [r[0] for r in sqlite_rows(prefect_db, "SELECT paused FROM deployment")]


def test_serve_runs_scheduled_ingest_and_resumes_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    data = tmp_path / "data"
    prefect_db = data / "prefect" / "prefect.db"
    with SiteServer() as site:
        dated = build(site, tmp_path, dt.date(2024, 1, 1), 1)
        environ = env(
            GAPTRACK_DATABASE_URL=f"sqlite:///{db}",
            GAPTRACK_DATA_DIR=str(data),
            GAPTRACK_SOURCES_FILE=str(dated.sources_file),
            # The serving process's own Prefect files stay in the test's folder.
            PREFECT_HOME=str(tmp_path / "prefect-client"),
            PREFECT_RUNNER_POLL_FREQUENCY="2",
        )
        environ.pop("PREFECT_API_URL", None)
        port = free_port()
        args = ["serve", "--only", "ingest", "--schedule", "ingest=10", "--port", str(port)]
        log = tmp_path / "serve.log"

        done_runs = "SELECT count(*) FROM runs WHERE status = 'completed'"
        first = gaptrack(args, environ, log)
        try:
            # Observations are stored slice by slice; wait for a whole run to complete.
            wait_for(
                lambda: _count(db, done_runs) and _count(db, "SELECT count(*) FROM observations"),
                300,
                "a scheduled ingest to complete and store observations",
                interval=1,
            )
            assert _listening(port)
        finally:
            first.send_signal(signal.SIGINT)
            code = first.wait(timeout=120)
        output = log.read_text()
        assert code == 0, output[-4000:]
        assert "stopped" in output
        assert not _listening(port), "the Prefect server outlived gaptrack serve"
        # Prefect's runner pauses what it served when it stops ...
        assert _paused(prefect_db) == [1]
        completed = _count(db, done_runs)
        assert completed >= 1

        second = gaptrack(args, environ, log)
        try:
            # ... and serving again resumes the schedule: new runs happen.
            wait_for(lambda: _paused(prefect_db) == [0], 300, "the deployment to be resumed")
            wait_for(
                lambda: _count(db, done_runs) > completed,
                300,
                "a scheduled ingest after the restart",
                interval=1,
            )
        finally:
            second.send_signal(signal.SIGTERM)
            code = second.wait(timeout=120)
        assert code == 0, log.read_text()[-4000:]
        assert not _listening(port)
    assert _count(db, "SELECT count(*) FROM articles") == len(dated.articles)
