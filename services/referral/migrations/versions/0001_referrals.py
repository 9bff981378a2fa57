"""Referrals, sealed personal details and consents; outbox and processed events.

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
        "referrals",
        sa.Column("referral_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("staff_group", sa.String(40)),
        sa.Column("employment_type", sa.String(40)),
        sa.Column("at_risk_factors", sa.JSON(), nullable=False),
        sa.Column("demographics", sa.JSON(), nullable=False),
        sa.Column("heard_of_hub_via", sa.String(64)),
    )
    op.create_table(
        "personal_details",
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables()


def downgrade() -> None:
    for table in ("processed_events", "outbox", "consents", "personal_details", "referrals"):
        op.drop_table(table)
