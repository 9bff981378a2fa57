"""The idempotent consumer: events are applied in a database transaction together with
their `event_id`s; offsets are committed by hand only after that transaction committed.

A poll's batch is applied in one transaction (one insert of its ids that skips those applied
before and gives back the others, the ones to apply; one commit). If anything in it fails, the batch is rolled back and
applied again one event per transaction: transient failures are retried with back-off, and
a message that can never be processed goes to `<topic>.dlq` with headers saying where it
came from and why, and the consumer moves on."""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from hubs.contracts import ContractError
from hubs.contracts import topics as contract_topics
from hubs.contracts.compiled import read_envelope
from hubs.contracts.topics import dlq_topic
from hubs.runtime.db import is_transient, read_json
from hubs.runtime.lifecycle import PROGRESS, StopSignal
from hubs.runtime.logging import correlation_id
from hubs.runtime.metrics import (
    CONSUMER_DEAD_LETTERED,
    CONSUMER_DUPLICATES,
    CONSUMER_LAG,
    CONSUMER_LAG_AGE,
    CONSUMER_PROCESSED,
    CONSUMER_REBALANCES,
    CONSUMER_RETRIED,
    CONSUMER_SECONDS,
    DEPENDENCY_UP,
    watch_loop,
)
from hubs.runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any], UnitOfWork], None]
# Called with a batch's envelopes and the open unit of work before they are applied, so a
# service can load in one query what the batch's handlers will read one by one.
BatchPreparer = Callable[[list[Mapping[str, Any]], UnitOfWork], None]


class PoisonMessage(Exception):
    """Raised by a handler for an event it can never apply (the message goes to the DLQ)."""


