"""Webhooks (queue_server.outbound): subscriptions with their delivery cursor, and the log of
every delivery attempt.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("delivered_seq", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failing_since", _UTC),
        sa.Column("next_attempt_at", _UTC),
        sa.Column("disabled_at", _UTC),
    )
    op.create_index("ix_webhook_hall", "webhook", ["hall"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("webhook", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("error", sa.String(500)),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
    )
    op.create_index("ix_webhook_delivery_hook", "webhook_delivery", ["webhook", "id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_hook", "webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_hall", "webhook")
    op.drop_table("webhook")
