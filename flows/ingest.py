"""The ``ingest`` Prefect flow: discover -> fetch -> parse -> extract -> validate -> store.

Tasks run per source (discovery and fetching, concurrently in threads, each
with its own async HTTP client) and per batch of pages (parse, extract,
validate, store, in the flow's thread so one writer talks to the store). No
task runs per article: a task costs milliseconds of orchestration.

The stages are also plain functions (``discover_links``, ``plan_fetch``,
``fetch_links``, ``process_pages``, ``ingest_window``) so the backfill flow
runs the same machinery for one source and one date window.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import load_sources
from flows.pipeline import (
    Summary,
    extract_all,
    extract_article,
    mark_known,
    parse_pages,
    validate_results,
)
from flows.settings import Settings
from schemas.records import FetchOutcome, FetchState, Link, Observation, Rejected, Source
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
    pages: list[FetchOutcome] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class IngestContext:
    """What the stages of one run share: the store, the run record, settings, fetch config."""

    store: Store
    run_id: str
    settings: Settings
    config: Any
    source_ids: dict[str, int]


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
    outcomes: list[FetchOutcome]
    counts: SaveCounts
    listing_failures: int


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
    archive_dir: Path,
) -> list[FetchOutcome]:
    """Fetch one source's pages with conditional GETs and archive every body read; never raises."""
    from extractors.fetch import Fetcher, Validators
    from schemas.archive import Archive

    async def run() -> list[FetchOutcome]:
        known = {url: Validators(etag, lm) for url, (etag, lm) in validators.items()}
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch_many(links, validators=known)

    try:
        outcomes = asyncio.run(run())
        archive = Archive(archive_dir, durable=False)
        for o in outcomes:
            if o.page is not None:
                archive.put(o.page)
        return outcomes
    except Exception as exc:  # every URL still ends in a state, and other sources go on
        _logger().exception("fetching failed for source %s", source.name)
        return [
            FetchOutcome(url=lk.url, state=FetchState.FAILED, error=repr(exc), source=source.name)
            for lk in links
        ]


def process_pages(
    store: Store, run_id: str, outcomes: Sequence[FetchOutcome], source_ids: dict[str, int]
) -> SaveCounts:
    """Parse, extract, validate and store one batch of fetched pages."""
    from extractors.metrics import EXTRACTOR_VERSION

    results = parse_pages(outcomes)
    articles = [r.article for r in results if r.article is not None]
    stored_hashes, hash_owner = store.article_hashes(
        [a.url for a in articles], [a.content_hash for a in articles]
    )
    results = mark_known(results, stored_hashes, hash_owner)
    results = extract_all(results, extract_article)
    results = validate_results(results, gx_validator)
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
    links: Sequence[Link],
    config: Any,
    validators: dict[str, tuple[str | None, str | None]],
    archive_dir: Path,
) -> list[FetchOutcome]:
    """Fetch one source's pages with conditional GETs and archive every body read."""
    return fetch_links(source, links, config, validators, archive_dir)


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    store: Store, run_id: str, outcomes: Sequence[FetchOutcome], source_ids: dict[str, int]
) -> SaveCounts:
    """Parse, extract, validate and store one batch of fetched pages."""
    return process_pages(store, run_id, outcomes, source_ids)


def gx_validator(
    rows: Sequence[tuple[str, Observation]], texts: dict[str, str]
) -> tuple[list[tuple[str, Observation]], list[tuple[str, Rejected]]]:
    """The validate stage: the Great Expectations suite over one batch's observations."""
    from expectations.validate import validate

    result = validate(rows, texts)
    return list(result.accepted), [
        (r.article_url, Rejected(r.observation, tuple(r.failed))) for r in result.rejected
    ]


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
    fetched = fetch_links(
        source, plan.to_fetch, ctx.config, plan.validators, ctx.settings.archive_path
    )
    outcomes = plan.fresh + fetched
    counts = store_outcomes(
        outcomes,
        ctx.settings.batch_size,
        lambda batch: process_pages(ctx.store, ctx.run_id, batch, ctx.source_ids),
    )
    return SourceReport(source.name, outcomes, counts, plan.listing_failures)


def add_to_summary(summary: Summary, report: SourceReport) -> None:
    """Add one source's (or one chunk's) numbers to a run's summary."""
    states = report.counts.states
    row = {
        "urls_seen": len(report.outcomes),
        "fetched": sum(o.page is not None for o in report.outcomes),
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
    try:
        ctx = IngestContext(store, run_id, settings, config, store.sync_sources(sources))
        discovered = [
            f.result()
            for f in [
                discover_source.submit(s, config, since, until, MAX_LISTING_PAGES) for s in sources
            ]
        ]
        claimed: set[str] = set()
        fetch_futures = []
        for found in discovered:
            plan = plan_fetch(ctx, found, claimed, per_source)
            future = fetch_pages.submit(
                plan.source, plan.to_fetch, config, plan.validators, settings.archive_path
            )
            fetch_futures.append((plan, future))
        for plan, fut in fetch_futures:
            outcomes = plan.fresh + fut.result()
            counts = store_outcomes(
                outcomes,
                settings.batch_size,
                lambda batch: process_batch(store, run_id, batch, ctx.source_ids),
            )
            add_to_summary(
                summary, SourceReport(plan.source.name, outcomes, counts, plan.listing_failures)
            )
        status = "completed"
    except BaseException:
        status = "failed"
        raise
    finally:
        result = summary.as_dict() | {"run_id": run_id}
        store.finish_run(run_id, status, result)
        store.close()
    logger.info("ingest summary: %s", {k: v for k, v in result.items() if k != "sources"})
    return result
