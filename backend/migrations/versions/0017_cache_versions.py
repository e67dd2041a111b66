"""cache versions: the counter that tells every process when its in-memory copy of the bus
network, gazetteer and disruption notices is out of date

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-03 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_versions")),
    )
    op.bulk_insert(table, [{"name": "network", "version": 0}])


def downgrade() -> None:
    op.drop_table("cache_versions")
