"""The schema comes from migrations, and migrations match the SQLModel tables."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from schemas.store import Store
from schemas.tables import metadata


def test_migrated_schema_matches_models(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    store.close()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_store_is_at_head_and_migrate_is_idempotent(db_url: str) -> None:
    store = Store(db_url)
    assert store.current_revision() == store.head_revision()
    store.migrate()  # a second start must not touch a current schema
    assert store.current_revision() == store.head_revision()
    store.close()


def test_downgrade_then_upgrade_round_trips(tmp_path: object) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path}/rt.db"
    store = Store(url)
    cfg = store._alembic_config()
    with store._writer.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        conn.commit()
    assert "observations" not in sa.inspect(store.engine).get_table_names()
    store.close()
    store = Store(url)
    assert "observations" in sa.inspect(store.engine).get_table_names()
    store.close()


def test_sqlite_store_uses_wal(tmp_path: object) -> None:
    store = Store(f"sqlite:///{tmp_path}/wal.db")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_schema_head_constant_is_alembics_head(tmp_path: Path) -> None:
    from schemas.store import SCHEMA_HEAD

    store = Store(f"sqlite:///{tmp_path / 'head.db'}")
    assert store.head_revision() == SCHEMA_HEAD == store.current_revision()
    store.close()
