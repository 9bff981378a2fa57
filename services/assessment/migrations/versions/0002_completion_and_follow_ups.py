"""Completed assessments (referral id, sign-off, risk, the record) and follow-up measures.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("referral_id", sa.Uuid(), nullable=True))
    op.add_column("assessments", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assessments", sa.Column("risk_level", sa.String(16), nullable=True))
    op.add_column("assessments", sa.Column("completion", sa.JSON(), nullable=True))
    op.create_table(
        "follow_ups",
        sa.Column("follow_up_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("measures_due", sa.JSON(), nullable=False),
        sa.Column("monitoring_plan_id", sa.Uuid(), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("measures", sa.JSON(), nullable=True),
        sa.Column("work_situation", sa.String(40), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("follow_ups")
    for column in ("completion", "risk_level", "completed_at", "referral_id"):
        op.drop_column("assessments", column)
