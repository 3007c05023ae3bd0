"""The ``ingest`` Prefect flow: discover -> fetch -> parse -> extract -> validate -> store.

Discovery is one task per source. The pages then move in slices of
``fetch_chunk`` through three tasks at once: ``fetch`` (an async HTTP client
in a thread), ``parse`` (parse and extract in worker processes, then one
validation call for the slice) and ``store`` (one writer, slices in order);
at most three slices are in flight, so memory does not grow with the number
of pages. No task runs per article: a task costs milliseconds of orchestration.

The stages are also plain functions (``discover_links``, ``plan_fetch``,
``fetch_links``, ``process_pages``, ``ingest_window``) so the backfill flow
runs the same machinery for one source and one date window.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import load_sources
from flows.pipeline import Batch, Summary, mark_known
from flows.settings import Settings
from flows.workers import PagePool, page_pool, parse_extract_validate
from schemas.records import (
    FetchOutcome,
    FetchState,
    Link,
    PageResult,
    Source,
)
from schemas.store import SaveCounts, Store

log = logging.getLogger(__name__)

#: Listing pages followed per source (next pages, child sitemaps).
MAX_LISTING_PAGES = 50


@dataclass(slots=True)
class SourceFetch:
    """What one source yielded: its listing fetches and its page fetches."""

    source: Source
    listings: list[FetchOutcome] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class IngestContext:
    """What the stages of one run share: the store, the run record, settings, fetch config."""

    store: Store
    run_id: str
    settings: Settings
    config: Any
    source_ids: dict[str, int]
    pool: PagePool | None = None


@dataclass(slots=True)
class FetchPlan:
    """The links of one source to request, and those fetched so recently they are skipped."""

    source: Source
    to_fetch: list[Link]
    fresh: list[FetchOutcome]
    validators: dict[str, tuple[str | None, str | None]]
    listing_failures: int


@dataclass(slots=True)
class SourceReport:
    """What ingesting one source (or one source-window) did."""

    source: str
    urls_seen: int = 0
    fetched: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    listing_failures: int = 0

    def add(self, outcomes: Sequence[FetchOutcome], counts: SaveCounts) -> None:
        """Count one processed slice of the source's URLs."""
        fetched = sum(o.page is not None for o in outcomes)
        self.add_slice(StoredSlice(len(outcomes), fetched, counts))

    def add_slice(self, stored: StoredSlice) -> None:
        """Count one stored slice."""
        self.urls_seen += stored.urls
        self.fetched += stored.fetched
        self.counts.add(stored.counts)


@dataclass(slots=True)
class StoredSlice:
    """What storing one slice did: its URLs, how many had a body, and the store's counts."""

    urls: int
    fetched: int
    counts: SaveCounts


def fetch_config(settings: Settings) -> Any:
    """The fetcher's configuration from settings."""
    from extractors.fetch import FetchConfig

    return FetchConfig(
        user_agent=settings.user_agent.format(contact=settings.contact_url),
        read_timeout=settings.timeout,
        max_bytes=settings.max_bytes,
        retries=settings.retries,
        backoff_base=settings.backoff,
        concurrency=settings.fetch_concurrency,
        per_host_concurrency=settings.per_host_concurrency,
        per_host_min_delay=settings.per_host_delay,
        allowed_hosts=settings.allowed_host_set,
    )


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return log


def discover_links(
    source: Source, config: Any, since: dt.date | None, until: dt.date | None, max_pages: int
) -> SourceFetch:
    """List the article URLs a source offers (for a date window where it can); never raises."""
    from extractors.discover import discover
    from extractors.fetch import Fetcher

    async def run() -> SourceFetch:
        async with Fetcher(config) as fetcher:
            found = await discover(source, fetcher, since=since, until=until, max_pages=max_pages)
        return SourceFetch(source, listings=list(found.listings), links=list(found.links))

    try:
        return asyncio.run(run())
    except Exception as exc:  # one broken source must not stop the others
        _logger().exception("discovery failed for source %s", source.name)
        failed = FetchOutcome(
            url=source.url, state=FetchState.FAILED, error=repr(exc), source=source.name
        )
        return SourceFetch(source, listings=[failed], error=repr(exc))


