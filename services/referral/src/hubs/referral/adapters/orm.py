"""Tables of the referral service. Personal details are a sealed (encrypted) blob."""

from sqlalchemy import JSON, Column, DateTime, ForeignKey, LargeBinary, MetaData, String, Table, Uuid

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

referrals = Table(
    "referrals",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("case_id", Uuid, nullable=False, unique=True),
    Column("source", String(40), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("urgency", String(16), nullable=False),
    Column("status", String(40), nullable=False),
    Column("staff_group", String(40)),
    Column("employment_type", String(40)),
    Column("at_risk_factors", JSON, nullable=False),
    Column("demographics", JSON, nullable=False),
    Column("heard_of_hub_via", String(64)),
)

personal_details = Table(
    "personal_details",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), primary_key=True),
    # MultiFernet token: AES-128-CBC + HMAC-SHA256; the key id travels inside the token.
    Column("sealed", LargeBinary, nullable=False),
)

consents = Table(
    "consents",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
