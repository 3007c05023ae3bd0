"""The pipeline's stages in order, as plain functions (no Prefect here).

discover -> fetch -> parse -> extract -> validate -> store. ``flows.ingest``
wraps these in tasks per source and per batch of pages; tests call them
directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from extractors.errors import ParseError
from schemas.records import (
    Article,
    FetchOutcome,
    FetchState,
    Observation,
    PageResult,
    Rejected,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

Validator = Callable[
    [Sequence[tuple[str, Observation]], dict[str, str]],
    tuple[list[tuple[str, Observation]], list[tuple[str, Rejected]]],
]


@dataclass(slots=True)
class Summary:
    """What one ingest did: the numbers every run returns and logs."""

    urls_seen: int = 0
    fetched: int = 0
    new_articles: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    observations: int = 0
    quarantined: int = 0
    listing_failures: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain-dict form for logs, JSON and the runs table."""
        return {
            "urls_seen": self.urls_seen,
            "fetched": self.fetched,
            "new_articles": self.new_articles,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "observations": self.observations,
            "quarantined": self.quarantined,
            "listing_failures": self.listing_failures,
            "reasons": dict(self.reasons),
            "sources": {k: dict(v) for k, v in self.sources.items()},
        }


class Batch(Generic[T]):
    """A batch handed between tasks that Prefect passes on without looking inside.

    Prefect walks every list, dict and dataclass in a task's arguments (and in
    a future's result given as one) in search of futures to resolve; a slice of
    500 pages is tens of thousands of objects, most of a second per slice.
    Wrapped, it is one object to Prefect.
    """

    __slots__ = ("items",)

    def __init__(self, items: T) -> None:
        self.items = items

    def take(self) -> T:
        """The items, handed over: the batch is left empty, so that a future or task
        Prefect still holds upstream no longer keeps a slice's pages in memory."""
        items = self.items
        del self.items  # reading it again is an error, not a silent empty batch
        return items


def archive_pages(outcomes: Sequence[FetchOutcome], archive_dir: Path) -> list[FetchOutcome]:
    """Write every body read to the raw archive; each such outcome carries its digest.

    A body the archive cannot take (a full disk) is logged and kept on its
    outcome: the page is still parsed and stored, and a replay of it reads the
    stored text instead.
    """
    from schemas.archive import Archive, ArchiveError

    archive = Archive(archive_dir, durable=False)
    out: list[FetchOutcome] = []
    for o in outcomes:
        if o.page is not None and o.body_digest is None:
            try:
                o = replace(o, body_digest=archive.put(o.page))
            except (OSError, ArchiveError) as exc:
                log.warning("raw page of %s not archived: %s", o.url, exc)
        out.append(o)
    return out


def without_bodies(results: Sequence[PageResult]) -> list[PageResult]:
    """Results whose archived bodies are dropped: storing needs only the digest and headers."""
    out: list[PageResult] = []
    for res in results:
        page = res.outcome.page
        if page is not None and page.body and res.outcome.body_digest:
            res = replace(res, outcome=replace(res.outcome, page=replace(page, body=b"")))
        out.append(res)
    return out


def parse_pages(outcomes: Sequence[FetchOutcome]) -> list[PageResult]:
    """Parse every fetched page; each outcome yields exactly one result."""
    from extractors.parse import NoArticle, parse_page

    results: list[PageResult] = []
    for out in outcomes:
        if out.state != FetchState.NEW or out.page is None:
            results.append(
                PageResult(outcome=out, state=out.state, reason=out.reason, error=out.error)
            )
            continue
        try:
            article = parse_page(out.page)
        except ParseError as exc:
            state, reason = (
                (FetchState.SKIPPED, "no_article")
                if isinstance(exc, NoArticle)
                else (FetchState.FAILED, "parse_error")
            )
            results.append(PageResult(outcome=out, state=state, reason=reason, error=str(exc)))
            continue
        except Exception as exc:  # a parser bug must not sink the batch
            log.exception("parse failed for %s", out.url)
            results.append(
                PageResult(
                    outcome=out, state=FetchState.FAILED, reason="parse_error", error=repr(exc)
                )
            )
            continue
        results.append(PageResult(outcome=out, state=FetchState.NEW, article=article))
    return results


def mark_known(
    results: Sequence[PageResult], stored_hashes: dict[str, str], hash_owner: dict[str, str]
) -> list[PageResult]:
    """Mark pages whose text is stored: unchanged under the same URL, duplicate under another."""
    out: list[PageResult] = []
    batch_owner: dict[str, str] = {}
    for res in results:
        art = res.article
        if res.state != FetchState.NEW or art is None:
            out.append(res)
            continue
        digest = art.content_hash
        owner = hash_owner.get(digest) or batch_owner.setdefault(digest, art.url)
        # Observations already extracted from a known text are dropped: they are stored.
        if stored_hashes.get(art.url) == digest:
            out.append(replace(res, state=FetchState.UNCHANGED, observations=()))
        elif owner != art.url:
            out.append(replace(res, state=FetchState.SKIPPED, reason="duplicate", observations=()))
        else:
            out.append(res)
    return out


def extract_all(
    results: Sequence[PageResult], extract: Callable[[Article], list[Observation]]
) -> list[PageResult]:
    """Extract observations from every new article."""
    out: list[PageResult] = []
    for res in results:
        if res.state != FetchState.NEW or res.article is None:
            out.append(res)
            continue
        try:
            observations = tuple(extract(res.article))
        except Exception as exc:  # record why the page yielded nothing; go on with the rest
            log.exception("extract failed for %s", res.outcome.url)
            out.append(
                replace(res, state=FetchState.FAILED, reason="extract_error", error=repr(exc))
            )
            continue
        out.append(replace(res, observations=observations))
    return out


def validate_results(results: Sequence[PageResult], validator: Validator) -> list[PageResult]:
    """Run validation once over a batch; failing rows move to each page's ``rejected``."""
    rows: list[tuple[str, Observation]] = []
    texts: dict[str, str] = {}
    for res in results:
        if res.article is not None and res.observations:
            texts[res.article.url] = res.article.text
            rows += [(res.article.url, o) for o in res.observations]
    if not rows:
        return list(results)
    accepted, rejected = validator(rows, texts)
    ok: dict[str, list[Observation]] = {}
    bad: dict[str, list[Rejected]] = {}
    for url, obs in accepted:
        ok.setdefault(url, []).append(obs)
    for url, rej in rejected:
        bad.setdefault(url, []).append(rej)
    out: list[PageResult] = []
    for res in results:
        if res.article is None or not res.observations:
            out.append(res)
            continue
        url = res.article.url
        out.append(
            replace(res, observations=tuple(ok.get(url, ())), rejected=tuple(bad.get(url, ())))
        )
    return out


def extract_article(article: Article) -> list[Observation]:
    """Run the metric extractors on one article's text."""
    from extractors.metrics import extract

    return extract(article.text, published=article.published, title=article.title)


def gx_validator(
    rows: Sequence[tuple[str, Observation]], texts: dict[str, str]
) -> tuple[list[tuple[str, Observation]], list[tuple[str, Rejected]]]:
    """The validate stage: the Great Expectations suite over one batch's observations."""
    from expectations.validate import validate

    result = validate(rows, texts)
    return list(result.accepted), [
        (r.article_url, Rejected(r.observation, tuple(r.failed))) for r in result.rejected
    ]
