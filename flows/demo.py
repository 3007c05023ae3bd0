"""Serving the bundled demo site on 127.0.0.1 with a real HTTP server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "demo" / "site"
DEFAULT_PORT = 8765


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with Last-Modified/If-Modified-Since, without request logging.

    HTTP/1.1, so a client keeps its connections open across pages as it would
    with a real news site, instead of a TCP handshake per page.
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True, slots=True)
class DemoSite:
    """A running demo server and the sources that point at it."""

    base_url: str

    def sources_toml(self) -> str:
        """A sources file listing the demo's feed, sitemap and section page."""
        base = self.base_url
        return f"""# The bundled demo site, served on 127.0.0.1
[[source]]
name = "demo-feed"
kind = "rss"
url = "{base}/feed.xml"

[[source]]
name = "demo-sitemap"
kind = "sitemap"
url = "{base}/sitemap.xml"

[[source]]
name = "demo-section"
kind = "html"
url = "{base}/section/ai/index.html"
selector = "a.headline"
max_pages = 10
"""


@contextlib.contextmanager
def serve(site: Path = SITE, port: int = DEFAULT_PORT) -> Iterator[DemoSite]:
    """Serve ``site`` on 127.0.0.1:port (any free port when it is taken or 0)."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"demo site not found at {site}")
    handler = functools.partial(_QuietHandler, directory=str(site))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield DemoSite(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
