"""``federal_register``: Bureau of Industry and Security rules from the Federal Register API.

The source URL is the ``documents.json`` endpoint
(``https://www.federalregister.gov/api/v1/documents.json``). The window goes
into ``conditions[publication_date][gte|lte]``; pages are chained by the
answer's ``next_page_url`` (followed whenever a window is given, since the
window bounds them; without one only with ``follow_pages``). Links are each
document's ``html_url`` with its ``publication_date`` and title.

Options: ``agencies`` (slugs, default BIS), ``types`` (default ``["RULE"]``;
``PRORULE``, ``NOTICE`` and ``PRESDOCU`` also exist), ``per_page`` (default
100, the API allows up to 1000), ``follow_pages``, ``min_interval``.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode, urlsplit, urlunsplit

from extractors.errors import ParseError
from extractors.sources.base import Listing, in_window, parse_date, wants_more
from extractors.urls import join_url
from schemas.records import Link, Source

__all__ = ["ENDPOINT", "FederalRegisterPlugin"]

ENDPOINT = "https://www.federalregister.gov/api/v1/documents.json"
_FIELDS = ("document_number", "html_url", "publication_date", "title", "type")


def _as_list(value: object, default: list[str]) -> list[str]:
    if value is None:
        return default
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    raise ValueError(f"expected a string or a list, got {value!r}")


class FederalRegisterPlugin:
    """The Federal Register documents search, filtered to one agency and the window."""

    kind = "federal_register"

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """One search URL for the whole window; the API pages the rest."""
        opts = source.options
        params: list[tuple[str, str]] = []
        for agency in _as_list(opts.get("agencies"), ["industry-and-security-bureau"]):
            params.append(("conditions[agencies][]", agency))
        for kind in _as_list(opts.get("types"), ["RULE"]):
            params.append(("conditions[type][]", kind))
        if since is not None:
            params.append(("conditions[publication_date][gte]", since.isoformat()))
        if until is not None:
            params.append(("conditions[publication_date][lte]", until.isoformat()))
        per_page = max(1, min(int(opts.get("per_page", 100)), 1000))
        params += [("per_page", str(per_page)), ("order", "newest")]
        params += [("fields[]", f) for f in _FIELDS]
        parts = urlsplit(source.url or ENDPOINT)
        query = "&".join(q for q in (parts.query, urlencode(params)) if q)
        return [urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))]

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
        """Documents in the window, and the next result page."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ParseError(f"federal register answer is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ParseError("federal register answer is not a JSON object")
        if data.get("errors"):
            raise ParseError(f"federal register error: {data['errors']}")
        results = data.get("results") or []
        if not isinstance(results, list):
            raise ParseError("federal register answer has no result list")
        links: list[Link] = []
        for doc in results:
            if not isinstance(doc, dict):
                continue
            href = join_url(url, doc.get("html_url"))
            if href is None:
                continue
            published = parse_date(doc.get("publication_date"))
            if not in_window(published, since, until):
                continue
            title = doc.get("title")
            links.append(Link(href, source.name, published, str(title) if title else None))
        follow: list[str] = []
        nxt = join_url(url, data.get("next_page_url"))
        if nxt is not None and (since is not None or wants_more(source.options, None, [])):
            follow.append(nxt)
        return Listing(links, follow)
