"""Synthetic but realistic news pages for the benchmark: varied lengths, tables, furniture.

Pages are built from sentence templates that carry the figures the extractors
look for (investment totals, rounds, user counts, export rules, talent shares)
mixed with filler prose, so every stage does its real work. The output is a
static folder: ``news/NNNNN.html`` pages, ``sitemap.xml`` and ``feed.xml``.
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


def page(i: int, rng: random.Random) -> tuple[str, dt.date]:
    """One article page and its publication date."""
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
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {i}</title>'
        f'<meta property="article:published_time" content="{published.isoformat()}T08:00:00Z">'
        f'<link rel="canonical" href="/news/{i:05d}.html"></head><body><header><nav><ul>{nav}</ul>'
        f"</nav></header><main><article><h1>Story {i}: the AI race, week by week</h1>"
        f'<div class="byline">By Staff Writer · {published:%d %B %Y}</div>{"".join(paragraphs)}'
        f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>A data centre in {published.year}.'
        f'</figcaption></figure></article><aside class="related"><h2>You might also like</h2><ul>'
        f"{related}</ul></aside></main><footer><p>© The Bench Ledger. Subscribe for $1 a week."
        f"</p></footer></body></html>"
    )
    return html, published


def write_site(root: Path, n: int, seed: int = 7) -> list[str]:
    """Write ``n`` pages plus sitemap and feed under ``root``; returns the page paths."""
    rng = random.Random(seed)
    (root / "news").mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    entries: list[str] = []
    for i in range(n):
        html, published = page(i, rng)
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
