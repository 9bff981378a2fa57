"""Onward referrals; outbox and processed events.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from hubs.runtime.migrations import create_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onward_referrals",
        sa.Column("onward_referral_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("service_type", sa.String(40), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    for table in ("processed_events", "outbox", "onward_referrals"):
        op.drop_table(table)
