"""Synthetic but realistic news pages for the benchmark: varied lengths, tables, furniture.

Pages are built from sentence templates that carry the figures the extractors
look for (investment totals, rounds, user counts, export rules, talent shares)
mixed with filler prose, so every stage does its real work. Around the article
sits the furniture of a news site's page: inline scripts and styles, JSON-LD,
a large menu, share and newsletter widgets, "most read" lists, comments and a
footer of links, which is most of a real page's bytes (``lean`` leaves it out).
The output is a static folder: ``news/NNNNN.html`` pages and ``sitemap.xml``.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

COMPANIES = [
    "Nimbus AI",
    "Quanta Labs",
    "Helix Robotics",
    "Orbit Models",
    "Lumen Systems",
    "Vertex Minds",
    "Cobalt AI",
    "Aster Intelligence",
    "Pioneer Compute",
    "Tidal AI",
]
INVESTORS = [
    "Example Ventures",
    "Harbor Capital",
    "Summit Partners",
    "Northgate Fund",
    "Kite Ventures",
]
PRODUCTS = [
    ("ChatGPT", "OpenAI"),
    ("Ernie Bot", "Baidu"),
    ("Doubao", "ByteDance"),
    ("Gemini", "Google"),
    ("Kimi", "Moonshot AI"),
    ("Claude", "Anthropic"),
]
FILLER = [
    "Analysts said demand for AI tools among enterprise buyers remained steady through the period.",
    "The company declined to comment on its plans for new products or hiring.",
    "Executives at several rival firms described the market as crowded but still growing quickly.",
    "Regulators in several countries are studying how the largest models are trained and deployed.",
    "Investors have grown more selective, favouring firms with paying customers over prototypes.",
    "The shift has pushed start-ups to cut prices and bundle their models with cloud services.",
    "Researchers cautioned that benchmark scores say little about how systems behave in practice.",
    "Several founders said hiring experienced engineers had become the hardest part of scaling.",
]


def _figures(rng: random.Random, year: int) -> list[str]:
    company = rng.choice(COMPANIES)
    product, maker = rng.choice(PRODUCTS)
    return [
        f"{company} raised ${rng.randint(20, 900)} million in a funding round led by "
        f"{rng.choice(INVESTORS)}, the company said.",
        f"US AI start-ups drew ${rng.randint(30, 110)}.{rng.randint(0, 9)} billion of private "
        f"investment across {rng.randint(600, 1500):,} deals in {year}, while China drew "
        f"${rng.randint(2, 15)}.{rng.randint(0, 9)} billion.",
        f"{maker}'s {product} reached {rng.randint(10, 800)} million monthly active users, "
        "the company said.",
        "The US Commerce Department tightened export controls on advanced AI chips to China, "
        "adding Nvidia's H20 to the list of restricted processors.",
        f"About {rng.randint(20, 60)} per cent of top-tier AI researchers did their undergraduate "
        "studies in China, a think tank found.",
    ]


def _table(rng: random.Random, year: int) -> str:
    rows = "".join(
        f"<tr><td>{c}</td><td>{rng.randint(1, 90)}.{rng.randint(0, 9)}</td>"
        f"<td>{rng.randint(1, 90)}.{rng.randint(0, 9)}</td></tr>"
        for c in ("United States", "China", "United Kingdom")
    )
    return (
        f"<table><caption>Private AI investment, $bn</caption><tr><th>Country</th>"
        f"<th>{year - 1}</th><th>{year}</th></tr>{rows}</table>"
    )


SECTIONS = [
    "world",
    "business",
    "markets",
    "technology",
    "ai",
    "chips",
    "policy",
    "science",
    "opinion",
    "video",
    "podcasts",
    "data",
    "events",
    "newsletters",
]
_JS_WORDS = [
    "function",
    "var",
    "return",
    "window",
    "document",
    "push",
    "dataLayer",
    "config",
    "slot",
    "event",
    "track",
    "consent",
    "gdpr",
    "setTimeout",
    "addEventListener",
    "querySelector",
    "prebid",
    "bidder",
    "timeout",
    "floor",
    "cmp",
    "tcf",
    "user",
]


def _script(rng: random.Random, kb: int) -> str:
    """Minified-looking JavaScript of about ``kb`` kilobytes (ad, analytics, consent code)."""
    parts: list[str] = []
    size = 0
    while size < kb * 1024:
        a, b = rng.choice(_JS_WORDS), rng.choice(_JS_WORDS)
        chunk = f"{a}.{b}_{rng.randint(0, 999)}=function(e,t){{return e&&t?e[{rng.randint(0, 9)}]:"
        chunk += f'"{rng.choice(_JS_WORDS)}-{rng.randint(1000, 9999)}"}};'
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


def _furniture(i: int, rng: random.Random, published: dt.date) -> tuple[str, str, str]:
    """(head extras, the page top, the page bottom) of a news site's article page."""
    head = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/site.css"><link rel="preload" href="/static/f.woff2">'
        f"<style>{'.c%d{margin:0 auto;padding:%dpx;font:16px/1.5 serif}' * 1}</style>"
        % (i % 97, i % 13)
        + '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
        f'"NewsArticle","headline":"Story {i}","datePublished":"{published.isoformat()}",'
        '"author":{"@type":"Person","name":"Staff Writer"}}</script>'
        + "".join(
            f'<script async src="/static/{n}.js"></script>'
            for n in ("ads", "analytics", "consent", "video")
        )
        + f"<script>{_script(rng, rng.choice((20, 40, 60, 90)))}</script>"
    )
    menu = "".join(
        f'<li><a href="/{s}/">{s.title()}</a><ul>'
        + "".join(f'<li><a href="/{s}/{k}/">{s.title()} {k}</a></li>' for k in range(8))
        + "</ul></li>"
        for s in SECTIONS
    )
    top = (
        f'<div class="consent" role="dialog"><p>We use cookies to improve your experience and '
        f"to show personalised ads.</p><button>Accept</button><button>Manage</button></div>"
        f'<header><a class="logo" href="/">The Bench Ledger</a><nav class="mega"><ul>{menu}</ul>'
        f'</nav><form class="search" action="/search"><input name="q"></form></header>'
        f'<div class="ad" id="top-banner" data-slot="{i % 7}"></div>'
        f'<ul class="share"><li><a href="/share?u={i}">Share</a></li><li>Copy link</li>'
        f"<li>Save</li></ul>"
    )
    most_read = "".join(
        f'<li><a href="/news/{rng.randint(0, 99999):05d}.html">{rng.choice(COMPANIES)} '
        f"{rng.choice(('unveils', 'cuts', 'expands', 'delays'))} "
        f"{rng.choice(('chip plans', 'jobs', 'a new model', 'its app'))}</a></li>"
        for _ in range(10)
    )
    comments = "".join(
        f'<li class="comment"><b>reader{rng.randint(1, 9999)}</b> '
        f"<p>{rng.choice(FILLER)} {rng.choice(FILLER)}</p><a href='#r'>Reply</a></li>"
        for _ in range(rng.choice((0, 3, 8, 15)))
    )
    footer_links = "".join(
        f'<li><a href="/{s}/about/">{s.title()} desk</a></li>' for s in SECTIONS * 3
    )
    bottom = (
        f'<section class="newsletter"><h2>Get the AI briefing</h2><form><input type="email">'
        f"<button>Sign up</button></form></section>"
        f'<section class="most-read"><h2>Most read</h2><ol>{most_read}</ol></section>'
        f'<section class="comments"><h2>Comments</h2><ul>{comments}</ul></section>'
        f'<footer><ul class="links">{footer_links}</ul><p>© The Bench Ledger. '
        f"Subscribe for $1 a week.</p></footer>"
        f"<script>{_script(rng, rng.choice((5, 10, 20)))}</script>"
    )
    return head, top, bottom


