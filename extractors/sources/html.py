"""``html``: section and tag pages that list articles as links.

Links are the ``href`` of elements matched by ``options["selector"]`` (a CSS
selector; the default picks headline links), resolved against the page (and
its ``<base href>``), kept only on the same site. A ``<time datetime>`` in the
link's ``<article>``/``<li>`` gives its date when there is one.

Next page: ``options["next_selector"]`` if given, else ``<link rel="next">`` or
``<a rel="next">``; followed like feed pages (see
:func:`~extractors.sources.base.wants_more`), at most ``options["max_pages"]``
pages beyond the first (``discover`` applies the bound).

Options: ``selector``, ``next_selector``, ``follow_pages``, ``max_pages``,
``min_interval``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from extractors.errors import ParseError
from extractors.sources.base import Listing, in_window, parse_date, wants_more
from extractors.urls import canonical_url, join_url, same_site
from schemas.records import Link, Source

__all__ = ["DEFAULT_SELECTOR", "HtmlPlugin"]

#: Headline links, as most news CMSs mark them up.
DEFAULT_SELECTOR = (
    "article a[href], h1 a[href], h2 a[href], h3 a[href], "
    "a[rel~=bookmark], .post-title a[href], .entry-title a[href]"
)
_NEXT_SELECTOR = "link[rel~=next][href], a[rel~=next][href]"


def _date_near(anchor: Any) -> dt.date | None:
    for parent in anchor.parents:
        name = getattr(parent, "name", None)
        if name in ("article", "li"):
            stamp = parent.select_one("time[datetime]")
            return parse_date(stamp.get("datetime")) if stamp is not None else None
        if name in ("body", "html", None):
            break
    return None


class HtmlPlugin:
    """Section pages: selected same-site links, and the next page."""

    kind = "html"

    def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None) -> list[str]:
        """The section page itself."""
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
        """Same-site article links in the window, and the next page when wanted."""
        from bs4 import BeautifulSoup

        if not body.strip():
            raise ParseError("empty section page")
        soup = BeautifulSoup(body, "lxml")
        base = url
        base_tag = soup.find("base", href=True)
        if base_tag is not None:
            base = join_url(url, str(base_tag.get("href"))) or url
        selector = str(source.options.get("selector") or DEFAULT_SELECTOR)
        try:
            anchors = soup.select(selector)
        except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
            raise ParseError(f"bad selector {selector!r}: {exc}") from exc
        here = canonical_url(url)
        links: list[Link] = []
        dates: list[dt.date | None] = []
        for anchor in anchors:
            href = join_url(base, str(anchor.get("href") or ""))
            if href is None or not same_site(url, href) or canonical_url(href) == here:
                continue
            published = _date_near(anchor)
            dates.append(published)
            if not in_window(published, since, until):
                continue
            title = anchor.get_text(" ", strip=True) or anchor.get("title") or None
            links.append(Link(href, source.name, published, str(title) if title else None))
        follow: list[str] = []
        if wants_more(source.options, since, dates):
            nxt = self._next(soup, source, base)
            if nxt is not None and same_site(url, nxt) and canonical_url(nxt) != here:
                follow.append(nxt)
        return Listing(links, follow)

    @staticmethod
    def _next(soup: Any, source: Source, base: str) -> str | None:
        selector = str(source.options.get("next_selector") or _NEXT_SELECTOR)
        try:
            found = soup.select_one(selector)
        except Exception as exc:
            raise ParseError(f"bad next_selector {selector!r}: {exc}") from exc
        if found is None:
            return None
        return join_url(base, str(found.get("href") or ""))