def fetch_links(
    source: Source,
    links: Sequence[Link],
    config: Any,
    validators: dict[str, tuple[str | None, str | None]],
) -> list[FetchOutcome]:
    """Fetch one source's pages with conditional GETs; never raises.

    The bodies are archived by the parse stage, in the worker processes.
    """
    from extractors.fetch import Fetcher, Validators

    async def run() -> list[FetchOutcome]:
        known = {url: Validators(etag, lm) for url, (etag, lm) in validators.items()}
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch_many(links, validators=known)

    try:
        return asyncio.run(run())
    except Exception as exc:  # every URL still ends in a state, and other sources go on
        _logger().exception("fetching failed for source %s", source.name)
        return [
            FetchOutcome(url=lk.url, state=FetchState.FAILED, error=repr(exc), source=source.name)
            for lk in links
        ]


def process_pages(
    store: Store,
    run_id: str,
    outcomes: Sequence[FetchOutcome],
    source_ids: dict[str, int],
    pool: PagePool | None = None,
    archive_dir: Path | None = None,
) -> SaveCounts:
    """Archive, parse, extract, validate and store one batch of fetched pages."""
    return store_results(store, run_id, parse_outcomes(outcomes, pool, archive_dir), source_ids)


def parse_outcomes(
    outcomes: Sequence[FetchOutcome], pool: PagePool | None, archive_dir: Path | None
) -> list[PageResult]:
    """Archive every body read into ``archive_dir``, parse, extract (in the worker
    processes when there is a pool) and validate one batch."""
    if pool is not None:
        return pool.run(outcomes, archive_dir)
    return parse_extract_validate(outcomes, archive_dir)


def store_results(
    store: Store, run_id: str, results: Sequence[PageResult], source_ids: dict[str, int]
) -> SaveCounts:
    """Store validated pages; texts already stored are set aside as unchanged or duplicate."""
    from extractors.metrics import EXTRACTOR_VERSION

    articles = [r.article for r in results if r.article is not None]
    stored_hashes, hash_owner = store.article_hashes(
        [a.url for a in articles], [a.content_hash for a in articles]
    )
    results = mark_known(results, stored_hashes, hash_owner)
    return store.save(run_id, results, extractor_version=EXTRACTOR_VERSION, source_ids=source_ids)


@task(name="discover", cache_policy=NO_CACHE)
def discover_source(
    source: Source, config: Any, since: dt.date | None, until: dt.date | None, max_pages: int
) -> SourceFetch:
    """List the article URLs a source offers (for a date window where it can)."""
    return discover_links(source, config, since, until, max_pages)


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_pages(
    source: Source,
    links: Batch[list[Link]],
    config: Any,
    validators: Batch[dict[str, tuple[str | None, str | None]]],
) -> Batch[list[FetchOutcome]]:
    """Fetch one source's pages with conditional GETs."""
    return Batch(fetch_links(source, links.items, config, validators.items))


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    store: Store,
    run_id: str,
    outcomes: Sequence[FetchOutcome],
    source_ids: dict[str, int],
    pool: PagePool | None = None,
) -> SaveCounts:
    """Store one batch of outcomes that need no fetching (pages fetched too recently)."""
    return process_pages(store, run_id, outcomes, source_ids, pool)


def plan_fetch(
    ctx: IngestContext,
    found: SourceFetch,
    claimed: set[str],
    limit: int,
    window: tuple[dt.date, dt.date] | None = None,
) -> FetchPlan:
    """Log a source's listings and choose which of its links to request.

    At most ``limit`` links not ``claimed`` by another source of the run; with
    a ``window``, links dated inside it come first, since a listing that only
    knows modification dates may name later articles too. Links fetched within
    ``revisit_after_hours`` are not requested again.
    """
    from extractors.sources.base import in_window

    store = ctx.store
    store.log_outcomes(ctx.run_id, found.listings, kind="listing")
    failures = sum(o.state == FetchState.FAILED for o in found.listings)
    candidates = [lk for lk in found.links if lk.url not in claimed]
    if window is not None:
        candidates.sort(key=lambda lk: not in_window(lk.published, *window))
    links = candidates[:limit]
    claimed.update(lk.url for lk in links)
    cut = dt.datetime.now(dt.UTC) - dt.timedelta(hours=ctx.settings.revisit_after_hours)
    recent = store.recently_fetched([lk.url for lk in links], cut)
    to_fetch = [lk for lk in links if lk.url not in recent]
    fresh = [
        FetchOutcome(lk.url, FetchState.UNCHANGED, reason="fresh", source=lk.source)
        for lk in links
        if lk.url in recent
    ]
    validators = store.validators([lk.url for lk in to_fetch])
    return FetchPlan(found.source, to_fetch, fresh, validators, failures)


