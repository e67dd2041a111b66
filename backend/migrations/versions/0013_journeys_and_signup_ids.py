"""journeys and sign-up ids: bookings grouped into one journey, student shuttle sign-up ids

`bookings.journey_id` names the journey (its first leg's booking id) a seat booking is one
leg of: the legs are confirmed together and cancelled together. `student_shuttle_signups.reference`
is the sign-up id of CONTRACTS.md §3 (`S` + yyyymmdd + 3 digits); sign-ups made before this
revision get one from their creation day.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("journey_id", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_bookings_journey_id"), ["journey_id"], unique=False)
    with op.batch_alter_table("student_shuttle_signups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=16), nullable=True))
    signups = sa.table(
        "student_shuttle_signups",
        sa.column("id", sa.Integer),
        sa.column("reference", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    connection = op.get_bind()
    per_day: dict[str, int] = {}
    for row in connection.execute(sa.select(signups.c.id, signups.c.created_at).order_by(signups.c.id)):
        day = row.created_at.strftime("%Y%m%d") if row.created_at else "20260101"
        per_day[day] = per_day.get(day, 0) + 1
        connection.execute(
            signups.update().where(signups.c.id == row.id).values(reference=f"S{day}{900 + per_day[day]:03d}")
        )
    with op.batch_alter_table("student_shuttle_signups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_shuttle_signups_reference"), ["reference"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("student_shuttle_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_shuttle_signups_reference"))
        batch_op.drop_column("reference")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_journey_id"))
        batch_op.drop_column("journey_id")
