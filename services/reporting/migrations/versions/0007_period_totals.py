"""Figures kept up to date by each case's change of facts: kept periods, their totals, and
the facts as the totals count them while they differ.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No period is kept yet: each is computed from every case when it is next needed, and kept.
    op.add_column("case_facts", sa.Column("counted", sa.JSON(), nullable=True))
    op.create_table(
        "kept_periods",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
    )
    op.create_table(
        "period_totals",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("item", sa.String(160), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("period_totals")
    op.drop_table("kept_periods")
    op.drop_column("case_facts", "counted")
