"""``gdelt``: article lists from the GDELT DOC 2.0 API (``mode=ArtList``, ``format=json``).

The source URL is the API endpoint (``https://api.gdeltproject.org/api/v2/doc/doc``)
and ``options["query"]`` the search. The API's documented limits are kept:

* at most one request every 5 seconds (``min_interval``; ``discover`` hands it
  to the fetcher as the host's spacing);
* ``maxrecords`` at most 250 per request;
* one request covers at most about 3 months, and coverage starts in 2017:
  a window is clipped to 2017-01-01 and split into slices of ``slice_days``
  (default 1, so a busy query is not cut at 250 articles a slice), never
  longer than 90 days.

Without a window a single request asks for the last ``timespan`` (default
``1d``). Errors come back as plain text with status 200; they become a
ParseError carrying the text.

Options: ``query`` (required), ``slice_days``, ``maxrecords``, ``timespan``,
``sort`` (default ``DateDesc``), ``min_interval`` (default and floor for the
public API: 5 seconds; lower values are for local mirrors and tests).
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from extractors.errors import ParseError
from extractors.sources.base import Listing, in_window, parse_date
from extractors.urls import host_of, join_url
from schemas.records import Link, Source

__all__ = ["EARLIEST", "ENDPOINT", "MAX_RECORDS", "MAX_SLICE_DAYS", "GdeltPlugin", "slices"]

ENDPOINT = "https://api.gdeltproject.org/api/v2/doc/doc"
EARLIEST = dt.date(2017, 1, 1)
MAX_RECORDS = 250
MAX_SLICE_DAYS = 90
PUBLIC_INTERVAL = 5.0


def slices(since: dt.date, until: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    """``[since, until]`` cut into consecutive inclusive spans of at most ``days`` days."""
    days = max(1, min(days, MAX_SLICE_DAYS))
    out: list[tuple[dt.date, dt.date]] = []
    start = since
    while start <= until:
        end = min(until, start + dt.timedelta(days=days - 1))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


class GdeltPlugin:
    """GDELT DOC 2.0 article lists, one request per window slice, newest slice first."""

    kind = "gdelt"

    def __init__(self, today: dt.date | None = None) -> None:
        # Fixed in tests; otherwise the current UTC date.
        self._today = today

    def _now(self) -> dt.date:
        return self._today or dt.datetime.now(dt.UTC).date()

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """One ArtList request per slice of the window (or one for the recent ``timespan``)."""
        opts = source.options
        query = opts.get("query")
        if not query or not isinstance(query, str):
            raise ValueError("gdelt source needs options.query")
        base: list[tuple[str, str]] = [
            ("query", query),
            ("mode", "ArtList"),
            ("format", "json"),
            ("maxrecords", str(max(1, min(int(opts.get("maxrecords", MAX_RECORDS)), MAX_RECORDS)))),
            ("sort", str(opts.get("sort", "DateDesc"))),
        ]
        endpoint = source.url or ENDPOINT
        if since is None and until is None:
            return [self._url(endpoint, [*base, ("timespan", str(opts.get("timespan", "1d")))])]
        until = min(until or self._now(), self._now())
        since = max(since or until, EARLIEST)
        urls = []
        for start, end in reversed(slices(since, until, int(opts.get("slice_days", 1)))):
            window = [
                ("startdatetime", start.strftime("%Y%m%d000000")),
                ("enddatetime", end.strftime("%Y%m%d235959")),
            ]
            urls.append(self._url(endpoint, base + window))
        return urls

    @staticmethod
    def _url(endpoint: str, params: list[tuple[str, str]]) -> str:
        parts = urlsplit(endpoint)
        query = "&".join(q for q in (parts.query, urlencode(params, quote_via=quote)) if q)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def min_interval(self, source: Source) -> float:
        """Five seconds for the public API; ``options.min_interval`` elsewhere."""
        asked = float(source.options.get("min_interval", PUBLIC_INTERVAL))
        if host_of(source.url or ENDPOINT) == host_of(ENDPOINT):
            return max(asked, PUBLIC_INTERVAL)
        return asked

    def parse(
        self,
        source: Source,
        url: str,
        body: bytes,
        since: dt.date | None,
        until: dt.date | None,
    ) -> Listing:
        """The articles of one ArtList answer that fall in the window."""
        text = body.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
        if not text:
            return Listing([], [])  # GDELT answers an empty body when nothing matched
        if not text.startswith("{"):
            raise ParseError(f"gdelt error: {text[:200]}")
        try:
            # strict=False: titles sometimes carry raw control characters.
            data = json.loads(text, strict=False)
        except ValueError as exc:
            raise ParseError(f"gdelt answer is not JSON: {exc}") from exc
        articles = (data.get("articles") or []) if isinstance(data, dict) else None
        if not isinstance(articles, list):
            raise ParseError("gdelt answer has no article list")
        links: list[Link] = []
        for item in articles:
            if not isinstance(item, dict):
                continue
            href = join_url(url, item.get("url"))
            if href is None:
                continue
            published = parse_date(item.get("seendate"))
            if not in_window(published, since, until):
                continue
            title = item.get("title")
            links.append(Link(href, source.name, published, str(title).strip() if title else None))
        return Listing(links, [])
