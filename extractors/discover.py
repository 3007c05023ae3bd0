"""Discover: Source -> Links, by fetching its listings through the Fetcher.

The plug-in of the source's kind names the start URLs and parses each listing;
this module fetches them (so listings obey robots.txt, host spacing, size caps
and the address policy like pages do), follows further listing pages up to a
bound, and merges links by canonical URL. Nothing is raised: a listing that
cannot be fetched or parsed becomes a FAILED outcome in ``listings``, and the
links of the other listings are still returned.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field, replace

from extractors.fetch import Fetcher
from extractors.sources import get_plugin
from extractors.urls import canonical_url, host_of
from schemas.records import FetchOutcome, FetchState, Link, Source

__all__ = ["Discovery", "discover"]


@dataclass(frozen=True, slots=True)
class Discovery:
    """What discovery found: unique links, and one outcome per listing fetched."""

    links: list[Link] = field(default_factory=list)
    listings: list[FetchOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FetchOutcome]:
        """Listings that were not read (fetch or parse failures, skips)."""
        return [o for o in self.listings if o.state is not FetchState.NEW]


def _merge(found: dict[str, Link], link: Link, source: str) -> None:
    key = canonical_url(link.url)
    old = found.get(key)
    if old is None:
        found[key] = Link(key, source, link.published, link.title)
    elif (old.published is None and link.published) or (old.title is None and link.title):
        # Another listing may know what the first one did not.
        found[key] = Link(key, source, old.published or link.published, old.title or link.title)


async def discover(
    source: Source,
    fetcher: Fetcher,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_pages: int = 20,
) -> Discovery:
    """Links ``source`` lists for the window; at most ``max_pages`` listing pages are followed.

    The bound counts pages reached by following (next page, child sitemap),
    not the start URLs; a source's own ``max_pages`` option can only lower it.
    """

    def failed(url: str, error: str) -> Discovery:
        outcome = FetchOutcome(url=url, state=FetchState.FAILED, error=error, source=source.name)
        return Discovery([], [outcome])

    try:
        plugin = get_plugin(source.kind)
    except KeyError as exc:
        return failed(source.url, str(exc.args[0]))
    try:
        queue = list(dict.fromkeys(plugin.start_urls(source, since, until)))
        interval = plugin.min_interval(source)
        limit = min(max_pages, int(source.options.get("max_pages", max_pages)))
    except (ValueError, TypeError) as exc:
        return failed(source.url, f"bad source configuration: {exc}")
    if interval > 0:
        for host in {host_of(u) for u in queue}:
            fetcher.set_min_delay(host, interval)

    found: dict[str, Link] = {}
    listings: list[FetchOutcome] = []
    seen = {canonical_url(u) for u in queue}
    followed = 0
    while queue:
        outcomes = await asyncio.gather(
            *(fetcher.fetch(u, kind="listing", source=source.name) for u in queue)
        )
        queue = []
        for outcome in outcomes:
            page = outcome.page
            if outcome.state is not FetchState.NEW or page is None:
                listings.append(outcome)
                continue
            try:
                listing = plugin.parse(source, page.final_url, page.body, since, until)
            except Exception as exc:
                # Every parse problem, expected (ParseError) or not, costs this
                # listing only; the body stays on the outcome for the archive.
                listings.append(
                    replace(outcome, state=FetchState.FAILED, error=f"parse error: {exc}")
                )
                continue
            listings.append(outcome)
            for link in listing.links:
                _merge(found, link, source.name)
            for url in listing.follow:
                key = canonical_url(url)
                if key in seen or followed >= limit:
                    continue
                seen.add(key)
                followed += 1
                queue.append(url)
    return Discovery(list(found.values()), listings)
