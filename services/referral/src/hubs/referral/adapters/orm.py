"""Tables of the referral service. Personal details are a sealed (encrypted) blob; the person
index holds keyed hashes only, so the database alone reveals nothing about who was referred."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
)

from hubs.runtime.access_audit import access_audit_table
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
    # 0005: the outreach code how the person heard of the hub names ("OUT-7KQ2"); their own words
    # are sealed with their personal details (0001 kept the words here, in plaintext).
    Column("outreach_code", String(8)),
    # 0002: triage, first contact, closure, transfers, retention
    Column("first_contact_due_by", DateTime(timezone=True)),
    Column("first_contacted_at", DateTime(timezone=True)),
    Column("hours_to_first_contact", Float),
    Column("working_hours_to_first_contact", Float),
    Column("closed_at", DateTime(timezone=True)),
    Column("closure_reason", String(40)),
    Column("transferred_from_hub", String(63)),
    Column("erased_at", DateTime(timezone=True)),
    Column("restricted", Boolean, nullable=False, default=False),
    # 0007: who holds the case: the clinician's sign-in subject and display name (staff data, kept
    # here only), and since when
    Column("assigned_to", String(200), index=True),
    Column("assigned_to_name", String(200)),
    Column("assigned_at", DateTime(timezone=True)),
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

person_index = Table(
    "person_index",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), primary_key=True),
    # HMAC-SHA256 of a normalised identifier (email, phone): finds a person's open referral
    Column("person_key", String(64), primary_key=True),
)

linked_referrals = Table(
    "linked_referrals",
    metadata,
    Column("link_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), nullable=False, index=True),
    Column("source", String(40), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # 0003: the second referrer's account (consent, referrer, reason), sealed like personal details
    Column("sealed", LargeBinary),
)

contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("contact_attempt_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), nullable=False, index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("attempt_number", Integer, nullable=False),
    Column("channel", String(40), nullable=False),
    Column("outcome", String(40), nullable=False),
)

transfers = Table(
    "transfers",
    metadata,
    Column("transfer_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), nullable=False, index=True),
    Column("direction", String(8), nullable=False),  # out | in
    Column("other_hub_id", String(63), nullable=False),
    Column("reason", String(40)),
    Column("consent_recorded_at", DateTime(timezone=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(200)),
)

access_audit = access_audit_table(
    "access_audit",
    metadata,
    Column("referral_id", Uuid, index=True),
    Column("case_id", Uuid),
)

concerns = Table(
    "fitness_to_practise_concerns",
    metadata,
    Column("concern_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), nullable=False, index=True),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("raised_by", String(200), nullable=False),
    Column("sealed", LargeBinary),  # the concern in words: encrypted like personal details
)

# 0006: what the duty inbox was told, once per referral, reason and channel (codes and times only)
duty_notifications = Table(
    "duty_notifications",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.referral_id"), primary_key=True),
    Column("reason", String(40), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(80)),  # the kind of failure only, e.g. SMTPServerDisconnected
)

outbox, processed_events = define_messaging_tables(metadata)
