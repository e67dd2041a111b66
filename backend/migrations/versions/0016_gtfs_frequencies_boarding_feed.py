"""gtfs: frequencies, pickup/drop-off types, transfers, the imported feed's dates; seat
bookings on frequency-based trips name their run

Revision ID: 0016
Revises: 0004
Create Date: 2026-12-03 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gtfs_frequencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.String(length=64), nullable=False),
        sa.Column("start_s", sa.Integer(), nullable=False),
        sa.Column("end_s", sa.Integer(), nullable=False),
        sa.Column("headway_s", sa.Integer(), nullable=False),
        sa.Column("exact_times", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trip_id"], ["gtfs_trips.trip_id"], name=op.f("fk_gtfs_frequencies_trip_id_gtfs_trips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gtfs_frequencies")),
    )
    with op.batch_alter_table("gtfs_frequencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gtfs_frequencies_trip_id"), ["trip_id"], unique=False)

    op.create_table(
        "gtfs_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_stop_id", sa.String(length=64), nullable=True),
        sa.Column("to_stop_id", sa.String(length=64), nullable=True),
        sa.Column("from_route_id", sa.String(length=64), nullable=True),
        sa.Column("to_route_id", sa.String(length=64), nullable=True),
        sa.Column("from_trip_id", sa.String(length=64), nullable=True),
        sa.Column("to_trip_id", sa.String(length=64), nullable=True),
        sa.Column("transfer_type", sa.Integer(), nullable=False),
        sa.Column("min_transfer_time", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gtfs_transfers")),
    )
    with op.batch_alter_table("gtfs_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gtfs_transfers_from_stop_id"), ["from_stop_id"], unique=False)

    op.create_table(
        "gtfs_feed_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publisher", sa.String(length=100), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("feed_start", sa.Date(), nullable=True),
        sa.Column("feed_end", sa.Date(), nullable=True),
        sa.Column("service_start", sa.Date(), nullable=True),
        sa.Column("service_end", sa.Date(), nullable=True),
        sa.Column("imported_at", backend.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gtfs_feed_info")),
    )

    with op.batch_alter_table("gtfs_stop_times", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pickup_type", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("drop_off_type", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trip_start_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("trip_start_s")
    with op.batch_alter_table("gtfs_stop_times", schema=None) as batch_op:
        batch_op.drop_column("drop_off_type")
        batch_op.drop_column("pickup_type")
    op.drop_table("gtfs_feed_info")
    with op.batch_alter_table("gtfs_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gtfs_transfers_from_stop_id"))
    op.drop_table("gtfs_transfers")
    with op.batch_alter_table("gtfs_frequencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gtfs_frequencies_trip_id"))
    op.drop_table("gtfs_frequencies")
