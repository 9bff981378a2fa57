"""Tables of the assessment service."""

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid

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
)

outbox, processed_events = define_messaging_tables(metadata)