@dataclass
class EventConsumer:
    """Applies events from `topics` with `handlers` (by event type); others are skipped."""

    name: str
    service: str
    topics: list[str]
    handlers: Mapping[str, Handler]
    uow_factory: Callable[[], UnitOfWork]
    consumer: KafkaConsumer
    dlq_producer: KafkaProducer
    max_attempts: int = 5
    retry_base_seconds: float = 0.2
    retry_max_seconds: float = 10.0
    # Called after each batch with whether the consumer has reached the end of every partition.
    after_batch: Callable[[bool], None] | None = None
    on_idle: Callable[[], None] | None = None
    prepare_batch: BatchPreparer | None = None
    # Checks a message as it came (value and headers, e.g. a signature) before it is applied;
    # raises PoisonMessage for one that must never be. Called again if its batch is retried.
    # It may return the envelope it read (as `read_envelope` reads it), which is then not read again.
    verify: Callable[[ConsumerRecord], Mapping[str, Any] | None] | None = None
    # Told of every message parked on the DLQ, with why (e.g. to count rejections by reason).
    dead_lettered: Callable[[ConsumerRecord, BaseException], None] | None = None
    batch_transactions: bool = True
    sleep: Callable[[float], None] = time.sleep
    _lag_checked: float = field(default=0.0, init=False)
    # When the broker last told this consumer its partitions' end offsets (monotonic clock).
    _broker_answered: float = field(default_factory=time.monotonic, init=False)
    # How long reading the end offsets may take; the broker is taken as away past it. The request
    # may wait behind a fetch the broker holds open while nothing arrives (FETCH_MAX_WAIT_MS).
    end_offsets_timeout_ms: int = 4_000
    # How long a poll waits for messages: it returns as soon as any arrive, so waiting longer
    # costs no latency. While idle the wait doubles up to `idle_poll_ms` (an idle consumer then
    # goes round every 2 s, not twice a second); a batch brings it back down.
    # Stopping waits for the poll under way, at most `idle_poll_ms`.
    poll_ms: int = 500
    idle_poll_ms: int = 2_000

    def run(self, stop: StopSignal) -> None:
        """Poll, apply, commit, until asked to stop; the current batch always finishes."""
        self.show_lag_age()
        self._beat()
        self.consumer.subscribe(self.topics, listener=_CountedRebalances(self.service, self.name))
        if not self._await_topic_metadata(stop):
            self.consumer.close(autocommit=False)
            return
        failures = 0
        wait_ms = self.poll_ms
        while not stop.stopping:
            self._beat()
            try:
                with self._step("poll"):
                    batch = self.consumer.poll(timeout_ms=wait_ms)
                if batch:
                    self.process_batch(batch, stop)
                    wait_ms = self.poll_ms
                else:
                    # Idle work waits for partitions: a consumer still joining its group (or in a
                    # rebalance) takes them at its next poll, and a report cycle run first, seconds
                    # long in a rebuild, had kept a new replica from its share that long.
                    if self.on_idle is not None and self.consumer.assignment():
                        with self._step("idle"):
                            self._safely(self.on_idle)
                    wait_ms = min(wait_ms * 2, max(self.idle_poll_ms, self.poll_ms))
                self._report_lag()
                failures = 0
            except KafkaError as exc:
                # The broker is away (or the group is rebalancing): uncommitted offsets mean
                # redelivery, which the processed-events table makes harmless. Wait and go on.
                failures += 1
                self._dependency("kafka", False)
                log.warning("consumer loop failed", extra={"consumer": self.name, "error_type": type(exc).__name__})
                stop.wait(min(0.5 * 2**failures, 10.0))
        self.consumer.close(autocommit=False)
        PROGRESS.forget(self.service, self._loop)

    @property
    def _loop(self) -> str:
        return f"consumer-{self.name}"

    def _beat(self) -> None:
        """The loop went round (waiting for a broker or a database that is away counts: it is not stuck)."""
        watch_loop(self.service, self._loop)

    def _dependency(self, name: str, up: bool) -> None:
        DEPENDENCY_UP.labels(self.service, "worker", name).set(1 if up else 0)

    def _await_topic_metadata(self, stop: StopSignal) -> bool:
        """Read the topics' metadata once subscribed and before joining the group (False if asked
        to stop first).

        The group's first assignment is then made from every partition, and kafka-python records
        the metadata it was made from as the current one. Without this, a consumer is assigned from
        metadata it has not yet recorded, and rebalances again at once when it does; on a busy
        machine that second rebalance has been seen to leave a consumer without partitions until
        it stopped."""
        delay = 0.1
        while not stop.stopping:
            self._beat()
            try:
                self.consumer.topics()  # a metadata fetch, which the group's coordinator records
                if all(self.consumer.partitions_for_topic(topic) for topic in self.topics):
                    return True
            except KafkaError as exc:
                self._dependency("kafka", False)
                log.warning("topic metadata not read", extra={"consumer": self.name, "error_type": type(exc).__name__})
            stop.wait(delay)
            delay = min(delay * 2, 5.0)
        return False

    def process_batch(self, batch: Mapping[TopicPartition, list[ConsumerRecord]], stop: StopSignal) -> None:
        records = [record for records in batch.values() for record in records]
        with self._step("apply"):
            if not (self.batch_transactions and len(records) > 1 and self._apply_together(records)):
                offsets = self._apply_one_by_one(batch, stop)
            else:
                offsets = {tp: OffsetAndMetadata(rs[-1].offset + 1, "", -1) for tp, rs in batch.items() if rs}
        after_batch = self.after_batch
        if after_batch is not None:
            with self._step("after-batch"):
                self._safely(lambda: after_batch(self._caught_up()))
        if offsets:
            with self._step("commit"):
                self.consumer.commit(offsets)

    @contextmanager
    def _step(self, step: str) -> Iterator[None]:
        """Count the time of one step of the loop in hubs_consumer_seconds_total (even if it fails)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            CONSUMER_SECONDS.labels(self.service, self.name, step).inc(time.perf_counter() - started)

    def _apply_together(self, records: list[ConsumerRecord]) -> bool:
        """Apply the whole batch in one transaction; False (and nothing applied) if any of it fails."""
        try:
            envelopes = [self._read(record) for record in records]
            counts = Counter[str]()
            with self.uow_factory() as uow:
                wanted = [e for e in envelopes if e["event_type"] in self.handlers]
                fresh = uow.processed.claim(self.name, [e["event_id"] for e in wanted])
                if self.prepare_batch is not None:
                    self.prepare_batch([e for e in wanted if e["event_id"] in fresh], uow)
                applied = 0
                for envelope, record in zip(envelopes, records, strict=True):
                    handler = self.handlers.get(envelope["event_type"])
                    if handler is None:
                        continue
                    if envelope["event_id"] not in fresh:
                        counts["duplicates"] += 1  # applied before, or earlier in this batch
                        continue
                    fresh.discard(envelope["event_id"])
                    with _correlated(envelope):
                        handler(envelope, uow)
                    applied += 1
                    counts[record.topic] += 1
                uow.commit()
            self._dependency("database", True)
        except Exception as exc:
            # Poison, a failing handler or the database: the one-by-one path retries what is
            # transient and dead-letters what never applies, event by event.
            log.info(
                "batch not applied together, applying one by one",
                extra={"consumer": self.name, "error_type": type(exc).__name__, "events": len(records)},
            )
            return False
        self._committed(applied)
        for topic, count in counts.items():
            if topic == "duplicates":
                CONSUMER_DUPLICATES.labels(self.service, self.name).inc(count)
            else:
                CONSUMER_PROCESSED.labels(self.service, self.name, topic).inc(count)
        return True

    def _apply_one_by_one(
        self, batch: Mapping[TopicPartition, list[ConsumerRecord]], stop: StopSignal
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp, records in batch.items():
            for record in records:
                if not self._process(record, stop):
                    # Asked to stop while a transient failure lasted: this record and the
                    # rest of its partition are left uncommitted and will be redelivered.
                    break
                offsets[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
        return offsets

    def _committed(self, events: int) -> None:
        """Called after each database commit of applied events (fault tests stop the process here)."""

    def _process(self, record: ConsumerRecord, stop: StopSignal) -> bool:
        """Apply one record (or dead-letter it). False only if stopping mid-retry."""
        try:
            envelope = self._read(record)
        except (ContractError, PoisonMessage) as exc:
            self._dead_letter(record, exc, attempts=1, event_id=_header(record, "event_id"))
            return True
        handler = self.handlers.get(envelope["event_type"])
        if handler is None:
            return True  # not an event this consumer cares about
        attempts = 0
        while True:
            attempts += 1
            try:
                self._apply(envelope, handler)
                self._dependency("database", True)
                CONSUMER_PROCESSED.labels(self.service, self.name, record.topic).inc()
                return True
            except PoisonMessage as exc:
                self._dead_letter(record, exc, attempts, str(envelope["event_id"]))
                return True
            except Exception as exc:
                transient = is_transient(exc)
                if transient:
                    self._dependency("database", False)
                CONSUMER_RETRIED.labels(self.service, self.name, type(exc).__name__).inc()
                if not transient and attempts >= self.max_attempts:
                    self._dead_letter(record, exc, attempts, str(envelope["event_id"]))
                    return True
                delay = min(self.retry_base_seconds * 2 ** (attempts - 1), self.retry_max_seconds)
                log.warning(
                    "event not applied, retrying",
                    extra={
                        "consumer": self.name,
                        "event_type": envelope["event_type"],
                        "event_id": str(envelope["event_id"]),
                        "error_type": type(exc).__name__,
                        "attempt": attempts,
                        "transient": transient,
                    },
                )
                self._beat()  # waiting for the database is not being stuck
                if stop.wait(delay * (0.5 + random.random() / 2)):
                    return False

    def _read(self, record: ConsumerRecord) -> Mapping[str, Any]:
        """The record's envelope, checked (`verify`) and read against its contract."""
        envelope = self.verify(record) if self.verify is not None else None
        return envelope if envelope is not None else read_envelope(_decode(record.value))

    def _apply(self, envelope: Mapping[str, Any], handler: Handler) -> None:
        event_id: uuid.UUID = envelope["event_id"]
        with _correlated(envelope), self.uow_factory() as uow:
            if not uow.processed.claim(self.name, [event_id]):
                CONSUMER_DUPLICATES.labels(self.service, self.name).inc()
                return
            handler(envelope, uow)
            uow.commit()
        self._committed(1)

    def _dead_letter(self, record: ConsumerRecord, exc: BaseException, attempts: int, event_id: str | None) -> None:
        topic = dlq_topic(record.topic)
        # The dead-letter headers of the contract (contract_topics.DLQ_HEADERS), every one on every dead letter.
        headers = [
            (contract_topics.DLQ_ORIGIN_TOPIC, record.topic.encode()),
            (contract_topics.DLQ_ORIGIN_PARTITION, str(record.partition).encode()),
            (contract_topics.DLQ_ORIGIN_OFFSET, str(record.offset).encode()),
            (contract_topics.DLQ_EVENT_ID, (event_id or "").encode()),
            (contract_topics.DLQ_ERROR_TYPE, type(exc).__name__.encode()),
            (contract_topics.DLQ_ERROR, str(exc)[:500].encode()),
            (contract_topics.DLQ_ATTEMPTS, str(attempts).encode()),
            (contract_topics.DLQ_CONSUMER, self.name.encode()),
        ]
        # Wait for the acknowledgement: the offset is committed only once the DLQ has it.
        self.dlq_producer.send(topic, key=record.key, value=record.value, headers=headers).get(timeout=60)
        CONSUMER_DEAD_LETTERED.labels(self.service, self.name, record.topic).inc()
        if self.dead_lettered is not None:
            self.dead_lettered(record, exc)
        log.error(
            "message dead-lettered",
            extra={
                "consumer": self.name,
                "origin_topic": record.topic,
                "origin_partition": record.partition,
                "origin_offset": record.offset,
                "error_type": type(exc).__name__,
                "attempts": attempts,
            },
        )

    def _safely(self, hook: Callable[[], None]) -> None:
        # Hooks do follow-up work that is retried on the next call; a failure must not stop consuming.
        try:
            hook()
        except Exception as exc:
            log.warning("consumer hook failed", extra={"consumer": self.name, "error_type": type(exc).__name__})

    def _caught_up(self) -> bool:
        """True when nothing more is waiting on the partitions (as of the last fetch)."""
        return all(lag == 0 for lag in self._lags().values())

    def show_lag_age(self) -> None:
        """From now on hubs_consumer_lag_age_seconds says, when scraped, how old this consumer's lag is."""
        self._broker_answered = time.monotonic()
        CONSUMER_LAG_AGE.labels(self.service, self.name).set_function(
            lambda: max(time.monotonic() - self._broker_answered, 0.0)
        )

    def _report_lag(self) -> None:
        """Every 5 s, the lag against end offsets asked of the broker. If it does not answer, the
        lag stays as last measured, hubs_consumer_lag_age_seconds keeps growing and kafka is down."""
        now = time.monotonic()
        if now - self._lag_checked < 5:
            return
        self._lag_checked = now
        assigned = list(self.consumer.assignment())
        if assigned:
            try:
                ends = self.consumer.end_offsets(assigned, timeout_ms=self.end_offsets_timeout_ms)
            except KafkaError as exc:
                self._dependency("kafka", False)
                log.warning("end offsets not read", extra={"consumer": self.name, "error_type": type(exc).__name__})
                return
        else:
            ends = {}
        self._broker_answered = time.monotonic()
        self._dependency("kafka", True)
        for tp, end in ends.items():
            if end is not None:
                lag = max(end - self.consumer.position(tp), 0)
                CONSUMER_LAG.labels(self.service, self.name, tp.topic, str(tp.partition)).set(lag)

    def _lags(self) -> dict[TopicPartition, int | None]:
        """Messages waiting on each assigned partition (None: its end is not known yet)."""
        lags: dict[TopicPartition, int | None] = {}
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            lags[tp] = None if highwater is None else max(highwater - self.consumer.position(tp), 0)
        return lags


