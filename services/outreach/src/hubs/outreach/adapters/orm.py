"""Tables of the outreach service.

Survey responses have no column that could lead back to a person: no respondent, no time of
day, no sequence number. Who has answered is kept apart, as a keyed hash, until the survey closes."""

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, LargeBinary, MetaData, String, Table, Text, Uuid

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

campaigns = Table(
    "campaigns",
    metadata,
    Column("campaign_id", Uuid, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("target_at_risk_groups", JSON, nullable=False),
    Column("target_employers", JSON, nullable=False),
)

outreach_events = Table(
    "outreach_events",
    metadata,
    Column("outreach_event_id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("held_on", Date, nullable=False, index=True),
    Column("attendance", Integer, nullable=False),
    Column("staff_groups", JSON, nullable=False),
    Column("at_risk_groups", JSON, nullable=False),
    Column("code", String(12)),
    Column("status", String(10), nullable=False, server_default="held"),
    Column("organisations", JSON),
    Column("campaign_id", Uuid),
    Column("delivery_mode", String(20)),
)
# Added after the first release: a unique index rather than a constraint, which SQLite cannot add.
Index("ux_outreach_events_code", outreach_events.c.code, unique=True)

outreach_feedback = Table(
    "outreach_feedback",
    metadata,
    Column("feedback_id", Uuid, primary_key=True),
    Column("outreach_event_id", Uuid, nullable=False, index=True),
    Column("given_on", Date, nullable=False),
    Column("useful", Integer, nullable=False),
    Column("more_likely_to_seek_help", Integer),
    Column("comment", Text),
)

training_sessions = Table(
    "training_sessions",
    metadata,
    Column("training_session_id", Uuid, primary_key=True),
    Column("delivered_on", Date, nullable=False, index=True),
    Column("audience", String(40), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("attendance", Integer, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("delivery_mode", String(20), nullable=False),
    Column("staff_groups", JSON, nullable=False),
    Column("organisations", JSON, nullable=False),
    Column("campaign_id", Uuid),
)

training_feedback = Table(
    "training_feedback",
    metadata,
    Column("feedback_id", Uuid, primary_key=True),
    Column("training_session_id", Uuid, nullable=False, index=True),
    Column("given_on", Date, nullable=False),
    Column("useful", Integer, nullable=False),
    Column("confidence_before", Integer),
    Column("confidence_after", Integer),
    Column("comment", Text),
)

stakeholder_engagements = Table(
    "stakeholder_engagements",
    metadata,
    Column("engagement_id", Uuid, primary_key=True),
    Column("stakeholder", String(200), nullable=False),
    Column("stakeholder_type", String(40), nullable=False),
    Column("held_on", Date, nullable=False, index=True),
    Column("pathways", JSON, nullable=False),
    Column("agreed", Text, nullable=False),
    Column("follow_up_on", Date),
    Column("campaign_id", Uuid),
)

supervision_sessions = Table(
    "supervision_sessions",
    metadata,
    Column("supervision_session_id", Uuid, primary_key=True),
    Column("held_on", Date, nullable=False, index=True),
    Column("supervision_type", String(30), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("wellbeing_discussed", Boolean, nullable=False),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("check_in_id", Uuid, primary_key=True),
    Column("held_on", Date, nullable=False, index=True),
    Column("format", String(20), nullable=False),
    Column("attendees", Integer, nullable=False),
)

staff_surveys = Table(
    "staff_surveys",
    metadata,
    Column("survey_id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column("participation_key", LargeBinary),
    Column("released_on", Date),
    Column("participation_sealed", Boolean, nullable=False),
)

survey_participation = Table(
    "survey_participation",
    metadata,
    Column("survey_id", Uuid, primary_key=True),
    Column("token", String(64), primary_key=True),
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("response_id", Uuid, primary_key=True),
    Column("survey_id", Uuid, nullable=False, index=True),
    Column("given_on", Date, nullable=False),
    Column("wellbeing", Integer, nullable=False),
    Column("workload_manageable", Integer),
    Column("feel_supported", Integer),
    Column("supervision_helpful", Integer),
    Column("comment", Text),
)

referral_attributions = Table(
    "referral_attributions",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("received_on", Date, nullable=False),
    Column("code", String(12), nullable=False, index=True),
    Column("campaign_id", Uuid, index=True),
    Column("outreach_event_id", Uuid, index=True),
)

# The hub's clinical team: staff data, kept in the hub only (no events).
team_members = Table(
    "team_members",
    metadata,
    Column("member_id", Uuid, primary_key=True),
    Column("staff_id", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("discipline", String(20), nullable=False),
    Column("subject", String(200), unique=True),
    Column("active", Boolean, nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
