"""Tables of the outreach service."""

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, Uuid

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

outreach_events = Table(
    "outreach_events",
    metadata,
    Column("outreach_event_id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("held_on", Date, nullable=False, index=True),
    Column("attendance", Integer, nullable=False),
    Column("staff_groups", JSON, nullable=False),
    Column("at_risk_groups", JSON, nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
