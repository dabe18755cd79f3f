"""Visitor notifications (queue_server.outbound.notifier): the phone numbers visitors gave, with
consent, for the messages of one ticket, and which messages were sent.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visitor_contact",
        sa.Column("ticket_id", sa.String(40), primary_key=True),
        sa.Column("hall", sa.String(32), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("ahead_sent_at", _UTC),
        sa.Column("called_sent_at", _UTC),
    )
    op.create_index("ix_visitor_contact_day", "visitor_contact", ["hall", "service_day"])


def downgrade() -> None:
    op.drop_index("ix_visitor_contact_day", "visitor_contact")
    op.drop_table("visitor_contact")
