"""What this hub has already published: its reports on the national topic, read back when a
rebuilt instance starts, so that its report versions carry on above them and the months its
hub lead signed off stay signed off."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from kafka import KafkaConsumer, TopicPartition

from hubs.contracts import ContractError, parse_envelope
from hubs.reporting.domain.periods import Period
from hubs.runtime.settings import KafkaSecurity


@dataclass
class Published:
    """The highest version of every period's report, and the months whose newest report says
    they were signed off (who signed them off and when were never published)."""

    versions: dict[Period, int]
    signed_off_months: set[str] = field(default_factory=set)


def published_versions(
    bootstrap_servers: str, topic: str, hub_id: str, timeout: float = 300.0, security: KafkaSecurity | None = None
) -> Published:
    """What this hub has on `topic`, read from the earliest offset to the end (no consumer
    group: nothing is committed), over the national cluster's TLS and SASL settings."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        **(security or KafkaSecurity()).client_config(),
    )
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return Published({})
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        prefix = f"{hub_id}:".encode()  # the key of a report: hub_id:period_type:period
        found: dict[Period, int] = {}
        signed_off: dict[str, bool] = {}  # month: what its newest report says
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the national topic was not read to its end within {timeout}s")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    if record.key is None or not record.key.startswith(prefix):
                        continue
                    try:
                        report = parse_envelope(json.loads(record.value))["data"]
                    except (ContractError, ValueError):
                        continue  # not ours to judge here: the national service dead-letters it
                    if report["hub_id"] != hub_id:
                        continue
                    period = (report["period_type"], report["period"])
                    if report["report_version"] > found.get(period, 0):
                        found[period] = report["report_version"]
                        if period[0] == "month":
                            signed_off[period[1]] = bool(report.get("signed_off"))
        return Published(found, {month for month, signed in signed_off.items() if signed})
    finally:
        consumer.close(autocommit=False)
