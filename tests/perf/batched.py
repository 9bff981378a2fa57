"""A prototype of a proposed change to hubs.runtime's EventConsumer, measured here, not used by
any service: apply a whole poll batch in one transaction (one `seen` query, one insert of
processed ids, one commit), falling back to the one-by-one path for the batch if anything fails,
so retries and dead letters behave as before. With it, reporting's stale-period marks of the
batch are written once, as one upsert of their union."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata
from sqlalchemy import insert, select, text

from hubs.contracts import parse_envelope
from hubs.runtime.consumer import EventConsumer, _decode
from hubs.runtime.kafka import make_consumer, make_producer
from hubs.runtime.lifecycle import StopSignal


class BatchedEventConsumer(EventConsumer):
    """EventConsumer whose batches are applied in one transaction when nothing goes wrong."""

    def process_batch(self, batch: Mapping[TopicPartition, list], stop: StopSignal) -> None:
        try:
            self._apply_batch([r for records in batch.values() for r in records])
        except Exception:
            super().process_batch(batch, stop)  # one by one, with retries and dead letters
            return
        if self.after_batch is not None:
            self._safely(self.after_batch)
        self.consumer.commit({tp: OffsetAndMetadata(rs[-1].offset + 1, "", -1) for tp, rs in batch.items() if rs})

    def _apply_batch(self, records: list) -> None:
        envelopes = [parse_envelope(_decode(r.value)) for r in records]
        with self.uow_factory() as uow:
            table = uow.processed._table
            ids = [e["event_id"] for e in envelopes]
            query = select(table.c.event_id).where(table.c.consumer == self.name, table.c.event_id.in_(ids))
            seen = set(uow.session.execute(query).scalars())
            marks: set = set()
            figures = getattr(uow, "figures", None)
            if figures is not None:
                write_marks = figures.mark_stale
                figures.mark_stale = lambda periods: marks.update(periods)
            now, done = datetime.now(UTC), []
            for envelope in envelopes:
                handler = self.handlers.get(envelope["event_type"])
                event_id: uuid.UUID = envelope["event_id"]
                if handler is None or event_id in seen:
                    continue
                handler(envelope, uow)
                seen.add(event_id)
                done.append({"consumer": self.name, "event_id": event_id, "processed_at": now})
            if figures is not None and marks:
                write_marks(marks)
            if done:
                uow.session.execute(insert(table), done)
            uow.commit()


def consume_until(definition, settings, expected: int, batched: bool, timeout: float = 240) -> dict:
    """Run the service's first consumer (one-by-one or batched) on a thread until `expected` events
    are processed and no stale period is left; seconds and events per second."""
    wiring = definition.bootstrap(settings)
    spec = definition.consumers(wiring)[0]
    kind = BatchedEventConsumer if batched else EventConsumer
    group = f"compare-{'batched' if batched else 'single'}-{uuid.uuid4().hex[:6]}"
    consumer = kind(
        name=spec.name, service=definition.name, topics=spec.topics, handlers=spec.handlers,
        uow_factory=wiring.uow_factory, consumer=make_consumer(settings.kafka_bootstrap_servers, group, group),
        dlq_producer=make_producer(settings.kafka_bootstrap_servers, group), after_batch=spec.after_batch,
        on_idle=spec.on_idle,
    )  # fmt: skip
    stop = StopSignal()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    start = time.perf_counter()
    thread.start()
    first = consumed = None
    count = 0
    with wiring.engine.connect() as conn:
        while time.perf_counter() - start < timeout:
            count = conn.execute(text("select count(*) from processed_events")).scalar_one()
            stale = conn.execute(text("select count(*) from stale_periods")).scalar_one()
            conn.commit()
            now = time.perf_counter()
            first = first or (now if count else None)
            if count >= expected and consumed is None:
                consumed = now
            if consumed and stale == 0:
                break
            time.sleep(0.1)
    finished = time.perf_counter()
    stop.set()
    thread.join(timeout=30)
    consumer.dlq_producer.close()
    wiring.engine.dispose()
    steady = (consumed or finished) - (first or start)
    return {
        "events": count,
        "per_second": round(count / steady) if steady else 0,
        "total_seconds": round(finished - start, 2),
    }


def replace_changed_figures(self, period_type: str, period: str, figures: dict[str, int]) -> bool:
    """Proposed FigureRepository.replace: write only the figures that changed (most do not
    between two computations of a period), instead of deleting and inserting all of them."""
    from sqlalchemy import delete
    from sqlalchemy.dialects import postgresql

    from hubs.reporting.adapters.orm import period_figures

    current = self.figures(period_type, period)
    if current == figures:
        return False
    t = period_figures
    gone = [name for name in current if name not in figures]
    if gone:
        self._session.execute(
            delete(t).where(t.c.period_type == period_type, t.c.period == period, t.c.figure.in_(gone))
        )
    changed = [
        {"period_type": period_type, "period": period, "figure": name, "value": value}
        for name, value in figures.items()
        if current.get(name) != value
    ]
    if changed:
        upsert = postgresql.insert(t)
        self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[t.c.period_type, t.c.period, t.c.figure], set_={"value": upsert.excluded.value}
            ),
            changed,
        )
    self.mark_pending([(period_type, period)])
    return True
