"""Kafka-side measurements: the broker's own tools, raw kafka-python producer and consumer,
the outbox relay, and reporting's consumers (one hub's year, England's year of reports)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from kafka import KafkaConsumer
from sqlalchemy import JSON, Column, MetaData, String, Table, Uuid, create_engine, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from hubs.contracts.registry import spec_for
from hubs.contracts.topics import hub_topic
from hubs.runtime.cli import build_relay, start_worker
from hubs.runtime.db import ensure_schema, make_engine, read_json
from hubs.runtime.kafka import ensure_topics, make_producer
from hubs.runtime.lifecycle import StopSignal, settle_heap
from hubs.runtime.messaging_tables import define_messaging_tables
from hubs.runtime.metrics import CONSUMER_SECONDS
from hubs.runtime.service import ServiceDefinition
from hubs.runtime.settings import Settings
from hubs.runtime.unit_of_work import ProcessedEvents

TOOLS_RECORDS = 300_000
MAX_WAIT_SECONDS = 240  # a consumer that has not caught up by then is reported as such


def settings_for(bench, service: str, hub_id: str, schema: str, **extra: str) -> Settings:
    """In-process settings of a service, on the bench's broker and database."""
    env = bench.env(hub_id, schema, **extra)
    return Settings(
        service=service,
        hub_id=hub_id,
        database_url=bench.database_url,
        database_schema=schema,
        kafka_bootstrap_servers=bench.kafka,
        national_kafka_bootstrap_servers=bench.kafka,
        reporting_mode=extra.get("HUBS_REPORTING_MODE", "hub"),
        log_level="WARNING",
        extra={k: v for k, v in env.items() if k.startswith("HUBS_")},
    )


def encoded(envelope: dict) -> bytes:
    """An envelope as the relay encodes it."""
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def raw_producer(bench, envelopes: list[dict], topic: str) -> dict:
    """kafka-python alone: the same messages and producer settings as the relay (acks=all)."""
    ensure_topics(bench.kafka, [topic])
    producer = make_producer(bench.kafka, "bench-raw-producer")
    messages = [(str(e["case_id"] or e["event_id"]).encode(), encoded(e)) for e in envelopes]
    producer.send(topic, key=b"warm-up", value=b"{}").get(timeout=30)
    start = time.perf_counter()
    futures = [producer.send(topic, key=k, value=v) for k, v in messages]
    producer.flush()
    for f in futures:
        f.get(timeout=60)
    elapsed = time.perf_counter() - start
    producer.close()
    size = sum(len(v) for _, v in messages) / len(messages)
    return {"events": len(messages), "seconds": round(elapsed, 2), "per_second": round(len(messages) / elapsed)} | {
        "mean_message_bytes": round(size)
    }


def relay(bench, definition: ServiceDefinition, settings: Settings, envelopes: list[dict]) -> dict:
    """The outbox relay publishing `envelopes`, written to the outbox beforehand, to their hub topics."""
    wiring = definition.bootstrap(settings)
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": uuid.UUID(e["event_id"]),
            "aggregate_type": spec_for(e["event_type"]).service,
            "aggregate_id": str(e["case_id"] or e["event_id"]),
            "event_type": e["event_type"],
            "topic": hub_topic(e["hub_id"], spec_for(e["event_type"]).service),
            "payload": e,
            "occurred_at": now,
        }
        for e in envelopes
    ]
    with wiring.engine.begin() as conn:
        conn.execute(insert(wiring.outbox_table), rows)
    ensure_topics(bench.kafka, sorted({r["topic"] for r in rows}))
    relay, producers = build_relay(definition, settings, wiring)
    start = time.perf_counter()
    published = 0
    while n := relay.publish_batch():
        published += n
    elapsed = time.perf_counter() - start
    for producer in producers.values():
        producer.close(timeout=10)
    wiring.engine.dispose()
    return {"events": published, "seconds": round(elapsed, 2), "per_second": round(published / elapsed)}


def raw_consumer(bench, topics: list[str], expected: int) -> dict:
    """kafka-python alone reading `topics` from the start, with the services' consumer settings."""
    return _read_from_the_start(bench, topics, expected, "bench-raw")


