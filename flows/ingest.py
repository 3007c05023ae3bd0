"""The ``ingest`` Prefect flow: discover -> fetch -> parse -> extract -> validate -> store.

Tasks run per source (discovery and fetching, concurrently in threads, each
with its own async HTTP client) and per batch of pages (parse, extract,
validate, store, in the flow's thread so one writer talks to the store). No
task runs per article: a task costs milliseconds of orchestration.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
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


@dataclass(slots=True)
class SourceFetch:
    """What one source yielded: its listing fetches and its page fetches."""

    source: Source
    listings: list[FetchOutcome] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    pages: list[FetchOutcome] = field(default_factory=list)
    error: str | None = None


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


@task(name="discover", cache_policy=NO_CACHE)
def discover_source(
    source: Source, config: Any, since: dt.date | None, until: dt.date | None, max_pages: int
) -> SourceFetch:
    """List the article URLs a source offers (for a date window where it can)."""
    from extractors.discover import discover
    from extractors.fetch import Fetcher

    async def run() -> SourceFetch:
        async with Fetcher(config) as fetcher:
            found = await discover(source, fetcher, since=since, until=until, max_pages=max_pages)
        return SourceFetch(source, listings=list(found.listings), links=list(found.links))

    try:
        return asyncio.run(run())
    except Exception as exc:  # one broken source must not stop the others
        get_run_logger().exception("discovery failed for source %s", source.name)
        failed = FetchOutcome(
            url=source.url, state=FetchState.FAILED, error=repr(exc), source=source.name
        )
        return SourceFetch(source, listings=[failed], error=repr(exc))


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_pages(
    source: Source,
    links: Sequence[Link],
    config: Any,
    validators: dict[str, tuple[str | None, str | None]],
    archive_dir: Path,
) -> list[FetchOutcome]:
    """Fetch one source's pages with conditional GETs and archive every body read."""
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
        get_run_logger().exception("fetching failed for source %s", source.name)
        return [
            FetchOutcome(url=lk.url, state=FetchState.FAILED, error=repr(exc), source=source.name)
            for lk in links
        ]


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
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
    results = validate_results(results, _gx_validator)
    return store.save(run_id, results, extractor_version=EXTRACTOR_VERSION, source_ids=source_ids)


def _gx_validator(
    rows: Sequence[tuple[str, Observation]], texts: dict[str, str]
) -> tuple[list[tuple[str, Observation]], list[tuple[str, Rejected]]]:
    from expectations.validate import validate

    result = validate(rows, texts)
    return list(result.accepted), [
        (r.article_url, Rejected(r.observation, tuple(r.failed))) for r in result.rejected
    ]


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
        source_ids = store.sync_sources(sources)
        discovered = [
            f.result()
            for f in [discover_source.submit(s, config, since, until, 50) for s in sources]
        ]
        claimed: set[str] = set()
        fetch_futures = []
        recent_cut = dt.datetime.now(dt.UTC) - dt.timedelta(hours=settings.revisit_after_hours)
        for found in discovered:
            store.log_outcomes(run_id, found.listings, kind="listing")
            summary.listing_failures += sum(o.state == FetchState.FAILED for o in found.listings)
            links = [lk for lk in found.links if lk.url not in claimed][:per_source]
            claimed.update(lk.url for lk in links)
            recent = store.recently_fetched([lk.url for lk in links], recent_cut)
            to_fetch = [lk for lk in links if lk.url not in recent]
            fresh = [
                FetchOutcome(lk.url, FetchState.UNCHANGED, reason="fresh", source=lk.source)
                for lk in links
                if lk.url in recent
            ]
            validators = store.validators([lk.url for lk in to_fetch])
            future = fetch_pages.submit(
                found.source, to_fetch, config, validators, settings.archive_path
            )
            fetch_futures.append((found.source, fresh, future))
        for source, fresh, fut in fetch_futures:
            outcomes = fresh + fut.result()
            counts = SaveCounts()
            for i in range(0, len(outcomes), settings.batch_size):
                counts.add(
                    process_batch(store, run_id, outcomes[i : i + settings.batch_size], source_ids)
                )
            _merge(summary, source.name, outcomes, counts)
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


def _merge(
    summary: Summary, name: str, outcomes: Sequence[FetchOutcome], counts: SaveCounts
) -> None:
    states = counts.states
    row = {
        "urls_seen": len(outcomes),
        "fetched": sum(o.page is not None for o in outcomes),
        "new_articles": counts.new_articles,
        "unchanged": states.get(FetchState.UNCHANGED, 0),
        "skipped": states.get(FetchState.SKIPPED, 0),
        "failed": states.get(FetchState.FAILED, 0),
        "observations": counts.observations,
        "quarantined": counts.quarantined,
    }
    summary.sources[name] = row
    summary.urls_seen += row["urls_seen"]
    summary.fetched += row["fetched"]
    summary.new_articles += row["new_articles"]
    summary.unchanged += row["unchanged"]
    summary.skipped += row["skipped"]
    summary.failed += row["failed"]
    summary.observations += row["observations"]
    summary.quarantined += row["quarantined"]
