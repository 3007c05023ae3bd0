"""``rss``: RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom feeds, with RFC 5005 paging.

feedparser does the format work. It never sees the network (it gets a byte
stream, never a string it could take for a URL) and never sees a DTD: a feed
that declares entities is refused, and any DOCTYPE is stripped first, because
feedparser keeps "safe" entity declarations and expands them.

Paging: a feed may link older entries with ``rel="next"`` (paged feeds) or
``rel="prev-archive"`` (archived feeds, RFC 5005). They are followed while a
backfill window reaches further back than the page does (see
:func:`~extractors.sources.base.wants_more`); ``discover`` bounds the count.

Options: ``follow_pages`` (bool), ``max_pages`` (pages to follow), ``min_interval`` (seconds).
"""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

from extractors.errors import ParseError
from extractors.sources.base import (
    Listing,
    gunzip_capped,
    in_window,
    reject_entity_declarations,
    strip_doctype,
    wants_more,
)
from extractors.urls import is_http_url, join_url
from schemas.records import Link, Source

__all__ = ["RssPlugin"]

_PAGING_RELS = ("next", "prev-archive")


def _date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None


def _href(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for item in entry.get("links") or []:
        if item.get("rel", "alternate") == "alternate" and item.get("href"):
            return str(item["href"])
    guid = entry.get("id")
    # An RSS guid is a permalink unless isPermaLink="false"; feedparser keeps it as id.
    if guid and is_http_url(str(guid)):
        return str(guid)
    return None


class RssPlugin:
    """Feeds: one start URL, entries as links, RFC 5005 pages as follows."""

    kind = "rss"

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """The feed URL itself."""
        return [source.url]

    def min_interval(self, source: Source) -> float:
        """Only what the source's options ask for."""
        return float(source.options.get("min_interval", 0.0))

    def parse(
        self,
        source: Source,
        url: str,
        body: bytes,
        since: dt.date | None,
        until: dt.date | None,
    ) -> Listing:
        """Entries published in the window, and the feed's older page when wanted."""
        import feedparser

        data = gunzip_capped(body)
        reject_entity_declarations(data)
        parsed = feedparser.parse(
            io.BytesIO(strip_doctype(data)),
            response_headers={"content-location": url},
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        entries = parsed.get("entries") or []
        if not parsed.get("version") and not entries:
            problem = parsed.get("bozo_exception")
            raise ParseError(f"not a feed: {problem}" if problem else "not a feed")
        links: list[Link] = []
        dates: list[dt.date | None] = []
        for entry in entries:
            href = join_url(url, _href(entry))
            if href is None:
                continue
            published = _date(entry)
            dates.append(published)
            if not in_window(published, since, until):
                continue
            title = entry.get("title")
            links.append(Link(href, source.name, published, str(title).strip() if title else None))
        problem = parsed.get("bozo_exception")
        benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
        if problem is not None and not dates and not isinstance(problem, benign):
            # feedparser recovers what it can from a broken feed; only a feed
            # that yields nothing usable is reported as broken.
            raise ParseError(f"malformed feed: {problem}")
        follow: list[str] = []
        if wants_more(source.options, since, dates):
            for item in parsed.get("feed", {}).get("links") or []:
                if item.get("rel") in _PAGING_RELS:
                    nxt = join_url(url, item.get("href"))
                    if nxt is not None and nxt not in follow:
                        follow.append(nxt)
        return Listing(links, follow)
