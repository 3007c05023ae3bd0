"""The store: the only module that opens database sessions.

Embedded SQLite (WAL mode) by default, PostgreSQL when the URL says so. The
schema comes from Alembic migrations only. Appends are idempotent: articles are
unique by canonical URL, observations and quarantined records by a natural key,
and every insert is ``ON CONFLICT DO NOTHING``, so re-running an ingest (or two
running at once) never duplicates a row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from schemas.archive import digest_of
from schemas.records import (
    FetchOutcome,
    FetchState,
    Observation,
    PageResult,
    Source,
    period_bounds,
)
from schemas.tables import (
    ArticleRow,
    FetchLogRow,
    ObservationRow,
    QuarantineRow,
    RunRow,
    SourceRow,
)

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 0x6761707472  # arbitrary advisory-lock id shared by all gaptrack processes

ARTICLES = ArticleRow.__table__  # type: ignore[attr-defined]
OBSERVATIONS = ObservationRow.__table__  # type: ignore[attr-defined]
QUARANTINE = QuarantineRow.__table__  # type: ignore[attr-defined]
FETCH_LOG = FetchLogRow.__table__  # type: ignore[attr-defined]
RUNS = RunRow.__table__  # type: ignore[attr-defined]
SOURCES = SourceRow.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class SaveCounts:
    """What one ``save`` call changed."""

    new_articles: int = 0
    observations: int = 0
    quarantined: int = 0
    states: Counter[str] = field(default_factory=Counter)

    def add(self, other: SaveCounts) -> None:
        """Accumulate another batch's counts into this one."""
        self.new_articles += other.new_articles
        self.observations += other.observations
        self.quarantined += other.quarantined
        self.states.update(other.states)


