"""Topics a worker reads exist, with a leader for every partition, before it joins its group."""

from __future__ import annotations

import threading
import uuid

import pytest
from kafka import KafkaAdminClient
from prometheus_client import REGISTRY

from hubs.runtime.consumer import EventConsumer
from hubs.runtime.kafka import DEFAULT_PARTITIONS, ensure_topics, make_consumer
from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

# Long enough for the metadata refresh that follows an assignment (it is requested at once).
METADATA_SETTLE_SECONDS = 3.0


def test_new_topics_have_a_leader_for_every_partition_when_ensure_topics_returns(infra):
    topics = [f"test-topics-{uuid.uuid4().hex[:10]}.t{n}" for n in range(12)]

    ensure_topics(infra.kafka_bootstrap_servers, topics)

    admin = KafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    try:
        described = {t["name"]: t for t in admin.describe_topics(topics)}
    finally:
        admin.close()
    assert {name: described[name]["error_code"] for name in topics} == dict.fromkeys(topics, 0)
    led = {name: sorted(p["partition_index"] for p in described[name]["partitions"] if p["leader_id"] >= 0)
           for name in topics}  # fmt: skip
    assert led == {name: list(range(DEFAULT_PARTITIONS)) for name in topics}


def test_a_group_joined_right_after_ensure_topics_is_assigned_every_partition(infra):
    prefix = f"test-topics-{uuid.uuid4().hex[:10]}"
    topics = [f"{prefix}.t{n}" for n in range(8)]
    ensure_topics(infra.kafka_bootstrap_servers, topics)
    consumer = make_consumer(infra.kafka_bootstrap_servers, f"{prefix}.group", f"{prefix}-client")
    try:
        consumer.subscribe(topics)

        def assigned():
            consumer.poll(timeout_ms=200)
            return consumer.assignment() or None

        # The first assignment already holds every partition: none waits for a later rebalance.
        assignment = eventually(assigned, timeout=30)
        assert {(tp.topic, tp.partition) for tp in assignment} == {
            (t, p) for t in topics for p in range(DEFAULT_PARTITIONS)
        }
    finally:
        consumer.close(autocommit=False)


def test_ensure_topics_leaves_existing_topics_as_they_are(infra):
    topic = f"test-topics-{uuid.uuid4().hex[:10]}.existing"
    ensure_topics(infra.kafka_bootstrap_servers, [topic], partitions=1)

    ensure_topics(infra.kafka_bootstrap_servers, [topic])

    admin = KafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    try:
        (described,) = admin.describe_topics([topic])
    finally:
        admin.close()
    assert len(described["partitions"]) == 1


def test_a_worker_is_assigned_all_its_partitions_in_its_groups_first_rebalance(infra):
    prefix = f"test-topics-{uuid.uuid4().hex[:10]}"
    topics = [f"{prefix}.t{n}" for n in range(5)]
    ensure_topics(infra.kafka_bootstrap_servers, topics)
    consumer = make_consumer(infra.kafka_bootstrap_servers, f"{prefix}.group", f"{prefix}-client")
    worker = EventConsumer(
        name=prefix,
        service="test",
        topics=topics,
        handlers={},
        uow_factory=lambda: None,
        consumer=consumer,
        dlq_producer=None,
    )
    stop = StopSignal()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        eventually(lambda: len(consumer.assignment()) == len(topics) * DEFAULT_PARTITIONS, timeout=30)
        # One assignment, and no second rebalance soon after it (which, on a busy machine, has
        # been seen to leave a consumer without partitions until it stopped): the metadata the
        # group is refreshed with next is the metadata the assignment was made from.
        stop.wait(METADATA_SETTLE_SECONDS)
        rebalances = REGISTRY.get_sample_value(
            "hubs_consumer_rebalances_total", {"service": "test", "consumer": prefix}
        )
        assert rebalances == 1
        assert len(consumer.assignment()) == len(topics) * DEFAULT_PARTITIONS
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_a_topic_made_here_takes_the_replication_factor_asked_for_never_a_fixed_one(infra):
    # One broker: a factor of 2 must be refused by it, proving the setting reaches the broker
    # (a fixed factor of 1 would make the topic); the default (-1) is the broker's own default.
    topic = f"test-topics-{uuid.uuid4().hex[:10]}"
    with pytest.raises(Exception, match=r"(?i)replication"):
        ensure_topics(infra.kafka_bootstrap_servers, [topic + ".two"], replication_factor=2)
    ensure_topics(infra.kafka_bootstrap_servers, [topic + ".default"])
    admin = KafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    try:
        assert topic + ".two" not in admin.list_topics()
        (described,) = admin.describe_topics([topic + ".default"])
    finally:
        admin.close()
    assert {len(p["replica_nodes"]) for p in described["partitions"]} == {1}


def test_where_the_platform_makes_the_topics_none_is_made_and_a_missing_one_is_named(infra):
    topic = f"test-topics-{uuid.uuid4().hex[:10]}.platform-made"
    with pytest.raises(TimeoutError, match=topic):
        ensure_topics(infra.kafka_bootstrap_servers, [topic], create=False, ready_seconds=2)
    admin = KafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    try:
        assert topic not in admin.list_topics()
    finally:
        admin.close()
