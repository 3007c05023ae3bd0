"""HTML pages of the demo news site: articles, the front page, section pages, about.

Every URL is root-relative because the site is served on 127.0.0.1 at a port chosen
at run time. Output depends only on the content, never on the time of the build.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zlib
from collections.abc import Sequence
from urllib.parse import quote

from demo.content import HUB, SECTIONS, Heading, Paragraph, Story, Table

__all__ = [
    "PER_PAGE",
    "SITE_NAME",
    "about_page",
    "article_page",
    "front_page",
    "iso_time",
    "placeholder_image",
    "related_stories",
    "section_page",
    "section_path",
    "stylesheet",
]

SITE_NAME = "The Compute Ledger"
TAGLINE = "Money, chips and people in the AI race"
PER_PAGE = 10
FRONT_PAGE_COUNT = 12
RELATED_COUNT = 4
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_PALETTE = {
    "markets": ("#0b3d5c", "#2f7fb0"),
    "chips": ("#3b2a52", "#8a5cc2"),
    "apps": ("#0f4d3a", "#2fa37a"),
    "talent": ("#5a3b12", "#c98a2e"),
    "tech": ("#333842", "#7d8696"),
}


def iso_time(day: dt.date) -> str:
    """The publication timestamp used in metadata and feeds (08:00 UTC on the day)."""
    return f"{day.isoformat()}T08:00:00Z"


def _human_date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def section_path(name: str, page: int = 1) -> str:
    """Root-relative URL of page ``page`` of a section listing."""
    return f"/section/{name}/index.html" if page == 1 else f"/section/{name}/page/{page}.html"


def _esc(text: str) -> str:
    """Escape for an attribute value."""
    return html.escape(text, quote=True)


def _txt(text: str) -> str:
    """Escape for element content: quotes stay as typed, as in most CMS output."""
    return html.escape(text, quote=False)


def _inline(markup: str) -> str:
    # Escape first, then turn the two supported constructs into tags.
    out = _txt(markup)
    out = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', out)
    return _EMPHASIS.sub(r"<em>\1</em>", out)


def _json_ld(data: object) -> str:
    # "</" inside a script element would end it early.
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def _copyright_years(stories: Sequence[Story]) -> str:
    years = sorted({s.date.year for s in stories})
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def _head(
    title: str,
    canonical: str,
    description: str,
    extra: Sequence[str] = (),
) -> str:
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_txt(title)}</title>",
        f'<meta name="description" content="{_esc(description)}">',
        f'<link rel="canonical" href="{_esc(canonical)}">',
        '<link rel="stylesheet" href="/static/style.css">',
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">',
        f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME}: all stories"'
        ' href="/atom.xml">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        *extra,
    ]
    return "<head>\n" + "\n".join(lines) + "\n</head>"


def _site_header(current: str | None) -> str:
    links = [("/", "Home", current == "home"), (section_path(HUB[0]), HUB[1], current == HUB[0])]
    links += [(section_path(name), label, current == name) for name, label in SECTIONS.items()]
    current_attr = ' aria-current="page"'
    items = "\n".join(
        f'<li><a href="{href}"{current_attr if active else ""}>{_txt(label)}</a></li>'
        for href, label, active in links
    )
    return (
        '<a class="skip-link" href="#main">Skip to content</a>\n'
        '<header class="site-header">\n'
        f'<div class="masthead"><a class="logo" href="/">{SITE_NAME}</a>'
        f'<p class="tagline">{TAGLINE}</p></div>\n'
        f'<nav class="site-nav" aria-label="Sections">\n<ul>\n{items}\n</ul>\n</nav>\n'
        "</header>"
    )


def _site_footer(stories: Sequence[Story]) -> str:
    return (
        '<footer class="site-footer">\n'
        '<nav class="footer-nav" aria-label="About this site"><ul>'
        '<li><a href="/about.html">About us</a></li>'
        '<li><a href="/feed.xml">RSS</a></li>'
        '<li><a href="/atom.xml">Atom</a></li>'
        '<li><a href="/sitemap.xml">Sitemap</a></li>'
        "</ul></nav>\n"
        f'<p class="copyright">© {_copyright_years(stories)} {SITE_NAME}.'
        " All rights reserved.</p>\n"
        "</footer>"
    )


def _newsletter() -> str:
    return (
        '<section class="newsletter" aria-labelledby="newsletter-title">\n'
        '<h2 id="newsletter-title">The Ledger Weekly</h2>\n'
        "<p>The week's money, chips and people stories in one email, every Friday.</p>\n"
        '<form class="newsletter-form" action="/newsletter/" method="post">'
        '<label for="newsletter-email">Email address</label>'
        '<input type="email" id="newsletter-email" name="email" placeholder="you@example.org">'
        '<button type="submit">Sign up</button></form>\n'
        "</section>"
    )


def _page(head: str, body_class: str, header: str, main: str, footer: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n'
        f'{head}\n<body class="{body_class}">\n{header}\n'
        f'<main id="main">\n{main}\n</main>\n{footer}\n</body>\n</html>\n'
    )


def related_stories(story: Story, stories: Sequence[Story]) -> list[Story]:
    """Other stories for the aside: the same section first, nearest in date."""

    def distance(other: Story) -> tuple[int, int, str]:
        return (other.section != story.section, abs((other.date - story.date).days), other.slug)

    return sorted((s for s in stories if s.slug != story.slug), key=distance)[:RELATED_COUNT]


def _body_html(story: Story) -> str:
    parts: list[str] = []
    for block in story.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{_inline(block.markup)}</p>")
        elif isinstance(block, Heading):
            parts.append(f"<h2>{_inline(block.markup)}</h2>")
        elif isinstance(block, Table):
            parts.append(_table_html(block))
    return "\n".join(parts)


def _table_html(table: Table) -> str:
    caption = f"<caption>{_txt(table.caption)}</caption>\n" if table.caption else ""
    head = "".join(f'<th scope="col">{_txt(c)}</th>' for c in table.header)
    rows = "\n".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{_txt(c)}</th>' if i == 0 else f"<td>{_txt(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        f'<div class="table-wrap"><table class="figures">\n{caption}'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>"
    )


def _share_bar(story: Story) -> str:
    text = quote(story.title, safe="")
    return (
        '<div class="share-bar" role="group" aria-label="Share this story">'
        '<span class="share-label">Share</span>'
        f'<a class="share share-x" href="https://x.com/intent/post?text={text}"'
        ' rel="nofollow">X</a>'
        f'<a class="share share-linkedin" href="https://www.linkedin.com/feed/?shareActive=true&amp;text={text}"'
        ' rel="nofollow">LinkedIn</a>'
        f'<a class="share share-email" href="mailto:?subject={text}">Email</a>'
        "</div>"
    )


def article_page(story: Story, stories: Sequence[Story]) -> str:
    """The full HTML page of one article."""
    published = iso_time(story.date)
    section_label = SECTIONS[story.section]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.summary,
        "datePublished": published,
        "dateModified": published,
        "articleSection": section_label,
        "keywords": list(story.tags),
        "author": {"@type": "Person", "name": story.author},
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "image": [f"/img/{story.slug}.svg"],
        "mainEntityOfPage": story.path,
    }
    extra = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{_esc(story.title)}">',
        f'<meta property="og:description" content="{_esc(story.summary)}">',
        f'<meta property="og:url" content="{story.path}">',
        f'<meta property="og:image" content="/img/{story.slug}.svg">',
        f'<meta property="article:published_time" content="{published}">',
        f'<meta property="article:section" content="{_esc(section_label)}">',
        *(f'<meta property="article:tag" content="{_esc(t)}">' for t in story.tags),
        f'<meta name="author" content="{_esc(story.author)}">',
        f'<script type="application/ld+json">\n{_json_ld(ld)}\n</script>',
    ]
    head = _head(f"{story.title} | {SITE_NAME}", story.path, story.summary, extra)
    related = "\n".join(
        f'<li><a class="related-link" href="{r.path}">{_txt(r.title)}</a>'
        f'<p class="teaser">{_txt(r.summary)}</p></li>'
        for r in related_stories(story, stories)
    )
    tags = "".join(f'<li class="tag">{_txt(t)}</li>' for t in story.tags)
    main = (
        '<article class="story">\n'
        '<header class="story-header">\n'
        f'<p class="kicker"><a href="{section_path(story.section)}">{_txt(section_label)}</a></p>\n'
        f'<h1 class="headline">{_txt(story.title)}</h1>\n'
        f'<p class="standfirst">{_txt(story.summary)}</p>\n'
        f'<p class="byline">By <span class="author">{_txt(story.author)}</span> · '
        f'<time datetime="{published}">{_human_date(story.date)}</time></p>\n'
        f"{_share_bar(story)}\n"
        "</header>\n"
        '<figure class="lead-image">'
        f'<img src="/img/{story.slug}.svg" alt="" width="960" height="400">'
        f"<figcaption>{_txt(story.image_caption)}"
        ' <span class="credit">Illustration: The Compute Ledger</span></figcaption></figure>\n'
        f'<div class="story-body">\n{_body_html(story)}\n</div>\n'
        f'<footer class="story-footer"><h2 class="visually-hidden">Topics</h2>'
        f'<ul class="tags">{tags}</ul></footer>\n'
        "</article>\n"
        '<aside class="related" aria-labelledby="related-title">\n'
        f'<h2 id="related-title">You might also like</h2>\n<ul>\n{related}\n</ul>\n</aside>\n'
        f"{_newsletter()}"
    )
    return _page(head, "article-page", _site_header(story.section), main, _site_footer(stories))


def _teaser(story: Story, level: int = 2) -> str:
    return (
        '<article class="teaser">\n'
        f'<p class="kicker">{_txt(SECTIONS[story.section])}</p>\n'
        f'<h{level}><a class="headline" href="{story.path}">{_txt(story.title)}</a></h{level}>\n'
        f'<p class="dek">{_txt(story.summary)}</p>\n'
        f'<p class="meta"><time datetime="{iso_time(story.date)}">{_human_date(story.date)}</time>'
        f" · {_txt(story.author)}</p>\n"
        "</article>"
    )


def front_page(stories: Sequence[Story]) -> str:
    """The home page: the latest stories, newest first."""
    latest = list(stories[:FRONT_PAGE_COUNT])
    head = _head(
        f"{SITE_NAME}: {TAGLINE}",
        "/",
        f"{SITE_NAME} reports on AI investment, chips, products and talent.",
        [
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{SITE_NAME}">',
            '<meta property="og:url" content="/">',
        ],
    )
    sections = "\n".join(
        f'<li><a href="{section_path(name)}">{_txt(label)}</a></li>'
        for name, label in [HUB, *SECTIONS.items()]
    )
    main = (
        '<section class="front-lead" aria-label="Top story">\n'
        f"{_teaser(latest[0], level=2)}\n</section>\n"
        '<section class="latest" aria-labelledby="latest-title">\n'
        '<h2 id="latest-title">Latest</h2>\n'
        + "\n".join(_teaser(s, level=3) for s in latest[1:])
        + f'\n<p class="more"><a href="{section_path(HUB[0])}">More AI coverage</a></p>\n'
        "</section>\n"
        '<aside class="section-list" aria-labelledby="sections-title">\n'
        f'<h2 id="sections-title">Sections</h2>\n<ul>\n{sections}\n</ul>\n</aside>\n'
        f"{_newsletter()}"
    )
    return _page(head, "front-page", _site_header("home"), main, _site_footer(stories))


def section_page(
    name: str,
    label: str,
    members: Sequence[Story],
    page: int,
    stories: Sequence[Story],
) -> str:
    """One page of a section listing (``members`` newest first, PER_PAGE a page)."""
    pages = max(1, -(-len(members) // PER_PAGE))
    shown = members[(page - 1) * PER_PAGE : page * PER_PAGE]
    path = section_path(name, page)
    links: list[str] = []
    head_links: list[str] = []
    if page > 1:
        prev = section_path(name, page - 1)
        links.append(f'<a class="prev" rel="prev" href="{prev}">Newer stories</a>')
        head_links.append(f'<link rel="prev" href="{prev}">')
    links.append(f'<span class="page-number">Page {page} of {pages}</span>')
    if page < pages:
        nxt = section_path(name, page + 1)
        links.append(f'<a class="next" rel="next" href="{nxt}">Older stories</a>')
        head_links.append(f'<link rel="next" href="{nxt}">')
    title = f"{label} | {SITE_NAME}" + (f" (page {page})" if page > 1 else "")
    head = _head(
        title,
        path,
        f"{label}: the latest stories from {SITE_NAME}.",
        [
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{_esc(label)}">',
            f'<meta property="og:url" content="{path}">',
            *head_links,
        ],
    )
    main = (
        f'<header class="section-header"><h1>{_txt(label)}</h1></header>\n'
        '<section class="story-list">\n' + "\n".join(_teaser(s) for s in shown) + "\n</section>\n"
        f'<nav class="pagination" aria-label="More stories">{"".join(links)}</nav>\n'
        f"{_newsletter()}"
    )
    return _page(head, "section-page", _site_header(name), main, _site_footer(stories))


def about_page(stories: Sequence[Story]) -> str:
    """A short page about the (fictional) outlet."""
    head = _head(
        f"About us | {SITE_NAME}",
        "/about.html",
        f"About {SITE_NAME}.",
        [
            '<meta property="og:type" content="website">',
            '<meta property="og:url" content="/about.html">',
        ],
    )
    main = (
        '<article class="page">\n<h1>About us</h1>\n'
        f"<p>{SITE_NAME} is a fictional technology news outlet. Its stories restate, in their own"
        " words, figures that were reported publicly about AI investment, funding rounds, AI"
        " products, chip export controls and AI talent.</p>\n"
        "<p>The site exists to exercise news-tracking software end to end: every page, feed and"
        " sitemap is a plain static file.</p>\n</article>"
    )
    return _page(head, "about-page", _site_header(None), main, _site_footer(stories))


def placeholder_image(story: Story) -> str:
    """A deterministic SVG lead illustration in the section's colours."""
    dark, light = _PALETTE[story.section]
    seed = zlib.crc32(story.slug.encode())
    heights = [60 + (seed >> (3 * i)) % 220 for i in range(8)]
    bars = "".join(
        f'<rect x="{80 + i * 100}" y="{400 - h}" width="60" height="{h}"'
        f' fill="{light}" opacity="0.55"/>'
        for i, h in enumerate(heights)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400" viewBox="0 0 960 400"'
        f' role="img" aria-label="{_esc(SECTIONS[story.section])}">'
        f'<rect width="960" height="400" fill="{dark}"/>{bars}'
        f'<text x="40" y="70" fill="#ffffff" font-family="Georgia, serif" font-size="34">'
        f"{_esc(SECTIONS[story.section])}</text></svg>\n"
    )


