"""Quarantined periods and events: what cannot be computed is set aside with its reason.

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
        "quarantined_periods",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("first_quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "quarantined_events",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("field", sa.String(100), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quarantined_events")
    op.drop_table("quarantined_periods")
