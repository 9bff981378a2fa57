"""Outreach events; outbox and processed events.

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
        "outreach_events",
        sa.Column("outreach_event_id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("staff_groups", sa.JSON(), nullable=False),
        sa.Column("at_risk_groups", sa.JSON(), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    for table in ("processed_events", "outbox", "outreach_events"):
        op.drop_table(table)
