"""Hubs send exact counts: the national service marks exact reports and audits who reads
exact figures; a hub republishes every period it reported in the suppressed format.

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
    op.add_column("national_reports", sa.Column("figures_exact", sa.Boolean(), nullable=True))
    op.create_table(
        "national_exact_reads",
        sa.Column("read_id", sa.Uuid(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("hub_id", sa.String(64), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("period_type", sa.String(20), nullable=False),
        sa.Column("first_period", sa.String(20), nullable=False),
        sa.Column("last_period", sa.String(20), nullable=False),
    )
    # Every report this hub sent so far was suppressed: send each period again, exact, as a
    # new version (its finality and sign-off are worked out again when it is sent).
    op.execute("UPDATE period_reports SET pending = true WHERE report_version > 0")


def downgrade() -> None:
    op.drop_table("national_exact_reads")
    op.drop_column("national_reports", "figures_exact")