def durable_consumer(bench, topics: list[str], expected: int) -> dict:
    """The least a durable consumer can do, the consumers' counterpart of the durable write: the
    raw consumer's reading, then each batch in one PostgreSQL transaction with SQLAlchemy Core
    (its ids claimed as the services claim them, each new event's JSON stored as a row) before
    its offsets are committed. No contract check, no fold, no figures: what reporting adds to
    this is what it costs."""
    metadata = MetaData()
    _outbox, processed = define_messaging_tables(metadata)
    taken = Table(
        "events_taken",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("case_id", String(64)),
        Column("event", JSON().with_variant(JSONB, "postgresql"), nullable=False),
    )
    schema = f"durable_consumer_{uuid.uuid4().hex[:8]}"
    engine = make_engine(Settings.from_env("durable", database_url=bench.database_url, database_schema=schema))
    ensure_schema(engine, schema)
    metadata.create_all(engine)
    settle_heap()  # as a worker's is once started (and reporting's, measured after this in the same process)

    def store(records: list) -> None:
        events = {(e := read_json(record.value))["event_id"]: e for record in records}
        with Session(engine) as session:
            fresh = ProcessedEvents(session, processed).claim("durable", [uuid.UUID(i) for i in events])
            rows = [{"event_id": i, "case_id": events[str(i)].get("case_id"), "event": events[str(i)]} for i in fresh]
            if rows:
                session.execute(insert(taken), rows)
            session.commit()

    try:
        return _read_from_the_start(bench, topics, expected, "bench-durable", store)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _read_from_the_start(
    bench, topics: list[str], expected: int, group: str, store: Callable[[list], None] | None = None
) -> dict:
    """Read `topics` from the start with the services' consumer settings until `expected` records,
    each batch handed to `store` (if any) before its offsets are committed. Timed from the first
    record: joining the group is not throughput."""
    consumer = KafkaConsumer(
        *topics,
        bootstrap_servers=bench.kafka,
        group_id=f"{group}-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
        isolation_level="read_committed",
    )
    count, start, first = 0, time.perf_counter(), None
    deadline = start + MAX_WAIT_SECONDS
    while count < expected and time.perf_counter() < deadline:
        batch = consumer.poll(timeout_ms=500)
        records = [record for records in batch.values() for record in records]
        if not records:
            continue
        if first is None:
            first = time.perf_counter()
        if store is not None:
            store(records)
        consumer.commit()
        count += len(records)
    elapsed = time.perf_counter() - (first or start)
    consumer.close()
    return {"events": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed)}


def kafka_tools(bench, message_bytes: int) -> dict:
    """Kafka's own ProducerPerformance and ConsumerPerformance against the same broker."""
    topic = "bench.kafka-tools"
    ensure_topics(bench.kafka, [topic])
    out = bench.kafka_tool(
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic", topic, "--num-records", str(TOOLS_RECORDS), "--record-size", str(message_bytes),
        "--throughput", "-1", "--producer-props", f"bootstrap.servers={bench.kafka}", "acks=all", "linger.ms=5",
    )  # fmt: skip
    last = [line for line in out.splitlines() if "records sent" in line][-1]
    produced = float(re.search(r"([\d.]+) records/sec", last).group(1))
    p99 = re.search(r"([\d.]+) ms 99th", last)
    out = bench.kafka_tool(
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server", bench.kafka, "--topic", topic, "--messages", str(TOOLS_RECORDS),
        "--timeout", "60000",
    )  # fmt: skip
    lines = [line for line in out.splitlines() if line.strip() and line[0].isdigit()]
    fields = [f.strip() for f in lines[-1].split(",")]
    # start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
    # fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec: the fetch rate leaves out joining the group.
    consumed = float(fields[9]) if len(fields) > 9 else float(fields[5])
    return {
        "records": TOOLS_RECORDS,
        "record_bytes": message_bytes,
        "producer_per_second": round(produced),
        "producer_p99_ms": float(p99.group(1)) if p99 else None,
        "consumer_per_second": round(consumed),
    }


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def run_consumers_until(
    definition: ServiceDefinition, settings: Settings, expected: int, done: Callable[[object], bool] | None = None
) -> dict:
    """Start the service's worker in this process, time it until `expected` events are processed
    (and `done(engine)` holds), then stop it. Rates count from the first processed event."""
    wiring = definition.bootstrap(settings)
    stop = StopSignal()
    before = consumer_seconds(definition.name)
    start = time.perf_counter()
    threads = start_worker(definition, settings, stop, wiring)
    settle_heap()  # as `hubs-<service> worker` does once started
    try:
        result = _time_until(wiring.engine, start, expected, done)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        wiring.engine.dispose()
    # Where the worker's time went, from its own hubs_consumer_seconds_total (start to stop).
    spent = {step: seconds - before.get(step, 0.0) for step, seconds in consumer_seconds(definition.name).items()}
    result["seconds_by_step"] = {step: round(seconds, 2) for step, seconds in sorted(spent.items())}
    if result["events"]:
        result["apply_us_per_event"] = round(spent.get("apply", 0.0) / result["events"] * 1e6)
    return result


