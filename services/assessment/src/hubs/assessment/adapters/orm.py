"""Tables of the assessment service."""

from sqlalchemy import JSON, Column, Date, DateTime, MetaData, String, Table, Uuid

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

assessments = Table(
    "assessments",
    metadata,
    Column("assessment_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, unique=True),
    Column("urgency", String(16), nullable=False),
    Column("referred_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("referral_id", Uuid),
    Column("completed_at", DateTime(timezone=True)),
    Column("risk_level", String(16)),
    # The record: first contact once made (from the referral service), then at completion the
    # practitioners, item responses, judgement, work situation, decision and sign-off; and when
    # and why the case closed, if it did.
    Column("completion", JSON),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("follow_up_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("due_on", Date),
    Column("measures_due", JSON, nullable=False),
    Column("monitoring_plan_id", Uuid),
    Column("measured_at", DateTime(timezone=True)),
    Column("measures", JSON),
    Column("work_situation", String(40)),
)

outbox, processed_events = define_messaging_tables(metadata)
