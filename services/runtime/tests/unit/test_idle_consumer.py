"""An idle consumer costs little: its polls wait longer while nothing arrives (a poll returns
as soon as a message does, so no event waits longer), and a batch brings the wait back down.
A message checked on arrival (e.g. a report's signature) is read against its contract once. Its
time is counted by step (`hubs_consumer_seconds_total`)."""

from __future__ import annotations

import json
import time
import uuid

from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from prometheus_client import REGISTRY

from hubs.runtime.consumer import EventConsumer
from hubs.runtime.kafka import make_consumer
from hubs.runtime.lifecycle import StopSignal


class PolledConsumer:
    """A broker with one partition: hands out `batches` in turn (an empty one: nothing arrived),
    records how long each poll was allowed to wait, and asks to stop after the last."""

    def __init__(self, batches: list[list[ConsumerRecord]], stop: StopSignal):
        self.tp = TopicPartition("hub.referral", 0)
        self.batches = list(batches)
        self.stop = stop
        self.waits: list[int] = []
        self.committed: list = []
        self.assigned_after = 0  # polls before the group gives this consumer its partition

    def subscribe(self, topics, listener=None):
        pass

    def topics(self):
        return {"hub.referral"}

    def partitions_for_topic(self, topic):
        return {0}

    def poll(self, timeout_ms=0):
        self.waits.append(timeout_ms)
        batch = self.batches.pop(0)
        if not self.batches:
            self.stop.set()
        return {self.tp: batch} if batch else {}

    def assignment(self):
        return {self.tp} if self.assigned_after <= len(self.waits) else set()

    def end_offsets(self, partitions, timeout_ms=None):
        return {self.tp: 0}

    def position(self, tp):
        return 0

    def highwater(self, tp):
        return 0

    def commit(self, offsets):
        self.committed.append(offsets)

    def close(self, autocommit=True):
        pass


def record(offset: int, value: bytes = b"{}") -> ConsumerRecord:
    return ConsumerRecord("hub.referral", 0, 0, offset, 0, 0, b"key", value, [], None, 0, len(value), 0)


def consumer_of(kafka: PolledConsumer, **hooks) -> EventConsumer:
    return EventConsumer(
        name="hub-events",
        service=f"idle-{uuid.uuid4().hex[:6]}",
        topics=["hub.referral"],
        handlers={},
        uow_factory=lambda: None,
        consumer=kafka,
        dlq_producer=None,
        batch_transactions=False,
        **hooks,
    )


def test_an_idle_consumer_waits_longer_between_polls_up_to_a_bound():
    stop = StopSignal()
    kafka = PolledConsumer([[]] * 6, stop)
    idle_calls = []
    consumer_of(kafka, on_idle=lambda: idle_calls.append(1), poll_ms=500, idle_poll_ms=3_000).run(stop)
    assert kafka.waits == [500, 1_000, 2_000, 3_000, 3_000, 3_000]
    assert len(idle_calls) == 6  # the idle work is done once per poll that found nothing


def test_a_consumer_joining_its_group_does_no_idle_work_until_it_has_partitions():
    stop = StopSignal()
    kafka = PolledConsumer([[]] * 5, stop)
    kafka.assigned_after = 3
    idle_at = []
    consumer_of(kafka, on_idle=lambda: idle_at.append(len(kafka.waits))).run(stop)
    assert idle_at == [3, 4, 5]


def test_a_batch_brings_the_wait_back_down_so_a_burst_is_read_at_once():
    stop = StopSignal()
    kafka = PolledConsumer([[], [], [record(0)], [], [record(1)], []], stop)
    not_handled = {"event_id": uuid.uuid4(), "event_type": "NotHandledHere"}
    consumer_of(kafka, poll_ms=500, idle_poll_ms=2_000, verify=lambda r: not_handled).run(stop)
    assert kafka.waits == [500, 1_000, 2_000, 500, 1_000, 500]
    assert len(kafka.committed) == 2


class SlowBroker(PolledConsumer):
    """Polls and commits that take a known time, as a broker far away would."""

    def poll(self, timeout_ms=0):
        time.sleep(0.02)
        return super().poll(timeout_ms)

    def commit(self, offsets):
        time.sleep(0.03)
        super().commit(offsets)


def test_a_consumer_counts_where_its_time_goes_step_by_step():
    stop = StopSignal()
    kafka = SlowBroker([[record(0)], [], [record(1)], []], stop)
    consumer = consumer_of(
        kafka,
        verify=lambda r: {"event_id": uuid.uuid4(), "event_type": "NotHandledHere"},
        after_batch=lambda caught_up: time.sleep(0.05),
        on_idle=lambda: time.sleep(0.01),
    )
    started = time.perf_counter()
    consumer.run(stop)
    elapsed = time.perf_counter() - started

    def seconds(step: str) -> float:
        sample = REGISTRY.get_sample_value(
            "hubs_consumer_seconds_total", {"service": consumer.service, "consumer": "hub-events", "step": step}
        )
        return sample or 0.0

    # Four polls, two batches (each followed by its after-batch work and a commit), two idle turns.
    assert seconds("poll") >= 4 * 0.02
    assert seconds("after-batch") >= 2 * 0.05
    assert seconds("commit") >= 2 * 0.03
    assert seconds("idle") >= 2 * 0.01
    assert seconds("apply") > 0
    steps = sum(seconds(s) for s in ("poll", "apply", "after-batch", "idle", "commit"))
    assert steps <= elapsed  # each moment counted once


def test_a_message_checked_on_arrival_is_applied_as_the_check_read_it():
    envelope = {"event_id": uuid.uuid4(), "event_type": "Checked", "correlation_id": None}
    applied = []

    class Uow:
        class processed:
            @staticmethod
            def claim(consumer, event_ids):
                return set(event_ids)  # none applied before

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def commit(self):
            pass

    stop = StopSignal()
    # Not a message the contracts read on their own: only the check's reading can apply it.
    kafka = PolledConsumer([[record(0, json.dumps({"event_type": "Checked"}).encode())]], stop)
    consumer = consumer_of(kafka, verify=lambda r: envelope)
    consumer.handlers = {"Checked": lambda e, uow: applied.append(e)}
    consumer.uow_factory = Uow
    consumer.run(stop)
    assert applied == [envelope]


def test_consumers_let_the_broker_hold_a_fetch_open_while_nothing_arrives(monkeypatch):
    # A message arriving ends the fetch at once (one byte is enough); an idle consumer then goes
    # round every 2 s, not every 0.5 s.
    made = {}
    monkeypatch.setattr("hubs.runtime.kafka.KafkaConsumer", lambda **config: made.update(config))
    make_consumer("127.0.0.1:1", "group", "client")
    assert made["fetch_max_wait_ms"] == 2_000
    assert made.get("fetch_min_bytes", 1) == 1
