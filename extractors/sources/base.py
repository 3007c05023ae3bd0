"""The interface every source kind implements, and helpers the kinds share.

A plug-in turns a :class:`~schemas.records.Source` into start URLs and a fetched
listing body into a :class:`Listing`: the article links it names and the
further listing pages to fetch (next page, child sitemap). Plug-ins do no I/O;
:func:`extractors.discover.discover` fetches everything through the Fetcher,
so listings get the same robots, politeness, size and address rules as pages.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from xml.etree.ElementTree import Element

from extractors.errors import ParseError, TooLarge
from schemas.records import Link, Source

__all__ = [
    "MAX_LISTING_BYTES",
    "Listing",
    "SourcePlugin",
    "gunzip_capped",
    "in_window",
    "local_name",
    "parse_date",
    "parse_xml",
    "reject_entity_declarations",
    "strip_doctype",
    "wants_more",
]

#: Largest decoded listing (sitemaps are capped at 50 MB by their protocol).
MAX_LISTING_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Listing:
    """What one listing page yielded: article links, and listing pages to fetch next."""

    links: list[Link] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)


@runtime_checkable
class SourcePlugin(Protocol):
    """One kind of source (``rss``, ``sitemap``, ...): pure functions, no I/O."""

    kind: str

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """The listing URLs to fetch first for the window (both ends inclusive)."""
        ...

    def parse(
        self,
        source: Source,
        url: str,
        body: bytes,
        since: dt.date | None,
        until: dt.date | None,
    ) -> Listing:
        """Links in the window and pages to follow; raises ParseError on bad input."""
        ...

    def min_interval(self, source: Source) -> float:
        """Seconds between requests the source's host asks for (0: the fetcher's default)."""
        ...


def in_window(day: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    """True when ``day`` is unknown or within ``[since, until]``."""
    if day is None:
        return True
    if since is not None and day < since:
        return False
    return not (until is not None and day > until)


def wants_more(
    options: Mapping[str, Any], since: dt.date | None, dates: Iterable[dt.date | None]
) -> bool:
    """Whether to follow a listing's next page.

    Without a window only when the source asks for it (``follow_pages``, or a
    positive ``max_pages``): a routine run reads the newest page. With a
    window, until a page reaches back before ``since``.
    """
    if since is None:
        return bool(options.get("follow_pages", int(options.get("max_pages", 0)) > 0))
    known = [d for d in dates if d is not None]
    return not (known and min(known) < since)


_W3C_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})Z?)?$")


def parse_date(text: str | None) -> dt.date | None:
    """A date from ISO 8601/W3C, RFC 822 or ``YYYYMMDDhhmmss`` text, in UTC when a zone is given."""
    if not text:
        return None
    text = text.strip()
    m = _W3C_PARTIAL.match(text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        m = _COMPACT.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    when: dt.datetime | None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.date()


def gunzip_capped(body: bytes, cap: int = MAX_LISTING_BYTES) -> bytes:
    """Inflate a gzip file body (``sitemap.xml.gz``) if it is one, up to ``cap`` bytes."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, cap + 1)
    except zlib.error as exc:
        raise ParseError(f"corrupt gzip listing: {exc}") from exc
    if len(out) > cap:
        raise TooLarge(f"gzip listing inflates past {cap} bytes")
    return out


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PROLOG_STOP = re.compile(rb"<!--|<[A-Za-z_:]")
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>", re.IGNORECASE | re.DOTALL)


def _prolog(body: bytes) -> bytes:
    """Everything before the root element (comments skipped, so "<a" in one cannot end it)."""
    pos = 0
    while True:
        m = _PROLOG_STOP.search(body, pos)
        if m is None:
            return body
        if m.group() != b"<!--":
            return body[: m.start()]
        end = body.find(b"-->", m.end())
        if end < 0:
            return body
        pos = end + 3


def reject_entity_declarations(body: bytes) -> None:
    """Raise ParseError when the document declares XML entities (billion laughs and kin)."""
    # Entities can only be declared in the DTD, which sits before the root element.
    if _ENTITY_DECL.search(_prolog(body)):
        raise ParseError("XML entity declarations are not accepted")


def strip_doctype(body: bytes) -> bytes:
    """``body`` without its DOCTYPE, so no parser downstream can act on a DTD."""
    head = _prolog(body)
    return _DOCTYPE.sub(b"", head, count=1) + body[len(head) :]


def parse_xml(body: bytes) -> Element:
    """Parse untrusted XML with no DTD, entities or external references allowed."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    reject_entity_declarations(body)
    try:
        root: Element = fromstring(body, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException as exc:
        raise ParseError(f"unsafe XML: {exc}") from exc
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError subclasses SyntaxError
        raise ParseError(f"malformed XML: {exc}") from exc
    return root


def local_name(tag: Any) -> str:
    """An element's tag without its namespace, lower-cased."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()
