"""The unit of work: one database transaction holding a state change, the events it
causes (written to the outbox) and, for consumers, the id of the event that caused it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Table, Uuid, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, sessionmaker

from hubs.contracts import new_envelope, spec_for
from hubs.contracts.topics import hub_topic
from hubs.runtime.logging import correlation_id
from hubs.runtime.settings import Settings


class DomainEvent(Protocol):
    """What a domain event offers the outbox: its contract name, its case and its data."""

    event_type: str

    def to_data(self) -> Mapping[str, Any]: ...


class Outbox:
    """Writes validated envelopes into the `outbox` table of the current transaction."""

    def __init__(self, session: Session, table: Table, settings: Settings):
        self._session = session
        self._table = table
        self._settings = settings
        self.written: list[dict[str, Any]] = []

    def add(
        self,
        event_type: str,
        data: Mapping[str, Any],
        *,
        case_id: uuid.UUID | str | None = None,
        aggregate_id: str | None = None,
        national: bool = False,
    ) -> dict[str, Any]:
        """Validate an event against its contract and queue it in this transaction."""
        s = self._settings
        envelope = new_envelope(
            event_type,
            data,
            hub_id=s.hub_id,
            producer=s.producer_name,
            case_id=case_id,
            correlation_id=correlation_id.get(),
        )
        spec = spec_for(event_type)
        topic = s.national_topic if national else hub_topic(s.hub_id, spec.service, prefix=s.topic_prefix)
        key = aggregate_id or (str(case_id) if case_id is not None else s.hub_id)
        self._session.execute(
            insert(self._table).values(
                event_id=uuid.UUID(envelope["event_id"]),
                aggregate_type=spec.service,
                aggregate_id=key,
                event_type=event_type,
                topic=topic,
                payload=envelope,
                occurred_at=datetime.fromisoformat(envelope["occurred_at"]),
            )
        )
        self.written.append(envelope)
        return envelope


class ProcessedEvents:
    """The ids of events a consumer has already applied, in the consumer's transaction."""

    def __init__(self, session: Session, table: Table):
        self._session = session
        self._table = table

    def seen(self, consumer: str, event_id: uuid.UUID) -> bool:
        query = select(self._table.c.event_id).where(
            self._table.c.consumer == consumer, self._table.c.event_id == event_id
        )
        return self._session.execute(query).first() is not None

    def seen_any(self, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `event_ids` this consumer has already applied (one query)."""
        if not event_ids:
            return set()
        t = self._table
        if self._session.get_bind().dialect.name == "postgresql":
            # One array parameter: the same statement whatever the batch size, planned once.
            wanted = t.c.event_id == any_(bindparam("event_ids", list(set(event_ids)), type_=ARRAY(Uuid())))
        else:
            wanted = t.c.event_id.in_(set(event_ids))
        return set(self._session.execute(select(t.c.event_id).where(t.c.consumer == consumer, wanted)).scalars())

    def add(self, consumer: str, event_id: uuid.UUID) -> None:
        self.add_all(consumer, [event_id])

    def add_all(self, consumer: str, event_ids: list[uuid.UUID]) -> None:
        """Record events as applied by this consumer (one statement)."""
        if not event_ids:
            return
        now = datetime.now(UTC)
        rows = [{"consumer": consumer, "event_id": e, "processed_at": now} for e in event_ids]
        self._session.execute(insert(self._table), rows)


class UnitOfWork:
    """`with uow: ... uow.commit()`; anything not committed is rolled back on exit.

    Services subclass it to add their repositories in `_open(session)`."""

    def __init__(self, session_factory: sessionmaker, outbox_table: Table, processed_table: Table, settings: Settings):
        self._session_factory = session_factory
        self._outbox_table = outbox_table
        self._processed_table = processed_table
        self.settings = settings

    def __enter__(self) -> UnitOfWork:
        self.session: Session = self._session_factory()
        self.outbox = Outbox(self.session, self._outbox_table, self.settings)
        self.processed = ProcessedEvents(self.session, self._processed_table)
        self._open(self.session)
        return self

    def _open(self, session: Session) -> None:
        """Hook for services: attach repositories to the session."""

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]


def emit_all(outbox: Outbox, events: Iterable[DomainEvent], *, case_id: uuid.UUID | None) -> None:
    """Queue the events an aggregate collected."""
    for domain_event in events:
        outbox.add(domain_event.event_type, domain_event.to_data(), case_id=case_id)
