"""Fault scenarios against a real broker and PostgreSQL. Each asserts on sets of event ids:
every event the hub acknowledged has exactly one effect, whatever died on the way."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaProducer
from kafka.structs import TopicPartition

from hubs.contracts import new_envelope
from hubs.contracts.topics import dlq_topic, hub_topic
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.domain.periods import periods_of
from hubs.runtime.consumer import EventConsumer
from hubs.runtime.kafka import make_consumer, make_producer
from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.metrics import CONSUMER_DUPLICATES
from hubs.runtime.testing import eventually

from .conftest import TcpProxy, event_ids, read_topic, rows, run_crashing

pytestmark = pytest.mark.reliability


def referral_body() -> dict:
    """A self-referral from a different person each time (a second one would be linked, not new)."""
    person = uuid.uuid4().hex[:8]
    return {
        "name": f"Fault Test {person}",
        "email": f"fault.{person}@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
    }


def referral_received(hub_id: str) -> dict:
    return new_envelope(
        "ReferralReceived",
        {"referral_id": uuid.uuid4(), "received_at": datetime.now(UTC), "source": "self", "urgency": "routine"},
        hub_id=hub_id,
        producer="referral@fault-test",
        case_id=uuid.uuid4(),
    )


def produce(bootstrap: str, topic: str, envelopes: list[dict]) -> set[str]:
    """Publish with acks=all; returns the ids the broker acknowledged."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for envelope in envelopes:
            producer.send(topic, key=envelope["case_id"].encode(), value=json.dumps(envelope).encode()).get(30)
    finally:
        producer.close()
    return {e["event_id"] for e in envelopes}


def processed(service, consumer: str) -> list[str]:
    return [
        str(r.event_id)
        for r in rows(service.wiring.engine, "SELECT event_id FROM processed_events WHERE consumer = :c", c=consumer)
    ]


def self_referral_count(reporting) -> int:
    month = periods_of(datetime.now(UTC).date())["month"]
    found = rows(
        reporting.wiring.engine,
        "SELECT value FROM period_figures"
        " WHERE period_type = 'month' AND period = :month AND figure = 'self_referrals'",
        month=month,
    )
    return found[0].value if found else 0


def received_ids(referral) -> set[str]:
    """Ids of the ReferralReceived events the referral service committed (and so acknowledged)."""
    found = rows(referral.wiring.engine, "SELECT event_id FROM outbox WHERE event_type = 'ReferralReceived'")
    return {str(r.event_id) for r in found}


STALE = "SELECT * FROM stale_periods"


def referral_topic(settings) -> str:
    return hub_topic(settings.hub_id, "referral", prefix=settings.topic_prefix)


def test_worker_killed_between_database_commit_and_offset_commit_applies_each_event_once(run_service, scenario_report):
    reporting = run_service(REPORTING)
    s = reporting.settings
    acknowledged = produce(
        s.kafka_bootstrap_servers, referral_topic(s), [referral_received(s.hub_id) for _ in range(30)]
    )

    assert run_crashing("worker", "reporting", 10, s) == -9
    before_restart = processed(reporting, "hub-events")
    # A batch is applied in one transaction, so the kill may come after all 30.
    assert 10 <= len(before_restart) <= 30
    duplicates_before = CONSUMER_DUPLICATES.labels("reporting", "hub-events")._value.get()

    reporting.start_worker()
    eventually(lambda: set(processed(reporting, "hub-events")) == acknowledged)
    # Everything applied before the kill was redelivered (its offsets were never committed)
    # and recognised as already applied.
    eventually(
        lambda: (
            CONSUMER_DUPLICATES.labels("reporting", "hub-events")._value.get() - duplicates_before
            >= len(before_restart)
        )
    )
    effects = processed(reporting, "hub-events")
    assert len(effects) == len(set(effects)) == 30
    eventually(lambda: self_referral_count(reporting) == 30)
    scenario_report(
        acknowledged=len(acknowledged),
        applied_before_kill=len(before_restart),
        effects=len(effects),
        duplicate_effects=len(effects) - len(set(effects)),
        figure=self_referral_count(reporting),
    )


