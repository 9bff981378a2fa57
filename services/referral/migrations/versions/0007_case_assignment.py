"""Who holds a case: the clinician's sign-in subject and display name (staff data, kept in this
service only) and since when. Nobody holds the cases open before this.

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
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(200)))
        batch.add_column(sa.Column("assigned_to_name", sa.String(200)))
        batch.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True)))
    op.create_index("ix_referrals_assigned_to", "referrals", ["assigned_to"])


def downgrade() -> None:
    op.drop_index("ix_referrals_assigned_to", table_name="referrals")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("assigned_at")
        batch.drop_column("assigned_to_name")
        batch.drop_column("assigned_to")
