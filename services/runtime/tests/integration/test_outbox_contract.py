"""What the outbox writes and the relay sends is what the contract says of each event (hubs.contracts:
message_topic, message_key, message_headers): consumers subscribe, partition and filter by it."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import MetaData, select, text
from sqlalchemy.orm import sessionmaker

from hubs.contracts import ContractError, message_headers, message_key, spec_for, topics
from hubs.contracts.envelope import message_topic
from hubs.contracts.examples import EXAMPLES
from hubs.runtime.db import make_engine
from hubs.runtime.kafka import ensure_topics, make_producer
from hubs.runtime.messaging_tables import define_messaging_tables
from hubs.runtime.relay import OutboxRelay
from hubs.runtime.unit_of_work import Outbox

pytestmark = pytest.mark.integration

SIGNATURE = [(topics.REPORT_SIGNATURE_HEADER, b"signed"), (topics.REPORT_KEY_ID_HEADER, b"key-1")]


@pytest.fixture
def outbox(make_settings):
    settings = make_settings("outbox-contract")
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {settings.database_schema}"))
    metadata = MetaData()
    table, _processed = define_messaging_tables(metadata)
    metadata.create_all(engine)
    yield settings, engine, table, sessionmaker(engine)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {settings.database_schema} CASCADE"))
    engine.dispose()


def _data(event_type: str) -> dict:
    return EXAMPLES[spec_for(event_type).name]


def _rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(table.c.event_type, table.c.topic, table.c.aggregate_id)).all()


def test_events_leave_on_their_contracts_topic_with_its_key_and_headers(outbox):
    settings, engine, table, sessions = outbox
    case_id = uuid.uuid4()
    with sessions() as session:
        box = Outbox(session, table, settings)
        referral = box.add("ReferralReceived", _data("ReferralReceived"), case_id=case_id)
        held = box.add("OutreachEventHeld", _data("OutreachEventHeld"))
        report = box.add("HubPeriodReport", _data("HubPeriodReport") | {"hub_id": settings.hub_id}, national=True)
        session.commit()
    sent = [referral, held, report]
    hub, prefix = settings.hub_id, settings.topic_prefix
    # As it always was on the wire: the service's hub topic or the national one, keyed by case or aggregate.
    assert [message_topic(e, prefix=prefix, national_prefix=settings.national_topic_prefix) for e in sent] == [
        f"{prefix}hub.{hub}.referral.events.v1",
        f"{prefix}hub.{hub}.outreach.events.v1",
        f"{settings.national_topic_prefix}national.hub-reports.v1",
    ]
    assert [message_key(e) for e in sent] == [
        str(case_id),
        held["data"]["outreach_event_id"],
        f"{hub}:{report['data']['period_type']}:{report['data']['period']}",
    ]
    wanted_topics = [message_topic(e, prefix=prefix, national_prefix=settings.national_topic_prefix) for e in sent]
    assert _rows(engine, table) == [
        (e["event_type"], topic, message_key(e)) for e, topic in zip(sent, wanted_topics, strict=True)
    ]

    ensure_topics(settings.kafka_bootstrap_servers, wanted_topics)
    producer = make_producer(settings.kafka_bootstrap_servers, f"{hub}-relay")
    relay = OutboxRelay(
        engine,
        table,
        producer,
        service="outbox-contract",
        headers=lambda topic, value: SIGNATURE if "national" in topic else [],
    )
    try:
        assert relay.publish_batch() == 3
    finally:
        producer.close(timeout=10)

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(t, p) for t in wanted_topics for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        received = {}
        for _ in range(60):
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    received[record.topic] = record
            if len(received) == 3:
                break
    finally:
        consumer.close()
    for envelope, topic in zip(sent, wanted_topics, strict=True):
        record = received[topic]
        assert record.key == message_key(envelope).encode()
        expected = message_headers(envelope) + (SIGNATURE if envelope["event_type"] == "HubPeriodReport" else [])
        assert record.headers == expected
        assert record.headers[:2] == [
            ("event_id", envelope["event_id"].encode()),
            ("event_type", envelope["event_type"].encode()),
        ]


def test_a_key_other_than_the_contracts_is_refused_and_nothing_is_written(outbox):
    settings, engine, table, sessions = outbox
    with sessions() as session:
        box = Outbox(session, table, settings)
        with pytest.raises(ContractError, match="keyed by its contract"):
            box.add("OutreachEventHeld", _data("OutreachEventHeld"), aggregate_id=settings.hub_id)
        session.commit()
    assert _rows(engine, table) == []


def test_an_event_sent_off_its_contracts_topic_is_refused_and_nothing_is_written(outbox):
    settings, engine, table, sessions = outbox
    with sessions() as session:
        box = Outbox(session, table, settings)
        with pytest.raises(ContractError, match="published on the national topic"):
            box.add("HubPeriodReport", _data("HubPeriodReport") | {"hub_id": settings.hub_id})
        with pytest.raises(ContractError, match="published on its service's hub topic"):
            box.add("ReferralReceived", _data("ReferralReceived"), case_id=uuid.uuid4(), national=True)
        session.commit()
    assert _rows(engine, table) == []