def test_relay_killed_after_broker_ack_before_marking_sent_duplicates_on_topic_but_not_in_effects(
    run_service, scenario_report
):
    key = Fernet.generate_key().decode()
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": key})
    for _ in range(20):
        assert referral.client.post("/v1/self-referrals", json=referral_body()).status_code == 201
    published = {str(r.event_id) for r in rows(referral.wiring.engine, "SELECT event_id FROM outbox")}
    acknowledged = received_ids(referral)
    assert len(acknowledged) == 20

    assert run_crashing("relay", "referral", len(published), referral.settings) == -9
    assert len(rows(referral.wiring.engine, "SELECT seq FROM outbox WHERE sent_at IS NULL")) == len(published)

    referral.start_relay()
    eventually(lambda: not rows(referral.wiring.engine, "SELECT seq FROM outbox WHERE sent_at IS NULL"))
    on_topic = event_ids(read_topic(referral.settings.kafka_bootstrap_servers, referral_topic(referral.settings)))
    assert set(on_topic) == published
    assert len(on_topic) == 2 * len(published)  # every event twice: published, acknowledged, published again

    reporting = run_service(REPORTING).start_worker()
    eventually(lambda: acknowledged <= set(processed(reporting, "hub-events")))
    eventually(lambda: self_referral_count(reporting) == 20)
    effects = [e for e in processed(reporting, "hub-events") if e in acknowledged]
    scenario_report(
        acknowledged=len(acknowledged),
        on_topic=len(on_topic),
        duplicates_on_topic=len(on_topic) - len(set(on_topic)),
        effects=len(effects),
        duplicate_effects=len(effects) - len(set(effects)),
        figure=self_referral_count(reporting),
    )
    eventually(lambda: self_referral_count(reporting) == 20)


def test_broker_stopped_during_api_writes_loses_nothing(run_service, own_broker, scenario_report):
    key = Fernet.generate_key().decode()
    kafka = {"kafka_bootstrap_servers": own_broker.bootstrap, "national_kafka_bootstrap_servers": own_broker.bootstrap}
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": key}, **kafka).start_relay()
    reporting = run_service(REPORTING, **kafka).start_worker()

    statuses = [referral.client.post("/v1/self-referrals", json=referral_body()).status_code for _ in range(10)]
    own_broker.stop()
    statuses += [referral.client.post("/v1/self-referrals", json=referral_body()).status_code for _ in range(10)]
    assert referral.client.get("/readyz").status_code == 200  # the outbox keeps intake going
    own_broker.start()
    statuses += [referral.client.post("/v1/self-referrals", json=referral_body()).status_code for _ in range(10)]

    assert statuses == [201] * 30
    acknowledged = received_ids(referral)
    eventually(lambda: acknowledged <= set(processed(reporting, "hub-events")), timeout=120)
    eventually(lambda: self_referral_count(reporting) == 30)
    effects = [e for e in processed(reporting, "hub-events") if e in acknowledged]
    on_topic = event_ids(read_topic(own_broker.bootstrap, referral_topic(referral.settings)))
    scenario_report(
        api_2xx=statuses.count(201),
        acknowledged=len(acknowledged),
        on_topic=len(on_topic),
        duplicates_on_topic=len(on_topic) - len(set(on_topic)),
        effects=len(effects),
        duplicate_effects=len(effects) - len(set(effects)),
    )


def committed_lag(bootstrap: str, group: str, topic: str) -> int:
    """Messages of `topic` past the group's committed offsets (without joining the group)."""
    probe = make_consumer(bootstrap, group, "lag-probe")
    try:
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or []]
        ends = probe.end_offsets(partitions)
        return sum(ends[tp] - (probe.committed(tp) or 0) for tp in partitions)
    finally:
        probe.close(autocommit=False)


def test_poison_messages_are_dead_lettered_and_the_rest_keep_flowing(run_service, scenario_report):
    reporting = run_service(REPORTING, consumer_max_attempts=3).start_worker()
    s = reporting.settings
    topic = referral_topic(s)
    good_before = [referral_received(s.hub_id) for _ in range(10)]
    good_after = [referral_received(s.hub_id) for _ in range(10)]
    acknowledged = produce(s.kafka_bootstrap_servers, topic, good_before)
    producer = KafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, acks="all")
    poison = [
        b"{not json at all",
        json.dumps({"event_id": str(uuid.uuid4()), "event_type": "ReferralReceived", "data": {}}).encode(),
        json.dumps({**good_before[0], "event_id": str(uuid.uuid4()), "data": {"source": "carrier-pigeon"}}).encode(),
    ]
    poison_positions = set()
    for value in poison:
        sent = producer.send(topic, key=b"poison", value=value).get(30)
        poison_positions.add((sent.partition, sent.offset))
    producer.close()
    acknowledged |= produce(s.kafka_bootstrap_servers, topic, good_after)

    eventually(lambda: set(processed(reporting, "hub-events")) == acknowledged)
    dead = eventually(lambda: read_topic(s.kafka_bootstrap_servers, dlq_topic(topic), idle_ms=500) or None)
    assert len(dead) == 3
    dead_positions = set()
    for record in dead:
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["origin_topic"] == topic
        assert headers["error_type"] == "ContractError"
        assert 1 <= int(headers["attempts"]) <= 3
        dead_positions.add((int(headers["origin_partition"]), int(headers["origin_offset"])))
    assert dead_positions == poison_positions
    group = f"{s.topic_prefix}{s.hub_id}.reporting.hub-events"
    eventually(lambda: committed_lag(s.kafka_bootstrap_servers, group, topic) == 0)
    eventually(lambda: self_referral_count(reporting) == 20)
    scenario_report(acknowledged=len(acknowledged), poison=len(poison), dead_lettered=len(dead), lag=0)


