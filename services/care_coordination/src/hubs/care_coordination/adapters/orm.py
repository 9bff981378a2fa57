"""Tables of the care-coordination service."""

from sqlalchemy import Column, Date, MetaData, String, Table, Uuid

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

onward_referrals = Table(
    "onward_referrals",
    metadata,
    Column("onward_referral_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("service_type", String(40), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("status", String(30), nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
