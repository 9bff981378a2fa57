"""The hub's clinical team: members named in assessments by their staff id, their discipline, and
the sign-in of those who can hold cases. Staff data, kept in the hub only.

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
        "team_members",
        sa.Column("member_id", sa.Uuid(), primary_key=True),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("discipline", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("staff_id", name="uq_team_members_staff_id"),
        sa.UniqueConstraint("subject", name="uq_team_members_subject"),
    )


def downgrade() -> None:
    op.drop_table("team_members")
