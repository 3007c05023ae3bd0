"""The static folder works as a web site behind a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from urllib.parse import urljoin

import defusedxml.ElementTree as SafeET
import httpx
import pytest

from .helpers import SITE, stories


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    """Serve demo/site on an ephemeral port in a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_feed_and_article_are_served(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        feed = client.get("/feed.xml")
        assert feed.status_code == 200
        assert "xml" in feed.headers["content-type"]
        first = SafeET.fromstring(feed.content).find("./channel/item")
        link = first.findtext("link")
        assert link == stories()[0].path

        article = client.get(urljoin(str(feed.url), link))
        assert article.status_code == 200
        assert article.headers["content-type"].startswith("text/html")
        assert f'<h1 class="headline">{first.findtext("title")}</h1>' in article.text

        section = client.get("/section/ai/index.html")
        assert section.status_code == 200
        assert 'rel="next"' in section.text
        assert client.get("/robots.txt").text.startswith("User-agent: *")
        assert client.get("/news/2099/01/missing.html").status_code == 404
