"""What the hub's duty inbox was told: one row per referral, reason and channel, so that each notice
is sent once however often the worker sees its cause, and a failing one is retried a bounded number
of times. Codes and times only.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_notifications",
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), primary_key=True),
        sa.Column("reason", sa.String(40), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(80)),
    )


def downgrade() -> None:
    op.drop_table("duty_notifications")
