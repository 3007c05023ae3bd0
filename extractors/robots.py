"""robots.txt per RFC 9309: parsing, matching and a per-origin cache.

``urllib.robotparser`` applies rules in file order and knows no wildcards, so
``Disallow: /`` followed by ``Allow: /news/`` blocks the news section there,
while every major crawler allows it (longest match wins). This module
implements the RFC's matching instead; it does no I/O — the fetcher loads
robots.txt through its own safe request path and hands the answer here.

Answer handling (RFC 9309 section 2.3.1):

* 2xx: parse the body (only the first ``MAX_ROBOTS_BYTES`` are read).
* 4xx: "unavailable" — everything is allowed.
* 5xx, 429, network failure: "unreachable" — retried by the fetcher; if it
  stays unreachable everything is disallowed until the error TTL runs out.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from extractors.errors import RobotsUnreachable, TransientError

__all__ = [
    "ALLOW_ALL",
    "MAX_ROBOTS_BYTES",
    "Robots",
    "RobotsCache",
    "parse_robots",
    "product_token",
    "robots_for_status",
    "robots_url",
]

#: RFC 9309 asks crawlers to parse at least 500 KiB.
MAX_ROBOTS_BYTES = 512 * 1024

_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def product_token(user_agent: str) -> str:
    """The token robots.txt groups are matched against: ``gaptrack/0.1 (...)`` -> ``gaptrack``."""
    token = re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0]
    return token.lower() or "*"


def robots_url(url: str) -> str:
    """The robots.txt URL governing ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def _normalize(path: str) -> str:
    """Escape non-ASCII as UTF-8 and decode unreserved escapes, so patterns and paths compare."""

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    return _ESCAPE.sub(fix, quote(path, safe="/:@!$&'()*+,;=?-._~%*"))


@dataclass(frozen=True, slots=True)
class _Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]

    @property
    def weight(self) -> int:
        return len(self.pattern)


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


@dataclass(frozen=True, slots=True)
class Robots:
    """The rules of one robots.txt that apply to our product token."""

    rules: tuple[_Rule, ...] = ()
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = field(default=())
    #: True when the file said nothing or could not be had (4xx): allow all.
    allow_all: bool = False
    #: True when robots.txt was unreachable: RFC 9309 says disallow everything.
    disallow_all: bool = False

    def allowed(self, url: str) -> bool:
        """Whether ``url`` may be fetched under these rules."""
        if self.disallow_all:
            return False
        parts = urlsplit(url)
        if self.allow_all or parts.path == "/robots.txt":
            return True
        target = _normalize((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        best: _Rule | None = None
        for rule in self.rules:
            if rule.regex.match(target) and (
                best is None
                or rule.weight > best.weight
                or (rule.weight == best.weight and rule.allow and not best.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = Robots(allow_all=True)


def parse_robots(text: str, token: str) -> Robots:
    """Parse robots.txt ``text`` and keep the groups that apply to ``token``."""
    token = token.lower()
    # Each group: (user agents, rules, crawl delay).
    groups: list[tuple[list[str], list[_Rule], list[float]]] = []
    sitemaps: list[str] = []
    in_agents = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower()
        if key == "sitemap":
            if value:
                sitemaps.append(value)
            continue
        if key in ("user-agent", "useragent"):
            if not in_agents:
                groups.append(([], [], []))
                in_agents = True
            groups[-1][0].append(value.split("/")[0].strip().lower())
            continue
        in_agents = False
        if not groups:
            continue  # rules before any user-agent line belong to no group
        if key in ("allow", "disallow"):
            # An empty Disallow allows everything, which no rule also says.
            if value:
                pattern = _normalize(value if value.startswith(("/", "*")) else "/" + value)
                groups[-1][1].append(_Rule(key == "allow", pattern, _compile(pattern)))
        elif key == "crawl-delay":
            try:
                delay = float(value)
            except ValueError:
                continue
            if delay >= 0:
                groups[-1][2].append(delay)
    mine = [g for g in groups if token in g[0]]
    if not mine:
        mine = [g for g in groups if "*" in g[0]]
    rules = tuple(rule for g in mine for rule in g[1])
    delays = [d for g in mine for d in g[2]]
    return Robots(
        rules=rules,
        crawl_delay=max(delays) if delays else None,
        sitemaps=tuple(sitemaps),
        allow_all=not rules,
    )


def robots_for_status(status: int, body: bytes, token: str) -> Robots:
    """Turn a robots.txt answer into rules; raises RobotsUnreachable for 5xx and 429."""
    if 200 <= status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return parse_robots(text.lstrip("\ufeff"), token)
    if status == 429 or status >= 500:
        raise RobotsUnreachable(f"robots.txt http {status}")
    # 4xx (and any stray 1xx/3xx left after redirects): unavailable, allow all.
    return ALLOW_ALL


@dataclass
class _Entry:
    expires: float
    robots: Robots | None = None
    error: str | None = None


class RobotsCache:
    """Robots per origin, loaded once by concurrent callers and kept for a TTL."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        error_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, origin: str, load: Callable[[], Awaitable[Robots]]) -> Robots:
        """Rules for ``origin``; ``load`` runs once per TTL, transient failures are cached too."""
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                try:
                    robots = await load()
                except TransientError as exc:
                    # Cached so a host that is down is not asked again per URL.
                    entry = _Entry(self._clock() + self.error_ttl, error=str(exc))
                else:
                    entry = _Entry(self._clock() + self.ttl, robots=robots)
                self._entries[origin] = entry
        if entry.error is not None:
            raise RobotsUnreachable(entry.error)
        assert entry.robots is not None
        return entry.robots
