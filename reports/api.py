"""DataFrames for notebooks: observations, facts and indicators straight from a store.

    >>> from reports import api
    >>> api.indicators(grain="year", series="US/CN")          # doctest: +SKIP
    >>> api.facts(metric="user_count", country="CN")          # doctest: +SKIP

``url`` is a SQLAlchemy URL; without it the configured store (``GAPTRACK_*``
settings) is used. Filters are those of ``gaptrack query``: metric, country,
entity (substring), since and until (dates or ``YYYY-MM-DD``), source,
extractor_version and limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from reports.build import Report
    from schemas.store import ObservationFilter, Store


def observation_filter(**filters: Any) -> ObservationFilter:
    """An ``ObservationFilter`` from keyword filters; dates may be ISO strings."""
    from dataclasses import fields

    from schemas.store import ObservationFilter

    known = [f.name for f in fields(ObservationFilter)]
    unknown = set(filters) - set(known)
    if unknown:
        raise TypeError(f"unknown filter(s) {sorted(unknown)}; use {', '.join(known)}")
    for key in ("since", "until"):
        if isinstance(filters.get(key), str):
            filters[key] = dt.date.fromisoformat(filters[key])
    if isinstance(filters.get("as_of"), str):
        filters["as_of"] = dt.datetime.fromisoformat(filters["as_of"])
    return ObservationFilter(**filters)


@contextmanager
def _store(url: str | None) -> Iterator[Store]:
    from schemas.store import Store

    if url is None:
        from flows.settings import Settings

        url = Settings().sqlalchemy_url
    else:
        from flows.settings import normalise_database_url

        url = normalise_database_url(url)
    store = Store(url)
    try:
        yield store
    finally:
        store.close()


def observations(url: str | None = None, **filters: Any) -> pd.DataFrame:
    """Stored observations with their article's URL, date, title and source, one row each."""
    import pandas as pd

    from reports.export import QUERY_KEYS, normalise

    flt = observation_filter(**filters)
    frames = []
    keys: tuple[str, ...] = ()
    with _store(url) as store:
        for keys, rows in store.observation_batches(flt, raw=True):
            frames.append(pd.DataFrame.from_records(rows, columns=list(keys)))
    if not frames:
        return pd.DataFrame(columns=list(QUERY_KEYS))
    df = normalise(pd.concat(frames, ignore_index=True))
    first = [k for k in QUERY_KEYS if k in df]
    return df[first + [c for c in keys if c not in first]]


def report(url: str | None = None, **filters: Any) -> Report:
    """The full report object (facts, indicators, cited sources) for the filtered observations."""
    from reports.build import build_report

    flt = observation_filter(**filters) if filters else None
    with _store(url) as store:
        return build_report(store, flt)


def facts(url: str | None = None, *, used_only: bool = False, **filters: Any) -> pd.DataFrame:
    """Consolidated facts: one row per fact with its sources' URLs, conflicts and choice."""
    from reports.build import build_report

    flt = observation_filter(**filters) if filters else None
    with _store(url) as store:
        rep = build_report(store, flt)
        f = rep.facts
        if used_only:
            f = f[f.chosen]
        ids = sorted({i for t in f.article_ids for i in t})
        urls = {i: a["url"] for i, a in store.articles_by_id(ids).items()}
    f = f.copy()
    f["source_urls"] = [[urls[i] for i in t if i in urls] for t in f.article_ids]
    return f.reset_index(drop=True)


def indicators(
    url: str | None = None,
    *,
    grain: str | None = None,
    indicator: str | None = None,
    series: str | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """The indicator table (see reports/README.md), optionally one grain, indicator or series."""
    rep = report(url, **filters)
    t = rep.indicators
    if grain:
        t = t[t.grain == grain]
    if indicator:
        t = t[t.indicator == indicator]
    if series:
        t = t[t.series == series]
    return t.reset_index(drop=True)
