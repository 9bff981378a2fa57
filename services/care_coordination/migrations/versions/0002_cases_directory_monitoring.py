"""Cases, onward referral tracking, the service directory, monitoring plans, case
activities and service-user feedback.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRACKING = [
    ("directory_service_id", sa.Uuid()),
    ("assessment_id", sa.Uuid()),
    ("urgency", sa.String(16)),
    ("accepted_on", sa.Date()),
    ("expected_start_on", sa.Date()),
    ("declined_on", sa.Date()),
    ("decline_reason", sa.String(40)),
    ("started_on", sa.Date()),
    ("ended_on", sa.Date()),
    ("end_reason", sa.String(40)),
    ("escalated_on", sa.Date()),
    ("contingency", sa.String(40)),
]


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("competencies_wanted", sa.JSON(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=True),
        sa.Column("measures_taken", sa.JSON(), nullable=False),
        sa.Column("occupational_health_consent_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closure_reason", sa.String(40), nullable=True),
    )
    op.add_column("onward_referrals", sa.Column("target_wait_days", sa.Integer(), nullable=False, server_default="28"))
    for name, type_ in TRACKING:
        op.add_column("onward_referrals", sa.Column(name, type_, nullable=True))
    op.create_table(
        "directory_services",
        sa.Column("directory_service_id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("service_type", sa.String(40), nullable=False, index=True),
        sa.Column("target_wait_days", sa.Integer(), nullable=False),
        sa.Column("how_to_refer", sa.Text(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
    )
    op.create_table(
        "monitoring_plans",
        sa.Column("monitoring_plan_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("review_interval_days", sa.Integer(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "case_activities",
        sa.Column("activity_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "service_user_feedback",
        sa.Column("feedback_id", sa.Uuid(), primary_key=True),
        sa.Column("given_on", sa.Date(), nullable=False, index=True),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("overall_experience", sa.String(40), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for table in ("service_user_feedback", "case_activities", "monitoring_plans", "directory_services", "cases"):
        op.drop_table(table)
    for name, _ in reversed(TRACKING):
        op.drop_column("onward_referrals", name)
    op.drop_column("onward_referrals", "target_wait_days")
