"""Source kinds as plug-ins: one module per kind behind :class:`SourcePlugin`.

    plugin = get_plugin(source.kind)
    urls = plugin.start_urls(source, since, until)
    listing = plugin.parse(source, url, body, since, until)   # Listing(links, follow)

A new kind is one module with a class implementing the protocol, registered
below (or at run time with :func:`register`), plus fixtures and tests.
"""

from __future__ import annotations

from extractors.sources.base import Listing, SourcePlugin
from extractors.sources.federal_register import FederalRegisterPlugin
from extractors.sources.gdelt import GdeltPlugin
from extractors.sources.html import HtmlPlugin
from extractors.sources.rss import RssPlugin
from extractors.sources.sitemap import SitemapPlugin

__all__ = ["Listing", "SourcePlugin", "get_plugin", "known_kinds", "register"]

_REGISTRY: dict[str, SourcePlugin] = {}


def register(plugin: SourcePlugin) -> None:
    """Make ``plugin`` the handler of its ``kind`` (replacing any earlier one)."""
    _REGISTRY[plugin.kind] = plugin


def get_plugin(kind: str) -> SourcePlugin:
    """The plug-in for ``kind``; raises KeyError naming the known kinds."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(
            f"unknown source kind {kind!r} (known: {', '.join(sorted(_REGISTRY))})"
        ) from None


def known_kinds() -> frozenset[str]:
    """Every registered kind."""
    return frozenset(_REGISTRY)


for _plugin in (RssPlugin(), SitemapPlugin(), HtmlPlugin(), FederalRegisterPlugin(), GdeltPlugin()):
    register(_plugin)
