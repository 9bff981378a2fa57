"""Kafka clients configured the one way this project uses them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

DEFAULT_PARTITIONS = 3


def make_producer(bootstrap_servers: str, client_id: str) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas (`acks=all`)."""
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=2**31 - 1,
        request_timeout_ms=15_000,
        delivery_timeout_ms=60_000,
        max_in_flight_requests_per_connection=5,
    )


def make_consumer(bootstrap_servers: str, group_id: str, client_id: str, max_poll_records: int = 500) -> KafkaConsumer:
    """A consumer that never commits on its own: offsets are committed after the database."""
    return KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_poll_records,
        max_poll_interval_ms=600_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        isolation_level="read_committed",
        # A worker reads several topics of 3 partitions: round robin spreads all of them evenly
        # across replicas (range would give the first replica the most of every topic).
        partition_assignment_strategy=(RoundRobinPartitionAssignor, RangePartitionAssignor),
    )


def ensure_topics(bootstrap_servers: str, topics: Iterable[str], partitions: int = DEFAULT_PARTITIONS) -> None:
    """Create topics that do not exist yet; existing ones are left as they are."""
    wanted = sorted(set(topics))
    if not wanted:
        return
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="hubs-topics", request_timeout_ms=15_000)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        for topic in missing:
            try:
                admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
                log.info("topic created", extra={"topic": topic})
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()
