"""The ledger by type: a hall's newest settings (`hall.configured`) are found at every start
without reading its whole ledger.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_type", "ledger", ["hall", "type", "seq"])


def downgrade() -> None:
    op.drop_index("ix_ledger_type", "ledger")
