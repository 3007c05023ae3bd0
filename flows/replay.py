"""The ``replay`` Prefect flow: re-extract stored pages with the current extractor, offline.

Articles last extracted by another ``EXTRACTOR_VERSION`` are read back from
the raw archive (the body the fetch log's ``body_digest`` names), parsed,
extracted (in worker processes) and validated again, in batches of
``batch_size`` articles; the next batch is re-read while one is stored.
The new observations are stored and the ones they replace are marked
superseded, never deleted, so the store still answers what was believed when.
An article whose raw page is not in the archive is re-extracted from its
stored text. Nothing is fetched; running a replay twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.ingest import warm_up_validation
from flows.pipeline import Batch, gx_validator, validate_results
from flows.reread import reread_and_extract
from flows.settings import Settings
from flows.workers import PagePool, page_pool
from schemas.records import FetchState
from schemas.store import ReplayCounts, ReplayItem, Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReplayBatch:
    """What replaying one batch of articles did."""

    articles: int = 0
    from_archive: int = 0
    from_text: int = 0
    failed: int = 0
    counts: ReplayCounts | None = None


@dataclass(slots=True)
class Reread:
    """One batch re-read, extracted and validated, ready to store."""

    batch: ReplayBatch
    items: list[ReplayItem]


def reread_rows(
    archive_dir: Path, rows: Sequence[dict[str, Any]], pool: PagePool | None = None
) -> Reread:
    """Re-parse and re-extract one batch of stored articles, then validate it in one call."""
    batch = ReplayBatch(articles=len(rows))
    jobs = [(row, str(archive_dir)) for row in rows]
    reread = pool.map(reread_and_extract, jobs) if pool else reread_and_extract(jobs)
    checked = iter(validate_results([r for *_, r in reread if r is not None], gx_validator))
    items: list[ReplayItem] = []
    for row, article, origin, extracted in reread:
        if article is None or extracted is None:
            batch.failed += 1
            continue
        result = next(checked)
        batch.from_archive += origin == "archive"
        batch.from_text += origin == "text"
        if result.state != FetchState.NEW or result.article is None:
            batch.failed += 1  # the extractor raised on it; the old values stay believed
            continue
        items.append(
            ReplayItem(
                article_id=row["id"],
                url=result.article.url,
                # Only a re-parsed page can change the stored text and title.
                article=result.article if origin == "archive" else None,
                observations=result.observations,
                rejected=result.rejected,
            )
        )
    return Reread(batch, items)


def store_reread(store: Store, reread: Reread, extractor_version: str) -> ReplayBatch:
    """Store one re-read batch: new observations in, the ones they replace superseded."""
    reread.batch.counts = store.replace_observations(
        reread.items, extractor_version=extractor_version
    )
    return reread.batch


@task(name="reread", cache_policy=NO_CACHE)
def reread_batch(
    archive_dir: Path, rows: Batch[list[dict[str, Any]]], pool: PagePool | None = None
) -> Batch[Reread]:
    """Re-read, re-extract and validate one batch of stored articles."""
    return Batch(reread_rows(archive_dir, rows.take(), pool))


@task(name="store-replayed", cache_policy=NO_CACHE)
def store_batch(store: Store, reread: Batch[Reread], extractor_version: str) -> ReplayBatch:
    """Store one re-read batch."""
    return store_reread(store, reread.take(), extractor_version)


@flow(name="replay", log_prints=True)
def replay(
    since: dt.date | None = None,
    overrides: dict[str, Any] | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Re-extract stored articles (published on or after ``since``) with the current extractor.

    Articles already extracted by the current version are left alone unless ``force``.
    """
    import extractors.metrics

    logger = get_run_logger()
    if isinstance(since, str):
        since = dt.date.fromisoformat(since)
    settings = Settings(**(overrides or {}))
    # Read at run time, not import time, so the version in force is the one recorded.
    version = extractors.metrics.EXTRACTOR_VERSION
    store = Store(settings.sqlalchemy_url)
    run_id = store.start_run(
        "replay", {"since": since.isoformat() if since else None, "extractor_version": version}
    )
    totals = ReplayBatch()
    counts = ReplayCounts()
    status = "failed"
    stack = ExitStack()
    try:
        pool = stack.enter_context(page_pool(settings.workers))

        def finish(stored: Any) -> None:
            batch = stored.result()
            totals.articles += batch.articles
            totals.from_archive += batch.from_archive
            totals.from_text += batch.from_text
            totals.failed += batch.failed
            if batch.counts is not None:
                counts.add(batch.counts)

        # The workers re-read the next batch while this one is validated and stored;
        # at most ``ahead`` batches are in flight, so memory stays bounded.
        ahead = 2
        in_flight: deque[Any] = deque()
        previous: Any = None
        after = 0
        while True:
            rows = store.replay_candidates(
                None if force else version, since=since, after_id=after, limit=settings.batch_size
            )
            if not rows:
                break
            if not after:
                # Load the validator here and start the workers while this batch is read.
                warm_up_validation()
                pool.start(len(rows))
            after = rows[-1]["id"]
            reread = reread_batch.submit(settings.archive_path, Batch(rows), pool)
            # Prefect resolves a future passed as an argument; its stubs do not say so.
            stored = store_batch.submit(  # type: ignore[call-overload]
                store, reread, version, wait_for=[previous] if previous else None
            )
            previous = stored
            in_flight.append(stored)
            if len(in_flight) >= ahead:
                finish(in_flight.popleft())
        while in_flight:
            finish(in_flight.popleft())
        status = "completed"
    finally:
        stack.close()
        result = {
            "run_id": run_id,
            "extractor_version": version,
            "articles": totals.articles,
            "replayed": counts.articles,
            "from_archive": totals.from_archive,
            "from_text": totals.from_text,
            "failed": totals.failed,
            "observations": counts.observations,
            "superseded": counts.superseded,
            "quarantined": counts.quarantined,
        }
        store.finish_run(run_id, status, result)
        store.close()
    logger.info("replay summary: %s", result)
    return result
