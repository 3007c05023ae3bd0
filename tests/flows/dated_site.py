"""A local news site whose RSS feed and Google News sitemap list dated articles over weeks."""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.server import Route, SiteServer

GAPTRACK = ROOT / ".venv" / "bin" / "gaptrack"
#: Settings that make a local site fetchable quickly (no politeness delay, short timeouts).
FAST_ENV = {
    "GAPTRACK_ALLOWED_HOSTS": "127.0.0.1",
    "GAPTRACK_PER_HOST_DELAY": "0",
    "GAPTRACK_BACKOFF": "0.01",
    "GAPTRACK_TIMEOUT": "5",
}
FAST = {"allowed_hosts": "127.0.0.1", "per_host_delay": 0.0, "backoff": 0.01, "timeout": 5.0}

PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{day}T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>Venture investors poured ${amount} billion into US AI startups in 2023, according to the AI Index.</p>
<p>{title} is one of the dated stories of the local test site, written with enough prose to count
as an article, published on {day} and listed by the site's feed or its news sitemap.</p>
</article></body></html>"""


@dataclass(frozen=True)
class DatedSite:
    """The articles a dated site serves, and a sources file naming its feed and sitemap."""

    base_url: str
    articles: dict[str, dt.date]  # path -> publication date
    sources_file: Path
    server: SiteServer = field(compare=False, repr=False)

    def slow_down(self, seconds: float) -> None:
        """Make every article answer after ``seconds``."""
        for path in self.articles:
            self.server.routes[path].delay = seconds

    def in_window(self, since: dt.date, until: dt.date) -> set[str]:
        """URLs of the articles published in ``[since, until]``."""
        return {self.base_url + p for p, d in self.articles.items() if since <= d <= until}


def build(
    site: SiteServer, folder: Path, start: dt.date, weeks: int, *, delay: float = 0.0
) -> DatedSite:
    """Serve four articles a week from ``start`` (two in the feed, two in the sitemap),
    plus one before and one after, each answering after ``delay`` seconds."""
    feed: list[tuple[str, dt.date]] = []
    news: list[tuple[str, dt.date]] = []
    days = [
        (w, i, start + dt.timedelta(days=7 * w + 2 * i)) for w in range(weeks) for i in range(4)
    ]
    days += [
        (-1, 0, start - dt.timedelta(days=10)),
        (weeks, 0, start + dt.timedelta(weeks=weeks, days=3)),
    ]
    articles: dict[str, dt.date] = {}
    for w, i, day in days:
        path = f"/news/{day:%Y/%m/%d}/story-{w + 1}-{i}"
        title = f"Story {w + 1}-{i} of the dated site"
        amount = f"{10 + (w + 1) * 4 + i}.5"
        site.set(
            path, Route(PAGE.format(title=title, day=day.isoformat(), amount=amount), delay=delay)
        )
        (feed if i < 2 else news).append((path, day))
        articles[path] = day
    base = site.base_url
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        f"<pubDate>{email.utils.format_datetime(dt.datetime.combine(d, dt.time(8), dt.UTC))}</pubDate></item>"
        for p, d in feed
    )
    site.set(
        "/feed.xml",
        Route(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
            content_type="application/rss+xml",
        ),
    )
    urls = "".join(
        f"<url><loc>{base}{p}</loc><news:news><news:publication_date>{d.isoformat()}"
        f"</news:publication_date><news:title>{p}</news:title></news:news></url>"
        for p, d in news
    )
    site.set(
        "/news-sitemap.xml",
        Route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>",
            content_type="application/xml",
        ),
    )
    sources = folder / "dated-sources.toml"
    sources.write_text(
        f'[[source]]\nname = "dated-feed"\nkind = "rss"\nurl = "{base}/feed.xml"\n\n'
        f'[[source]]\nname = "dated-sitemap"\nkind = "sitemap"\nurl = "{base}/news-sitemap.xml"\n'
    )
    return DatedSite(base, articles, sources, site)


def env(**extra: str) -> dict[str, str]:
    """The environment of a ``gaptrack`` subprocess: this one's, fast fetch settings, ``extra``."""
    return {**os.environ, **FAST_ENV, **extra}


def gaptrack(
    args: list[str], environ: dict[str, str], log: Path, out: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``gaptrack ARGS`` with its output in ``log`` (stdout in ``out`` if given)."""
    with log.open("ab") as err:
        if out is None:
            return subprocess.Popen(
                [str(GAPTRACK), *args], env=environ, stdout=err, stderr=subprocess.STDOUT
            )
        with out.open("wb") as fh:
            return subprocess.Popen([str(GAPTRACK), *args], env=environ, stdout=fh, stderr=err)


def wait_for(check: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    """Poll ``check()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a SQLite file, or [] while the table does not exist yet."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