def test_database_unavailable_to_a_consumer_is_retried_without_dead_letters(run_service, infra, scenario_report):
    host_port = infra.database_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    try:
        proxied_url = infra.database_url.replace(host_port, f"127.0.0.1:{proxy.port}")
        reporting = run_service(REPORTING, database_url=proxied_url).start_worker()
        observer = run_service(REPORTING)  # the same schema, straight to the database
        s = reporting.settings
        topic = referral_topic(s)
        acknowledged = produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(10)])
        eventually(lambda: set(processed(observer, "hub-events")) == acknowledged)

        proxy.cut()
        acknowledged |= produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(10)])
        threading.Event().wait(3)
        assert len(processed(observer, "hub-events")) == 10
        proxy.restore()

        # A connection left half-open by the cut is found dead by TCP keepalives (about 25 s) or
        # by the server's idle-transaction timeout (20 s); then the retried events go through.
        eventually(lambda: set(processed(observer, "hub-events")) == acknowledged, timeout=120)
        eventually(lambda: self_referral_count(observer) == 20)
        dead = read_topic(s.kafka_bootstrap_servers, dlq_topic(topic), idle_ms=500)
        assert dead == []
        scenario_report(acknowledged=len(acknowledged), effects=len(processed(observer, "hub-events")), dead_lettered=0)
    finally:
        proxy.close()


def test_two_consumers_in_a_group_share_the_work_through_rebalances(run_service, scenario_report):
    first = run_service(REPORTING).start_worker()
    s = first.settings
    topic = referral_topic(s)
    acknowledged = produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(50)])
    second = run_service(REPORTING).start_worker()  # joins the group: rebalance
    acknowledged |= produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(50)])
    eventually(lambda: len(processed(first, "hub-events")) >= 100)
    first.close()  # leaves the group: rebalance
    acknowledged |= produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(50)])

    eventually(lambda: set(processed(second, "hub-events")) == acknowledged)
    eventually(lambda: self_referral_count(second) == 150)
    effects = processed(second, "hub-events")
    scenario_report(
        acknowledged=len(acknowledged), effects=len(effects), duplicate_effects=len(effects) - len(set(effects))
    )


def test_replaying_a_topic_from_the_earliest_offset_leaves_the_figures_unchanged(run_service, scenario_report):
    reporting = run_service(REPORTING).start_worker()
    s = reporting.settings
    topic = referral_topic(s)
    acknowledged = produce(s.kafka_bootstrap_servers, topic, [referral_received(s.hub_id) for _ in range(25)])
    eventually(lambda: set(processed(reporting, "hub-events")) == acknowledged)
    # Figures follow the events they are computed from a moment later.
    eventually(lambda: self_referral_count(reporting) == 25 and not rows(reporting.wiring.engine, STALE))
    figures_before = rows(reporting.wiring.engine, "SELECT * FROM period_figures ORDER BY 1, 2, 3")

    # A consumer of the same name in a new group reads the topic again from the start.
    duplicates = CONSUMER_DUPLICATES.labels("reporting", "hub-events")
    skipped_before = duplicates._value.get()
    stop = StopSignal()
    replay = EventConsumer(
        name="hub-events",
        service="reporting",
        topics=[topic],
        handlers=REPORTING.consumers(reporting.wiring)[0].handlers,
        uow_factory=reporting.wiring.uow_factory,
        consumer=make_consumer(s.kafka_bootstrap_servers, f"replay-{uuid.uuid4().hex}", "replay"),
        dlq_producer=make_producer(s.kafka_bootstrap_servers, "replay-dlq"),
    )
    thread = threading.Thread(target=replay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        eventually(lambda: duplicates._value.get() - skipped_before >= 25)
    finally:
        stop.set()
        thread.join(30)
        replay.dlq_producer.close()
    figures_after = rows(reporting.wiring.engine, "SELECT * FROM period_figures ORDER BY 1, 2, 3")
    assert figures_after == figures_before
    eventually(lambda: self_referral_count(reporting) == 25)
    scenario_report(acknowledged=len(acknowledged), replayed=25, figures_changed=figures_after != figures_before)


def test_an_event_delivered_twice_in_one_batch_is_applied_once(run_service, scenario_report):
    reporting = run_service(REPORTING)
    s = reporting.settings
    events = [referral_received(s.hub_id) for _ in range(15)]
    # The same events twice on the topic (as after a relay crash), read by one poll.
    acknowledged = produce(s.kafka_bootstrap_servers, referral_topic(s), events + events)
    duplicates = CONSUMER_DUPLICATES.labels("reporting", "hub-events")
    skipped_before = duplicates._value.get()

    reporting.start_worker()
    eventually(lambda: set(processed(reporting, "hub-events")) == acknowledged)
    eventually(lambda: duplicates._value.get() - skipped_before == 15)
    eventually(lambda: self_referral_count(reporting) == 15)
    assert len(processed(reporting, "hub-events")) == 15
    scenario_report(on_topic=30, effects=15, duplicates_skipped=15)