def stylesheet() -> str:
    """The site's one stylesheet."""
    return """\
:root { --ink: #1b1d21; --muted: #5c6370; --rule: #d9dce1; --accent: #0b5cab; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.6 Georgia, "Times New Roman", serif; color: var(--ink); }
a { color: var(--accent); }
.skip-link { position: absolute; left: -999px; }
.skip-link:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
.site-header { border-bottom: 3px solid var(--ink); padding: 1rem 1.5rem 0; }
.masthead { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
.logo { font-size: 2rem; font-weight: bold; color: var(--ink); text-decoration: none; }
.tagline { margin: 0; color: var(--muted); font-style: italic; }
.site-nav ul, .footer-nav ul, .tags { list-style: none; padding: 0; margin: .5rem 0; display: flex;
  flex-wrap: wrap; gap: 1.25rem; }
.site-nav a { font: 600 .9rem/2 system-ui, sans-serif; text-transform: uppercase; color: var(--ink);
  text-decoration: none; }
.site-nav a[aria-current] { border-bottom: 3px solid var(--accent); }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem; }
.kicker { font: 600 .8rem system-ui, sans-serif; text-transform: uppercase; color: var(--accent);
  margin: 0; }
.headline { font-size: 2.2rem; line-height: 1.2; margin: .3rem 0; }
.standfirst { font-size: 1.2rem; color: var(--muted); }
.byline, .meta { font: .85rem system-ui, sans-serif; color: var(--muted); }
.share-bar { display: flex; gap: .75rem; font: .85rem system-ui, sans-serif; margin: .5rem 0 1rem; }
.share-label { font-weight: 600; }
.lead-image { margin: 0 0 1.5rem; }
.lead-image img { width: 100%; height: auto; display: block; }
figcaption { font: .8rem system-ui, sans-serif; color: var(--muted); padding-top: .3rem; }
.table-wrap { overflow-x: auto; }
table.figures { border-collapse: collapse; width: 100%; font: .9rem system-ui, sans-serif;
  margin: 1rem 0; }
table.figures caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
table.figures th, table.figures td { border-bottom: 1px solid var(--rule); padding: .4rem .5rem;
  text-align: left; }
.tag { background: #eef1f5; padding: 0 .5rem; font: .8rem system-ui, sans-serif; }
.related, .newsletter, .section-list { border-top: 1px solid var(--rule); margin-top: 2rem;
  padding-top: 1rem; }
.related ul { padding-left: 1.1rem; }
.teaser { border-bottom: 1px solid var(--rule); padding: .75rem 0; }
.teaser h2, .teaser h3 { margin: .2rem 0; line-height: 1.25; }
.teaser .headline { font-size: inherit; color: var(--ink); text-decoration: none; }
.dek { margin: .2rem 0; }
.pagination { display: flex; gap: 1rem; justify-content: space-between; margin-top: 1.5rem;
  font: .9rem system-ui, sans-serif; }
.newsletter-form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.site-footer { border-top: 3px solid var(--ink); padding: 1rem 1.5rem; color: var(--muted);
  font: .85rem system-ui, sans-serif; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); }
"""
