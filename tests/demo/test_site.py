"""The built site: page metadata, furniture, listings, feeds, sitemap and links."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
import pytest

from demo.content import HUB, SECTIONS, Story
from demo.render import PER_PAGE, section_path

from .helpers import SITE, page, stories

STORIES = stories()
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _published(story: Story) -> str:
    return f"{story.date.isoformat()}T08:00:00Z"


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.slug)
def test_article_page_head(story: Story) -> None:
    doc = page(story.path)
    assert doc.findtext(".//title").startswith(story.title)
    assert doc.xpath("//link[@rel='canonical']/@href") == [story.path]
    assert doc.xpath("//meta[@property='article:published_time']/@content") == [_published(story)]
    assert doc.xpath("//meta[@property='og:title']/@content") == [story.title]
    blocks = [json.loads(s) for s in doc.xpath("//script[@type='application/ld+json']/text()")]
    news = [b for b in blocks if b.get("@type") == "NewsArticle"]
    assert len(news) == 1
    assert news[0]["datePublished"] == _published(story)
    assert news[0]["headline"] == story.title
    assert news[0]["author"]["name"] == story.author


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.slug)
def test_article_page_furniture(story: Story) -> None:
    doc = page(story.path)
    assert [h.text_content() for h in doc.xpath("//h1")] == [story.title]
    assert doc.xpath("//nav[contains(@class, 'site-nav')]//a[@href='/section/chips/index.html']")
    byline = doc.xpath("//p[@class='byline']")[0]
    assert story.author in byline.text_content()
    assert byline.xpath(".//time/@datetime") == [_published(story)]
    assert len(doc.xpath("//div[@class='share-bar']/a")) >= 3
    assert doc.xpath("//figure/figcaption")[0].text_content().startswith(story.image_caption)
    related = doc.xpath("//aside[@class='related']//a[@class='related-link']/@href")
    assert len(related) == 4
    assert story.path not in related
    assert doc.xpath("//section[@class='newsletter']//input[@type='email']")
    assert "©" in doc.xpath("//footer[@class='site-footer']")[0].text_content()


def test_front_page_lists_the_latest_stories() -> None:
    doc = page("/index.html")
    links = doc.xpath("//main//a[@class='headline']/@href")
    assert links == [s.path for s in STORIES[: len(links)]]
    assert len(links) >= 10


@pytest.mark.parametrize("name", [HUB[0], *SECTIONS])
def test_section_pages_paginate_through_every_story(name: str) -> None:
    members = [s.path for s in STORIES if (s.is_ai if name == HUB[0] else s.section == name)]
    seen: list[str] = []
    href: str | None = section_path(name)
    pages = 0
    while href:
        doc = page(href)
        links = doc.xpath("//main//a[@class='headline']/@href")
        assert 0 < len(links) <= PER_PAGE
        seen += links
        nxt = doc.xpath("//a[@rel='next']")
        assert all("next" in a.get("class", "").split() for a in nxt)
        href = nxt[0].get("href") if nxt else None
        pages += 1
    assert seen == members
    assert pages == -(-len(members) // PER_PAGE)


def test_ai_hub_needs_several_pages() -> None:
    assert page(section_path(HUB[0])).xpath("//head/link[@rel='next']/@href") == [
        section_path(HUB[0], 2)
    ]


def test_rss_feed_lists_the_20_latest_stories() -> None:
    root = SafeET.parse(SITE / "feed.xml").getroot()
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [i.findtext("link") for i in items] == [s.path for s in STORIES[:20]]
    for item, story in zip(items, STORIES, strict=False):
        assert item.findtext("title") == story.title
        moment = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        assert moment == dt.datetime(
            story.date.year, story.date.month, story.date.day, 8, tzinfo=dt.UTC
        )


def test_atom_feed_lists_every_story() -> None:
    root = SafeET.parse(SITE / "atom.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [s.path for s in STORIES]
    assert [e.findtext(f"{ATOM}published") for e in entries] == [_published(s) for s in STORIES]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    assert all(i and i.startswith("tag:") for i in ids)


def test_sitemap_lists_every_article_with_lastmod() -> None:
    root = SafeET.parse(SITE / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    assert urls == {s.path: s.date.isoformat() for s in STORIES}


def test_robots_txt_allows_all_and_names_the_sitemap() -> None:
    lines = (SITE / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert "Sitemap: /sitemap.xml" in lines


def test_every_internal_link_resolves_and_is_root_relative() -> None:
    missing: list[str] = []
    for path in SITE.rglob("*.html"):
        doc = page("/" + path.relative_to(SITE).as_posix())
        for url in doc.xpath("//@href | //@src"):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue  # share links and in-page anchors
            assert url.startswith("/"), f"{path.name}: relative link {url!r}"
            target = SITE / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{path.relative_to(SITE)} -> {url}")
    assert not missing, missing[:10]


def test_pages_are_utf8_and_declare_it() -> None:
    for path in SITE.rglob("*.html"):
        text = path.read_bytes().decode("utf-8")
        assert '<meta charset="utf-8">' in text
