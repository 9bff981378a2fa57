"""Tables of the care-coordination service."""

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text, Uuid, false

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("competencies_wanted", JSON, nullable=False),
    Column("assessment_id", Uuid),
    Column("measures_taken", JSON, nullable=False),
    Column("occupational_health_consent_recorded_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("closure_reason", String(40)),
    Column("feedback_link_given", Boolean, nullable=False, server_default=false()),
)

onward_referrals = Table(
    "onward_referrals",
    metadata,
    Column("onward_referral_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("service_type", String(40), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("status", String(30), nullable=False),
    Column("target_wait_days", Integer, nullable=False, server_default="28"),
    Column("directory_service_id", Uuid),
    Column("assessment_id", Uuid),
    Column("urgency", String(16)),
    Column("accepted_on", Date),
    Column("expected_start_on", Date),
    Column("declined_on", Date),
    Column("decline_reason", String(40)),
    Column("started_on", Date),
    Column("ended_on", Date),
    Column("end_reason", String(40)),
    Column("escalated_on", Date),
    Column("contingency", String(40)),
)

directory_services = Table(
    "directory_services",
    metadata,
    Column("directory_service_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("service_type", String(40), nullable=False, index=True),
    Column("target_wait_days", Integer, nullable=False),
    Column("how_to_refer", Text, nullable=False),
    Column("competencies", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("contact", String(200)),
)

monitoring_plans = Table(
    "monitoring_plans",
    metadata,
    Column("monitoring_plan_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("review_interval_days", Integer, nullable=False),
    Column("measures", JSON, nullable=False),
    Column("next_due_on", Date, nullable=False),
    Column("planned_end_on", Date),
    Column("ended_on", Date),
)

# What the hub did for a case besides onward referrals: signposting, Occupational Health
# liaison, follow-ups asked for. `detail` holds codes and ids only.
case_activities = Table(
    "case_activities",
    metadata,
    Column("activity_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("detail", JSON, nullable=False),
)

# Anonymous: no case id. The comment is free text and never leaves the hub.
service_user_feedback = Table(
    "service_user_feedback",
    metadata,
    Column("feedback_id", Uuid, primary_key=True),
    Column("given_on", Date, nullable=False, index=True),
    Column("stage", String(40), nullable=False),
    Column("overall_experience", String(40), nullable=False),
    Column("scores", JSON, nullable=False),
    Column("comment", Text),
)

# One-use feedback links given at closure: only the token's hash, the hub and the closure's month
# (never the case), so that feedback given through a link cannot be tied back to the person.
feedback_links = Table(
    "feedback_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("hub_id", String(64), nullable=False),
    Column("closure_month", String(7), nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("used", Boolean, nullable=False, server_default=false()),
)

outbox, processed_events = define_messaging_tables(metadata)
