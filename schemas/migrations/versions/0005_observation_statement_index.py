"""A covering index of believed observations in statement order, for the report's GROUP BY.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NAME = "ix_observations_statement"
KEYS = [
    "period",
    "value",
    "metric",
    "country",
    "entity",
    "org",
    "counterparty",
    "qualifier",
    "action",
]
REST = ["unit", "period_start", "period_end", "article_id"]


def upgrade() -> None:
    believed = sa.text("superseded_at IS NULL")
    if op.get_bind().dialect.name == "postgresql":
        # json has no ordering: index its text, and carry the column and the id
        # so that the index alone answers the query.
        op.create_index(
            NAME,
            "observations",
            [*KEYS, sa.text("CAST(items AS TEXT)"), *REST],
            unique=False,
            postgresql_where=believed,
            postgresql_include=["items", "id"],
        )
    else:
        op.create_index(
            NAME, "observations", [*KEYS, "items", *REST], unique=False, sqlite_where=believed
        )


def downgrade() -> None:
    op.drop_index(NAME, table_name="observations")
