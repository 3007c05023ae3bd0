"""The worker pool gives the same results as parsing in-process, in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows.workers import page_pool, parse_and_extract, worker_count
from schemas.records import FetchOutcome, FetchState, Page
from tests.flows.test_crawl import article


def _outcomes(n: int) -> list[FetchOutcome]:
    out = []
    for i in range(n):
        url = f"http://127.0.0.1/news/{i}"
        page = Page(
            url=url,
            final_url=url,
            status=200,
            body=article(i).encode(),
            headers={"content-type": "text/html; charset=utf-8"},
        )
        out.append(FetchOutcome(url=url, state=FetchState.NEW, page=page))
    out.append(FetchOutcome(url="http://127.0.0.1/gone", state=FetchState.FAILED, error="http 404"))
    return out


def test_pool_matches_in_process_results() -> None:
    outcomes = _outcomes(9)
    inline = parse_and_extract(outcomes)
    with page_pool(2, min_pooled=2) as pool:
        assert pool.workers == 2
        pooled = pool.run(outcomes)
        assert pool._executor is not None  # the batch really went to worker processes
    assert [r.outcome.url for r in pooled] == [o.url for o in outcomes]
    assert [(r.state, r.article, r.observations) for r in pooled] == [
        (r.state, r.article, r.observations) for r in inline
    ]
    assert sum(len(r.observations) for r in pooled) >= 9


def test_small_batches_stay_in_process() -> None:
    with page_pool(2) as pool:
        assert len(pool.run(_outcomes(3))) == 4
        assert pool._executor is None


def test_start_launches_the_workers_only_for_batches_worth_them() -> None:
    with page_pool(2, min_pooled=5) as pool:
        pool.start(4)
        assert pool._starter is None and pool._executor is None
        pool.start(5)
        assert pool._starter is not None
        pool._starter.join(timeout=60)
        assert pool._executor is not None
        assert len(pool.run(_outcomes(6))) == 7


def test_prepare_starts_the_fork_server_and_the_workers_come_from_it() -> None:
    from multiprocessing import forkserver

    with page_pool(2, min_pooled=5) as pool:
        pool.prepare()
        assert pool._preparer is not None
        pool._preparer.join(timeout=60)
        # The fork server runs before any worker, with the workers' modules loaded.
        assert forkserver._forkserver._forkserver_pid is not None
        assert pool._executor is None
        pool.start(5)
        assert pool._starter is not None
        pool._starter.join(timeout=60)
        assert len(pool.run(_outcomes(6))) == 7
    with page_pool(1) as single:
        single.prepare()  # one worker means no processes: nothing to prepare
        assert single._preparer is None


def test_a_pool_that_cannot_start_leaves_the_work_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("no new processes here")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    with page_pool(2, min_pooled=2) as pool:
        pool.start(9)
        assert pool._starter is not None
        pool._starter.join(timeout=60)
        assert pool._executor is None and not pool.will_pool(9)
        assert len(pool.run(_outcomes(9))) == 10


def test_a_pooled_batch_is_validated_once_in_the_calling_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flows.workers

    calls: list[int] = []

    def validator(rows: Any, texts: Any) -> tuple[list[Any], list[Any]]:
        calls.append(len(rows))
        return list(rows), []

    monkeypatch.setattr(flows.workers, "gx_validator", validator)
    outcomes = _outcomes(9)
    with page_pool(2, min_pooled=2) as pool:
        pooled = pool.run(outcomes)
    assert calls == [sum(len(r.observations) for r in pooled)]


def test_worker_count() -> None:
    assert worker_count(3) == 3
    assert worker_count(0) >= 1


def test_bodies_are_archived_in_the_workers_and_not_sent_back(tmp_path: Path) -> None:
    from schemas.archive import Archive, digest_of

    outcomes = _outcomes(9)
    digests = [digest_of(o.page.body) if o.page else None for o in outcomes]
    with page_pool(2, min_pooled=2) as pool:
        results = pool.run(outcomes, tmp_path / "archive")
    archive = Archive(tmp_path / "archive")
    for res, digest, original in zip(results, digests, outcomes, strict=True):
        assert res.outcome.body_digest == digest
        if digest is None:
            continue
        assert res.outcome.page is not None and res.outcome.page.body == b""
        assert original.page is not None
        assert archive.get(digest).body == original.page.body


def test_a_body_the_archive_cannot_take_stays_on_its_outcome(tmp_path: Path) -> None:
    blocked = tmp_path / "archive"
    blocked.write_text("a file where the archive folder should be")
    outcomes = _outcomes(3)
    results = parse_and_extract(outcomes, str(blocked))
    assert [r.state for r in results] == [r.state for r in parse_and_extract(outcomes)]
    for res, original in zip(results, outcomes, strict=True):
        assert res.outcome.body_digest is None
        assert res.outcome.page == original.page  # kept: the store digests it itself
