"""The outbox relay: publishes events written by the service's transactions, in order,
and marks them sent only once Kafka acknowledged them. Several replicas may run on
PostgreSQL: each batch is claimed with FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from kafka import KafkaProducer
from sqlalchemy import Engine, Table, func, select, update

from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISH_FAILURES, OUTBOX_PUBLISHED

log = logging.getLogger(__name__)


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
        route=None,
    ):
        self._engine = engine
        self._outbox = outbox
        self._producers = producers
        self._service = service
        self._batch_size = batch_size
        # route(topic) -> name of the producer to use (e.g. the national cluster for reports)
        self._route = route or (lambda topic: "default")

    def _producer_for(self, topic: str) -> KafkaProducer:
        if isinstance(self._producers, KafkaProducer):
            return self._producers
        return self._producers[self._route(topic)]

    def publish_batch(self) -> int:
        """Publish one batch; returns how many rows were published (0 when idle)."""
        o = self._outbox
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(o.c.seq, o.c.event_id, o.c.event_type, o.c.aggregate_id, o.c.topic, o.c.payload)
                .where(o.c.sent_at.is_(None))
                .order_by(o.c.seq)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            futures = []
            for row in rows:
                value = _encode(row.payload)
                headers = [("event_id", str(row.event_id).encode()), ("event_type", row.event_type.encode())]
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
                raise
            conn.execute(update(o).where(o.c.seq.in_([r.seq for r in rows])).values(sent_at=datetime.now(UTC)))
        OUTBOX_PUBLISHED.labels(self._service).inc(len(rows))
        return len(rows)

    def backlog(self) -> int:
        """Rows not yet acknowledged by Kafka."""
        o = self._outbox
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(o).where(o.c.sent_at.is_(None))).scalar_one()

    def run(self, stop: StopSignal, idle_seconds: float = 0.1) -> None:
        """Publish until asked to stop; back off on errors, never drop a row."""
        failures = 0
        while not stop.stopping:
            try:
                published = self.publish_batch()
                OUTBOX_BACKLOG.labels(self._service).set(self.backlog())
                failures = 0
            except Exception as exc:  # broker or database away: wait and try the same rows again
                failures += 1
                log.warning("relay batch failed", extra={"error_type": type(exc).__name__, "failures": failures})
                stop.wait(min(0.2 * 2**failures, 10.0))
                continue
            if published == 0:
                stop.wait(idle_seconds)


def _encode(payload) -> bytes:
    if isinstance(payload, str):  # some drivers hand JSON back as text
        return payload.encode()
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
