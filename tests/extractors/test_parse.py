"""The parse stage: decoding, metadata and main text without boilerplate."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.parse import NoArticle, decode_html, parse_html, parse_page
from schemas.records import Page

BODY = " ".join(["The sentence carries enough words to be treated as article prose."] * 3)


def _page(inner: str, head: str = "") -> str:
    return f"""<!doctype html><html><head><title>Headline | Outlet</title>{head}</head><body>
<header><nav><ul><li><a href="/markets">Markets</a></li><li><a href="/tech">Tech</a></li></ul></nav></header>
<main><article><h1>Headline</h1><div class="byline">By A. Writer</div>{inner}</article>
<aside class="related"><h2>You might also like</h2><ul>
<li><a href="/n/1">Chipmaker sells $5 billion of memory in a quarter</a></li>
<li><a href="/n/2">Startup raises $300 million for robots</a></li></ul></aside></main>
<footer><p>Copyright 2024 Outlet. Subscribe for $1 a week.</p></footer></body></html>"""


def test_main_text_drops_navigation_related_links_and_footer() -> None:
    html = _page(f"<p>{BODY}</p><p>Investors put $31 billion into AI startups in 2022. {BODY}</p>")
    art = parse_html(html, url="https://news.example/a")
    assert "Investors put $31 billion into AI startups in 2022." in art.text
    for junk in ("Markets", "You might also like", "$5 billion", "Subscribe", "By A. Writer"):
        assert junk not in art.text
    assert not art.text.startswith("Headline")


def test_tables_are_kept_as_rows() -> None:
    table = (
        "<table><tr><th>Country</th><th>2023</th></tr><tr><td>US</td><td>$67.2bn</td></tr></table>"
    )
    art = parse_html(_page(f"<p>{BODY}</p>{table}<p>{BODY}</p>"), url="https://news.example/a")
    assert "| US | $67.2bn |" in art.text
    assert "---" not in art.text


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2023-10-17T08:00:00Z">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-10-17"}</script>',
        '<meta name="pubdate" content="Tue, 17 Oct 2023 08:00:00 GMT">',
    ],
)
def test_published_date_from_common_tags(head: str) -> None:
    art = parse_html(_page(f"<p>{BODY}</p>", head), url="https://news.example/a")
    assert art.published == dt.date(2023, 10, 17)


def test_listing_date_is_the_fallback() -> None:
    art = parse_html(
        _page(f"<p>{BODY}</p>"),
        url="https://news.example/a",
        fallback_published=dt.date(2022, 1, 2),
    )
    assert art.published == dt.date(2022, 1, 2)


def test_canonical_is_resolved_and_cleaned_but_only_on_the_same_host() -> None:
    head = '<link rel="canonical" href="/news/story.html?utm_source=x#top">'
    art = parse_html(_page(f"<p>{BODY}</p>", head), url="https://news.example/amp/story?ref=1")
    assert art.url == "https://news.example/news/story.html"
    foreign = '<link rel="canonical" href="https://other.example/stolen">'
    art = parse_html(_page(f"<p>{BODY}</p>", foreign), url="https://news.example/a")
    assert art.url == "https://news.example/a"


def test_title_prefers_open_graph() -> None:
    art = parse_html(
        _page(f"<p>{BODY}</p>", '<meta property="og:title" content="The Real Title">'),
        url="https://x.example/",
    )
    assert art.title == "The Real Title"


def test_page_without_article_text_is_no_article() -> None:
    with pytest.raises(NoArticle):
        parse_html(_page("<p>Short.</p>"), url="https://news.example/index")


def test_mislabelled_windows_1252_is_decoded() -> None:
    body = f"<html><body><article><p>{BODY} It cost \u20ac5 \u2014 \u201cquoted\u201d.</p></article></body></html>"
    page = Page(
        url="https://news.example/a",
        final_url="https://news.example/a",
        status=200,
        body=body.encode("cp1252"),
        headers={"content-type": "text/html; charset=utf-8"},
    )
    art = parse_page(page)
    assert "\u20ac5 \u2014 \u201cquoted\u201d" in art.text


def test_utf8_beats_a_latin1_label() -> None:
    raw = "Zhipu \u667a\u8c31 raised \u00a51bn".encode()
    assert decode_html(raw, "iso-8859-1") == "Zhipu \u667a\u8c31 raised \u00a51bn"


def test_meta_charset_is_used_when_the_header_has_none() -> None:
    raw = '<meta charset="gb2312"><p>\u767e\u5ea6</p>'.encode("gb2312")
    assert "\u767e\u5ea6" in decode_html(raw, None)
