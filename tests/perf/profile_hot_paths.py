"""Where the time goes: cProfile of reporting's consumer applying a hub's events, and of the
self-referral handler, on this run's own Kafka and PostgreSQL. Prints the top functions.

    python -m tests.perf.profile_hot_paths consumer|intake [--events N] [--one-by-one]
    python -m tests.perf.profile_hot_paths compare [--events N]   # one transaction per event, or per batch
    python -m tests.perf.profile_hot_paths workers   # the referral API with 1 and 2 gunicorn workers
    python -m tests.perf.profile_hot_paths validation [--events N]   # contract checks per event, no broker
    python -m tests.perf.profile_hot_paths national [--hubs N] [--profile]   # the national handlers, no broker
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, text

from hubs.contracts.topics import hub_topic
from hubs.loadgen.population import Pathways, england
from hubs.runtime.kafka import make_consumer, make_producer
from hubs.runtime.lifecycle import StopSignal
from tests.perf import kafka_bench
from tests.perf.infra import REPO, Bench


def profile_consumer(bench: Bench, events: int, one_by_one: bool = False) -> None:
    """Apply `events` of a hub's year through the real EventConsumer, in this thread, profiled."""
    from hubs.reporting.bootstrap import DEFINITION as REPORTING
    from hubs.runtime.consumer import EventConsumer

    hub = england()[1]
    envelopes = list(Pathways(hub).year(date.today() - timedelta(days=365)))[:events]
    kafka_bench.publish(
        bench, envelopes, lambda e: Pathways(hub).topic(e), lambda e: str(e["case_id"] or e["event_id"])
    )
    bench.migrate("reporting", bench.env(hub.hub_id, "reporting_profile"))
    settings = kafka_bench.settings_for(bench, "reporting", hub.hub_id, "reporting_profile")
    wiring = REPORTING.bootstrap(settings)
    spec = REPORTING.consumers(wiring)[0]
    topics = [hub_topic(hub.hub_id, s) for s in ("referral", "assessment", "care", "outreach", "reporting")]
    consumer = make_consumer(bench.kafka, "profile", "profile")
    consumer.subscribe(topics)
    batches = []
    count = 0
    deadline = time.monotonic() + 60
    while count < len(envelopes) and time.monotonic() < deadline:
        batch = consumer.poll(timeout_ms=500)
        if batch:
            batches.append(batch)
            count += sum(len(r) for r in batch.values())
    dlq = make_producer(bench.kafka, "profile-dlq")
    ec = EventConsumer(
        name=spec.name, service="reporting", topics=topics, handlers=spec.handlers,
        uow_factory=wiring.uow_factory, consumer=consumer, dlq_producer=dlq,
        # Every record is fetched already: tell the cycle a backlog is being worked off, as in a rebuild.
        after_batch=lambda caught_up: spec.after_batch(False),
        prepare_batch=spec.prepare_batch, batch_transactions=not one_by_one,
    )  # fmt: skip
    stop = StopSignal()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for batch in batches:
        ec.process_batch(batch, stop)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(f"{count} events in {elapsed:.1f} s: {count / elapsed:.0f}/s (profiled)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    consumer.close()
    dlq.close()


def profile_intake(bench: Bench, referrals: int) -> None:
    """The self-referral endpoint through Flask's test client, in this thread, profiled."""
    from hubs.loadgen.population import Population
    from hubs.referral.bootstrap import DEFINITION as REFERRAL

    env = bench.env("profile-intake", "referral_profile", HUBS_SELF_REFERRAL_RATE_LIMIT="1000000/minute;burst=1000000")
    bench.migrate("referral", env)
    settings = kafka_bench.settings_for(
        bench, "referral", "profile-intake", "referral_profile",
        HUBS_SELF_REFERRAL_RATE_LIMIT="1000000/minute;burst=1000000", HUBS_PERSONAL_DATA_KEYS=bench.fernet_key,
    )  # fmt: skip
    client = REFERRAL.create_app(REFERRAL.bootstrap(settings)).test_client()
    population = Population(99)
    bodies = [population.self_referral() for _ in range(referrals)]
    client.post("/v1/self-referrals", json=bodies[0])
    start = time.perf_counter()
    for body in bodies[1 : referrals // 2]:
        assert client.post("/v1/self-referrals", json=body).status_code == 201
    plain = (referrals // 2 - 1) / (time.perf_counter() - start)
    print(f"{referrals // 2 - 1} self-referrals unprofiled: {plain:.0f}/s, {1000 / plain:.2f} ms each (one thread)")
    bodies = bodies[referrals // 2 - 1 :]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for body in bodies[1:]:
        assert client.post("/v1/self-referrals", json=body).status_code == 201
    profiler.disable()
    elapsed = time.perf_counter() - start
    done = len(bodies) - 1
    print(f"{done} self-referrals in {elapsed:.1f} s: {done / elapsed:.0f}/s (one thread, profiled)")
    stats = pstats.Stats(profiler)
    print_breakdown(stats, done)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(40)


# What a function's own time is spent on, by where its code lives (first match wins).
PARTS = (
    ("encryption (Fernet: AES-CBC, HMAC-SHA256 of the token)", ("cryptography/fernet", "cryptography/hazmat")),
    ("keyed hashes (HMAC of the person's details)", ("/hmac.py", "hashlib", "_hashlib")),
    ("SQL round trips (psycopg, waiting for PostgreSQL)", ("psycopg/", "psycopg_pool", "psycopg_binary")),
    ("ORM (sessions, unit of work, mapping)", ("sqlalchemy/orm/",)),
    ("SQLAlchemy Core (statements, compiling, results)", ("sqlalchemy/",)),
    ("rate limiter", ("runtime/ratelimit",)),
    ("marshmallow (request schema, contract of the events)", ("marshmallow/",)),
    ("JSON (encoding and decoding)", ("json/", "_json")),
    ("Flask, werkzeug, flask-smorest", ("flask/", "werkzeug/", "flask_smorest/", "webargs/")),
    ("metrics, logging", ("prometheus_client/", "/logging/", "runtime/logging", "runtime/metrics")),
    ("the services' own code", ("hubs/",)),
)


def print_breakdown(stats: pstats.Stats, requests: int) -> None:
    """Each function's own time (not its callees') added up by PARTS, in µs per request."""
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        where = f"{filename}:{function}"
        parts = (name for name, marks in PARTS if any(mark in where for mark in marks))
        part = next(parts, "other (stdlib, uuid, ...)")
        totals[part] = totals.get(part, 0.0) + own
    total = sum(totals.values())
    print("\n| part | µs per self-referral (profiled) | share |\n| --- | --- | --- |")
    for part, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {part} | {seconds / requests * 1e6:,.0f} | {seconds / total:.0%} |")
    print(f"| all | {total / requests * 1e6:,.0f} | |\n")


def compare_consumers(bench: Bench, events: int) -> None:
    """Reporting's consumer applying each event in its own transaction, then a poll's batch in
    one, on the same events: how fast, and are the figures the same?"""
    from hubs.reporting.bootstrap import DEFINITION as REPORTING
    from hubs.reporting.service_layer.handlers import hub_event_handlers

    hub = max(england(), key=lambda h: h.referrals_per_year)  # the busiest hub, as in the benchmark
    envelopes = list(Pathways(hub).year(date.today() - timedelta(days=365)))[:events]
    kafka_bench.publish(
        bench, envelopes, lambda e: Pathways(hub).topic(e), lambda e: str(e["case_id"] or e["event_id"])
    )
    handled = set(hub_event_handlers(lambda: datetime.now(UTC)))
    expected = sum(e["event_type"] in handled for e in envelopes)
    figures = {}
    for variant in ("one-by-one", "batched"):
        schema = "reporting_" + variant.replace("-", "_")
        bench.migrate("reporting", bench.env(hub.hub_id, schema))
        # A generation of its own: a consumer group of its own, reading from the earliest offset.
        settings = kafka_bench.settings_for(bench, "reporting", hub.hub_id, schema, HUBS_REPORTING_GENERATION=variant)
        settings = replace(settings, consumer_batch_transactions=variant == "batched")
        result = kafka_bench.run_consumers_until(REPORTING, settings, expected, kafka_bench.stale_periods_left)
        print(variant, result, flush=True)
        engine = create_engine(bench.database_url, connect_args={"options": f"-csearch_path={schema}"})
        with engine.connect() as conn:
            rows = conn.execute(text("select period_type, period, figure, value from period_figures")).all()
            figures[variant] = sorted(tuple(r) for r in rows)
        engine.dispose()
    first = next(iter(figures.values()))
    print("same figures in every variant:", all(f == first for f in figures.values()), len(first), "rows")


def national_handlers(bench: Bench, hubs: int, profiled: bool) -> None:
    """The national worker's handlers (signature check, contract, versions, storing) applying
    signed reports of `hubs` hubs in batches of 500, as the consumer applies a poll's batch;
    the messages are made here, so Kafka's own reading (and its CRC checks) is left out."""
    from kafka.consumer.fetcher import ConsumerRecord

    from hubs.contracts.compiled import _compiled
    from hubs.loadgen.population import period_reports
    from hubs.reporting.bootstrap import DEFINITION as REPORTING
    from hubs.reporting.domain.catalogue import COUNTS
    from hubs.reporting.testing import ReportKeys
    from hubs.runtime.consumer import EventConsumer

    chosen = england()[:hubs]
    last_year = date.today().year - (2 if date.today().month < 4 else 1)
    reports = list(period_reports(chosen, last_year, list(COUNTS), versions=4))
    keys = ReportKeys(bench.workdir)
    for hub in chosen:
        keys.register(hub.hub_id, region=hub.region.value)
    records = [
        ConsumerRecord("national", 0, 0, n, 0, 0, r["hub_id"].encode(), kafka_bench.encoded(r), keys.headers(r),
                       None, 0, 0, 0)
        for n, r in enumerate(reports)
    ]  # fmt: skip
    extra = {"HUBS_REPORTING_MODE": "national", **keys.environment}
    bench.migrate("reporting", bench.env("national", "reporting_national_profile", **extra))
    settings = kafka_bench.settings_for(bench, "reporting", "national", "reporting_national_profile", **extra)
    wiring = REPORTING.bootstrap(settings)
    spec = REPORTING.consumers(wiring)[0]
    consumer = EventConsumer(
        name=spec.name, service="reporting", topics=[], handlers=spec.handlers, uow_factory=wiring.uow_factory,
        consumer=None, dlq_producer=None, prepare_batch=spec.prepare_batch, verify=spec.verify,
    )  # fmt: skip
    _compiled()  # compiled once per process, not part of a report's cost
    profiler = cProfile.Profile()
    start = time.perf_counter()
    if profiled:
        profiler.enable()
    for first in range(0, len(records), 500):
        assert consumer._apply_together(records[first : first + 500]), "a batch was not applied together"
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(
        f"{len(records)} reports of {hubs} hubs in {elapsed:.2f} s: {len(records) / elapsed:.0f}/s, "
        f"{elapsed / len(records) * 1e6:.0f} µs a report{' (profiled)' if profiled else ''}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    if profiled:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    wiring.engine.dispose()


def compare_validation(events: int) -> None:
    """µs per event to check and load a hub's events against their contracts: marshmallow
    (`parse_envelope`) and the compiled JSON Schemas (`read_envelope`, what consumers use), on
    the same decoded messages; and to check them only, with the compiled schemas. No broker."""
    import json

    from hubs.contracts import parse_envelope
    from hubs.contracts.compiled import _compiled, read_envelope

    hub = max(england(), key=lambda h: h.referrals_per_year)
    messages = [
        json.loads(kafka_bench.encoded(e)) for e in Pathways(hub, seed=2020).year(date.today() - timedelta(days=365))
    ]
    messages = messages[:events]
    compiled = _compiled()
    checks = [(compiled[(m["event_type"], m["schema_version"])].validator, m) for m in messages]
    assert all(read_envelope(m) == parse_envelope(m) for m in messages)
    for name, run in (
        ("marshmallow parse_envelope", lambda: [parse_envelope(m) for m in messages]),
        ("compiled read_envelope", lambda: [read_envelope(m) for m in messages]),
        ("compiled JSON Schema check only", lambda: [v.is_valid(m) for v, m in checks]),
    ):
        best = min(_timed(run) for _ in range(5))
        print(f"{name}: {best / len(messages) * 1e6:.1f} µs per event ({len(messages)} events, best of 5)")


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(prog="profile_hot_paths")
    parser.add_argument("what", choices=["consumer", "intake", "compare", "workers", "validation", "national"])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--one-by-one", action="store_true", help="one transaction per event, as on failures")
    parser.add_argument("--hubs", type=int, default=6, help="national: reports of this many hubs (42: England)")
    parser.add_argument("--profile", action="store_true", help="national: under cProfile")
    args = parser.parse_args()
    if args.what == "validation":
        compare_validation(args.events)
        return
    workdir = REPO / "var/bench/profile"
    shutil.rmtree(workdir, ignore_errors=True)
    bench = Bench(workdir)
    try:
        bench.start()
        print(f"started at {datetime.now(UTC).isoformat()}")
        if args.what == "consumer":
            profile_consumer(bench, args.events, args.one_by_one)
        elif args.what == "workers":
            from tests.perf.intake import intake

            for workers in (1, 2):
                print(workers, intake(bench, concurrency=16, seconds=20, workers=workers))
        elif args.what == "compare":
            compare_consumers(bench, args.events)
        elif args.what == "national":
            national_handlers(bench, args.hubs, args.profile)
        else:
            profile_intake(bench, min(args.events, 1500))
    finally:
        bench.close()


if __name__ == "__main__":
    main()