class _CountedRebalances(ConsumerRebalanceListener):  # type: ignore[misc]  # kafka-python ships no types
    """Counts the partition assignments a consumer receives: more than one per start means its
    group rebalanced (a replica came or went, or a member was dropped for missed heartbeats)."""

    def __init__(self, service: str, consumer: str):
        self._labels = (service, consumer)

    def on_partitions_revoked(self, revoked: object) -> None:
        pass

    def on_partitions_assigned(self, assigned: Sized) -> None:
        CONSUMER_REBALANCES.labels(*self._labels).inc()
        log.info("partitions assigned", extra={"consumer": self._labels[1], "partitions": len(assigned)})


@contextmanager
def _correlated(envelope: Mapping[str, Any]) -> Iterator[None]:
    """Logs written while an event is applied carry its correlation id."""
    token = correlation_id.set(envelope.get("correlation_id"))
    try:
        yield
    finally:
        correlation_id.reset(token)


def _decode(value: bytes | None) -> dict[str, Any]:
    try:
        # orjson (`read_json`): a fifth of the standard library's time; it refuses what PostgreSQL
        # could not store (NaN, an unpaired surrogate): such an event is dead-lettered here, not mid-batch.
        message = read_json(value) if value is not None else None
    except (ValueError, TypeError) as exc:
        raise ContractError("the message is not JSON") from exc
    if not isinstance(message, dict):
        raise ContractError("the message is not a JSON object")
    return message


def _header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            text: str = value.decode(errors="replace")
            return text
    return None
