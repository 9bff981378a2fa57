"""Months signed off by the hub lead; whether a report kept nationally was signed off.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "period_sign_offs",
        sa.Column("period_type", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("signed_off_by", sa.String(255), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("national_reports", sa.Column("signed_off", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("national_reports", "signed_off")
    op.drop_table("period_sign_offs")
