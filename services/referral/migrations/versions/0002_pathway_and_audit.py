"""Triage, first contact, closure, transfers, retention; person index, linked referrals,
contact attempts, transfers, access audit and fitness-to-practise concerns.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_COLUMNS = [
    sa.Column("first_contact_due_by", sa.DateTime(timezone=True)),
    sa.Column("first_contacted_at", sa.DateTime(timezone=True)),
    sa.Column("hours_to_first_contact", sa.Float()),
    sa.Column("working_hours_to_first_contact", sa.Float()),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("closure_reason", sa.String(40)),
    sa.Column("transferred_from_hub", sa.String(63)),
    sa.Column("erased_at", sa.DateTime(timezone=True)),
    sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false()),
]


def upgrade() -> None:
    for column in NEW_COLUMNS:
        op.add_column("referrals", column)
    op.create_table(
        "person_index",
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), primary_key=True),
        sa.Column("person_key", sa.String(64), primary_key=True),
    )
    op.create_index("ix_person_index_person_key", "person_index", ["person_key"])
    op.create_table(
        "linked_referrals",
        sa.Column("link_id", sa.Uuid(), primary_key=True),
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), nullable=False, index=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "contact_attempts",
        sa.Column("contact_attempt_id", sa.Uuid(), primary_key=True),
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), nullable=False, index=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempt_number", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
    )
    op.create_table(
        "transfers",
        sa.Column("transfer_id", sa.Uuid(), primary_key=True),
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), nullable=False, index=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("other_hub_id", sa.String(63), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("consent_recorded_at", sa.DateTime(timezone=True)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200)),
    )
    op.create_table(
        "access_audit",
        sa.Column("audit_id", sa.Uuid(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("hub_id", sa.String(63), nullable=False),
        sa.Column("referral_id", sa.Uuid(), index=True),
        sa.Column("case_id", sa.Uuid()),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
    )
    op.create_table(
        "fitness_to_practise_concerns",
        sa.Column("concern_id", sa.Uuid(), primary_key=True),
        sa.Column("referral_id", sa.Uuid(), sa.ForeignKey("referrals.referral_id"), nullable=False, index=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(200), nullable=False),
        sa.Column("sealed", sa.LargeBinary()),
    )


def downgrade() -> None:
    for table in (
        "fitness_to_practise_concerns",
        "access_audit",
        "transfers",
        "contact_attempts",
        "linked_referrals",
        "person_index",
    ):
        op.drop_table(table)
    for column in reversed(NEW_COLUMNS):
        op.drop_column("referrals", column.name)
