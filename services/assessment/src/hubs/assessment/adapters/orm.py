"""Tables of the assessment service."""

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, LargeBinary, MetaData, String, Table, Uuid

from hubs.runtime.access_audit import access_audit_table
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

# The reasons for an assessment's outcome: clinical free text, sealed (see adapters.clinical_notes),
# kept apart from the record, read only through an audited read, erased with the case.
outcome_reasons = Table(
    "outcome_reasons",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("sealed", LargeBinary),  # null once erased
    Column("erased_at", DateTime(timezone=True)),
)

# Notes on a case (the clinical record): the text sealed as the reasons are; kind, author and time in
# the clear. Only ever added; a correction is a new note naming the one it corrects.
case_notes = Table(
    "case_notes",
    metadata,
    Column("note_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("sealed", LargeBinary),  # null once erased
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("written_by", String(200), nullable=False),
    Column("written_by_name", String(200), nullable=False),
    Column("corrects", Uuid),
    Column("erased_at", DateTime(timezone=True)),
)

# Every escalation of a raised risk (at assessment, at a follow-up, between sittings), only ever added;
# who escalated stays here: the RiskEscalated event carries codes only.
risk_escalations = Table(
    "risk_escalations",
    metadata,
    Column("risk_escalation_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("escalated_at", DateTime(timezone=True), nullable=False),
    Column("level", String(16), nullable=False),
    Column("risk_to_self", Boolean, nullable=False),
    Column("risk_to_others", Boolean, nullable=False),
    Column("route", String(40), nullable=False),
    Column("occasion", String(20), nullable=False),
    Column("escalated_by", String(200), nullable=False),
    Column("escalated_by_name", String(200), nullable=False),
)

# Who read or erased a case's outcome reasons or notes, when and why; never the text.
reasons_access_audit = access_audit_table("reasons_access_audit", metadata, Column("case_id", Uuid, index=True))

outbox, processed_events = define_messaging_tables(metadata)
