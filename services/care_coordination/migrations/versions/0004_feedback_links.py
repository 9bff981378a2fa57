"""One-use feedback links given at closure (only the token's hash, the hub and the closure's month),
and whether a case's person was given one.

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
    op.create_table(
        "feedback_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("hub_id", sa.String(64), nullable=False),
        sa.Column("closure_month", sa.String(7), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("cases", sa.Column("feedback_link_given", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("cases", "feedback_link_given")
    op.drop_table("feedback_links")
