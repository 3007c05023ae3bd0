"""``sitemap``: XML sitemaps, sitemap indexes, Google News sitemaps and plain-text lists.

Parsed with defusedxml (no DTD, no entities, no network), gzip bodies
(``sitemap.xml.gz``) inflated under a cap. Window filtering:

* a ``news:publication_date`` is a publication date: kept only inside the window;
* otherwise ``lastmod`` is the only clue: a page last modified before ``since``
  cannot have been published after it, but a later lastmod says nothing
  about publication, so ``until`` does not filter on it;
* child sitemaps of an index last modified before ``since`` are not followed;
  the others are followed newest first, so a page bound keeps the recent ones.

Options: ``max_pages`` (child sitemaps to follow), ``min_interval`` (seconds).
"""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

from extractors.errors import ParseError
from extractors.sources.base import (
    Listing,
    gunzip_capped,
    in_window,
    local_name,
    parse_date,
    parse_xml,
)
from extractors.urls import is_http_url, join_url
from schemas.records import Link, Source

__all__ = ["SitemapPlugin"]


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _news(element: Element) -> Element | None:
    for child in element:
        if local_name(child.tag) == "news":
            return child
    return None


class SitemapPlugin:
    """Sitemaps: URLs as links, child sitemaps of an index as follows."""

    kind = "sitemap"

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """The sitemap (or sitemap index) URL itself."""
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
        """Links (or child sitemaps) in the window."""
        data = gunzip_capped(body)
        text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if text_start and text_start != b"<":
            return self._plain(source, url, data)
        root = parse_xml(data)
        tag = local_name(root.tag)
        if tag == "sitemapindex":
            return self._index(url, root, since)
        if tag == "urlset":
            return self._urlset(source, url, root, since, until)
        raise ParseError(f"not a sitemap: root element <{tag}>")

    @staticmethod
    def _plain(source: Source, url: str, data: bytes) -> Listing:
        # The protocol's text form: one absolute URL per line, nothing else.
        links = []
        for line in data.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            if not is_http_url(line):
                raise ParseError("not a sitemap: neither XML nor a list of absolute URLs")
            links.append(Link(line, source.name))
        return Listing(links, [])

    @staticmethod
    def _index(url: str, root: Element, since: dt.date | None) -> Listing:
        dated: list[tuple[dt.date, str]] = []
        undated: list[str] = []
        for node in root:
            if local_name(node.tag) != "sitemap":
                continue
            loc = join_url(url, _child_text(node, "loc"))
            if loc is None:
                continue
            lastmod = parse_date(_child_text(node, "lastmod"))
            if since is not None and lastmod is not None and lastmod < since:
                continue
            if lastmod is None:
                undated.append(loc)
            else:
                dated.append((lastmod, loc))
        dated.sort(key=lambda c: c[0], reverse=True)
        return Listing([], [loc for _, loc in dated] + undated)

    @staticmethod
    def _urlset(
        source: Source,
        url: str,
        root: Element,
        since: dt.date | None,
        until: dt.date | None,
    ) -> Listing:
        links: list[Link] = []
        for node in root:
            if local_name(node.tag) != "url":
                continue
            loc = join_url(url, _child_text(node, "loc"))
            if loc is None:
                continue
            news = _news(node)
            published = None
            if news is not None:
                published = parse_date(_child_text(news, "publication_date"))
            lastmod = parse_date(_child_text(node, "lastmod"))
            if published is not None:
                if not in_window(published, since, until):
                    continue
            elif since is not None and lastmod is not None and lastmod < since:
                continue
            title = _child_text(news, "title") if news is not None else None
            links.append(Link(loc, source.name, published or lastmod, title))
        return Listing(links, [])
