"""The ``backfill`` Prefect flow: ingest a past date window, one source-week at a time.

The window is split into chunks, one per source and ISO week (clipped to the
window), recorded in the store's ``backfill_chunks`` table. Workers claim
chunks atomically under a lease they renew with a heartbeat, so any number of
processes on any number of machines can run the same backfill at once: each
chunk is done by one of them, a chunk whose worker died is picked up again
(at once when that worker ran on the same machine, when its lease runs out
otherwise), and a chunk that finished is never redone unless forced. Every
chunk runs the ingest machinery (``flows.ingest.ingest_window``) with the
source's date-window listing; the store's idempotent appends make a chunk
that is run twice add nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import load_sources
from flows.ingest import IngestContext, SourceReport, add_to_summary, fetch_config, ingest_window
from flows.pipeline import Summary
from flows.settings import Settings
from flows.workers import page_pool
from schemas.records import Source
from schemas.store import BackfillChunk, Store

log = logging.getLogger(__name__)

#: Seconds a claimed chunk stays reserved without a heartbeat.
DEFAULT_LEASE_SECONDS = 120.0


def week_windows(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The ISO weeks (Monday to Sunday) covering ``[since, until]``, clipped to it."""
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    out: list[tuple[dt.date, dt.date]] = []
    start = since
    while start <= until:
        sunday = start + dt.timedelta(days=6 - start.weekday())
        end = min(sunday, until)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def plan_chunks(
    names: Sequence[str], since: dt.date, until: dt.date
) -> list[tuple[str, dt.date, dt.date]]:
    """Every (source, first day, last day) chunk of a backfill, oldest week first."""
    return [(name, a, b) for a, b in week_windows(since, until) for name in names]


def host_id() -> str:
    """This machine, and on Linux its PID namespace, so containers sharing a hostname differ."""
    host = socket.gethostname().replace(":", "_")
    with contextlib.suppress(OSError):
        ns = str(Path("/proc/self/ns/pid").readlink())  # "pid:[4026531836]"
        host += "/" + "".join(ch for ch in ns if ch.isdigit())
    return host


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return True  # unknown owner: leave it to its lease
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Heartbeat:
    """Renews the leases of the chunks this worker holds, from a background thread."""

    def __init__(self, store: Store, owner: str, lease_seconds: float) -> None:
        self.store = store
        self.owner = owner
        self.lease_seconds = lease_seconds
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backfill-heartbeat", daemon=True)

    def hold(self, chunk_id: int) -> None:
        """Start renewing ``chunk_id``."""
        with self._lock:
            self._held.add(chunk_id)

    def drop(self, chunk_id: int) -> None:
        """Stop renewing ``chunk_id``."""
        with self._lock:
            self._held.discard(chunk_id)

    @property
    def held(self) -> list[int]:
        """The chunk ids being renewed."""
        with self._lock:
            return sorted(self._held)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        # Four beats per lease: a slow database or a long pause can miss a few.
        while not self._stop.wait(self.lease_seconds / 4):
            ids = self.held
            if not ids:
                continue
            try:
                kept = self.store.renew_chunks(self.owner, ids, lease_seconds=self.lease_seconds)
            except Exception:  # a missed beat is not fatal while the lease lasts
                log.warning("could not renew backfill leases", exc_info=True)
                continue
            lost = set(ids) - kept
            if lost:
                log.warning("lost the lease on backfill chunks %s", sorted(lost))


class UIProgress:
    """A progress artifact in the Prefect UI; failures to report never stop the backfill."""

    def __init__(self, key: str, description: str) -> None:
        self.key = key
        self.description = description
        self.artifact_id: Any = None

    def update(self, states: dict[str, int]) -> None:
        """Show the share of the window's chunks that are finished."""
        from prefect.artifacts import create_progress_artifact, update_progress_artifact

        total = sum(states.values())
        finished = states.get("done", 0) + states.get("failed", 0)
        percent = 100.0 * finished / total if total else 100.0
        text = f"{self.description}: {finished}/{total} chunks" + (
            f", {states['failed']} failed" if states.get("failed") else ""
        )
        try:
            if self.artifact_id is None:
                self.artifact_id = create_progress_artifact(
                    progress=percent, key=self.key, description=text
                )
            else:
                update_progress_artifact(self.artifact_id, progress=percent, description=text)
        except Exception:
            log.warning("could not report backfill progress to Prefect", exc_info=True)


@task(name="backfill-chunk", cache_policy=NO_CACHE)
def run_chunk(ctx: IngestContext, source: Source, chunk: BackfillChunk, limit: int) -> SourceReport:
    """Ingest one source-week of a backfill."""
    return ingest_window(ctx, source, chunk.window_start, chunk.window_end, limit)


def _chunk_summary(report: SourceReport) -> dict[str, Any]:
    one = Summary()
    add_to_summary(one, report)
    return {k: v for k, v in one.as_dict().items() if k not in ("sources", "reasons")}


