"""Revoking sign-ins: a token generation per account (bumped by sign-out, password reset and
disabling) and a disabled flag; the window a rating device is bound to.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as table:
        table.add_column(sa.Column("token_generation", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("device") as table:
        table.add_column(sa.Column("window", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("device") as table:
        table.drop_column("window")
    with op.batch_alter_table("account") as table:
        table.drop_column("disabled")
        table.drop_column("token_generation")
