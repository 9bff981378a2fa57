"""Campaigns and public codes, planned events, feedback, training, stakeholder engagement,
supervision, check-ins, anonymous staff surveys and referral attributions.

Revision ID: 0002
Revises: 0001
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("campaign_id", sa.Uuid(), primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date()),
        sa.Column("target_at_risk_groups", sa.JSON(), nullable=False),
        sa.Column("target_employers", sa.JSON(), nullable=False),
    )
    op.add_column("outreach_events", sa.Column("code", sa.String(12)))
    op.add_column("outreach_events", sa.Column("status", sa.String(10), nullable=False, server_default="held"))
    op.add_column("outreach_events", sa.Column("organisations", sa.JSON()))
    op.add_column("outreach_events", sa.Column("campaign_id", sa.Uuid()))
    op.add_column("outreach_events", sa.Column("delivery_mode", sa.String(20)))
    # Events recorded before codes existed get one now, so every event can be printed on a leaflet.
    conn = op.get_bind()
    events = sa.table("outreach_events", sa.column("outreach_event_id", sa.Uuid()), sa.column("code", sa.String))
    used: set[str] = set()
    for (event_id,) in conn.execute(sa.select(events.c.outreach_event_id)).all():
        code = ""
        while not code or code in used:
            code = "OUT-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        used.add(code)
        conn.execute(sa.update(events).where(events.c.outreach_event_id == event_id).values(code=code))
    op.create_index("ux_outreach_events_code", "outreach_events", ["code"], unique=True)
    op.create_table(
        "outreach_feedback",
        sa.Column("feedback_id", sa.Uuid(), primary_key=True),
        sa.Column("outreach_event_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("useful", sa.Integer(), nullable=False),
        sa.Column("more_likely_to_seek_help", sa.Integer()),
        sa.Column("comment", sa.Text()),
    )
    op.create_table(
        "training_sessions",
        sa.Column("training_session_id", sa.Uuid(), primary_key=True),
        sa.Column("delivered_on", sa.Date(), nullable=False, index=True),
        sa.Column("audience", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("delivery_mode", sa.String(20), nullable=False),
        sa.Column("staff_groups", sa.JSON(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sa.Uuid()),
    )
    op.create_table(
        "training_feedback",
        sa.Column("feedback_id", sa.Uuid(), primary_key=True),
        sa.Column("training_session_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("useful", sa.Integer(), nullable=False),
        sa.Column("confidence_before", sa.Integer()),
        sa.Column("confidence_after", sa.Integer()),
        sa.Column("comment", sa.Text()),
    )
    op.create_table(
        "stakeholder_engagements",
        sa.Column("engagement_id", sa.Uuid(), primary_key=True),
        sa.Column("stakeholder", sa.String(200), nullable=False),
        sa.Column("stakeholder_type", sa.String(40), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("pathways", sa.JSON(), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("follow_up_on", sa.Date()),
        sa.Column("campaign_id", sa.Uuid()),
    )
    op.create_table(
        "supervision_sessions",
        sa.Column("supervision_session_id", sa.Uuid(), primary_key=True),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("supervision_type", sa.String(30), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("wellbeing_discussed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "check_ins",
        sa.Column("check_in_id", sa.Uuid(), primary_key=True),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
    )
    op.create_table(
        "staff_surveys",
        sa.Column("survey_id", sa.Uuid(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("participation_key", sa.LargeBinary()),
        sa.Column("released_on", sa.Date()),
    )
    op.create_table(
        "survey_participation",
        sa.Column("survey_id", sa.Uuid(), primary_key=True),
        sa.Column("token", sa.String(64), primary_key=True),
    )
    op.create_table(
        "survey_responses",
        sa.Column("response_id", sa.Uuid(), primary_key=True),
        sa.Column("survey_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("wellbeing", sa.Integer(), nullable=False),
        sa.Column("workload_manageable", sa.Integer()),
        sa.Column("feel_supported", sa.Integer()),
        sa.Column("supervision_helpful", sa.Integer()),
        sa.Column("comment", sa.Text()),
    )
    op.create_table(
        "referral_attributions",
        sa.Column("referral_id", sa.Uuid(), primary_key=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("code", sa.String(12), nullable=False, index=True),
        sa.Column("campaign_id", sa.Uuid(), index=True),
        sa.Column("outreach_event_id", sa.Uuid(), index=True),
    )


def downgrade() -> None:
    for table in (
        "referral_attributions",
        "survey_responses",
        "survey_participation",
        "staff_surveys",
        "check_ins",
        "supervision_sessions",
        "stakeholder_engagements",
        "training_feedback",
        "training_sessions",
        "outreach_feedback",
        "campaigns",
    ):
        op.drop_table(table)
    op.drop_index("ux_outreach_events_code", table_name="outreach_events")
    for column in ("delivery_mode", "campaign_id", "organisations", "status", "code"):
        op.drop_column("outreach_events", column)