def _as_date(value: dt.date | str, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


@flow(name="backfill", log_prints=True)
def backfill(
    since: dt.date,
    until: dt.date,
    source_names: list[str] | None = None,
    sources_file: str | None = None,
    force: bool = False,
    concurrency: int = 2,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ingest past articles of ``[since, until]``, per source and week; returns the summary."""
    logger = get_run_logger()
    since, until = _as_date(since, "since"), _as_date(until, "until")
    settings = Settings(**(overrides or {}))
    sources = load_sources(
        Path(sources_file) if sources_file else settings.sources_file, names=source_names
    )
    by_name = {s.name: s for s in sources}
    names = list(by_name)
    started = dt.datetime.now(dt.UTC)
    host = host_id()
    owner = f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    store = Store(settings.sqlalchemy_url)
    params = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "sources": names,
        "force": force,
        "concurrency": concurrency,
    }
    run_id = store.start_run("backfill", params)
    summary = Summary()
    ran = failed = 0
    status = "failed"
    stack = ExitStack()
    try:
        # Worker processes parse and extract every chunk's pages; they start on the
        # first batch large enough to be worth them and serve the whole backfill.
        pool = stack.enter_context(page_pool(settings.workers))
        ctx = IngestContext(
            store, run_id, settings, fetch_config(settings), store.sync_sources(sources), pool
        )
        store.plan_chunks(plan_chunks(names, since, until))
        # Failures of earlier runs are retried; finished chunks only when forced.
        again = ["failed", "done"] if force else ["failed"]
        store.reset_chunks(names, since, until, states=again, finished_before=started)
        store.release_dead_chunks(host, pid_alive)
        progress = UIProgress(
            f"backfill-{since:%Y%m%d}-{until:%Y%m%d}", f"backfill {since} to {until}"
        )
        progress.update(store.chunk_states(names, since, until))
        with Heartbeat(store, owner, lease_seconds) as heart:
            for chunk, report, error in _run_chunks(
                ctx, store, heart, by_name, since, until, concurrency, lease_seconds
            ):
                ran += 1
                if report is not None:
                    add_to_summary(summary, report)
                    if report.listing_failures and error is None:
                        error = f"{report.listing_failures} listing(s) could not be read"
                state = "failed" if error else "done"
                failed += state == "failed"
                chunk_summary = _chunk_summary(report) if report is not None else None
                if not store.finish_chunk(
                    chunk.id, owner, state=state, summary=chunk_summary, error=error
                ):
                    logger.warning(
                        "chunk %s %s..%s was taken over by another worker",
                        chunk.source,
                        chunk.window_start,
                        chunk.window_end,
                    )
                heart.drop(chunk.id)
                logger.info(
                    "chunk %s %s..%s %s%s",
                    chunk.source,
                    chunk.window_start,
                    chunk.window_end,
                    state,
                    f": {error}" if error else "",
                )
                progress.update(store.chunk_states(names, since, until))
        status = "completed"
    finally:
        stack.close()
        # Chunks claimed but not finished (an interrupt) go back to the queue at once.
        store.release_chunks(owner)
        states = store.chunk_states(names, since, until)
        result = summary.as_dict() | {
            "run_id": run_id,
            "chunks": {
                "total": sum(states.values()),
                "done": states.get("done", 0),
                "failed": states.get("failed", 0),
                "pending": states.get("pending", 0) + states.get("running", 0),
                "ran": ran,
                "failed_now": failed,
            },
        }
        store.finish_run(run_id, status, result)
        store.close()
    logger.info("backfill summary: %s", {k: v for k, v in result.items() if k != "sources"})
    return result


def _run_chunks(
    ctx: IngestContext,
    store: Store,
    heart: Heartbeat,
    by_name: dict[str, Source],
    since: dt.date,
    until: dt.date,
    concurrency: int,
    lease_seconds: float,
) -> Iterator[tuple[BackfillChunk, SourceReport | None, str | None]]:
    """Claim and run chunks, at most ``concurrency`` at a time, until the window is finished.

    Yields each chunk as it ends, with its report or the error that stopped
    it. When the chunks left are held by other workers, waits for them, so a
    worker that dies is replaced by this one once its lease runs out.
    """
    from prefect.futures import as_completed

    names = list(by_name)
    host = host_id()
    limit = ctx.settings.max_pages_per_source
    in_flight: dict[Any, BackfillChunk] = {}
    poll = max(0.5, min(5.0, lease_seconds / 4))
    while True:
        while len(in_flight) < max(1, concurrency):
            chunk = store.claim_chunk(
                heart.owner, names, since, until, lease_seconds=lease_seconds, run_id=ctx.run_id
            )
            if chunk is None:
                break
            heart.hold(chunk.id)
            future = run_chunk.with_options(
                task_run_name=f"{chunk.source} {chunk.window_start}..{chunk.window_end}"
            ).submit(ctx, by_name[chunk.source], chunk, limit)
            in_flight[future] = chunk
        if not in_flight:
            if not store.chunk_states(names, since, until).get("running"):
                return
            time.sleep(poll)
            store.release_dead_chunks(host, pid_alive)
            continue
        done = next(as_completed(list(in_flight)))
        chunk = in_flight.pop(done)
        try:
            report: SourceReport = done.result()
        except Exception as exc:
            yield chunk, None, repr(exc)
        else:
            yield chunk, report, None
