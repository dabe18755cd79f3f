"""Visitors' bookings (queue_server.ticketing.booking_rules): the phone's keyed hash, the number
for notifications given with consent, the messages' language, and cancelling.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("booking") as table:
        table.add_column(sa.Column("phone_hash", sa.String(64)))
        table.add_column(sa.Column("notify_phone", sa.String(32)))
        table.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="zh-CN"))
        table.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True)))
    op.create_index("ix_booking_phone", "booking", ["hall", "phone_hash"])


def downgrade() -> None:
    op.drop_index("ix_booking_phone", "booking")
    with op.batch_alter_table("booking") as table:
        table.drop_column("cancelled_at")
        table.drop_column("language")
        table.drop_column("notify_phone")
        table.drop_column("phone_hash")
