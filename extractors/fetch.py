"""Fetch: URL -> FetchOutcome, politely, within bounds and never to internal addresses.

Every URL handed to :meth:`Fetcher.fetch` ends in exactly one
:class:`~schemas.records.FetchOutcome`; nothing is raised. What the fetcher
guarantees on the way:

* robots.txt (RFC 9309) is obeyed per origin and cached;
* at most ``per_host_concurrency`` requests per host, started at least
  ``per_host_min_delay`` (or the site's Crawl-delay) apart, and at most
  ``concurrency`` in total;
* transient failures (timeouts, resets, 5xx, 429) are retried with exponential
  backoff and jitter, honouring ``Retry-After`` up to a cap; terminal ones are
  recorded once (see :mod:`extractors.errors`);
* bodies are streamed and capped, decoded bytes counted against the cap and
  against a compression ratio (decompression bombs);
* redirects are followed by hand, each hop checked against robots.txt and the
  address policy;
* every host is resolved here and every resolved address checked before a
  socket is opened: no private, loopback, link-local, multicast, reserved or
  metadata addresses unless the host is in ``allowed_hosts``. The check sits in
  the connection layer, so it also covers redirects, robots.txt and DNS
  answers that change between lookups (the socket goes to the address that
  was checked).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import ipaddress
import random
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpcore
import httpx

from extractors.errors import (
    BadContent,
    BlockedAddress,
    ConnectionFailed,
    DecompressionBomb,
    FetchTimeout,
    GaptrackError,
    HttpError,
    InvalidUrl,
    NotHtml,
    RateLimited,
    RedirectError,
    RobotsDisallowed,
    RobotsUnreachable,
    ServerError,
    SkipError,
    TerminalError,
    TooLarge,
    TransientError,
)
from extractors.robots import (
    ALLOW_ALL,
    MAX_ROBOTS_BYTES,
    Robots,
    RobotsCache,
    product_token,
    robots_for_status,
    robots_url,
)
from extractors.urls import host_of, is_http_url, join_url, origin_of
from schemas.records import FetchOutcome, FetchState, Link, Page

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchConfig",
    "Fetcher",
    "Resolver",
    "Validators",
    "declared_charset",
    "fetch_all",
    "is_blocked_address",
    "validators_from",
]

#: Descriptive, with a contact URL. A placeholder: deployments put their own
#: contact page here through settings, so site owners can reach the operator.
DEFAULT_USER_AGENT = "gaptrack/0.1 (+https://example.org/gaptrack; news metrics crawler)"

#: ``(host, port) -> addresses``; the default asks the system resolver.
Resolver = Callable[[str, int], Awaitable[list[str]]]

#: Synthetic header carrying the charset the server declared, for the parser.
CHARSET_HEADER = "x-declared-charset"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/xml", "application/xml"})
_ACCEPT = {
    "page": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
    "listing": (
        "application/rss+xml,application/atom+xml,application/xml,text/xml,"
        "application/json;q=0.9,text/html;q=0.8,*/*;q=0.5"
    ),
    "robots": "text/plain,*/*;q=0.5",
}
# The ratio test only starts once this much (or a quarter of the cap) has been
# inflated: small pages of repeated markup legitimately compress very well.
_RATIO_FLOOR = 256 * 1024
# Inflate in slices so a bomb is caught after one slice, not after the cap.
_INFLATE_STEP = 64 * 1024
# RFC 9309 asks crawlers to follow at least five redirects for robots.txt.
_ROBOTS_REDIRECTS = 5
# 64:ff9b::/96 embeds an IPv4 address (NAT64); check the embedded one too.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Every knob of the fetcher; built once at the edge from settings."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    #: Wall-clock budget of one request, so a server dribbling bytes cannot hold a slot.
    total_timeout: float = 120.0
    max_bytes: int = 10 * 1024 * 1024
    #: Feeds, sitemaps and API answers may be larger (sitemaps go up to 50 MB).
    max_listing_bytes: int = 50 * 1024 * 1024
    #: Decoded/encoded size beyond which a compressed body counts as a bomb.
    max_decompression_ratio: float = 100.0
    max_redirects: int = 5
    #: Retries after the first try, for transient errors only.
    retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    #: A longer Retry-After is not waited for: the URL fails instead.
    max_retry_after: float = 120.0
    per_host_concurrency: int = 2
    per_host_min_delay: float = 1.0
    #: Crawl-delay from robots.txt is honoured up to this many seconds.
    max_crawl_delay: float = 30.0
    concurrency: int = 16
    #: Host names or literal IPs that may resolve to private/loopback addresses.
    allowed_hosts: frozenset[str] = frozenset()
    respect_robots: bool = True
    robots_ttl: float = 3600.0
    robots_error_ttl: float = 300.0

    def __post_init__(self) -> None:
        # Accept any iterable (a set, a list) but keep the config hashable and exact.
        hosts = frozenset(h.strip().strip("[]").rstrip(".").lower() for h in self.allowed_hosts)
        object.__setattr__(self, "allowed_hosts", hosts)
        if "http" not in self.user_agent:
            raise ValueError("user_agent must include a contact URL")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("max_bytes", "max_listing_bytes", "per_host_concurrency", "concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("retries", "max_redirects"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back: the stored ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_page(cls, page: Page) -> Validators:
        """The validators a page's response headers offer."""
        return cls(page.headers.get("etag"), page.headers.get("last-modified"))


