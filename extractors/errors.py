"""The two error families of the extract path.

Every failure is either worth trying again later (transient) or not (terminal).
The fetcher retries the first with backoff and records the second with a
reason; nothing here ever escapes ``Fetcher.fetch`` or ``discover``.

    GaptrackError
    ├── TransientError            retried with exponential backoff and jitter
    │   ├── FetchTimeout          connect/read/total timeout
    │   ├── ConnectionFailed      refused, reset, DNS hiccup, truncated body
    │   ├── ServerError           HTTP 5xx (and 408)
    │   │   └── RateLimited       HTTP 429 or a host still cooling down
    │   └── RobotsUnreachable     robots.txt answered 5xx/429 or not at all
    └── TerminalError             recorded once, never retried
        ├── SkipError             the URL was deliberately not fetched/kept
        │   ├── BlockedAddress    private, loopback, metadata, ... address
        │   ├── RobotsDisallowed  robots.txt says no
        │   ├── TooLarge          over the byte cap
        │   │   └── DecompressionBomb
        │   └── NotHtml           a page that is not HTML/XML
        ├── HttpError             HTTP 4xx other than 429/408
        ├── RedirectError         redirect loop, too many hops, bad Location
        ├── InvalidUrl            not an http(s) URL with a host
        ├── BadContent            undecodable Content-Encoding and the like
        └── ParseError            malformed feed, sitemap or API answer,
                                  including XML entity bombs

``SkipError`` subclasses carry the ``reason`` that ends up in
``FetchOutcome.reason`` with state SKIPPED; every other error ends in FAILED
with ``str(error)`` as ``FetchOutcome.error``.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BadContent",
    "BlockedAddress",
    "ConnectionFailed",
    "DecompressionBomb",
    "FetchTimeout",
    "GaptrackError",
    "HttpError",
    "InvalidUrl",
    "NotHtml",
    "ParseError",
    "RateLimited",
    "RedirectError",
    "RobotsDisallowed",
    "RobotsUnreachable",
    "ServerError",
    "SkipError",
    "TerminalError",
    "TooLarge",
    "TransientError",
]


class GaptrackError(Exception):
    """Base of every error raised on purpose by gaptrack."""


class TransientError(GaptrackError):
    """Worth retrying: the same request may well succeed later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        #: Seconds the server asked us to wait (``Retry-After``), if it did.
        self.retry_after = retry_after


class FetchTimeout(TransientError):
    """Connect, read or total time budget exhausted."""


class ConnectionFailed(TransientError):
    """The connection could not be made or broke mid-response."""


class ServerError(TransientError):
    """The server answered 5xx (or 408)."""

    def __init__(
        self, status: int, *, retry_after: float | None = None, message: str | None = None
    ) -> None:
        super().__init__(message or f"http {status}", retry_after=retry_after)
        self.status = status


class RateLimited(ServerError):
    """The server answered 429, or asked for a pause that is still running."""


class RobotsUnreachable(TransientError):
    """robots.txt could not be read; RFC 9309 says to assume full disallow."""


class TerminalError(GaptrackError):
    """Not worth retrying: record it and move on."""


class SkipError(TerminalError):
    """The URL was deliberately not fetched or its body not kept."""

    reason: ClassVar[str] = "skipped"


class BlockedAddress(SkipError):
    """The host resolves to an address the address policy forbids."""

    reason = "blocked_address"


class RobotsDisallowed(SkipError):
    """robots.txt disallows the path for our user agent."""

    reason = "robots"


class TooLarge(SkipError):
    """The body is over the byte cap."""

    reason = "too_large"


class DecompressionBomb(TooLarge):
    """The body inflates far more than real pages do."""

    reason = "decompression_bomb"


class NotHtml(SkipError):
    """A page whose content type is neither HTML nor XML."""

    reason = "not_html"


class HttpError(TerminalError):
    """An HTTP 4xx answer other than 408/429."""

    def __init__(self, status: int) -> None:
        super().__init__(f"http {status}")
        self.status = status


class RedirectError(TerminalError):
    """A redirect loop, too many hops or an unusable Location."""


class InvalidUrl(TerminalError):
    """Not an absolute http(s) URL with a host."""


class BadContent(TerminalError):
    """A body that cannot be decoded (unknown or corrupt Content-Encoding)."""


class ParseError(TerminalError):
    """A listing (feed, sitemap, API answer) that cannot be parsed safely."""
