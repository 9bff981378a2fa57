"""Kafka clients configured the one way this project uses them."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.errors import TopicAlreadyExistsError

from hubs.runtime.settings import KafkaSecurity

log = logging.getLogger(__name__)

DEFAULT_PARTITIONS = 3
# How long `ensure_topics` waits for every partition of its topics to have a leader.
TOPICS_READY_SECONDS = 60.0


def _security(security: KafkaSecurity | None) -> dict[str, object]:
    """TLS and SASL settings of the cluster a client talks to (none: PLAINTEXT)."""
    return (security or KafkaSecurity()).client_config()


def make_producer(bootstrap_servers: str, client_id: str, security: KafkaSecurity | None = None) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas (`acks=all`)."""
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers,
        **_security(security),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=2**31 - 1,
        request_timeout_ms=15_000,
        delivery_timeout_ms=60_000,
        max_in_flight_requests_per_connection=5,
    )


# How long the broker holds a fetch open while no message arrives (one arriving ends it at once,
# so this costs no latency). An idle consumer goes round once per fetch: at kafka-python's
# default of 0.5 s a compact hub's ten consumers took about 4 % of a core doing nothing.
FETCH_MAX_WAIT_MS = 2_000


def make_consumer(
    bootstrap_servers: str,
    group_id: str,
    client_id: str,
    max_poll_records: int = 500,
    security: KafkaSecurity | None = None,
) -> KafkaConsumer:
    """A consumer that never commits on its own: offsets are committed after the database."""
    return KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        **_security(security),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_poll_records,
        max_poll_interval_ms=600_000,
        # Metadata is refreshed at least this often, so a partition the group's assignment missed
        # (a topic created a moment before) is found within seconds, not kafka-python's 5 minutes.
        metadata_max_age_ms=15_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        isolation_level="read_committed",
        # A worker reads several topics of 3 partitions: round robin spreads all of them evenly
        # across replicas (range would give the first replica the most of every topic).
        partition_assignment_strategy=(RoundRobinPartitionAssignor, RangePartitionAssignor),
    )


def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int = DEFAULT_PARTITIONS,
    ready_seconds: float = TOPICS_READY_SECONDS,
    security: KafkaSecurity | None = None,
    create: bool = True,
    replication_factor: int = -1,
) -> None:
    """Create topics that do not exist yet (existing ones are left as they are; with
    `create=False` the platform makes them and this only waits for them), and return only once
    every partition of every one of them has a leader in the broker's metadata. A topic made here
    has the broker's default replication factor (-1) unless `replication_factor` is given.

    A consumer group assigned while a topic is still missing from the metadata leaves that
    topic's partitions unassigned until a later rebalance: on a busy machine, its events
    would wait. Subscribing after this returns avoids that race."""
    wanted = sorted(set(topics))
    if not wanted:
        return
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="hubs-topics", request_timeout_ms=15_000, **_security(security)
    )
    try:
        existing = set(admin.list_topics())
        missing = [t for t in wanted if t not in existing] if create else []
        for topic in missing:
            try:
                admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=replication_factor)])
                log.info("topic created", extra={"topic": topic})
            except TopicAlreadyExistsError:
                pass
        _wait_until_led(admin, wanted, ready_seconds)
    finally:
        admin.close()


def _wait_until_led(admin: KafkaAdminClient, topics: list[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    waiting = topics
    while True:
        described = admin.describe_topics(waiting)
        waiting = sorted(
            t["name"]
            for t in described
            if t["error_code"] != 0 or not t["partitions"] or any(p["leader_id"] < 0 for p in t["partitions"])
        )
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without a leader after {seconds:.0f}s: {', '.join(waiting)}")
        time.sleep(0.1)
