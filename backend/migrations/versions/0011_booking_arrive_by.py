"""bookings.arrive_by: the time an arrive-by rider (10点前到) must arrive by

Null for an ordinary departure-time booking. Filled by the booking dialog and the
operator API; dispatch treats it as the drop-off deadline.

Revision ID: 0011
Revises: 0015
Create Date: 2026-12-03 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("arrive_by", backend.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("arrive_by")
