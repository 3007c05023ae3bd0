"""The re-read stage of a replay: stored pages parsed and extracted again.

It runs in the worker processes, which import this module to find the work
they are sent; it imports nothing heavy (no Prefect, no database), so a
worker starts in a fraction of a second.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from flows.pipeline import extract_all, extract_article
from schemas.records import Article, FetchOutcome, FetchState, PageResult

log = logging.getLogger(__name__)


def reread(row: dict[str, Any], archive: Any) -> tuple[Article | None, str]:
    """The article of a stored row, re-parsed from its raw page when the archive has it.

    Returns the article (``None`` when its page no longer parses) and where it
    came from: ``archive``, ``text`` (the stored text) or ``failed``.
    """
    from extractors.errors import ParseError
    from extractors.parse import parse_page
    from schemas.archive import ArchiveError

    stored = Article(
        url=row["url"],
        title=row["title"],
        published=row["published_at"],
        text=row["text"],
        fetched_url=row["fetched_url"],
    )
    digest = row.get("body_digest")
    if not digest:
        return stored, "text"
    try:
        page = archive.get(digest)
    except ArchiveError:
        log.warning("raw page %s of %s is not in the archive", digest, row["url"])
        return stored, "text"
    try:
        article = parse_page(page)
    except ParseError as exc:
        log.warning("stored page of %s no longer parses: %s", row["url"], exc)
        return None, "failed"
    # The stored row keeps its identity even if today's parser reads another canonical URL.
    published = article.published or row["published_at"]
    return replace(article, url=row["url"], published=published), "archive"


def reread_and_extract(
    items: Sequence[tuple[dict[str, Any], str]],
) -> list[tuple[dict[str, Any], Article | None, str, PageResult | None]]:
    """Re-read stored rows (row, archive folder) and extract their observations.

    Runs in the worker processes; validation follows in the caller, once per batch.
    """
    from schemas.archive import Archive

    out: list[tuple[dict[str, Any], Article | None, str, PageResult | None]] = []
    archives: dict[str, Any] = {}
    for row, archive_dir in items:
        archive = archives.setdefault(archive_dir, Archive(Path(archive_dir)))
        article, origin = reread(row, archive)
        result = None
        if article is not None:
            outcome = FetchOutcome(url=row["fetched_url"] or row["url"], state=FetchState.NEW)
            page = PageResult(outcome=outcome, state=FetchState.NEW, article=article)
            result = extract_all([page], extract_article)[0]
        out.append((row, article, origin, result))
    return out