def consumer_seconds(service: str) -> dict[str, float]:
    """This process's hubs_consumer_seconds_total of `service`'s consumers, by step."""
    by_step: dict[str, float] = {}
    for metric in CONSUMER_SECONDS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total") and sample.labels["service"] == service:
                step = sample.labels["step"]
                by_step[step] = by_step.get(step, 0.0) + sample.value
    return by_step


def run_worker_processes_until(
    bench, service: str, env: dict[str, str], processes: int, expected: int, done: Callable[[object], bool]
) -> dict:
    """The same with `processes` worker processes (`hubs-<service> worker`) in one consumer
    group, as replicas of a deployment would share a topic's partitions."""
    from tests.perf.infra import BIN

    engine = create_engine(bench.database_url, connect_args={"options": f"-csearch_path={env['DATABASE_SCHEMA']}"})
    start = time.perf_counter()
    command = [str(BIN / f"hubs-{service}"), "worker"]
    workers = [bench.spawn(command, env, f"{service}-worker-{n}") for n in range(processes)]
    try:
        return _time_until(engine, start, expected, done) | {"processes": processes}
    finally:
        for worker in workers:
            bench.stop(worker)
        engine.dispose()


def _time_until(engine, start: float, expected: int, done: Callable[[object], bool] | None) -> dict:
    first = consumed_at = None
    processed = 0
    deadline = start + MAX_WAIT_SECONDS
    while time.perf_counter() < deadline:
        processed = _count(engine, "select count(*) from processed_events")
        now = time.perf_counter()
        if processed and first is None:
            first = now
        if processed >= expected and consumed_at is None:
            consumed_at = now
        if consumed_at is not None and (done is None or done(engine)):
            break
        time.sleep(0.2)
    finished = time.perf_counter()
    steady = (consumed_at or finished) - (first or start)
    return {
        "events": processed,
        "expected": expected,
        "caught_up": consumed_at is not None,
        "consume_seconds": round(steady, 2),
        "per_second": round(processed / steady) if steady > 0 else 0,
        "total_seconds": round(finished - start, 2),
        "total_per_second": round(processed / (finished - start)),
    }


def stale_periods_left(engine) -> bool:
    """True once the hub's figures are all computed: no stale period is left."""
    return _count(engine, "select count(*) from stale_periods") == 0


def publish(
    bench,
    envelopes: list[dict],
    topic_of: Callable[[dict], str],
    key_of: Callable[[dict], str],
    headers: Callable[[dict], list[tuple[str, bytes]]] | None = None,
) -> None:
    """Put `envelopes` on their topics, as the hubs' relays would have (with `headers(envelope)`,
    such as a report's signature)."""
    ensure_topics(bench.kafka, sorted({topic_of(e) for e in envelopes}))
    producer = make_producer(bench.kafka, "bench-seed")
    for e in envelopes:
        producer.send(topic_of(e), key=key_of(e).encode(), value=encoded(e), headers=headers(e) if headers else None)
    producer.flush()
    producer.close()
