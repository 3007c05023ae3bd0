"""Fixtures for the crawler tests: a live local site and a fast fetch configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from extractors.fetch import FetchConfig
from tests.server import SiteServer


@pytest.fixture
def site() -> Iterator[SiteServer]:
    """An empty local site; tests add routes with ``site.set(path, route)``."""
    with SiteServer() as server:
        yield server


@pytest.fixture
def make_config() -> Callable[..., FetchConfig]:
    """FetchConfig with test-sized timeouts, delays and caps; keyword overrides win."""

    def build(**overrides: Any) -> FetchConfig:
        settings: dict[str, Any] = {
            "allowed_hosts": {"127.0.0.1"},
            "connect_timeout": 1.0,
            "read_timeout": 0.5,
            "total_timeout": 5.0,
            "retries": 2,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "max_retry_after": 2.0,
            "per_host_min_delay": 0.0,
            "max_bytes": 256 * 1024,
            "max_listing_bytes": 1024 * 1024,
        }
        settings.update(overrides)
        return FetchConfig(**settings)

    return build