def store_outcomes(
    outcomes: Sequence[FetchOutcome],
    batch_size: int,
    process: Callable[[Sequence[FetchOutcome]], SaveCounts],
) -> SaveCounts:
    """Run ``process`` over the outcomes in batches and add up what it stored."""
    counts = SaveCounts()
    for i in range(0, len(outcomes), batch_size):
        counts.add(process(outcomes[i : i + batch_size]))
    return counts


def ingest_window(
    ctx: IngestContext, source: Source, since: dt.date, until: dt.date, limit: int
) -> SourceReport:
    """Discover, fetch and store what one source lists for ``[since, until]``, in this thread."""
    found = discover_links(source, ctx.config, since, until, MAX_LISTING_PAGES)
    plan = plan_fetch(ctx, found, set(), limit, (since, until))
    report = SourceReport(source.name, listing_failures=plan.listing_failures)
    size = ctx.settings.batch_size

    def process(batch: Sequence[FetchOutcome]) -> SaveCounts:
        return process_pages(
            ctx.store, ctx.run_id, batch, ctx.source_ids, ctx.pool, ctx.settings.archive_path
        )

    report.add(plan.fresh, store_outcomes(plan.fresh, size, process))
    for links in _slices(plan.to_fetch, ctx.settings.fetch_chunk):
        fetched = fetch_links(source, links, ctx.config, plan.validators)
        report.add(fetched, store_outcomes(fetched, size, process))
    return report


