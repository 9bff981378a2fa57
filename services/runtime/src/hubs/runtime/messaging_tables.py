"""The tables every service has for reliable messaging: its outbox and the events it
has already processed (so a redelivered event has no second effect)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Uuid,
)

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


def define_messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add `outbox` and `processed_events` to a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", SEQUENCE, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("aggregate_type", String(64), nullable=False),
        Column("aggregate_id", String(64), nullable=False),
        Column("event_type", String(64), nullable=False),
        Column("topic", String(255), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
    )
    # The relay reads unsent rows in order; keep that cheap however long the table grows.
    Index("ix_outbox_unsent", outbox.c.seq, postgresql_where=outbox.c.sent_at.is_(None))
    processed = Table(
        "processed_events",
        metadata,
        Column("consumer", String(128), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )
    return outbox, processed


def define_idempotency_table(metadata: MetaData) -> Table:
    """`idempotency_keys`: the Idempotency-Key of each creating request, hashed, with its answer sealed
    by the key (see hubs.runtime.idempotency). `status` is empty while the request is in flight."""
    keys = Table(
        "idempotency_keys",
        metadata,
        Column("key_id", String(64), primary_key=True),
        Column("claim_id", Uuid, nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("status", SmallInteger, nullable=True),
        Column("answer", LargeBinary, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("lease_until", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
    )
    Index("ix_idempotency_keys_expires_at", keys.c.expires_at)
    return keys