def page(i: int, rng: random.Random, *, lean: bool = False) -> tuple[str, dt.date]:
    """One article page and its publication date (``lean``: without the site furniture)."""
    published = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1600))
    paragraphs: list[str] = []
    figures = _figures(rng, published.year - 1)
    for _ in range(rng.choice((3, 5, 8, 14, 24))):
        sentences = rng.sample(FILLER, k=3)
        if figures and rng.random() < 0.5:
            sentences.insert(1, figures.pop())
        paragraphs.append("<p>" + " ".join(sentences) + "</p>")
    if rng.random() < 0.2:
        paragraphs.insert(len(paragraphs) // 2, _table(rng, published.year - 1))
    related = "".join(
        f'<li><a href="/news/{rng.randint(0, 99999):05d}.html">{rng.choice(COMPANIES)} '
        f"shares rise {rng.randint(1, 9)}% after earnings</a></li>"
        for _ in range(6)
    )
    nav = "".join(
        f'<li><a href="/section/{s}/">{s.title()}</a></li>' for s in ("ai", "chips", "markets")
    )
    head, top, bottom = ("", "", "") if lean else _furniture(i, rng, published)
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {i}</title>'
        f'<meta property="article:published_time" content="{published.isoformat()}T08:00:00Z">'
        f'<link rel="canonical" href="/news/{i:05d}.html">{head}</head><body>{top}<header><nav>'
        f"<ul>{nav}</ul></nav></header><main><article><h1>Story {i}: the AI race, week by week</h1>"
        f'<div class="byline">By Staff Writer · {published:%d %B %Y}</div>{"".join(paragraphs)}'
        f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>A data centre in {published.year}.'
        f'</figcaption></figure></article><aside class="related"><h2>You might also like</h2><ul>'
        f"{related}</ul></aside></main>{bottom}<footer><p>© The Bench Ledger. "
        f"Subscribe for $1 a week.</p></footer></body></html>"
    )
    return html, published


def write_site(root: Path, n: int, seed: int = 7, *, lean: bool = False) -> list[str]:
    """Write ``n`` pages and a sitemap under ``root``; returns the page paths."""
    rng = random.Random(seed)
    (root / "news").mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    entries: list[str] = []
    for i in range(n):
        html, published = page(i, rng, lean=lean)
        path = f"/news/{i:05d}.html"
        (root / path.lstrip("/")).write_text(html, encoding="utf-8")
        paths.append(path)
        entries.append(f"<url><loc>{path}</loc><lastmod>{published.isoformat()}</lastmod></url>")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(entries)}</urlset>',
        encoding="utf-8",
    )
    (root / "index.html").write_text(
        "<html><body><p>Bench site</p></body></html>", encoding="utf-8"
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths
