"""The hall's committed seq (the row a batch's commit moves) and idempotency keys.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hall_seq",
        sa.Column("hall", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO hall_seq (hall, seq) SELECT hall, max(seq) FROM ledger GROUP BY hall")
    op.create_table(
        "idempotency_key",
        sa.Column("hall", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("ticket", sa.String(40)),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotency_key_seq", "idempotency_key", ["hall", "seq"])
    # Catching up reads the rows changed after a seq.
    op.create_index("ix_ticket_seq", "ticket", ["hall", "seq"])


def downgrade() -> None:
    op.drop_index("ix_ticket_seq", "ticket")
    op.drop_table("idempotency_key")
    op.drop_table("hall_seq")
