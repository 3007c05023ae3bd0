"""Shared helpers for the metric tests."""

from __future__ import annotations

import datetime as dt

from extractors.metrics import extract
from schemas.records import Observation

PUB = dt.date(2024, 10, 15)


def run(text: str, metric: str, published: dt.date | None = PUB) -> list[Observation]:
    """Observations of one metric from ``text``."""
    return [o for o in extract(text, published=published) if o.metric == metric]
