"""The core queue tables: tickets, windows, counters, the ledger, accounts, devices, secrets.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_at", _UTC, nullable=False),
        sa.Column("queue_at", _UTC, nullable=False),
        sa.Column("window", sa.Integer()),
        sa.Column("target_window", sa.Integer()),
        sa.Column("called_at", _UTC),
        sa.Column("started_at", _UTC),
        sa.Column("finished_at", _UTC),
        sa.Column("status_at", _UTC),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("appointment_start", _UTC),
        sa.Column("appointment_end", _UTC),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.UniqueConstraint("hall", "service_day", "number", name="uq_ticket_number_per_day"),
    )
    op.create_index("ix_ticket_live", "ticket", ["hall", "status", "service_day"])
    op.create_table(
        "window_state",
        sa.Column("hall", sa.String(32), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("clerk", sa.String(64)),
        sa.Column("categories", sa.JSON()),
        sa.Column("current_ticket", sa.String(40)),
        sa.Column("pause_reason", sa.String(200)),
        sa.Column("priority_streak", sa.Integer(), nullable=False),
        sa.Column("state_since", _UTC),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "ticket_counter",
        sa.Column("hall", sa.String(32), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("service_day", sa.Date(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("actor", sa.String(80)),
        sa.Column("window", sa.Integer()),
        sa.Column("ticket", sa.String(40)),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("hall", "seq", name="uq_ledger_seq"),
    )
    op.create_index("ix_ledger_ticket", "ledger", ["hall", "ticket"])
    op.create_table(
        "account",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("hall", sa.String(32)),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("hall", sa.String(32)),
        sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_table(
        "server_secret",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )


def downgrade() -> None:
    for table in ("server_secret", "device", "account", "ledger", "ticket_counter", "window_state", "ticket"):
        op.drop_table(table)