def _slices(items: Sequence[Link], size: int, *, ramp: bool = False) -> list[list[Link]]:
    """``items`` in slices of ``size``; with ``ramp``, the first is a quarter as long.

    A short first slice gets the parse workers going while the rest downloads,
    instead of idle for as long as a whole slice takes to fetch.
    """
    size = max(1, size)
    first = max(1, size // 4) if ramp and len(items) > size else size
    out = [list(items[:first])]
    out += [list(items[i : i + size]) for i in range(first, len(items), size)]
    return [s for s in out if s]


@task(name="parse", cache_policy=NO_CACHE)
def parse_slice(
    outcomes: Batch[list[FetchOutcome]], pool: PagePool | None, archive_dir: Path
) -> Batch[list[PageResult]]:
    """Archive, parse and extract one fetched slice in the worker processes, and validate it."""
    return Batch(parse_outcomes(outcomes.take(), pool, archive_dir))


@task(name="store", cache_policy=NO_CACHE)
def store_slice(
    store: Store, run_id: str, results: Batch[list[PageResult]], source_ids: dict[str, int]
) -> StoredSlice:
    """Store one parsed and validated slice (each URL has exactly one result)."""
    items = results.take()
    fetched = sum(r.outcome.page is not None for r in items)
    return StoredSlice(len(items), fetched, store_results(store, run_id, items, source_ids))


def _finish_slice(job: tuple[FetchPlan, Any], reports: dict[str, SourceReport]) -> None:
    """Wait until the oldest slice in flight is stored and count it.

    Only the store's future is kept: holding the fetch's would keep a slice's
    bodies in memory until then.
    """
    plan, stored = job
    reports[plan.source.name].add_slice(stored.result())


def warm_up_validation() -> None:
    """Load Great Expectations in the background while sources are listed and fetched."""
    import threading

    from expectations.validate import warm_up

    threading.Thread(target=warm_up, name="gx-warm-up", daemon=True).start()


def add_to_summary(summary: Summary, report: SourceReport) -> None:
    """Add one source's (or one chunk's) numbers to a run's summary."""
    states = report.counts.states
    row = {
        "urls_seen": report.urls_seen,
        "fetched": report.fetched,
        "new_articles": report.counts.new_articles,
        "unchanged": states.get(FetchState.UNCHANGED, 0),
        "skipped": states.get(FetchState.SKIPPED, 0),
        "failed": states.get(FetchState.FAILED, 0),
        "observations": report.counts.observations,
        "quarantined": report.counts.quarantined,
    }
    per_source = summary.sources.setdefault(report.source, dict.fromkeys(row, 0))
    for key, value in row.items():
        per_source[key] += value
    summary.urls_seen += row["urls_seen"]
    summary.fetched += row["fetched"]
    summary.new_articles += row["new_articles"]
    summary.unchanged += row["unchanged"]
    summary.skipped += row["skipped"]
    summary.failed += row["failed"]
    summary.observations += row["observations"]
    summary.quarantined += row["quarantined"]
    summary.listing_failures += report.listing_failures


@flow(name="ingest", log_prints=True, validate_parameters=False)
def ingest(
    sources_file: str | None = None,
    source_names: list[str] | None = None,
    limit: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ingest the configured sources once and return the run's summary."""
    logger = get_run_logger()
    settings = Settings(**(overrides or {}))
    sources = load_sources(
        Path(sources_file) if sources_file else settings.sources_file, names=source_names
    )
    config = fetch_config(settings)
    per_source = limit or settings.max_pages_per_source
    store = Store(settings.sqlalchemy_url)
    run_id = store.start_run("ingest", {"sources": [s.name for s in sources], "limit": limit})
    summary = Summary()
    stack = ExitStack()
    try:
        pool = stack.enter_context(page_pool(settings.workers))
        if per_source * len(sources) >= pool.min_pooled:
            # The run may be large enough for the workers: load their modules while
            # the sources are listed.
            pool.prepare()
        ctx = IngestContext(store, run_id, settings, config, store.sync_sources(sources), pool)
        discovered = [
            f.result()
            for f in [
                discover_source.submit(s, config, since, until, MAX_LISTING_PAGES) for s in sources
            ]
        ]
        claimed: set[str] = set()
        plans = [plan_fetch(ctx, found, claimed, per_source) for found in discovered]
        if any(p.to_fetch for p in plans):
            # Validation runs in this process and parsing in the workers: load both
            # while the first pages download.
            warm_up_validation()
            pool.start(max((len(p.to_fetch) for p in plans), default=0))
        reports = {
            p.source.name: SourceReport(p.source.name, listing_failures=p.listing_failures)
            for p in plans
        }
        for plan in plans:
            reports[plan.source.name].add(
                plan.fresh,
                store_outcomes(
                    plan.fresh,
                    settings.batch_size,
                    lambda batch: process_batch(store, run_id, batch, ctx.source_ids, pool),
                ),
            )
        # Slices flow through three stages at once: fetching (network), parsing and
        # extracting (worker processes), validating and storing (one writer, in order).
        # At most ``ahead`` slices are in flight, so memory holds a bounded number of bodies.
        jobs = [
            (plan, links)
            for plan in plans
            for links in _slices(plan.to_fetch, settings.fetch_chunk, ramp=True)
        ]
        ahead = 3
        in_flight: deque[tuple[FetchPlan, Any]] = deque()
        previous: Any = None
        # One slice of a source downloads at a time, so the first arrives as soon as
        # it can; slices of different sources (other hosts) download side by side.
        fetching: dict[str, Any] = {}
        for plan, links in jobs:
            before = fetching.get(plan.source.name)
            # Prefect's stubs know ``wait_for`` only beside ``return_state``.
            fetched = fetch_pages.submit(  # type: ignore[call-overload]
                plan.source,
                Batch(links),
                config,
                Batch(plan.validators),
                wait_for=[before] if before else None,
            )
            fetching[plan.source.name] = fetched
            # Prefect resolves a future passed as an argument (``fetched`` is untyped here).
            parsed = parse_slice.submit(fetched, pool, settings.archive_path)
            stored = store_slice.submit(  # type: ignore[call-overload]
                store, run_id, parsed, ctx.source_ids, wait_for=[previous] if previous else None
            )
            previous = stored
            in_flight.append((plan, stored))
            if len(in_flight) >= ahead:
                _finish_slice(in_flight.popleft(), reports)
        while in_flight:
            _finish_slice(in_flight.popleft(), reports)
        for report in reports.values():
            add_to_summary(summary, report)
        status = "completed"
    except BaseException:
        status = "failed"
        raise
    finally:
        stack.close()
        result = summary.as_dict() | {"run_id": run_id}
        store.finish_run(run_id, status, result)
        store.close()
    logger.info("ingest summary: %s", {k: v for k, v in result.items() if k != "sources"})
    return result
