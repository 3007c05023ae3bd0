"""Parse stage: a fetched page (bytes + headers) -> an Article (main text + metadata).

The HTML is decoded and parsed once; metadata comes from the explicit tags
publishers write for search engines (canonical link, Open Graph, JSON-LD,
``<time>``), and the main text from trafilatura, which drops navigation,
related links, captions and footers but keeps tables (as Markdown rows).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from extractors.errors import ParseError
from extractors.urls import canonical_url
from schemas.records import Article, Page

MIN_TEXT_CHARS = 80


class NoArticle(ParseError):
    """A well-formed page with no article text (an index, a gallery, an error page)."""


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode a body, surviving charsets that are missing or wrong."""
    for bom, bom_enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(bom_enc, errors="replace")
    enc = _lookup(declared)
    if enc is None:
        m = _META_CHARSET.search(body[:4096])
        enc = _lookup(m.group(1).decode("ascii", "ignore")) if m else None
    try:
        # Valid multi-byte UTF-8 is almost never accidental, so it beats a
        # Latin-1/cp1252 label (servers often default to the latter).
        text = body.decode("utf-8")
        if enc in (None, "utf-8") or not body.isascii():
            return text
    except UnicodeDecodeError:
        if enc in (None, "utf-8"):
            # Declared (or assumed) UTF-8 that is not: the usual culprit is Windows-1252.
            return body.decode("cp1252", errors="replace")
    return body.decode(enc or "utf-8", errors="replace")


def _lookup(name: str | None) -> str | None:
    if not name:
        return None
    try:
        enc = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # WHATWG: labels for Latin-1 and ASCII mean Windows-1252 on the web.
    return "cp1252" if enc in ("latin-1", "iso8859-1", "ascii") else enc


def parse_page(page: Page) -> Article:
    """Turn a fetched page into an Article; raises ParseError when there is no article."""
    charset = None
    ctype = page.headers.get("content-type", "")
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";")[0]
    html = decode_html(page.body, charset)
    article = parse_html(
        html, url=page.final_url or page.url, fallback_published=page.listed_published
    )
    return Article(
        url=article.url,
        title=article.title,
        published=article.published,
        text=article.text,
        fetched_url=page.url,
        fetched_at=page.fetched_at,
        source=page.source,
    )


def parse_html(html: str, *, url: str, fallback_published: dt.date | None = None) -> Article:
    """Main text and metadata of one HTML document."""
    import lxml.html
    from lxml.etree import ParserError

    if not html.strip():
        raise ParseError("empty document")
    if _looks_binary(html):
        raise ParseError("binary content, not HTML")
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML: {exc}") from exc
    title = _title(tree)
    published = _published(tree) or fallback_published
    canonical = _canonical(tree, url)
    text = main_text(tree, url=url, title=title)
    if len(text) < MIN_TEXT_CHARS:
        raise NoArticle(f"no article text ({len(text)} characters)")
    return Article(url=canonical, title=title, published=published, text=text, fetched_url=url)


def _looks_binary(text: str) -> bool:
    """Compressed or binary bodies served as HTML decode to control and replacement characters."""
    sample = text[:4096]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f"))
    return odd > len(sample) // 20


def parse_text(text: str, *, url: str, published: dt.date | None = None) -> Article:
    """An Article from plain text (paragraphs separated by newlines)."""
    lines = [ln.strip() for ln in text.splitlines()]
    body = "\n".join(ln for ln in lines if ln)
    return Article(
        url=canonical_url(url), title=None, published=published, text=body, fetched_url=url
    )


def main_text(tree: Any, *, url: str, title: str | None = None) -> str:
    """Article body without boilerplate: paragraphs and table rows, one per line."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not re.fullmatch(r"\|?(\s*:?-{3,}:?\s*\|)+\s*", ln)]
    # trafilatura keeps the headline as the first line; the title is stored apart.
    if lines and title and _same_text(lines[0], title):
        lines = lines[1:]
    return "\n".join(lines)


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def _same_text(a: str, b: str) -> bool:
    return _norm(a) == _norm(b) or _norm(b).startswith(_norm(a))


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return str(found[0]).strip()
    return None


def _title(tree: Any) -> str | None:
    t = _meta(tree, "og:title", "twitter:title")
    if not t:
        h1 = tree.xpath("//article//h1 | //main//h1 | //h1")
        t = h1[0].text_content().strip() if h1 else None
    if not t:
        found = tree.xpath("//title/text()")
        t = str(found[0]).strip() if found else None
    return " ".join(t.split()) if t else None


def _published(tree: Any) -> dt.date | None:
    raw = _meta(tree, *_DATE_META)
    if raw is None:
        raw = _jsonld_date(tree)
    if raw is None:
        found = tree.xpath(
            "//article//time/@datetime | //time[@pubdate]/@datetime | //time/@datetime"
        )
        raw = str(found[0]) if found else None
    return parse_date(raw) if raw else None


def _jsonld_date(tree: Any) -> str | None:
    for blob in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(blob)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data, *data.get("@graph", [])]:
            if isinstance(item, dict) and item.get("datePublished"):
                return str(item["datePublished"])
    return None


def parse_date(raw: str) -> dt.date | None:
    """A date from ISO 8601 or RFC 822 text, or None."""
    raw = raw.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", raw)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        return None


def _canonical(tree: Any, url: str) -> str:
    found = tree.xpath('//link[@rel="canonical"]/@href')
    if found and str(found[0]).strip():
        cand = urljoin(url, str(found[0]).strip())
        # A page may only claim a canonical URL on its own host; anything else
        # could overwrite another site's article.
        if _host(cand) == _host(url):
            return canonical_url(cand)
    return canonical_url(url)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
