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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from schemas.archive import digest_of
from schemas.records import (
    Article,
    FetchOutcome,
    FetchState,
    Observation,
    PageResult,
    Rejected,
    Source,
    period_bounds,
)
from schemas.tables import (
    ArticleRow,
    BackfillChunkRow,
    FetchLogRow,
    ObservationRow,
    QuarantineRow,
    RunRow,
    SourceRow,
)

MIGRATIONS = Path(__file__).parent / "migrations"
#: The newest migration (tests check it against Alembic's own head): a store
#: already there is opened without importing Alembic, which takes a good part
#: of a second.
SCHEMA_HEAD = "0005"
_PG_MIGRATION_LOCK = 0x6761707472  # arbitrary advisory-lock id shared by all gaptrack processes

ARTICLES = ArticleRow.__table__  # type: ignore[attr-defined]
OBSERVATIONS = ObservationRow.__table__  # type: ignore[attr-defined]
QUARANTINE = QuarantineRow.__table__  # type: ignore[attr-defined]
FETCH_LOG = FetchLogRow.__table__  # type: ignore[attr-defined]
RUNS = RunRow.__table__  # type: ignore[attr-defined]
SOURCES = SourceRow.__table__  # type: ignore[attr-defined]
CHUNKS = BackfillChunkRow.__table__  # type: ignore[attr-defined]


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
    #: Also rows a replay superseded (every version ever believed).
    include_superseded: bool = False
    #: What was believed at this moment: stored by then and not yet superseded.
    as_of: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class BackfillChunk:
    """One source-week of a backfill, as claimed by a worker."""

    id: int
    source: str
    window_start: dt.date
    window_end: dt.date
    attempts: int


@dataclass(frozen=True, slots=True)
class ReplayItem:
    """A stored article re-extracted: its new text (when re-parsed) and observations."""

    article_id: int
    url: str
    article: Article | None
    observations: tuple[Observation, ...] = ()
    rejected: tuple[Rejected, ...] = ()


@dataclass(slots=True)
class ReplayCounts:
    """What one ``replace_observations`` call changed."""

    articles: int = 0
    observations: int = 0
    superseded: int = 0
    quarantined: int = 0

    def add(self, other: ReplayCounts) -> None:
        """Accumulate another batch's counts into this one."""
        self.articles += other.articles
        self.observations += other.observations
        self.superseded += other.superseded
        self.quarantined += other.quarantined