@dataclass(frozen=True, slots=True)
class ObservationFilter:
    """Filters of ``Store.observations``; ``None`` means no filter."""

    metric: str | None = None
    country: str | None = None
    entity: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    extractor_version: str | None = None
    limit: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert(conn: Connection, table: sa.Table) -> Any:
    """A dialect-specific INSERT that supports ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that later writes fails at once with "database is
        # locked" when another writer holds the lock; IMMEDIATE waits for it instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """Appends pipeline results and answers queries; one per process and database."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = sa.engine.make_url(url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url, immediate=False)
            self._writer = _sqlite_engine(url, immediate=True)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
            self._writer = self.engine
        if migrate:
            self.migrate()

    def close(self) -> None:
        """Release all pooled connections."""
        self.engine.dispose()
        self._writer.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return cfg

    def current_revision(self) -> str | None:
        """The Alembic revision the database is at (``None`` when empty)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest revision the code knows."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def migrate(self) -> None:
        """Bring the schema to the newest revision; safe when several processes start at once."""
        if self.current_revision() == self.head_revision():
            return
        from alembic import command

        cfg = self._alembic_config()
        with self._migration_lock(), self._writer.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.is_sqlite:
            path = sa.engine.make_url(self.url).database
            if not path or path == ":memory:":
                yield
                return
            with Path(path + ".migrate.lock").open("w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
            return
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})

    # -- runs and sources -------------------------------------------------

    def sync_sources(self, sources: Sequence[Source]) -> dict[str, int]:
        """Record the configured sources; returns their ids by name."""
        with self._writer.begin() as conn:
            if sources:
                stmt = _insert(conn, SOURCES).values(
                    [
                        {"name": s.name, "kind": s.kind, "url": s.url, "created_at": _now()}
                        for s in sources
                    ]
                )
                conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
                for s in sources:
                    conn.execute(
                        SOURCES.update()
                        .where(SOURCES.c.name == s.name)
                        .values(kind=s.kind, url=s.url)
                    )
            rows = conn.execute(sa.select(SOURCES.c.name, SOURCES.c.id)).all()
        return dict(rows)

    def start_run(self, flow: str, params: dict[str, Any] | None = None) -> str:
        """Open a run record and return its id."""
        run_id = str(uuid.uuid4())
        with self._writer.begin() as conn:
            conn.execute(
                RUNS.insert().values(
                    id=run_id, flow=flow, started_at=_now(), status="running", params=params or {}
                )
            )
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        """Close a run record with its summary."""
        with self._writer.begin() as conn:
            conn.execute(
                RUNS.update()
                .where(RUNS.c.id == run_id)
                .values(finished_at=_now(), status=status, summary=summary)
            )

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(RUNS).order_by(RUNS.c.started_at.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    # -- incremental fetch support ----------------------------------------

    def validators(self, urls: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        """ETag and Last-Modified last seen for each URL, for conditional GETs."""
        out: dict[str, tuple[str | None, str | None]] = {}
        if not urls:
            return out
        with self.engine.begin() as conn:
            for chunk in _chunks(list(urls), 500):
                rows = conn.execute(
                    sa.select(FETCH_LOG.c.url, FETCH_LOG.c.etag, FETCH_LOG.c.last_modified)
                    .where(FETCH_LOG.c.url.in_(chunk))
                    .where(
                        sa.or_(
                            FETCH_LOG.c.etag.is_not(None), FETCH_LOG.c.last_modified.is_not(None)
                        )
                    )
                    .where(FETCH_LOG.c.state.in_([FetchState.NEW, FetchState.UNCHANGED]))
                    .order_by(FETCH_LOG.c.at)
                )
                for url, etag, lm in rows:
                    out[url] = (etag, lm)
        return out

    def recently_fetched(self, urls: Sequence[str], since: dt.datetime) -> set[str]:
        """URLs fetched (new or unchanged) at or after ``since``: not worth asking again yet."""
        found: set[str] = set()
        with self.engine.begin() as conn:
            for chunk in _chunks(list(urls), 500):
                rows = conn.execute(
                    sa.select(FETCH_LOG.c.url)
                    .where(FETCH_LOG.c.url.in_(chunk))
                    .where(FETCH_LOG.c.kind == "page")
                    .where(FETCH_LOG.c.state.in_([FetchState.NEW, FetchState.UNCHANGED]))
                    .where(FETCH_LOG.c.at >= since)
                    .distinct()
                )
                found.update(r[0] for r in rows)
        return found

    def article_hashes(
        self, urls: Sequence[str], hashes: Sequence[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Stored content hash by canonical URL, and canonical URL by content hash."""
        by_url: dict[str, str] = {}
        by_hash: dict[str, str] = {}
        with self.engine.begin() as conn:
            for chunk in _chunks(list(urls), 500):
                q = sa.select(ARTICLES.c.url, ARTICLES.c.content_hash).where(
                    ARTICLES.c.url.in_(chunk)
                )
                by_url.update(dict(conn.execute(q).all()))
            for chunk in _chunks(list(hashes), 500):
                q = sa.select(ARTICLES.c.url, ARTICLES.c.content_hash).where(
                    ARTICLES.c.content_hash.in_(chunk)
                )
                by_hash.update({h: u for u, h in conn.execute(q)})
        return by_url, by_hash

    # -- appends ------------------------------------------------------------

    def save(
        self,
        run_id: str | None,
        results: Sequence[PageResult],
        *,
        extractor_version: str,
        source_ids: dict[str, int] | None = None,
    ) -> SaveCounts:
        """Store a batch of page results and their fetch-log rows in one transaction."""
        counts = SaveCounts()
        source_ids = source_ids or {}
        now = _now()
        with self._writer.begin() as conn:
            obs_rows: list[dict[str, Any]] = []
            q_rows: list[dict[str, Any]] = []
            log_rows: list[dict[str, Any]] = []
            for res in results:
                state, reason = res.state, res.reason
                art = res.article
                if state == FetchState.NEW and art is not None:
                    article_id, state, reason = self._upsert_article(
                        conn, res, extractor_version, source_ids, now
                    )
                    if state == FetchState.NEW and article_id is not None:
                        counts.new_articles += 1
                        obs_rows += [
                            _observation_row(o, art.url, article_id, extractor_version, now)
                            for o in res.observations
                        ]
                        q_rows += [
                            _quarantine_row(
                                r.observation, r.failed, art.url, article_id, extractor_version, now
                            )
                            for r in res.rejected
                        ]
                counts.states[state] += 1
                log_rows.append(_log_row(run_id, res.outcome, state, reason, res.error, art, now))
            if obs_rows:
                stmt = _insert(conn, OBSERVATIONS).on_conflict_do_nothing(index_elements=["key"])
                counts.observations = len(
                    conn.execute(stmt.returning(OBSERVATIONS.c.id), obs_rows).all()
                )
            if q_rows:
                stmt = _insert(conn, QUARANTINE).on_conflict_do_nothing(index_elements=["key"])
                counts.quarantined = len(
                    conn.execute(stmt.returning(QUARANTINE.c.id), q_rows).all()
                )
            if log_rows:
                conn.execute(FETCH_LOG.insert(), log_rows)
        return counts

    def log_outcomes(
        self, run_id: str | None, outcomes: Sequence[FetchOutcome], *, kind: str = "page"
    ) -> None:
        """Record outcomes that never reached parsing: listings, skips and failures."""
        if not outcomes:
            return
        now = _now()
        with self._writer.begin() as conn:
            conn.execute(
                FETCH_LOG.insert(),
                [
                    _log_row(run_id, o, o.state, o.reason, o.error, None, now, kind)
                    for o in outcomes
                ],
            )

    def _upsert_article(
        self,
        conn: Connection,
        res: PageResult,
        extractor_version: str,
        source_ids: dict[str, int],
        now: dt.datetime,
    ) -> tuple[int | None, FetchState, str | None]:
        """Insert or refresh one article; returns its id and the final state of its URL."""
        art = res.article
        assert art is not None
        digest = art.content_hash
        dup = conn.execute(
            sa.select(ARTICLES.c.url)
            .where(ARTICLES.c.content_hash == digest)
            .where(ARTICLES.c.url != art.url)
            .limit(1)
        ).scalar()
        if dup is not None:
            return None, FetchState.SKIPPED, "duplicate"
        values = {
            "url": art.url,
            "fetched_url": art.fetched_url or res.outcome.url,
            "source_id": source_ids.get(art.source or res.outcome.source or ""),
            "title": art.title,
            "published_at": art.published,
            "fetched_at": art.fetched_at or now,
            "content_hash": digest,
            "extractor_version": extractor_version,
            "text": art.text,
        }
        stmt = _insert(conn, ARTICLES).values(values).on_conflict_do_nothing(index_elements=["url"])
        new_id = conn.execute(stmt.returning(ARTICLES.c.id)).scalar()
        if new_id is not None:
            return new_id, FetchState.NEW, None
        old_id, old_hash = conn.execute(
            sa.select(ARTICLES.c.id, ARTICLES.c.content_hash).where(ARTICLES.c.url == art.url)
        ).one()
        if old_hash == digest:
            return old_id, FetchState.UNCHANGED, None
        # The story was edited: keep one article row, refreshed; earlier observations
        # stay, each with the evidence it was drawn from.
        conn.execute(ARTICLES.update().where(ARTICLES.c.id == old_id).values(values))
        return old_id, FetchState.NEW, None

    # -- queries ------------------------------------------------------------

    def observations(self, flt: ObservationFilter | None = None) -> list[dict[str, Any]]:
        """Stored observations with their article's URL and dates, oldest period first."""
        flt = flt or ObservationFilter()
        o, a, s = OBSERVATIONS, ARTICLES, SOURCES
        q = (
            sa.select(
                o,
                a.c.url.label("source_url"),
                a.c.published_at.label("published"),
                a.c.title.label("article_title"),
                s.c.name.label("source"),
            )
            .join(a, a.c.id == o.c.article_id)
            .outerjoin(s, s.c.id == a.c.source_id)
        )
        if flt.metric:
            q = q.where(o.c.metric == flt.metric)
        if flt.country:
            q = q.where(o.c.country == flt.country.upper())
        if flt.entity:
            q = q.where(sa.func.lower(o.c.entity).contains(flt.entity.lower()))
        if flt.since:
            q = q.where(sa.func.coalesce(o.c.period_end, a.c.published_at) >= flt.since)
        if flt.until:
            q = q.where(sa.func.coalesce(o.c.period_start, a.c.published_at) <= flt.until)
        if flt.source:
            q = q.where(s.c.name == flt.source)
        if flt.extractor_version:
            q = q.where(o.c.extractor_version == flt.extractor_version)
        q = q.order_by(o.c.metric, o.c.period_start, o.c.id)
        if flt.limit:
            q = q.limit(flt.limit)
        with self.engine.begin() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def quarantined(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest quarantined records with the expectations they failed."""
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(QUARANTINE).order_by(QUARANTINE.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    def fetch_states(self, run_id: str) -> dict[str, Any]:
        """Counts of final states and skip/failure reasons of one run's article URLs."""
        states: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        for counts in self.fetch_states_by_source(run_id).values():
            states.update(counts["states"])
            reasons.update(counts["reasons"])
        return {
            "discovered": sum(states.values()),
            "states": dict(states),
            "reasons": dict(reasons),
        }

    def fetch_states_by_source(self, run_id: str) -> dict[str, dict[str, Any]]:
        """``fetch_states`` per source, plus how many listings each fetched and failed."""
        log = FETCH_LOG.c
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(log.source, log.kind, log.state, log.reason, sa.func.count())
                .where(log.run_id == run_id)
                .group_by(log.source, log.kind, log.state, log.reason)
            ).all()
        out: dict[str, dict[str, Any]] = {}
        for source, kind, state, reason, n in rows:
            entry = out.setdefault(
                source or "",
                {
                    "discovered": 0,
                    "states": Counter(),
                    "reasons": Counter(),
                    "listings": 0,
                    "listings_failed": 0,
                },
            )
            if kind != "page":
                entry["listings"] += n
                entry["listings_failed"] += n if state == FetchState.FAILED else 0
                continue
            entry["discovered"] += n
            entry["states"][state] += n
            if reason:
                entry["reasons"][reason] += n
        for entry in out.values():
            entry["states"], entry["reasons"] = dict(entry["states"]), dict(entry["reasons"])
        return out

    def table_counts(self) -> dict[str, int]:
        """Row counts of every table, for summaries and tests."""
        tables = {
            "articles": ARTICLES,
            "observations": OBSERVATIONS,
            "quarantine": QUARANTINE,
            "fetch_log": FETCH_LOG,
            "runs": RUNS,
            "sources": SOURCES,
        }
        with self.engine.begin() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for name, t in tables.items()
            }


