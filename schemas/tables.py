"""SQLModel tables of the store.

The schema is created and changed only by the Alembic migrations in
``schemas/migrations``; ``tests/schemas/test_migrations.py`` checks that these
models and the migrated database agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SourceRow(SQLModel, table=True):
    """A configured source, as last seen in a sources file."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    kind: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


class RunRow(SQLModel, table=True):
    """One flow run and the summary it returned."""

    __tablename__ = "runs"

    id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    flow: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    started_at: dt.datetime = Field(
        default_factory=_now,
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True),
    )
    finished_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    status: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    params: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    summary: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))


class ArticleRow(SQLModel, table=True):
    """One news article: its canonical URL, metadata and clean main text."""

    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=sa.Column(sa.String(2048), nullable=False, unique=True))
    fetched_url: str | None = Field(default=None, sa_column=sa.Column(sa.String(2048)))
    source_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, sa.ForeignKey("sources.id"), index=True)
    )
    title: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    published_at: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date, index=True))
    fetched_at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    content_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    extractor_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))


class ObservationRow(SQLModel, table=True):
    """One extracted value with its evidence; never updated, only appended."""

    __tablename__ = "observations"
    __table_args__ = (
        sa.Index("ix_observations_metric_country_period", "metric", "country", "period_start"),
        sa.Index("ix_observations_entity", "entity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    article_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True)
    )
    metric: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    value: float = Field(sa_column=sa.Column(sa.Float, nullable=False))
    unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    country: str | None = Field(default=None, sa_column=sa.Column(sa.String(2)))
    entity: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    org: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    counterparty: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    qualifier: str | None = Field(default=None, sa_column=sa.Column(sa.String(60)))
    action: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))
    items: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    period: str | None = Field(default=None, sa_column=sa.Column(sa.String(21)))
    period_start: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    period_end: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    evidence: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    evidence_start: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    evidence_end: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    original_value: float | None = Field(default=None, sa_column=sa.Column(sa.Float))
    original_currency: str | None = Field(default=None, sa_column=sa.Column(sa.String(3)))
    extractor_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    ingested_at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )
    #: When a replay with a newer extractor replaced this value (``None``: still believed).
    superseded_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    #: The extractor version whose observations replaced this one.
    superseded_by: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))


class QuarantineRow(SQLModel, table=True):
    """A record that failed validation, with the expectations it failed."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    article_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, sa.ForeignKey("articles.id"), index=True)
    )
    article_url: str = Field(sa_column=sa.Column(sa.String(2048), nullable=False))
    metric: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))
    record: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    failed_expectations: list[str] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    extractor_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    quarantined_at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


class FetchLogRow(SQLModel, table=True):
    """The final state of one URL in one run: new, unchanged, skipped or failed."""

    __tablename__ = "fetch_log"
    __table_args__ = (sa.Index("ix_fetch_log_url_at", "url", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(36), index=True))
    source: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    url: str = Field(sa_column=sa.Column(sa.String(2048), nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    state: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(80)))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    http_status: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    etag: str | None = Field(default=None, sa_column=sa.Column(sa.String(400)))
    last_modified: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    content_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(64)))
    body_digest: str | None = Field(default=None, sa_column=sa.Column(sa.String(64)))
    at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


class BackfillChunkRow(SQLModel, table=True):
    """One source-week of a backfill: pending, running (leased by a worker), done or failed."""

    __tablename__ = "backfill_chunks"
    __table_args__ = (
        sa.UniqueConstraint(
            "source", "window_start", "window_end", name="uq_backfill_chunks_window"
        ),
        sa.Index("ix_backfill_chunks_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    window_start: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    window_end: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    state: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    #: ``host:pid:token`` of the worker holding the lease.
    owner: str | None = Field(default=None, sa_column=sa.Column(sa.String(200)))
    lease_until: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    heartbeat_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    run_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(36)))
    started_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    finished_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    summary: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    created_at: dt.datetime = Field(
        default_factory=_now, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


class JSONText(sa.sql.ColumnElement[str]):
    """A JSON column's stored text, comparable and indexable on every database.

    SQLite keeps JSON as text already (the column itself); PostgreSQL's ``json``
    has no equality or ordering, so there it is ``CAST(column AS TEXT)``.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012
    type = sa.Text()

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        self.column = column


@compiles(JSONText)
def _json_text(element: JSONText, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(JSONText, "postgresql")
def _json_text_pg(element: JSONText, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.column, **kw)} AS TEXT)"


_OBS = ObservationRow.__table__  # type: ignore[attr-defined]

#: The columns of a statement (``Store.observation_groups`` groups by them, in
#: this order). ``period`` and ``value`` lead so that the metric filters keep
#: using ``ix_observations_metric_country_period``.
STATEMENT_KEYS = (
    "period",
    "value",
    "metric",
    "country",
    "entity",
    "org",
    "counterparty",
    "qualifier",
    "action",
    "items",
)

#: Every believed observation in statement order, with what the report aggregates
#: (unit, period bounds, article and, implicitly or included, the row id): the
#: report's GROUP BY reads this index alone, already sorted, instead of sorting
#: every row. Rows a replay superseded are left out, as the report leaves them out.
sa.Index(
    "ix_observations_statement",
    *(JSONText(_OBS.c[k]) if k == "items" else _OBS.c[k] for k in STATEMENT_KEYS),
    _OBS.c.unit,
    _OBS.c.period_start,
    _OBS.c.period_end,
    _OBS.c.article_id,
    sqlite_where=_OBS.c.superseded_at.is_(None),
    postgresql_where=_OBS.c.superseded_at.is_(None),
    # PostgreSQL reads an expression index alone only when the column is there too.
    postgresql_include=["items", "id"],
)

metadata = SQLModel.metadata
