"""What the relay, the consumers and the APIs report while Kafka or the database is away: the
figures keep moving (or say they are stale), readiness does not hang on the broker, and a loop
that stops going round is seen by /healthz on the metrics port."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError
from kafka.structs import TopicPartition
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, create_engine, insert

from hubs.runtime.app import create_app
from hubs.runtime.consumer import EventConsumer
from hubs.runtime.lifecycle import PROGRESS, StopSignal
from hubs.runtime.messaging_tables import define_messaging_tables
from hubs.runtime.metrics import (
    CONSUMER_LAG,
    DEPENDENCY_UP,
    OUTBOX_BACKLOG,
    serve_metrics,
)
from hubs.runtime.relay import OutboxRelay
from hubs.runtime.service import Wiring
from hubs.runtime.settings import Settings
from hubs.runtime.testing import free_port


def gauge(metric, *labels) -> float:
    return metric.labels(*labels)._value.get()


def scraped(name: str, **labels: str) -> float | None:
    """A value as a scrape reads it (gauges computed when scraped have no stored value)."""
    return REGISTRY.get_sample_value(name, labels)


@pytest.fixture
def outbox(tmp_path):
    metadata = MetaData()
    table, _processed = define_messaging_tables(metadata)
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    metadata.create_all(engine)
    return engine, table


def write_event(engine, table, occurred_at: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(table).values(
                event_id=uuid.uuid4(),
                aggregate_type="referral",
                aggregate_id="r1",
                event_type="ReferralReceived",
                topic="hub.referral",
                payload={"n": 1},
                occurred_at=occurred_at,
            )
        )


class RefusingFuture:
    def get(self, timeout=None):
        raise KafkaTimeoutError("no broker acknowledged")


class BrokerAway:
    """A producer whose every send times out, as when the broker is stopped."""

    def send(self, *args, **kwargs):
        return RefusingFuture()


def test_relay_reports_the_backlog_and_the_oldest_unsent_age_while_kafka_refuses(outbox):
    engine, table = outbox
    service = f"relay-kafka-{uuid.uuid4().hex[:6]}"
    write_event(engine, table, datetime.now(UTC) - timedelta(minutes=7))
    write_event(engine, table, datetime.now(UTC))
    relay = OutboxRelay(engine, table, {"default": BrokerAway()}, service=service)
    stop = StopSignal()
    thread = threading.Thread(target=relay.run, args=(stop, 0.01), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while gauge(OUTBOX_BACKLOG, service) != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert gauge(OUTBOX_BACKLOG, service) == 2
    assert 7 * 60 <= scraped("hubs_outbox_oldest_unsent_age_seconds", service=service) < 8 * 60
    assert gauge(DEPENDENCY_UP, service, "relay", "kafka") == 0
    assert gauge(DEPENDENCY_UP, service, "relay", "database") == 1


def test_relay_says_the_database_is_away_and_the_oldest_unsent_age_keeps_growing(outbox, tmp_path):
    engine, table = outbox
    service = f"relay-db-{uuid.uuid4().hex[:6]}"
    written = datetime.now(UTC) - timedelta(minutes=2)
    write_event(engine, table, written)
    relay = OutboxRelay(engine, table, {"default": BrokerAway()}, service=service)
    relay.measure()
    assert gauge(DEPENDENCY_UP, service, "relay", "database") == 1

    relay._engine = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'outbox.db'}")  # the database goes
    relay.measure()
    assert gauge(DEPENDENCY_UP, service, "relay", "database") == 0
    assert relay.oldest_unsent_age(now=written + timedelta(minutes=30)) == 30 * 60
    assert gauge(OUTBOX_BACKLOG, service) == 1  # as last counted


class FakeKafkaConsumer:
    """A consumer of one partition whose broker answers until `away` is set."""

    def __init__(self):
        self.tp = TopicPartition("hub.referral", 0)
        self.end = 40
        self.away = False

    def assignment(self):
        return {self.tp}

    def end_offsets(self, partitions, timeout_ms=None):
        if self.away:
            raise KafkaTimeoutError("end offsets not read")
        return {self.tp: self.end}

    def position(self, tp):
        return 10

    def highwater(self, tp):
        return self.end


def make_consumer(fake, service: str) -> EventConsumer:
    return EventConsumer(
        name="hub-events",
        service=service,
        topics=["hub.referral"],
        handlers={},
        uow_factory=lambda: None,
        consumer=fake,
        dlq_producer=None,
    )


def test_consumer_lag_says_how_old_it_is_and_the_broker_is_down_while_the_broker_is_away():
    service = f"consumer-{uuid.uuid4().hex[:6]}"
    fake = FakeKafkaConsumer()
    consumer = make_consumer(fake, service)
    consumer.show_lag_age()
    consumer._report_lag()
    assert gauge(CONSUMER_LAG, service, "hub-events", "hub.referral", "0") == 30
    assert gauge(DEPENDENCY_UP, service, "worker", "kafka") == 1

    fake.away = True
    consumer._broker_answered -= 90  # the broker last answered a minute and a half ago
    consumer._lag_checked = 0.0
    consumer._report_lag()
    assert gauge(DEPENDENCY_UP, service, "worker", "kafka") == 0
    assert gauge(CONSUMER_LAG, service, "hub-events", "hub.referral", "0") == 30  # the last one measured
    assert scraped("hubs_consumer_lag_age_seconds", service=service, consumer="hub-events") >= 90


def test_an_api_stays_ready_while_the_broker_is_away(tmp_path):
    dead_broker = f"127.0.0.1:{free_port()}"
    settings = Settings(service="referral", kafka_bootstrap_servers=dead_broker)
    metadata = MetaData()
    outbox, processed = define_messaging_tables(metadata)
    wiring = Wiring(settings, create_engine(f"sqlite:///{tmp_path / 'api.db'}"), lambda: None, outbox, processed)
    app, _ = create_app(settings, title="t", description="t", readiness_checks=wiring.readiness_checks())
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200, answer.get_json()


def healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_the_metrics_port_healthz_fails_once_a_loop_stops_going_round(monkeypatch):
    # The process's loops on a clock of the test's own: other tests' loops and a busy machine's
    # pauses do not count, only the time the test moves on.
    now = [1000.0]
    monkeypatch.setattr(PROGRESS, "_beats", {})
    monkeypatch.setattr(PROGRESS, "_clock", lambda: now[0])
    service = f"worker-{uuid.uuid4().hex[:6]}"
    port = free_port()
    server = serve_metrics("127.0.0.1", port, stall_seconds=0.5)
    try:
        PROGRESS.beat(service, "consumer-hub-events")
        now[0] += 0.4
        assert healthz(port)[0] == 200
        now[0] += 0.2
        status, body = healthz(port)
        assert status == 503
        assert f"{service}/consumer-hub-events" in body["stuck_loops"]
        PROGRESS.forget(service, "consumer-hub-events")  # stopped on request: not stuck
        assert healthz(port)[0] == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as scrape:
            assert scrape.status == 200 and b"hubs_outbox_backlog" in scrape.read()
    finally:
        server.shutdown()
        server.server_close()
        PROGRESS.stall_seconds = 120.0


def test_a_consumer_waiting_for_a_broker_that_is_away_is_not_stuck():
    service = f"waiting-{uuid.uuid4().hex[:6]}"

    class NoBroker(FakeKafkaConsumer):
        def subscribe(self, topics, listener=None):
            pass

        def topics(self):
            raise KafkaConnectionError()

        def close(self, autocommit=True):
            pass

    consumer = make_consumer(NoBroker(), service)
    stop = StopSignal()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        assert scraped("hubs_loop_seconds_since_progress", service=service, loop="consumer-hub-events") < 0.5
        assert gauge(DEPENDENCY_UP, service, "worker", "kafka") == 0
    finally:
        stop.set()
        thread.join(10)
    assert f"{service}/consumer-hub-events" not in PROGRESS.stuck()
