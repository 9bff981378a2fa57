"""The outbox relay: publishes events written by the service's transactions, in order,
and marks them sent only once Kafka acknowledged them. Several replicas may run on
PostgreSQL: each batch is claimed with FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from kafka import KafkaProducer
from sqlalchemy import Engine, Table, func, select, update

from hubs.contracts import message_headers
from hubs.runtime.lifecycle import PROGRESS
from hubs.runtime.metrics import (
    DEPENDENCY_UP,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_UNSENT_AGE,
    OUTBOX_PUBLISH_FAILURES,
    OUTBOX_PUBLISHED,
    watch_loop,
)

log = logging.getLogger(__name__)


class Pauses(Protocol):
    """What the relay loop waits on: a StopSignal, or anything that pauses and says when to stop."""

    @property
    def stopping(self) -> bool: ...

    def wait(self, seconds: float) -> bool: ...


class OutboxRelay:
    """Moves rows of `outbox` to Kafka."""

    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        producers: dict[str, KafkaProducer] | KafkaProducer,
        *,
        service: str,
        batch_size: int = 500,
        route: Callable[[str], str] | None = None,
        headers: Callable[[str, bytes], list[tuple[str, bytes]]] | None = None,
    ):
        self._engine = engine
        self._outbox = outbox
        self._producers = producers
        self._service = service
        self._batch_size = batch_size
        # route(topic) -> name of the producer to use (e.g. the national cluster for reports)
        self._route = route or (lambda topic: "default")
        # headers(topic, value) -> more headers for a message (e.g. its signature)
        self._headers = headers
        # When the oldest unsent row was written, as last read from the database (None: none waits).
        self._oldest_unsent: datetime | None = None
        # Computed when scraped, so the age grows even while a publish waits on a broker that is away.
        OUTBOX_OLDEST_UNSENT_AGE.labels(service).set_function(self.oldest_unsent_age)

    def _producer_for(self, topic: str) -> KafkaProducer:
        if isinstance(self._producers, KafkaProducer):
            return self._producers
        return self._producers[self._route(topic)]

    def publish_batch(self) -> int:
        """Publish one batch; returns how many rows were published (0 when idle)."""
        o = self._outbox
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(o.c.seq, o.c.event_id, o.c.event_type, o.c.aggregate_id, o.c.topic, o.c.payload, o.c.occurred_at)
                .where(o.c.sent_at.is_(None))
                .order_by(o.c.seq)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            # These rows stay unsent until Kafka acknowledges them, however long that waits.
            self._note_unsent(min(row.occurred_at for row in rows))
            futures = []
            for row in rows:
                value = _encode(row.payload)
                # The topic and key were given by the contract when the row was written; the headers
                # are the envelope's event_id and event_type, which the row keeps beside it.
                headers = message_headers(dict(row._mapping))
                if self._headers is not None:
                    headers += self._headers(row.topic, value)
                futures.append(
                    self._producer_for(row.topic).send(
                        row.topic, key=row.aggregate_id.encode(), value=value, headers=headers
                    )
                )
            try:
                for future in futures:
                    future.get(timeout=60)
            except Exception:
                # Nothing is marked sent: the transaction rolls back and the rows are tried again.
                OUTBOX_PUBLISH_FAILURES.labels(self._service).inc()
                DEPENDENCY_UP.labels(self._service, "relay", "kafka").set(0)
                raise
            DEPENDENCY_UP.labels(self._service, "relay", "kafka").set(1)
            conn.execute(update(o).where(o.c.seq.in_([r.seq for r in rows])).values(sent_at=datetime.now(UTC)))
        OUTBOX_PUBLISHED.labels(self._service).inc(len(rows))
        return len(rows)

    def backlog(self) -> int:
        """Rows not yet acknowledged by Kafka."""
        return self.unsent()[0]

    def unsent(self) -> tuple[int, datetime | None]:
        """Rows not yet acknowledged by Kafka, and when the oldest of them was written (None if none)."""
        o = self._outbox
        with self._engine.connect() as conn:
            count, oldest = conn.execute(
                select(func.count(), func.min(o.c.occurred_at)).select_from(o).where(o.c.sent_at.is_(None))
            ).one()
        if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC
            oldest = oldest.replace(tzinfo=UTC)
        return count, oldest

    def measure(self) -> None:
        """Set the backlog and the oldest unsent row's age from the database, and whether it answered.

        Done on every turn, whether Kafka acknowledged or not: a broker outage shows as a growing
        age. While the database is away the age keeps growing from the oldest row last seen."""
        try:
            count, self._oldest_unsent = self.unsent()
        except Exception as exc:
            DEPENDENCY_UP.labels(self._service, "relay", "database").set(0)
            log.warning("outbox not measured", extra={"error_type": type(exc).__name__})
        else:
            DEPENDENCY_UP.labels(self._service, "relay", "database").set(1)
            OUTBOX_BACKLOG.labels(self._service).set(count)

    def _note_unsent(self, occurred_at: datetime) -> None:
        if occurred_at.tzinfo is None:  # SQLite hands back naive UTC
            occurred_at = occurred_at.replace(tzinfo=UTC)
        if self._oldest_unsent is None or occurred_at < self._oldest_unsent:
            self._oldest_unsent = occurred_at

    def oldest_unsent_age(self, now: datetime | None = None) -> float:
        """Seconds since the oldest unsent row (as last read) was written; 0 when none waits."""
        if self._oldest_unsent is None:
            return 0.0
        return max(((now or datetime.now(UTC)) - self._oldest_unsent).total_seconds(), 0.0)

    def run(self, stop: Pauses, idle_seconds: float = 0.1) -> None:
        """Publish until asked to stop; back off on errors, never drop a row."""
        failures = 0
        while not stop.stopping:
            watch_loop(self._service, "relay")
            try:
                published = self.publish_batch()
                failures = 0
            except Exception as exc:  # broker or database away: wait and try the same rows again
                failures += 1
                published = None
                log.warning("relay batch failed", extra={"error_type": type(exc).__name__, "failures": failures})
            self.measure()
            if published is None:
                stop.wait(min(0.2 * 2**failures, 10.0))
            elif published == 0:
                stop.wait(idle_seconds)
        PROGRESS.forget(self._service, "relay")


def _encode(payload: str | Mapping[str, Any]) -> bytes:
    if isinstance(payload, str):  # some drivers hand JSON back as text
        return payload.encode()
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
