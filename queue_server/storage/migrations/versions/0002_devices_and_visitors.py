"""Tables of the kiosk and console packages: print jobs, bookings, online claims, ratings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "print_job",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("printer", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("kiosk", sa.String(64)),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(500)),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("sent_at", _UTC),
        sa.Column("printed_at", _UTC),
    )
    op.create_index("ix_print_job_pending", "print_job", ["printer", "state"])
    op.create_index("ix_print_job_ticket", "print_job", ["ticket_id"])
    op.create_table(
        "booking",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("slot_start", _UTC, nullable=False),
        sa.Column("slot_end", _UTC, nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("ticket_id", sa.String(40)),
        sa.Column("number", sa.String(16)),
        sa.Column("checked_in_at", _UTC),
    )
    op.create_index("ix_booking_hall_slot", "booking", ["hall", "slot_start"])
    op.create_table(
        "online_claim",
        sa.Column("ticket_id", sa.String(40), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_index("ix_online_claim_phone_day", "online_claim", ["hall", "service_day", "phone_hash"])
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("hall", sa.String(32), nullable=False, index=True),
        sa.Column("ticket", sa.String(40), nullable=False, unique=True),
        sa.Column("window", sa.Integer()),
        sa.Column("clerk", sa.String(64), index=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("comment", sa.String(200)),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    for table in ("rating", "online_claim", "booking", "print_job"):
        op.drop_table(table)
