"""A real HTTP/1.1 server on 127.0.0.1 for tests, with fault injection per path.

    with serve({"/": "<html>hi</html>", "/flaky": Route(fail_status=500, times=2)}) as site:
        site.url("/flaky")        # http://127.0.0.1:<port>/flaky
        site.count("/flaky")      # requests seen for that path

Faults (fields of :class:`Route`) apply to every request, or to the first
``times`` requests of the path when ``times`` is set; afterwards the path
answers normally. Nothing is ever sent anywhere but the loopback interface.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import mimetypes
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ENTITY_BOMB",
    "Hit",
    "Route",
    "SiteServer",
    "gzip_bomb",
    "local_resolver",
    "serve",
]

#: "Billion laughs": ten levels of ten references, 10**10 "lol"s if expanded.
ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://example.com/a</link></item>
</channel></rss>
"""


@functools.cache
def gzip_bomb(decoded_size: int = 64 * 1024 * 1024) -> bytes:
    """A gzip stream of ``decoded_size`` zero bytes (about 1000:1), built without holding it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = []
    left = decoded_size
    while left > 0:
        parts.append(packer.compress(block[: min(left, len(block))]))
        left -= len(block)
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass
class Route:
    """What one path answers, and which faults it injects."""

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: Validators; a matching If-None-Match / If-Modified-Since gets 304.
    etag: str | None = None
    last_modified: str | None = None
    #: Redirect target (status defaults to 302 unless ``status`` is a 3xx).
    location: str | None = None
    #: Send the body gzip-encoded (Content-Encoding: gzip).
    gzip: bool = False
    #: False: no Content-Length, the body ends when the connection closes.
    declare_length: bool = True
    # ---- faults, for every request or the first ``times`` of this path
    times: int | None = None
    #: Answer this status (with ``retry_after`` if set) instead of the body.
    fail_status: int | None = None
    retry_after: str | None = None
    #: Seconds to wait before answering.
    delay: float = 0.0
    #: Close the connection with a TCP reset instead of answering.
    reset: bool = False
    #: Declare this many bytes more than are sent, then close.
    truncate: int = 0
    #: Seconds between 1 KiB pieces of the body.
    drip: float = 0.0

    def payload(self) -> bytes:
        """The body as bytes, before any Content-Encoding."""
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Hit:
    """One request the server saw."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    at: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SiteServer
    # Idle keep-alive connections of finished tests must not pin threads.
    timeout = 5

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read counters, not logs

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        site = self.server
        number = site._record(
            Hit(
                "GET",
                parts.path,
                parts.query,
                {k.lower(): v for k, v in self.headers.items()},
                time.monotonic(),
            )
        )
        route = site.route_for(parts.path, parts.query)
        if route is None:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        faulty = route.times is None or number <= route.times
        if faulty and route.delay:
            time.sleep(route.delay)
        if faulty and route.reset:
            # SO_LINGER 0 makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if faulty and route.fail_status is not None:
            extra = {"Content-Type": "text/plain"}
            if route.retry_after is not None:
                extra["Retry-After"] = route.retry_after
            self._send(route.fail_status, b"injected failure", extra)
            return
        if route.location is not None:
            status = route.status if 300 <= route.status < 400 else 302
            self._send(status, b"", {"Location": route.location, **route.headers})
            return
        validators: dict[str, str] = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if self._not_modified(route):
            self._send(304, b"", {**validators, **route.headers}, body_allowed=False)
            return
        body = route.payload()
        headers = {**validators, **route.headers}
        if route.content_type:
            headers["Content-Type"] = route.content_type
        if route.gzip:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self._send(
            route.status,
            body,
            headers,
            declare_length=route.declare_length,
            extra_length=route.truncate if faulty else 0,
            drip=route.drip if faulty else 0.0,
        )

    def _not_modified(self, route: Route) -> bool:
        inm = self.headers.get("If-None-Match")
        if route.etag and inm:
            return inm.strip() == "*" or route.etag in [t.strip() for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if route.last_modified and ims:
            try:
                since = email.utils.parsedate_to_datetime(ims)
                modified = email.utils.parsedate_to_datetime(route.last_modified)
            except (TypeError, ValueError):
                return False
            return modified <= since
        return False

    def _send(
        self,
        status: int,
        body: bytes,
        headers: Mapping[str, str],
        *,
        body_allowed: bool = True,
        declare_length: bool = True,
        extra_length: int = 0,
        drip: float = 0.0,
    ) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if not body_allowed:
            self.end_headers()
            return
        if declare_length:
            self.send_header("Content-Length", str(len(body) + extra_length))
        if not declare_length or extra_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            if drip:
                for i in range(0, len(body), 1024):
                    self.wfile.write(body[i : i + 1024])
                    self.wfile.flush()
                    time.sleep(drip)
            else:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up first: fine


class SiteServer(ThreadingHTTPServer):
    """Serves ``routes`` (path or path?query -> Route/bytes/str) and files under ``root``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        routes: Mapping[str, Route | bytes | str] | None = None,
        root: Path | str | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        for path, route in (routes or {}).items():
            self.set(path, route)
        self.root = Path(root) if root is not None else None
        self.hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The ephemeral port the server listens on."""
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def set(self, path: str, route: Route | bytes | str) -> None:
        """Add or replace the route of ``path`` (may include a query)."""
        self.routes[path] = route if isinstance(route, Route) else Route(body=route)

    def count(self, path: str) -> int:
        """Requests seen for ``path`` (query ignored)."""
        with self._lock:
            return self._counts.get(path, 0)

    def hits_for(self, path: str) -> list[Hit]:
        """The requests seen for ``path``, oldest first."""
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def route_for(self, path: str, query: str) -> Route | None:
        """The route answering ``path?query``: exact match first, then the bare path, then files."""
        if query and f"{path}?{query}" in self.routes:
            return self.routes[f"{path}?{query}"]
        if path in self.routes:
            return self.routes[path]
        if self.root is not None:
            file = (self.root / path.lstrip("/")).resolve()
            if file.is_file() and self.root.resolve() in file.parents:
                ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                return Route(body=file.read_bytes(), content_type=ctype)
        return None

    def _record(self, hit: Hit) -> int:
        with self._lock:
            self.hits.append(hit)
            self._counts[hit.path] = self._counts.get(hit.path, 0) + 1
            return self._counts[hit.path]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # injected resets and clients giving up are expected here

    def start(self) -> SiteServer:
        """Serve in a background thread."""
        # A short poll interval keeps shutdown (and so each test) fast.
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve(
    routes: Mapping[str, Route | bytes | str] | None = None, root: Path | str | None = None
) -> Iterator[SiteServer]:
    """Run a :class:`SiteServer` for the duration of a ``with`` block."""
    with SiteServer(routes, root) as site:
        yield site


def local_resolver(names: Mapping[str, list[str]] | None = None) -> Any:
    """A resolver for the fetcher that never touches DNS: IP literals and ``names`` only."""
    import ipaddress

    table = {k.lower(): list(v) for k, v in (names or {}).items()}
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return [host]
        if host.lower() in table:
            return table[host.lower()]
        raise OSError(f"no DNS in tests for {host!r}")

    resolve.lookups = lookups  # type: ignore[attr-defined]
    return resolve
