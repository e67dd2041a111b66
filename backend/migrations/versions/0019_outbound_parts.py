"""outbound parts: the provider id of every SMS of a message sent as several, so each
delivery receipt is matched

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbound_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_outbound_parts_message_id_outbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_parts")),
    )
    with op.batch_alter_table("outbound_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_parts_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_parts_provider_id"), ["provider_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbound_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_parts_provider_id"))
        batch_op.drop_index(batch_op.f("ix_outbound_parts_message_id"))
    op.drop_table("outbound_parts")
