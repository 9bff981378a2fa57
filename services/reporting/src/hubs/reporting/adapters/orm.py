"""Tables of the reporting service (hub mode and national mode share one schema)."""

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

period_figures = Table(
    "period_figures",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("figure", String(100), primary_key=True),
    Column("value", Integer, nullable=False),
)

period_reports = Table(
    "period_reports",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("report_version", Integer, nullable=False),
    # True when figures changed since the last report left the hub.
    Column("pending", Boolean, nullable=False),
)

national_reports = Table(
    "national_reports",
    metadata,
    Column("hub_id", String(64), primary_key=True),
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("region", String(40), nullable=False),
    Column("report_version", Integer, nullable=False),
    Column("figures", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
