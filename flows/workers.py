"""Parse and extract on every CPU core: a process pool shared by one flow run.

Parsing HTML and matching patterns are pure Python, so threads would wait on
each other; processes do not. Pages go to the workers in slices (one pickle
round trip per slice, not per page) and come back as PageResults. With one
worker, or when a pool cannot start, the same functions run inline.

Validation stays in the calling process, once per batch: a Great Expectations
call costs about a quarter of a second whatever its size, and importing GX costs
seconds, so one validator serving every worker is far cheaper than one per worker.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from flows.pipeline import (
    archive_pages,
    extract_all,
    extract_article,
    gx_validator,
    parse_pages,
    validate_results,
    without_bodies,
)
from schemas.records import FetchOutcome, PageResult

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def parse_and_extract(
    outcomes: Sequence[FetchOutcome], archive_dir: str | None = None
) -> list[PageResult]:
    """Parse pages and extract observations from each article; one result per outcome.

    With ``archive_dir``, every body read is archived first, and the results come
    back without the bodies: the archive has them, and they would only be copied
    between processes again.
    """
    if archive_dir is None:
        return extract_all(parse_pages(outcomes), extract_article)
    archived = archive_pages(outcomes, Path(archive_dir))
    return without_bodies(extract_all(parse_pages(archived), extract_article))


def parse_extract_validate(
    outcomes: Sequence[FetchOutcome], archive_dir: Path | None = None
) -> list[PageResult]:
    """The middle of the pipeline, in this process: (archive,) parse, extract, validate."""
    folder = str(archive_dir) if archive_dir is not None else None
    return validate_results(parse_and_extract(outcomes, folder), gx_validator)


def _warm() -> None:
    # Import the heavy modules once per worker, before the first slice arrives.
    import trafilatura  # noqa: F401 - imported inside the parse stage, on first use

    import extractors.metrics
    import extractors.parse

    extractors.metrics.extract("Warm-up: the US drew $1 billion of AI investment in 2023.")


#: Modules the fork server imports once, so that each worker forked from it has them.
PRELOAD = ("trafilatura", "extractors.parse", "extractors.metrics", "flows.workers", "flows.reread")


def _preload() -> list[str]:
    """What the fork server imports before it forks any worker.

    Each worker runs the main module again (as multiprocessing does for every
    start method but fork); with that module's imports already loaded in the
    fork server, that costs nothing. Without, a flow run by ``python -m
    prefect.engine`` would import Prefect again in every worker.
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    name = getattr(spec, "name", None)
    return [*PRELOAD, name] if name and name != "__main__" else list(PRELOAD)


def _ready() -> None:
    """A no-op: submitting it makes the pool start a worker."""


def _start_forkserver() -> None:
    """Start the fork server with the workers' modules loaded (see ``PagePool.prepare``)."""
    from multiprocessing import forkserver

    try:
        multiprocessing.get_context("forkserver").set_forkserver_preload(_preload())
        forkserver.ensure_running()
    except Exception:  # the pool then starts it, or parses in-process, as without this
        log.debug("fork server did not start ahead of the workers", exc_info=True)


