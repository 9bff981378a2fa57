"""Case notes: the clinical record of a case, the text sealed with HUBS_CLINICAL_NOTES_KEYS as the
outcome reasons are. Their reads are audited in reasons_access_audit.

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
        "case_notes",
        sa.Column("note_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sealed", sa.LargeBinary()),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_by", sa.String(200), nullable=False),
        sa.Column("written_by_name", sa.String(200), nullable=False),
        sa.Column("corrects", sa.Uuid()),
        sa.Column("erased_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_notes")