def validators_from(outcomes: Iterable[FetchOutcome]) -> dict[str, Validators]:
    """Validators by requested URL for every outcome that read a body."""
    return {o.url: Validators.from_page(o.page) for o in outcomes if o.page is not None}


def declared_charset(page: Page) -> str | None:
    """The charset the server declared for ``page`` (not necessarily the true one)."""
    return page.headers.get(CHARSET_HEADER)


# --------------------------------------------------------------------------- address policy


def _embedded_v4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found: list[ipaddress.IPv4Address] = []
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)
    if addr in _NAT64:
        found.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return found


def is_blocked_address(ip: str) -> bool:
    """True for addresses no fetch may reach: anything not globally routable unicast."""
    try:
        addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            ip.split("%", 1)[0]
        )
    except ValueError:
        return True
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [addr]
    if isinstance(addr, ipaddress.IPv6Address):
        candidates.extend(_embedded_v4(addr))
        if addr.is_site_local:
            return True
    return any(
        not a.is_global
        or a.is_private
        or a.is_loopback
        or a.is_link_local
        or a.is_multicast
        or a.is_reserved
        or a.is_unspecified
        for a in candidates
    )


async def _system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves every host itself, checks every address, then connects to a checked one."""

    def __init__(self, allowed_hosts: frozenset[str], resolver: Resolver) -> None:
        self._allowed = allowed_hosts
        self._resolve = resolver
        self._inner = httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """Resolved addresses of ``host``; raises BlockedAddress if any is forbidden."""
        name = host.strip("[]").rstrip(".").lower()
        try:
            async with asyncio.timeout(timeout):
                found = await self._resolve(name, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"dns lookup of {name} timed out") from exc
        except OSError as exc:
            raise ConnectionFailed(f"dns lookup of {name} failed: {exc}") from exc
        if not found:
            raise ConnectionFailed(f"dns lookup of {name} gave no address")
        if name not in self._allowed:
            # One bad record blocks the host: a name mixing public and private
            # answers is exactly what a rebinding attack looks like.
            for ip in found:
                if is_blocked_address(ip):
                    raise BlockedAddress(f"{name} resolves to blocked address {ip}")
        return found

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address of ``host``."""
        last: Exception | None = None
        for ip in await self.addresses(host, port, timeout):
            try:
                return await self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never a fetch target."""
        raise BlockedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the default backend."""
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: _GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        # httpx offers no hook for the network backend, so replace the pool it
        # built with an identical one that connects through the guard.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


# --------------------------------------------------------------------------- bodies