def worker_count(setting: int) -> int:
    """Processes to use: the setting, or one per available core when it is 0."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Batches smaller than this are parsed in-process: starting workers costs about
#: a second, which a run of a few dozen pages would not win back.
MIN_POOLED = 100

#: Slices per worker and batch: several each, so that a worker given the longer
#: pages does not leave the others idle at the end of a run (a slice of 20 to
#: 60 pages is a fraction of a second of work; its round trip, about a millisecond).
SLICES_PER_WORKER = 8
MIN_SLICE = 20


class PagePool:
    """Maps parse-and-extract over pages, in worker processes when there are several.

    The processes start on the first batch of at least ``MIN_POOLED`` items and
    stay for the rest of the run.
    """

    def __init__(self, workers: int, *, min_pooled: int = MIN_POOLED) -> None:
        self.workers = workers
        self.min_pooled = min_pooled
        self._executor: Executor | None = None
        self._broken = workers <= 1
        self._starter: threading.Thread | None = None
        self._preparer: threading.Thread | None = None
        # Guards creating and closing the executor; batches run outside it.
        self._lock = threading.Lock()

    def will_pool(self, batch: int) -> bool:
        """Whether a batch of this size would go to worker processes."""
        return not self._broken and batch >= self.min_pooled

    def run(
        self, outcomes: Sequence[FetchOutcome], archive_dir: Path | None = None
    ) -> list[PageResult]:
        """Archive (into ``archive_dir``), parse and extract every outcome in the workers,
        then validate them here at once. Results keep the order of ``outcomes``.
        """
        folder = str(archive_dir) if archive_dir is not None else None
        work = functools.partial(parse_and_extract, archive_dir=folder)
        return validate_results(self.map(work, outcomes), gx_validator)

    def prepare(self) -> None:
        """Start, in the background, the fork server the workers will come from.

        It imports the parsing and extraction modules, most of a worker's start-up,
        while the caller does something else (lists sources); the workers forked
        from it later are ready at once. If no batch turns out large enough, it
        costs one idle process that ends with this one.
        """
        if self._broken or self._preparer is not None:
            return
        self._preparer = threading.Thread(
            target=_start_forkserver, name="page-pool-prepare", daemon=True
        )
        self._preparer.start()

    def start(self, batch: int) -> None:
        """Start the workers in the background if a batch of this size would use them.

        They then load their modules while the caller does something else
        (downloads); a batch that arrives first simply waits for them.
        """
        if self._starter is not None or not self.will_pool(batch):
            return
        self._starter = threading.Thread(target=self._spawn, name="page-pool-start", daemon=True)
        self._starter.start()

    def _spawn(self) -> None:
        if self._preparer is not None:
            self._preparer.join()
        with self._lock:
            executor = self._start()
            if executor is None:
                return
            try:
                for _ in range(self.workers):
                    executor.submit(_ready)
            except Exception:  # the first batch then runs in-process, as in ``map``
                log.exception("worker pool failed to start; parsing in-process")
                self._shutdown()
                self._broken = True

    def map(self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T]) -> list[R]:
        """``work`` over slices of ``items`` in the workers, results in input order.

        ``work`` must be a module-level function, or a partial of one (it is pickled by name).
        """
        executor = None
        if len(items) >= self.min_pooled:
            with self._lock:
                executor = self._start()
        if executor is None:
            return work(items)
        size = max(MIN_SLICE, -(-len(items) // (self.workers * SLICES_PER_WORKER)))
        slices = [items[i : i + size] for i in range(0, len(items), size)]
        try:
            parts = list(executor.map(work, slices))
        except Exception:  # a broken pool must not cost the batch: do it here instead
            log.exception("worker pool failed; running this batch in-process")
            with self._lock:
                self._shutdown()
                self._broken = True
            return work(items)
        return [r for part in parts for r in part]

    def _start(self) -> Executor | None:
        if self._executor is None and not self._broken:
            try:
                # forkserver: workers start from a clean process, not a copy of one whose
                # threads (Prefect's event loop, HTTP pools) may hold locks mid-fork.
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(_preload())
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=ctx, initializer=_warm
                )
            except (OSError, ValueError) as exc:
                log.warning("no worker processes (%s); parsing in-process", exc)
                self._broken = True
        return self._executor

    def close(self) -> None:
        """Stop the worker processes, if any started."""
        with self._lock:
            self._shutdown()

    def _shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


@contextmanager
def page_pool(workers: int, *, min_pooled: int | None = None) -> Iterator[PagePool]:
    """A PagePool for the duration of a run; ``workers`` as in ``worker_count``.

    ``min_pooled`` defaults to ``MIN_POOLED`` as it is when the run starts.
    """
    threshold = MIN_POOLED if min_pooled is None else min_pooled
    pool = PagePool(worker_count(workers), min_pooled=threshold)
    try:
        yield pool
    finally:
        pool.close()
