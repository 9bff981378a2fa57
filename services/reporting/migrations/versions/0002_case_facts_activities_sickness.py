"""Per-case facts, activities, stale periods, sickness absence returns; final report flags.

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
    op.add_column("period_reports", sa.Column("final", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("national_reports", sa.Column("final", sa.Boolean(), nullable=True))
    op.create_table(
        "case_facts",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("open_wait", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "activities",
        sa.Column("activity_key", sa.String(120), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
    )
    op.create_table(
        "stale_periods",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
    )
    op.create_table(
        "sickness_absence",
        sa.Column("employer", sa.String(200), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("days_lost_mental_health", sa.Float(), nullable=False),
        sa.Column("days_lost_all_causes", sa.Float(), nullable=True),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("sickness_absence", "stale_periods", "activities", "case_facts"):
        op.drop_table(table)
    op.drop_column("national_reports", "final")
    op.drop_column("period_reports", "final")
