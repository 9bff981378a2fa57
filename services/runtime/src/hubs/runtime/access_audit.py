"""Access audit: who read or erased sealed data, when and why, never what it said.

Every service that keeps sealed data keeps one such table, with the same columns, plus the ids
of what was opened (a referral, a case). Records are only ever added."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, DateTime, MetaData, String, Table, Uuid, and_, insert, select
from sqlalchemy.orm import Session

AUDIT_READ_LIMIT = 1000  # newest first; an auditor narrows by case or date for more


def access_audit_table(name: str, metadata: MetaData, *opened: Column[Any]) -> Table:
    """An audit table: when, who (subject, roles, hub), what was `opened`, the action and purpose."""
    return Table(
        name,
        metadata,
        Column("audit_id", Uuid, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, index=True),
        Column("subject", String(200), nullable=False),
        Column("roles", String(200), nullable=False),
        Column("hub_id", String(63), nullable=False),
        *opened,
        Column("action", String(40), nullable=False),
        Column("purpose", String(40), nullable=False),
    )


def record_access(session: Session, table: Table, **values: Any) -> None:
    """Add one audit record, stamped now."""
    session.execute(insert(table).values(audit_id=uuid.uuid4(), at=datetime.now(UTC), **values))


def access_records(
    session: Session, table: Table, *, since: datetime | None = None, **equal_to: Any
) -> list[dict[str, Any]]:
    """Audit records, newest first: those at or after `since` whose columns equal the values given
    (a value of None does not filter)."""
    conditions: list[ColumnElement[bool]] = [
        table.c[column] == value for column, value in equal_to.items() if value is not None
    ]
    if since is not None:
        conditions.append(table.c.at >= since)
    query = select(table).order_by(table.c.at.desc()).limit(AUDIT_READ_LIMIT)
    if conditions:
        query = query.where(and_(*conditions))
    return [_aware(dict(row._mapping)) for row in session.execute(query)]


def _aware(record: dict[str, Any]) -> dict[str, Any]:
    if record["at"].tzinfo is None:  # SQLite hands back naive UTC
        record["at"] = record["at"].replace(tzinfo=UTC)
    return record
