"""safeguards: delivery records (de-duplication and WeChat nonces without Redis) and
sign-in failures per (account, client)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_records",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", backend.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_delivery_records")),
    )
    with op.batch_alter_table("delivery_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_records_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "sign_in_failures",
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", backend.models.base.UTCDateTime(), nullable=True),
        sa.Column("last_failure_at", backend.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", "client", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_last_failure_at"), ["last_failure_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_last_failure_at"))
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("delivery_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_records_expires_at"))
    op.drop_table("delivery_records")