_T = TypeVar("_T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


#: What storing one article did: its id (None when not stored), its URL's final
#: state and the reason for that state.
_Stored = tuple[int | None, FetchState, str | None]


def _article_values(
    res: PageResult, extractor_version: str, source_ids: dict[str, int], now: dt.datetime
) -> dict[str, Any]:
    """The ``articles`` row of one parsed page."""
    art = res.article
    assert art is not None
    return {
        "url": art.url,
        "fetched_url": art.fetched_url or res.outcome.url,
        "source_id": source_ids.get(art.source or res.outcome.source or ""),
        "title": art.title,
        "published_at": art.published,
        "fetched_at": art.fetched_at or now,
        "content_hash": art.content_hash,
        "extractor_version": extractor_version,
        "text": art.text,
    }


def _insert_new(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` except those whose ``key`` is stored; returns how many were new.

    A plain executemany, counted by its row count: psycopg sends it as one prepared
    statement in a pipeline, while an ``INSERT ... RETURNING`` of thousands of rows
    is one statement whose placeholders psycopg parses again on every call, which
    took most of a batch's time on PostgreSQL.
    """
    if not rows:
        return 0
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=["key"])
    # Without this option SQLAlchemy reports no row count for an executemany on psycopg.
    result = conn.execute(stmt, rows, execution_options={"preserve_rowcount": True})
    return int(result.rowcount)


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

    def _stored_revision(self) -> str | None:
        """``alembic_version`` read directly, or None when there is no such table (yet)."""
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except sa.exc.DBAPIError:
            return None
        return str(rows[0][0]) if len(rows) == 1 else None

    def migrate(self) -> None:
        """Bring the schema to the newest revision; safe when several processes start at once."""
        if self._stored_revision() == SCHEMA_HEAD:
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
            new = [
                i
                for i, res in enumerate(results)
                if res.state == FetchState.NEW and res.article is not None
            ]
            stored = self._upsert_articles(
                conn, [results[i] for i in new], extractor_version, source_ids, now
            )
            outcome = dict(zip(new, stored, strict=True))
            for i, res in enumerate(results):
                state, reason = res.state, res.reason
                art = res.article
                if i in outcome and art is not None:
                    article_id, state, reason = outcome[i]
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
            counts.observations = _insert_new(conn, OBSERVATIONS, obs_rows)
            counts.quarantined = _insert_new(conn, QUARANTINE, q_rows)
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

    # -- backfill chunks: claimed under a lease, so many workers share one backfill --

    def plan_chunks(self, chunks: Sequence[tuple[str, dt.date, dt.date]]) -> int:
        """Record (source, first day, last day) chunks as pending; known ones stay as they are."""
        if not chunks:
            return 0
        now = _now()
        rows = [
            {
                "source": name,
                "window_start": start,
                "window_end": end,
                "state": "pending",
                "attempts": 0,
                "created_at": now,
            }
            for name, start, end in chunks
        ]
        with self._writer.begin() as conn:
            stmt = _insert(conn, CHUNKS).on_conflict_do_nothing(
                index_elements=["source", "window_start", "window_end"]
            )
            return len(conn.execute(stmt.returning(CHUNKS.c.id), rows).all())

    def reset_chunks(
        self,
        sources: Sequence[str],
        since: dt.date,
        until: dt.date,
        *,
        states: Sequence[str],
        finished_before: dt.datetime,
    ) -> int:
        """Put chunks of the window in ``states`` that finished before a moment back to pending."""
        c = CHUNKS.c
        with self._writer.begin() as conn:
            result = conn.execute(
                CHUNKS.update()
                .where(_chunk_window(sources, since, until))
                .where(c.state.in_(list(states)))
                .where(c.finished_at < finished_before)
                .values(state="pending", owner=None, lease_until=None, error=None)
            )
            return int(result.rowcount or 0)

    def claim_chunk(
        self,
        owner: str,
        sources: Sequence[str],
        since: dt.date,
        until: dt.date,
        *,
        lease_seconds: float,
        run_id: str | None = None,
    ) -> BackfillChunk | None:
        """Take one pending chunk of the window, or one whose lease ran out; ``None`` if none.

        Atomic across processes and machines: PostgreSQL skips rows another
        claimer has locked (``FOR UPDATE SKIP LOCKED``); SQLite's writer
        transactions are ``BEGIN IMMEDIATE``, so claimers take turns.
        """
        c = CHUNKS.c
        now = _now()
        q = (
            sa.select(c.id, c.source, c.window_start, c.window_end, c.attempts)
            .where(_chunk_window(sources, since, until))
            .where(
                sa.or_(
                    c.state == "pending",
                    sa.and_(c.state == "running", c.lease_until < now),
                )
            )
            .order_by(c.window_start, c.source)
            .limit(1)
        )
        if not self.is_sqlite:
            q = q.with_for_update(skip_locked=True)
        with self._writer.begin() as conn:
            row = conn.execute(q).first()
            if row is None:
                return None
            conn.execute(
                CHUNKS.update()
                .where(c.id == row.id)
                .values(
                    state="running",
                    owner=owner,
                    lease_until=now + dt.timedelta(seconds=lease_seconds),
                    heartbeat_at=now,
                    attempts=c.attempts + 1,
                    run_id=run_id,
                    started_at=now,
                    finished_at=None,
                    error=None,
                )
            )
        return BackfillChunk(row.id, row.source, row.window_start, row.window_end, row.attempts + 1)

    def renew_chunks(self, owner: str, ids: Sequence[int], *, lease_seconds: float) -> set[int]:
        """Extend the leases ``owner`` still holds on ``ids``; returns the ids it still holds."""
        if not ids:
            return set()
        c = CHUNKS.c
        now = _now()
        with self._writer.begin() as conn:
            rows = conn.execute(
                CHUNKS.update()
                .where(c.id.in_(list(ids)))
                .where(c.owner == owner)
                .where(c.state == "running")
                .values(lease_until=now + dt.timedelta(seconds=lease_seconds), heartbeat_at=now)
                .returning(c.id)
            ).all()
        return {r[0] for r in rows}

    def finish_chunk(
        self,
        chunk_id: int,
        owner: str,
        *,
        state: str,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> bool:
        """Mark a chunk ``done`` or ``failed``; False when ``owner`` had lost its lease."""
        c = CHUNKS.c
        with self._writer.begin() as conn:
            result = conn.execute(
                CHUNKS.update()
                .where(c.id == chunk_id)
                .where(c.owner == owner)
                .where(c.state == "running")
                .values(
                    state=state,
                    finished_at=_now(),
                    lease_until=None,
                    summary=summary,
                    error=error,
                )
            )
            return bool(result.rowcount)

    def release_chunks(self, owner: str, ids: Sequence[int] | None = None) -> int:
        """Hand the running chunks of ``owner`` (or only ``ids``) back as pending."""
        c = CHUNKS.c
        stmt = CHUNKS.update().where(c.owner == owner).where(c.state == "running")
        if ids is not None:
            stmt = stmt.where(c.id.in_(list(ids)))
        with self._writer.begin() as conn:
            result = conn.execute(stmt.values(state="pending", owner=None, lease_until=None))
            return int(result.rowcount or 0)

    def release_dead_chunks(self, host: str, alive: Callable[[int], bool]) -> int:
        """Hand back chunks held by processes of ``host`` that no longer run, without
        waiting for their leases to run out (owners are ``host:pid:token``)."""
        c = CHUNKS.c
        with self.engine.begin() as conn:
            held = conn.execute(
                sa.select(c.id, c.owner).where(c.state == "running").where(c.owner.is_not(None))
            ).all()
        dead = [(i, o) for i, o in held if o.startswith(host + ":") and not alive(_owner_pid(o))]
        released = 0
        for chunk_id, owner in dead:
            released += self.release_chunks(owner, [chunk_id])
        return released

    def chunk_states(
        self, sources: Sequence[str], since: dt.date, until: dt.date
    ) -> dict[str, int]:
        """How many chunks of the window are pending, running, done and failed."""
        c = CHUNKS.c
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(c.state, sa.func.count())
                .where(_chunk_window(sources, since, until))
                .group_by(c.state)
            ).all()
        return {state: int(n) for state, n in rows}

    def chunks(
        self, sources: Sequence[str], since: dt.date, until: dt.date
    ) -> list[dict[str, Any]]:
        """Every chunk of the window, oldest first."""
        c = CHUNKS.c
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(CHUNKS)
                .where(_chunk_window(sources, since, until))
                .order_by(c.window_start, c.source)
            )
            return [dict(r._mapping) for r in rows]

    # -- replay: re-extract stored pages, superseding what older extractors said --

    def replay_candidates(
        self,
        extractor_version: str | None,
        *,
        since: dt.date | None = None,
        after_id: int = 0,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Articles last extracted by another version (any, for ``None``), in id order after
        ``after_id``, with the archive digest of the latest body read for them (``body_digest``)."""
        a, log = ARTICLES, FETCH_LOG.c
        q = (
            sa.select(a.c.id, a.c.url, a.c.fetched_url, a.c.published_at, a.c.text, a.c.title)
            .where(a.c.id > after_id)
            .order_by(a.c.id)
            .limit(limit)
        )
        if extractor_version is not None:
            q = q.where(a.c.extractor_version != extractor_version)
        if since is not None:
            start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
            q = q.where(
                sa.or_(
                    a.c.published_at >= since,
                    sa.and_(a.c.published_at.is_(None), a.c.fetched_at >= start),
                )
            )
        with self.engine.begin() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q)]
            urls = sorted({u for r in rows for u in (r["url"], r["fetched_url"]) if u})
            latest: dict[str, tuple[dt.datetime, str]] = {}
            for chunk in _chunks(urls, 500):
                found = conn.execute(
                    sa.select(log.url, log.at, log.body_digest)
                    .where(log.url.in_(chunk))
                    .where(log.kind == "page")
                    .where(log.body_digest.is_not(None))
                    .where(log.state.in_([FetchState.NEW, FetchState.UNCHANGED]))
                )
                for url, at, digest in found:
                    if url not in latest or at > latest[url][0]:
                        latest[url] = (at, digest)
        for r in rows:
            hits = [latest[u] for u in (r["fetched_url"], r["url"]) if u in latest]
            r["body_digest"] = max(hits)[1] if hits else None
        return rows

    def replace_observations(
        self, items: Sequence[ReplayItem], *, extractor_version: str
    ) -> ReplayCounts:
        """Store re-extracted observations and supersede, not delete, the ones they replace.

        One transaction per call. An article's current observations that the
        new extraction does not repeat get ``superseded_at``/``superseded_by``;
        the article is marked as extracted by ``extractor_version``.
        """
        counts = ReplayCounts()
        now = _now()
        o = OBSERVATIONS.c
        rows: list[dict[str, Any]] = []
        new_keys: dict[int, set[str]] = {}
        for item in items:
            mine = [
                _observation_row(ob, item.url, item.article_id, extractor_version, now)
                for ob in item.observations
            ]
            new_keys[item.article_id] = {r["key"] for r in mine}
            rows += mine
        q_rows = [
            _quarantine_row(
                r.observation, r.failed, item.url, item.article_id, extractor_version, now
            )
            for item in items
            for r in item.rejected
        ]
        # A batch of statements for the whole batch, not a few per article: read what
        # each article believes now, then supersede, insert and revive by id or key.
        with self._writer.begin() as conn:
            stale: list[int] = []
            for part in _chunks(list(new_keys), 500):
                believed = conn.execute(
                    sa.select(o.id, o.article_id, o.key)
                    .where(o.article_id.in_(part))
                    .where(o.superseded_at.is_(None))
                )
                stale += [i for i, art, key in believed if key not in new_keys[art]]
            for ids in _chunks(stale, 500):
                counts.superseded += int(
                    conn.execute(
                        OBSERVATIONS.update()
                        .where(o.id.in_(ids))
                        .values(superseded_at=now, superseded_by=extractor_version)
                    ).rowcount
                    or 0
                )
            if rows:
                counts.observations += _insert_new(conn, OBSERVATIONS, rows)
                # A version brought back after another replaced it is believed again.
                for keys in _chunks([r["key"] for r in rows], 500):
                    conn.execute(
                        OBSERVATIONS.update()
                        .where(o.key.in_(keys))
                        .where(o.superseded_at.is_not(None))
                        .values(superseded_at=None, superseded_by=None)
                    )
            counts.quarantined += _insert_new(conn, QUARANTINE, q_rows)
            self._mark_replayed(conn, items, extractor_version)
            counts.articles += len(items)
        return counts

    @staticmethod
    def _mark_replayed(
        conn: Connection, items: Sequence[ReplayItem], extractor_version: str
    ) -> None:
        """Record the extractor version of every replayed article, and a re-parsed page's text."""
        a = ARTICLES.c
        plain = [i.article_id for i in items if i.article is None]
        for ids in _chunks(plain, 500):
            conn.execute(
                ARTICLES.update().where(a.id.in_(ids)).values(extractor_version=extractor_version)
            )
        reparsed = [
            {
                "b_id": i.article_id,
                "b_text": i.article.text,
                "b_hash": i.article.content_hash,
                "b_title": i.article.title or None,
                "b_published": i.article.published,
            }
            for i in items
            if i.article is not None
        ]
        if reparsed:
            # Executed once per row by the driver, in one round of statements.
            conn.execute(
                ARTICLES.update()
                .where(a.id == sa.bindparam("b_id"))
                .values(
                    extractor_version=extractor_version,
                    text=sa.bindparam("b_text"),
                    content_hash=sa.bindparam("b_hash"),
                    title=sa.func.coalesce(sa.bindparam("b_title", type_=sa.Text), a.title),
                    published_at=sa.func.coalesce(
                        sa.bindparam("b_published", type_=a.published_at.type), a.published_at
                    ),
                ),
                reparsed,
            )

    def _upsert_articles(
        self,
        conn: Connection,
        batch: Sequence[PageResult],
        extractor_version: str,
        source_ids: dict[str, int],
        now: dt.datetime,
    ) -> list[_Stored]:
        """Insert or refresh a batch of articles with a few statements, not two per article.

        For each, in order: its id and the final state of its URL. A text stored
        under another URL, or met earlier in the batch, is a duplicate; a URL
        stored with another text is the same story edited, refreshed in place.
        """
        out: list[_Stored] = [(None, FetchState.NEW, None)] * len(batch)
        owners: dict[str, set[str]] = {}
        for chunk in _chunks(list({r.article.content_hash for r in batch if r.article}), 500):
            q = sa.select(ARTICLES.c.content_hash, ARTICLES.c.url).where(
                ARTICLES.c.content_hash.in_(chunk)
            )
            for digest, url in conn.execute(q):
                owners.setdefault(digest, set()).add(url)
        pending: dict[str, tuple[int, dict[str, Any]]] = {}
        repeats: list[int] = []
        for i, res in enumerate(batch):
            art = res.article
            assert art is not None
            digest = art.content_hash
            if owners.get(digest, set()) - {art.url}:
                out[i] = (None, FetchState.SKIPPED, "duplicate")
                continue
            if art.url in pending:
                # The same URL twice in one batch (two addresses naming one canonical
                # URL): stored after the first, as an unchanged or an edited text.
                repeats.append(i)
                continue
            # Later pages of the batch with this text are duplicates of this one.
            owners.setdefault(digest, set()).add(art.url)
            pending[art.url] = (i, _article_values(res, extractor_version, source_ids, now))
        if not pending:
            return out
        stmt = _insert(conn, ARTICLES).on_conflict_do_nothing(index_elements=["url"])
        rows = [values for _, values in pending.values()]
        returned = conn.execute(stmt.returning(ARTICLES.c.url, ARTICLES.c.id), rows)
        inserted: dict[str, int] = dict(returned.all())
        known = [url for url in pending if url not in inserted]
        for chunk in _chunks(known, 500):
            q = sa.select(ARTICLES.c.url, ARTICLES.c.id, ARTICLES.c.content_hash).where(
                ARTICLES.c.url.in_(chunk)
            )
            for url, old_id, old_hash in conn.execute(q):
                i, values = pending[url]
                if old_hash == values["content_hash"]:
                    out[i] = (old_id, FetchState.UNCHANGED, None)
                    continue
                # The story was edited: keep one article row, refreshed; earlier
                # observations stay, each with the evidence it was drawn from.
                conn.execute(ARTICLES.update().where(ARTICLES.c.id == old_id).values(values))
                out[i] = (old_id, FetchState.NEW, None)
        for url, new_id in inserted.items():
            out[pending[url][0]] = (new_id, FetchState.NEW, None)
        if repeats:
            # Now that the first of each is stored, the rest are compared with it.
            again = self._upsert_articles(
                conn, [batch[i] for i in repeats], extractor_version, source_ids, now
            )
            for i, stored in zip(repeats, again, strict=True):
                out[i] = stored
        return out

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
        belief = belief_clause(flt)
        if belief is not None:
            q = q.where(belief)
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

    # -- report queries: plain tuples and SQL aggregation, for millions of rows --

    def observation_batches(
        self,
        flt: ObservationFilter | None = None,
        *,
        batch_size: int = 50_000,
        raw: bool = False,
        columns: Sequence[str] | None = None,
    ) -> Iterator[tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
        """Filtered observations as (column names, rows of plain tuples), streamed in batches.

        Rows come by metric, country, then oldest period first (the index's order).
        ``raw`` returns dates, times and ``items`` as text (ISO dates, JSON) for
        callers that convert whole columns at once; ``columns`` keeps only those
        output columns.
        """
        q = self._batches_select(flt or ObservationFilter(), raw=raw, columns=columns)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(q)
            keys = tuple(result.keys())
            for part in result.partitions():
                yield keys, [tuple(r) for r in part]

    def observation_groups(
        self, flt: ObservationFilter | None = None
    ) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Observations that state exactly the same thing, grouped in SQL: one row each.

        Every row carries how many observations made the statement, the lowest
        and highest observation id, and the ids of its articles as ``"1,5,9"``
        (a repeated id is possible on PostgreSQL; callers keep the distinct
        ones). When the articles were published is ``article_dates``'s, so the
        aggregate reads observations alone: ``ix_observations_statement`` holds
        every column it needs, already in statement order.
        """
        q = self._groups_select(flt or ObservationFilter())
        with self.engine.connect() as conn, conn.begin():
            self._plan_groups(conn)
            result = conn.execute(q)
            return tuple(result.keys()), [tuple(r) for r in result]

    def article_dates(self, ids: Sequence[int] | None = None) -> tuple[list[int], list[str | None]]:
        """Articles' ids and publication dates (``YYYY-MM-DD`` or ``None``), as two lists.

        ``ids`` limits them to those articles when there are few; with many, one
        pass over every article is faster than looking each up, so all come back.
        """
        a = ARTICLES.c
        day: Any
        if self.is_sqlite:
            day = sa.cast(a.published_at, sa.Text)  # stored as YYYY-MM-DD
        else:
            day = sa.func.to_char(a.published_at, "YYYY-MM-DD")
        q = sa.select(a.id, day)
        rows: list[Any] = []
        with self.engine.connect() as conn:
            # The driver's own tuples: nothing here needs converting row by row.
            if ids is None or len(ids) > 20_000:
                rows += conn.execute(q).cursor.fetchall()
            else:
                wanted = sorted(set(ids))
                for i in range(0, len(wanted), 500):
                    part = conn.execute(q.where(a.id.in_(wanted[i : i + 500])))
                    rows += part.cursor.fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    def articles_by_id(self, ids: Sequence[int] | None = None) -> dict[int, dict[str, Any]]:
        """URL, title, publication date and source (name and kind) of articles, by id."""
        a, s = ARTICLES, SOURCES
        q = sa.select(
            a.c.id,
            a.c.url,
            a.c.title,
            a.c.published_at.label("published"),
            s.c.name.label("source"),
            s.c.kind.label("source_kind"),
        ).outerjoin(s, s.c.id == a.c.source_id)
        with self.engine.connect() as conn:
            if ids is None:
                return {r.id: dict(r._mapping) for r in conn.execute(q)}
            wanted = sorted(set(ids))
            out: dict[int, dict[str, Any]] = {}
            for i in range(0, len(wanted), 500):
                rows = conn.execute(q.where(a.c.id.in_(wanted[i : i + 500])))
                out.update({r.id: dict(r._mapping) for r in rows})
            return out

    def article_urls_matching(
        self,
        url_patterns: Sequence[str] = (),
        source_kinds: Sequence[str] = (),
        *,
        url_contains: Sequence[str] = (),
    ) -> dict[int, str]:
        """URLs of articles whose URL is LIKE any pattern or whose source is of any kind.

        ``url_contains`` (text each pattern requires, say ``.gov`` for ``%.gov/%``)
        rules most URLs out with a few cheap tests before the patterns are tried.
        """
        a, s = ARTICLES, SOURCES
        conds = []
        if url_patterns:
            like = sa.or_(*(a.c.url.like(p) for p in url_patterns))
            if url_contains:
                near = sa.or_(*(a.c.url.contains(t, autoescape=True) for t in url_contains))
                like = sa.and_(near, like)
            conds.append(like)
        if source_kinds:
            kinds = sa.select(s.c.id).where(s.c.kind.in_(list(source_kinds)))
            conds.append(a.c.source_id.in_(kinds))
        if not conds:
            return {}
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(a.c.id, a.c.url).where(sa.or_(*conds))).all())

    def evidence_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Evidence sentence, article id and extractor version of observations, by id."""
        o = OBSERVATIONS
        q = sa.select(o.c.id, o.c.evidence, o.c.article_id, o.c.extractor_version)
        wanted = sorted(set(ids))
        out: dict[int, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                rows = conn.execute(q.where(o.c.id.in_(wanted[i : i + 500])))
                out.update({r.id: dict(r._mapping) for r in rows})
        return out

    def explain(self, flt: ObservationFilter | None = None, *, grouped: bool = False) -> str:
        """The database's plan for ``observation_batches`` (or ``observation_groups``)."""
        flt = flt or ObservationFilter()
        q = self._groups_select(flt) if grouped else self._batches_select(flt)
        sql = q.compile(self.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if self.is_sqlite else "EXPLAIN "
        with self.engine.connect() as conn, conn.begin():
            if grouped:
                self._plan_groups(conn)
            rows = conn.exec_driver_sql(prefix + str(sql)).all()
        return "\n".join(str(r[-1]) for r in rows)

    def _plan_groups(self, conn: Connection) -> None:
        """Planner settings for the statement aggregate, for this transaction only.

        PostgreSQL cannot estimate how few distinct statements there are (it
        assumes up to a tenth of the rows) and would sort every row on ten
        columns, which takes seconds per million rows. Without sorting it reads
        ``ix_observations_statement`` in order, or hashes the rows, both well
        under a second per million. An index-only scan is only that on pages
        the visibility map covers, though: on a table that vacuum has not
        reached yet (a bulk load, a large ingest) it visits every row in index
        order, which is slower than any other plan, so there only hashing is left.
        """
        if self.is_sqlite:
            return
        settings = [
            "enable_sort = off",
            "enable_incremental_sort = off",
            "work_mem = '64MB'",
            "jit = off",  # compiling costs more than it saves on this one pass
        ]
        visible = conn.exec_driver_sql(
            "SELECT relallvisible::float8 / GREATEST(relpages, 1) FROM pg_class "
            "WHERE oid = 'observations'::regclass"
        ).scalar()
        if (visible or 0) < 0.9:
            settings += ["enable_indexscan = off", "enable_indexonlyscan = off"]
        for setting in settings:
            conn.exec_driver_sql(f"SET LOCAL {setting}")

    def _batches_select(
        self, flt: ObservationFilter, *, raw: bool = False, columns: Sequence[str] | None = None
    ) -> Any:
        o, a, s = OBSERVATIONS, ARTICLES, SOURCES

        def out(col: Any, name: str) -> Any:
            # Raw: text from the database, so neither SQLAlchemy nor the driver
            # converts each JSON, date or time value on its own.
            if raw and isinstance(col.type, sa.JSON | sa.Date | sa.DateTime):
                return sa.cast(col, sa.Text).label(name)
            return col.label(name)

        every = [
            *(out(c, c.name) for c in o.c if c.name != "key"),
            a.c.url.label("source_url"),
            out(a.c.published_at, "published"),
            a.c.title.label("article_title"),
            s.c.name.label("source"),
        ]
        wanted = [c for c in every if columns is None or c.name in columns]
        q = (
            sa.select(*wanted)
            .select_from(o)
            .join(a, a.c.id == o.c.article_id)
            .outerjoin(s, s.c.id == a.c.source_id)
        )
        # The order of ix_observations_metric_country_period: no sort of wide rows.
        q = self._filter_observations(q, flt).order_by(
            o.c.metric, o.c.country, o.c.period_start, o.c.id
        )
        return q.limit(flt.limit) if flt.limit else q

    def _groups_select(self, flt: ObservationFilter) -> Any:
        from schemas.tables import STATEMENT_KEYS, JSONText

        o, a = OBSERVATIONS, ARTICLES
        # The order of ix_observations_statement, so that no row is sorted; items
        # as text (PostgreSQL's json has no equality).
        keys = [JSONText(o.c[k]) if k == "items" else o.c[k] for k in STATEMENT_KEYS]
        if self.is_sqlite:
            article_ids = sa.func.group_concat(sa.distinct(o.c.article_id))
        else:
            # DISTINCT would force a sort; the caller drops repeats.
            article_ids = sa.func.string_agg(sa.cast(o.c.article_id, sa.Text), ",")
        q = sa.select(
            *(k.label("items") if isinstance(k, JSONText) else k for k in keys),
            sa.func.min(o.c.unit).label("unit"),
            sa.func.min(o.c.period_start).label("period_start"),
            sa.func.min(o.c.period_end).label("period_end"),
            sa.func.count().label("n_obs"),
            sa.func.min(o.c.id).label("first_id"),
            sa.func.max(o.c.id).label("last_id"),
            article_ids.label("article_ids"),
        ).select_from(o)
        if flt.since or flt.until or flt.source:
            q = q.join(a, a.c.id == o.c.article_id)
        return self._filter_observations(q, flt).group_by(*keys)

    def _filter_observations(self, q: Any, flt: ObservationFilter) -> Any:
        """The filters of ``observations`` (but the limit) on a select of observations.

        The select must join articles when the filter has ``since``, ``until`` or ``source``.

        Superseded rows are left out unless the filter asks for them, as in ``observations``.
        """
        o, a, s = OBSERVATIONS, ARTICLES, SOURCES
        if flt.metric:
            q = q.where(o.c.metric == flt.metric)
        if flt.country:
            q = q.where(o.c.country == flt.country.upper())
        if flt.entity:
            q = q.where(sa.func.lower(o.c.entity).contains(flt.entity.lower(), autoescape=True))
        if flt.since:
            q = q.where(sa.func.coalesce(o.c.period_end, a.c.published_at) >= flt.since)
        if flt.until:
            q = q.where(sa.func.coalesce(o.c.period_start, a.c.published_at) <= flt.until)
        if flt.source:
            # Resolve the name through its unique index first, then the source_id index.
            source_id = sa.select(s.c.id).where(s.c.name == flt.source).scalar_subquery()
            q = q.where(a.c.source_id == source_id)
        if flt.extractor_version:
            q = q.where(o.c.extractor_version == flt.extractor_version)
        belief = belief_clause(flt)
        return q if belief is None else q.where(belief)


def belief_clause(flt: ObservationFilter) -> Any:
    """The condition selecting what was believed (now, or ``as_of``); ``None`` for every row."""
    o = OBSERVATIONS.c
    if flt.include_superseded:
        return None
    if flt.as_of is not None:
        return sa.and_(
            o.ingested_at <= flt.as_of,
            sa.or_(o.superseded_at.is_(None), o.superseded_at > flt.as_of),
        )
    return o.superseded_at.is_(None)


def _chunk_window(sources: Sequence[str], since: dt.date, until: dt.date) -> Any:
    c = CHUNKS.c
    return sa.and_(c.source.in_(list(sources)), c.window_start >= since, c.window_end <= until)


def _owner_pid(owner: str) -> int:
    try:
        return int(owner.rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return -1


def _chunks(seq: list[_T], n: int) -> Iterator[list[_T]]:
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
        "body_digest": outcome.body_digest or (digest_of(page.body) if page is not None else None),
        "at": now,
    }