def _chunks(seq: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _observation_row(
    o: Observation, url: str, article_id: int, version: str, now: dt.datetime
) -> dict[str, Any]:
    start, end = period_bounds(o.period)
    return {
        "key": o.key(url, version),
        "article_id": article_id,
        "metric": o.metric,
        "value": o.value,
        "unit": o.unit,
        "country": o.country,
        "entity": o.entity,
        "org": o.org,
        "counterparty": o.counterparty,
        "qualifier": o.qualifier,
        "action": o.action,
        "items": list(o.items),
        "period": o.period,
        "period_start": start,
        "period_end": end,
        "evidence": o.evidence,
        "evidence_start": o.evidence_start,
        "evidence_end": o.evidence_end,
        "original_value": o.original_value,
        "original_currency": o.original_currency,
        "extractor_version": version,
        "ingested_at": now,
    }


def _quarantine_row(
    o: Observation,
    failed: tuple[str, ...],
    url: str,
    article_id: int | None,
    version: str,
    now: dt.datetime,
) -> dict[str, Any]:
    record = o.to_contract()
    record.update(evidence_start=o.evidence_start, evidence_end=o.evidence_end)
    return {
        "key": o.key(url, version),
        "article_id": article_id,
        "article_url": url,
        "metric": o.metric,
        "record": json.loads(json.dumps(record, default=str)),
        "failed_expectations": list(failed),
        "extractor_version": version,
        "quarantined_at": now,
    }


def _log_row(
    run_id: str | None,
    outcome: FetchOutcome,
    state: FetchState,
    reason: str | None,
    error: str | None,
    article: Any,
    now: dt.datetime,
    kind: str = "page",
) -> dict[str, Any]:
    page = outcome.page
    headers = page.headers if page else {}
    return {
        "run_id": run_id,
        "source": outcome.source,
        "url": outcome.url,
        "kind": kind,
        "state": str(state),
        "reason": reason,
        "error": error or outcome.error,
        "attempts": outcome.attempts,
        "http_status": outcome.http_status,
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "content_hash": article.content_hash if article is not None else None,
        "body_digest": digest_of(page.body) if page is not None else None,
        "at": now,
    }
