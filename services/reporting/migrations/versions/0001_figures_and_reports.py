"""Period figures and report versions (hub mode), hub reports (national mode); messaging.

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
        "period_figures",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("figure", sa.String(100), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.create_table(
        "period_reports",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "national_reports",
        sa.Column("hub_id", sa.String(64), primary_key=True),
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    for table in ("processed_events", "outbox", "national_reports", "period_reports", "period_figures"):
        op.drop_table(table)
