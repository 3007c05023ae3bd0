"""Machine-readable listings of the demo site: RSS, Atom, sitemap and robots.txt.

Links are root-relative like everywhere on the site; readers resolve them against the
URL they fetched the feed from. Every timestamp comes from the stories' dates.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from demo.content import SECTIONS, Story
from demo.golden import BASE_URL
from demo.render import SITE_NAME, iso_time

__all__ = ["RSS_ITEMS", "atom_feed", "rfc822", "robots_txt", "rss_feed", "sitemap"]

RSS_ITEMS = 20
_DESCRIPTION = "AI investment, funding rounds, AI products, chip export controls and AI talent."
# Atom ids must be absolute IRIs; tag URIs give stable ones without naming a host to fetch.
_TAG_AUTHORITY = BASE_URL.removeprefix("https://")


def rfc822(day: dt.date) -> str:
    """A story's publication time as RSS 2.0 writes it (RFC 822, GMT)."""
    moment = dt.datetime(day.year, day.month, day.day, 8, 0, tzinfo=dt.UTC)
    return email.utils.format_datetime(moment, usegmt=True)


def rss_feed(stories: Sequence[Story]) -> str:
    """RSS 2.0 with the latest ``RSS_ITEMS`` stories (``stories`` is newest first)."""
    latest = stories[:RSS_ITEMS]
    items = "\n".join(
        "<item>\n"
        f"<title>{escape(s.title)}</title>\n"
        f"<link>{s.path}</link>\n"
        f'<guid isPermaLink="false">{s.path}</guid>\n'
        f"<pubDate>{rfc822(s.date)}</pubDate>\n"
        f"<dc:creator>{escape(s.author)}</dc:creator>\n"
        f"<category>{escape(SECTIONS[s.section])}</category>\n"
        f"<description>{escape(s.summary)}</description>\n"
        "</item>"
        for s in latest
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel>\n"
        f"<title>{SITE_NAME}</title>\n"
        "<link>/</link>\n"
        f"<description>{_DESCRIPTION}</description>\n"
        "<language>en</language>\n"
        f"<lastBuildDate>{rfc822(latest[0].date)}</lastBuildDate>\n"
        '<atom:link href="/feed.xml" rel="self" type="application/rss+xml"/>\n'
        f"{items}\n"
        "</channel>\n"
        "</rss>\n"
    )


def atom_feed(stories: Sequence[Story]) -> str:
    """An Atom 1.0 feed of every story, newest first."""
    first_year = min(s.date.year for s in stories)
    entries = "\n".join(
        "<entry>\n"
        f"<title>{escape(s.title)}</title>\n"
        f"<id>tag:{_TAG_AUTHORITY},{s.date.isoformat()}:{s.path}</id>\n"
        f'<link rel="alternate" type="text/html" href="{s.path}"/>\n'
        f"<published>{iso_time(s.date)}</published>\n"
        f"<updated>{iso_time(s.date)}</updated>\n"
        f"<author><name>{escape(s.author)}</name></author>\n"
        f"<category term={quoteattr(s.section)} label={quoteattr(SECTIONS[s.section])}/>\n"
        f"<summary>{escape(s.summary)}</summary>\n"
        "</entry>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{SITE_NAME}: all stories</title>\n"
        f"<subtitle>{_DESCRIPTION}</subtitle>\n"
        f"<id>tag:{_TAG_AUTHORITY},{first_year}:feed</id>\n"
        '<link rel="self" type="application/atom+xml" href="/atom.xml"/>\n'
        '<link rel="alternate" type="text/html" href="/"/>\n'
        f"<updated>{iso_time(stories[0].date)}</updated>\n"
        f"<author><name>{SITE_NAME}</name></author>\n"
        f"{entries}\n"
        "</feed>\n"
    )


def sitemap(stories: Sequence[Story]) -> str:
    """A sitemap listing every article page with its last modification date."""
    urls = "\n".join(
        f"<url><loc>{s.path}</loc><lastmod>{s.date.isoformat()}</lastmod></url>" for s in stories
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n"
        "</urlset>\n"
    )


def robots_txt() -> str:
    """Allow every crawler everywhere and point it at the sitemap."""
    return "User-agent: *\nAllow: /\n\nSitemap: /sitemap.xml\n"