class _BodyReader:
    """Collects a streamed body, inflating gzip/deflate itself so every byte is counted."""

    def __init__(self, encoding: str, cap: int, ratio: float, truncate: bool) -> None:
        codings = [c.strip().lower() for c in encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise BadContent(f"unsupported content-encoding {encoding!r}")
        self._coding = codings[0] if codings else None
        self._inflater = self._new_inflater()
        self._cap = cap
        self._ratio = ratio
        self._floor = min(_RATIO_FLOOR, cap // 4)
        self._truncate = truncate
        self._parts: list[bytes] = []
        self._raw = 0
        self._size = 0
        self._started = False
        self.full = False

    def _new_inflater(self, raw_deflate: bool = False) -> Any:
        if self._coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(wbits=31)
        return zlib.decompressobj(wbits=-15 if raw_deflate else 15)

    def feed(self, chunk: bytes) -> None:
        """Add one raw chunk; raises TooLarge/DecompressionBomb past the limits."""
        self._raw += len(chunk)
        if self._coding is None:
            self._add(chunk)
            return
        data = chunk
        while data and not self.full:
            room = self._cap - self._size + 1
            try:
                out = self._inflater.decompress(data, min(room, _INFLATE_STEP))
            except zlib.error as exc:
                if self._coding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib header.
                    self._inflater = self._new_inflater(raw_deflate=True)
                    self._started = True
                    continue
                raise BadContent(f"corrupt {self._coding} body: {exc}") from exc
            self._started = True
            data = self._inflater.unconsumed_tail
            self._add(out, consumed=self._raw - len(data))
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if not (rest and self._coding != "deflate"):
                    break
                # Concatenated gzip members form one body.
                self._inflater = self._new_inflater()
                data = rest

    def _add(self, out: bytes, consumed: int | None = None) -> None:
        if not out:
            return
        # Compare with the compressed bytes actually inflated so far, not
        # those merely received: one network chunk can hold a whole bomb.
        consumed = max(self._raw if consumed is None else consumed, 1)
        self._size += len(out)
        if self._size > self._cap:
            if not self._truncate:
                raise TooLarge(f"body over the {self._cap}-byte cap")
            out = out[: len(out) - (self._size - self._cap)]
            self._size = self._cap
            self.full = True
        self._parts.append(out)
        if (
            self._coding is not None
            and self._size > self._floor
            and self._size > self._ratio * consumed
        ):
            raise DecompressionBomb(
                f"body inflates {self._size // consumed}:1 "
                f"(limit {self._ratio:.0f}:1) after {consumed} compressed bytes"
            )

    def finish(self) -> bytes:
        """The decoded body."""
        if self._coding is not None and not self.full:
            try:
                self._add(self._inflater.flush())
            except zlib.error as exc:
                raise BadContent(f"corrupt {self._coding} body: {exc}") from exc
        return b"".join(self._parts)


def _flatten(headers: httpx.Headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in headers.multi_items():
        k = key.lower()
        if k == "set-cookie":
            continue  # never archived; nothing downstream needs it
        out[k] = f"{out[k]}, {value}" if k in out else value
    return out


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --------------------------------------------------------------------------- politeness


class _HostGate:
    """Per-host concurrency, spacing between request starts, and Retry-After pauses."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.sem = asyncio.Semaphore(concurrency)
        self.delay = delay
        self._next_start = 0.0
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Start no request to this host for ``seconds``."""
        now = asyncio.get_running_loop().time()
        self._paused_until = max(self._paused_until, now + seconds)

    def paused_for(self) -> float:
        """Seconds left of a pause the server asked for."""
        return max(0.0, self._paused_until - asyncio.get_running_loop().time())

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the host's slots, started no sooner than the spacing allows."""
        async with self.sem:
            now = asyncio.get_running_loop().time()
            start = max(now, self._next_start, self._paused_until)
            self._next_start = start + self.delay
            if start > now:
                await asyncio.sleep(start - now)
            yield


@dataclass
class _Tries:
    requests: int = 0
    retries: int = 0
    status: int | None = None

    @property
    def attempts(self) -> int:
        return self.retries + 1 if self.requests else 0


@dataclass
class _Response:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# --------------------------------------------------------------------------- the fetcher


class Fetcher:
    """Async, polite and bounded HTTP fetcher; use as ``async with Fetcher(config) as f``."""

    def __init__(
        self, config: FetchConfig | None = None, *, resolver: Resolver | None = None
    ) -> None:
        self.config = config or FetchConfig()
        self._backend = _GuardedBackend(self.config.allowed_hosts, resolver or _system_resolver)
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._gates: dict[str, _HostGate] = {}
        self._min_delays: dict[str, float] = {}
        self._crawl_delays: dict[str, float] = {}
        self._robots = RobotsCache(
            ttl=self.config.robots_ttl, error_ttl=self.config.robots_error_ttl
        )
        self._token = product_token(self.config.user_agent)
        self._rng = random.Random()

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _open(self) -> httpx.AsyncClient:
        if self._client is None:
            cfg = self.config
            limits = httpx.Limits(
                max_connections=cfg.concurrency,
                max_keepalive_connections=cfg.concurrency,
                keepalive_expiry=30.0,
            )
            self._client = httpx.AsyncClient(
                transport=_GuardedTransport(self._backend, limits),
                trust_env=False,
                follow_redirects=False,
                timeout=httpx.Timeout(
                    connect=cfg.connect_timeout,
                    read=cfg.read_timeout,
                    write=cfg.read_timeout,
                    pool=cfg.total_timeout,
                ),
                headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
            self._global = asyncio.Semaphore(cfg.concurrency)
        return self._client

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def set_min_delay(self, host: str, seconds: float) -> None:
        """Space requests to ``host`` at least ``seconds`` apart (an API's documented limit)."""
        host = host.lower()
        self._min_delays[host] = max(seconds, self._min_delays.get(host, 0.0))
        if host in self._gates:
            self._gates[host].delay = self._delay_for(host)

    def _delay_for(self, host: str) -> float:
        return max(
            self.config.per_host_min_delay,
            self._min_delays.get(host, 0.0),
            min(self._crawl_delays.get(host, 0.0), self.config.max_crawl_delay),
        )

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = _HostGate(self.config.per_host_concurrency, self._delay_for(host))
            self._gates[host] = gate
        return gate

    # ------------------------------------------------------------------ public API

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        kind: str = "page",
        source: str | None = None,
        published: dt.date | None = None,
    ) -> FetchOutcome:
        """Fetch one URL; always returns its one outcome, never raises."""
        tries = _Tries()
        try:
            resp = await self._get(url, tries, kind=kind, etag=etag, last_modified=last_modified)
        except SkipError as exc:
            return FetchOutcome(
                url=url,
                state=FetchState.SKIPPED,
                reason=exc.reason,
                error=str(exc),
                attempts=tries.attempts,
                http_status=tries.status,
                source=source,
            )
        except GaptrackError as exc:
            return self._failed(url, str(exc), tries, source)
        except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            # A bug must cost one URL, not the whole batch.
            return self._failed(url, f"unexpected {type(exc).__name__}: {exc}", tries, source)
        if resp.status == 304:
            return FetchOutcome(
                url=url,
                state=FetchState.UNCHANGED,
                attempts=tries.attempts,
                http_status=304,
                source=source,
            )
        page = Page(
            url=url,
            final_url=resp.url,
            status=resp.status,
            body=resp.body,
            headers=resp.headers,
            fetched_at=dt.datetime.now(dt.UTC),
            source=source,
            listed_published=published,
        )
        return FetchOutcome(
            url=url,
            state=FetchState.NEW,
            attempts=tries.attempts,
            http_status=resp.status,
            page=page,
            source=source,
        )

    async def fetch_many(
        self,
        items: Iterable[str | Link],
        *,
        validators: Mapping[str, Validators] | None = None,
        kind: str = "page",
    ) -> list[FetchOutcome]:
        """Fetch URLs (or Links) concurrently; one outcome per distinct URL, in input order."""
        validators = validators or {}
        unique: dict[str, str | Link] = {}
        for item in items:
            unique.setdefault(item if isinstance(item, str) else item.url, item)
        jobs = []
        for url, item in unique.items():
            v = validators.get(url, Validators())
            link = item if isinstance(item, Link) else None
            jobs.append(
                self.fetch(
                    url,
                    etag=v.etag,
                    last_modified=v.last_modified,
                    kind=kind,
                    source=link.source if link else None,
                    published=link.published if link else None,
                )
            )
        return list(await asyncio.gather(*jobs))

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _failed(url: str, error: str, tries: _Tries, source: str | None) -> FetchOutcome:
        return FetchOutcome(
            url=url,
            state=FetchState.FAILED,
            error=error,
            attempts=tries.attempts,
            http_status=tries.status,
            source=source,
        )

    async def _get(
        self,
        url: str,
        tries: _Tries,
        *,
        kind: str,
        etag: str | None,
        last_modified: str | None,
    ) -> _Response:
        if not is_http_url(url):
            raise InvalidUrl(f"not an http(s) URL: {url!r}")
        headers = {"Accept": _ACCEPT.get(kind, "*/*")}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        cap = self.config.max_bytes if kind == "page" else self.config.max_listing_bytes
        current = url
        seen = {url}
        for _hop in range(self.config.max_redirects + 1):
            if self.config.respect_robots:
                await self._check_robots(current)
            resp = await self._send_retrying(current, headers, tries, kind=kind, cap=cap)
            if resp.status in _REDIRECTS:
                current = self._next_hop(current, resp)
                if current in seen:
                    raise RedirectError(f"redirect loop at {current}")
                seen.add(current)
                continue
            if resp.status == 304 or 200 <= resp.status < 300:
                return resp
            raise HttpError(resp.status)
        raise RedirectError(f"too many redirects (more than {self.config.max_redirects})")

    @staticmethod
    def _next_hop(current: str, resp: _Response) -> str:
        location = resp.headers.get("location")
        if not location:
            raise RedirectError(f"http {resp.status} without Location")
        nxt = join_url(current, location)
        if nxt is None:
            raise RedirectError(f"redirect to unsupported URL {location!r}")
        return nxt

    async def _check_robots(self, url: str) -> None:
        host = host_of(url)
        robots = await self._robots.get(origin_of(url), lambda: self._load_robots(url))
        if robots.crawl_delay and self._crawl_delays.get(host) != robots.crawl_delay:
            self._crawl_delays[host] = robots.crawl_delay
            self._gate(host).delay = self._delay_for(host)
        if not robots.allowed(url):
            raise RobotsDisallowed(f"robots.txt disallows {url}")

    async def _load_robots(self, url: str) -> Robots:
        tries = _Tries()
        current = robots_url(url)
        headers = {"Accept": _ACCEPT["robots"]}
        for hop in range(_ROBOTS_REDIRECTS + 1):
            try:
                resp = await self._send_retrying(
                    current, headers, tries, kind="robots", cap=MAX_ROBOTS_BYTES, truncate=True
                )
                if resp.status in _REDIRECTS:
                    current = self._next_hop(current, resp)
                    continue
            except TransientError as exc:
                raise RobotsUnreachable(
                    f"robots.txt unreachable: {exc} after {tries.attempts} tries"
                ) from exc
            except BlockedAddress:
                if hop == 0:
                    raise  # the site itself is off limits
                return ALLOW_ALL  # robots.txt redirected somewhere we won't go
            except TerminalError:
                return ALLOW_ALL  # undecodable or odd answers count as "unavailable"
            return robots_for_status(resp.status, resp.body, self._token)
        return ALLOW_ALL

    def _backoff(self, retry: int) -> float:
        cfg = self.config
        delay = min(cfg.backoff_max, cfg.backoff_base * 2 ** (retry - 1))
        # Equal jitter: spread retries of many URLs, keep half the delay as a floor.
        return delay / 2 + self._rng.uniform(0, delay / 2)

    async def _send_retrying(
        self,
        url: str,
        headers: Mapping[str, str],
        tries: _Tries,
        *,
        kind: str,
        cap: int,
        truncate: bool = False,
    ) -> _Response:
        cfg = self.config
        while True:
            try:
                return await self._send(url, headers, tries, kind=kind, cap=cap, truncate=truncate)
            except TransientError as exc:
                if exc.retry_after is not None and exc.retry_after > cfg.max_retry_after:
                    raise TransientError(
                        f"{exc} (asked to wait {exc.retry_after:.0f}s, "
                        f"more than the {cfg.max_retry_after:.0f}s cap)",
                        retry_after=exc.retry_after,
                    ) from exc
                if tries.retries >= cfg.retries:
                    raise
                tries.retries += 1
                # Retry-After is enforced by the host gate, for every URL of the host.
                await asyncio.sleep(self._backoff(tries.retries))

    async def _send(
        self,
        url: str,
        headers: Mapping[str, str],
        tries: _Tries,
        *,
        kind: str,
        cap: int,
        truncate: bool,
    ) -> _Response:
        host = host_of(url)
        gate = self._gate(host)
        paused = gate.paused_for()
        if paused > self.config.max_retry_after:
            raise RateLimited(
                429, retry_after=paused, message=f"{host} asked for a pause ({paused:.0f}s left)"
            )
        client = self._open()
        assert self._global is not None
        async with gate.slot(), self._global:
            tries.requests += 1
            try:
                async with asyncio.timeout(self.config.total_timeout):
                    return await self._exchange(
                        client, url, headers, tries, gate, kind=kind, cap=cap, truncate=truncate
                    )
            except TimeoutError as exc:
                raise FetchTimeout(
                    f"timeout: no full answer within {self.config.total_timeout:g}s"
                ) from exc
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"timeout ({type(exc).__name__})") from exc
            except httpx.RemoteProtocolError as exc:
                text = str(exc)
                if "incomplete" in text or "peer closed" in text:
                    raise ConnectionFailed(f"truncated body: {text}") from exc
                raise ConnectionFailed(f"connection error: {text}") from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise InvalidUrl(f"invalid URL {url!r}: {exc}") from exc
            except httpx.TransportError as exc:
                raise ConnectionFailed(
                    f"connection error ({type(exc).__name__}): {exc}".rstrip(": ")
                ) from exc

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        url: str,
        headers: Mapping[str, str],
        tries: _Tries,
        gate: _HostGate,
        *,
        kind: str,
        cap: int,
        truncate: bool,
    ) -> _Response:
        request = client.build_request("GET", url, headers=dict(headers))
        resp = await client.send(request, stream=True)
        try:
            status = resp.status_code
            tries.status = status
            hdrs = _flatten(resp.headers)
            if status in (429, 408) or status >= 500:
                wait = _retry_after(hdrs.get("retry-after")) if status in (429, 503) else None
                if wait:
                    # Paused in full even past the cap: the host's other URLs then
                    # fail fast instead of asking again before the server is ready.
                    gate.pause(wait)
                if status == 429:
                    raise RateLimited(status, retry_after=wait)
                raise ServerError(status, retry_after=wait)
            if not 200 <= status < 300:
                return _Response(url, status, hdrs)
            content_type = hdrs.get("content-type", "")
            media = content_type.split(";")[0].strip().lower()
            if kind == "page" and media and media not in _HTML_TYPES and not media.endswith("+xml"):
                raise NotHtml(f"content type {media!r} is not HTML")
            length = hdrs.get("content-length", "").strip()
            if not truncate and length.isdigit() and int(length) > cap:
                raise TooLarge(f"content-length {length} over the {cap}-byte cap")
            reader = _BodyReader(
                hdrs.get("content-encoding", ""),
                cap,
                self.config.max_decompression_ratio,
                truncate,
            )
            async for chunk in resp.aiter_raw():
                reader.feed(chunk)
                if reader.full:
                    break
            body = reader.finish()
            charset = _charset(content_type)
            if charset:
                hdrs[CHARSET_HEADER] = charset
            return _Response(str(resp.url), status, hdrs, body)
        finally:
            await resp.aclose()


def fetch_all(
    urls: Iterable[str | Link],
    config: FetchConfig | None = None,
    validators: Mapping[str, Validators] | None = None,
    *,
    kind: str = "page",
    resolver: Resolver | None = None,
) -> list[FetchOutcome]:
    """Fetch ``urls`` from synchronous code (not inside a running event loop), in input order."""

    async def run() -> list[FetchOutcome]:
        async with Fetcher(config, resolver=resolver) as fetcher:
            return await fetcher.fetch_many(urls, validators=validators, kind=kind)

    return asyncio.run(run())
