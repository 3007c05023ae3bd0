"""Two ingest runs at the same time on one SQLite store: both finish, nothing is duplicated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.flows.dated_site import build, env, gaptrack, sqlite_rows
from tests.server import SiteServer

pytestmark = [pytest.mark.usefixtures("prefect_server"), pytest.mark.slow]


def test_two_ingests_at_once_on_sqlite(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    db = tmp_path / "shared.db"
    environ = env(
        GAPTRACK_DATABASE_URL=f"sqlite:///{db}",
        GAPTRACK_DATA_DIR=str(tmp_path / "data"),
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
    )
    with SiteServer() as site:
        dated = build(site, tmp_path, dt.date(2024, 1, 1), 3, delay=0.05)
        args = ["ingest", "--sources", str(dated.sources_file), "--json"]
        outputs = [tmp_path / f"ingest{i}.json" for i in range(2)]
        procs = [
            gaptrack(args, environ, tmp_path / f"ingest{i}.log", out)
            for i, out in enumerate(outputs)
        ]
        codes = [p.wait(timeout=300) for p in procs]
    logs = "".join((tmp_path / f"ingest{i}.log").read_text() for i in range(2))
    assert codes == [0, 0], logs[-3000:]
    assert "database is locked" not in logs
    summaries = [json.loads(out.read_text()) for out in outputs]
    n = len(dated.articles)
    # Each article is new in exactly one of the two runs.
    assert sum(s["new_articles"] for s in summaries) == n
    assert all(s["failed"] == 0 for s in summaries)
    urls = [r[0] for r in sqlite_rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == n
    keys = [r[0] for r in sqlite_rows(db, "SELECT key FROM observations")]
    assert len(keys) == len(set(keys)) == sum(s["observations"] for s in summaries) >= n
    runs = sqlite_rows(db, "SELECT status FROM runs WHERE flow = 'ingest'")
    assert [r[0] for r in runs] == ["completed", "completed"]
