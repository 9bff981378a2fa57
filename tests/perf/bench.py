"""`make bench`: how fast a hub is, beside the raw limits of what it runs on, measured in the
same run on this machine. Starts its own Kafka and PostgreSQL on 127.0.0.1, stops all it starts,
prints a table and writes JSON (default var/bench/results.json).

    python -m tests.perf.bench [--out var/bench/results.json] [--quick] [--only intake,relay,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hubs.contracts.topics import hub_topic, national_topic
from hubs.loadgen.population import Pathways, england, period_reports
from tests.perf import intake, kafka_bench
from tests.perf.infra import REPO, Bench

SECTIONS = ("intake", "relay", "consumers", "kafka-tools", "end-to-end", "national", "footprint")


def _ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 3) if baseline else None


def one_hub_year(hub) -> list[dict]:
    """A year of one hub's events up to yesterday."""
    return list(Pathways(hub, seed=2020).year(date.today() - timedelta(days=365)))


def run(args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    bench = Bench(workdir)
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    hubs = england()
    hub = max(hubs, key=lambda h: h.referrals_per_year) if not args.quick else hubs[1]
    started = time.monotonic()
    try:
        bench.start()
        results["infra_seconds"] = round(time.monotonic() - started, 1)
        _SECTION_STARTED[0] = time.monotonic()
        if "intake" in only:
            r = intake.intake(bench, concurrency=16, seconds=5 if args.quick else 12)
            r["ratio"] = _ratio(r["referral"]["per_second"], r["hello"]["per_second"])
            r["ratio_to_durable"] = _ratio(r["referral"]["per_second"], r["durable"]["per_second"])
            r["durable_ratio_to_hello"] = _ratio(r["durable"]["per_second"], r["hello"]["per_second"])
            results["intake"] = r
            _progress("intake", r)
        events = one_hub_year(hub)
        results["population"] = {"hub": hub.hub_id, "referrals": hub.referrals_per_year, "events": len(events)}
        if only & {"relay", "consumers", "kafka-tools"}:
            raw = kafka_bench.raw_producer(bench, events, "bench.raw-producer")
            settings = kafka_bench.settings_for(bench, "referral", "bench-relay", "referral_relay")
            from hubs.referral.bootstrap import DEFINITION as REFERRAL

            bench.migrate("referral", bench.env("bench-relay", "referral_relay"))
            relayed = kafka_bench.relay(bench, REFERRAL, settings, events)
            results["relay"] = {"relay": relayed, "raw_producer": raw}
            results["relay"]["ratio"] = _ratio(relayed["per_second"], raw["per_second"])
            _progress("relay", results["relay"])
        if "kafka-tools" in only:
            r = kafka_bench.kafka_tools(bench, results["relay"]["raw_producer"]["mean_message_bytes"])
            results["kafka_tools"] = r
            _progress("kafka-tools", r)
        if "consumers" in only:
            results["consumers"] = consumers(bench, hub, events)
            _progress("consumers", results["consumers"])
        if "national" in only:
            results["national"] = national(bench, hubs, quick=args.quick)
            _progress("national", results["national"])
        if "end-to-end" in only:
            r = intake.end_to_end(bench, rate=50, seconds=10 if args.quick else 20)
            results["end_to_end"] = r
            _progress("end-to-end", r)
        if "footprint" in only:
            results["footprint"] = footprint_of_both_profiles(bench, workdir, quick=args.quick)
            _progress("footprint", results["footprint"])
    finally:
        bench.close()
    results["seconds"] = round(time.monotonic() - started, 1)
    return results


def consumers(bench, hub, events: list[dict]) -> dict:
    """Reporting rebuilding a hub's figures from a year of its events, beside a raw consumer and
    a durable one (each batch's ids and events stored before its offsets are committed)."""
    from hubs.reporting.bootstrap import DEFINITION as REPORTING
    from hubs.reporting.service_layer.handlers import hub_event_handlers

    topics = sorted({hub_topic(hub.hub_id, s) for s in ("referral", "assessment", "care", "outreach", "reporting")})
    kafka_bench.ensure_topics(bench.kafka, topics)
    # The relay benchmark put these very events on the hub's topics.
    raw = kafka_bench.raw_consumer(bench, topics, len(events))
    durable = kafka_bench.durable_consumer(bench, topics, len(events))
    handled = set(hub_event_handlers(lambda: datetime.now(UTC)))
    expected = sum(e["event_type"] in handled for e in events)
    env = bench.env(hub.hub_id, "reporting_rebuild")
    bench.migrate("reporting", env)
    settings = kafka_bench.settings_for(bench, "reporting", hub.hub_id, "reporting_rebuild")
    reporting = kafka_bench.run_consumers_until(REPORTING, settings, expected, kafka_bench.stale_periods_left)
    # Scale out: two worker processes in one group, as two replicas would split the partitions.
    env = bench.env(hub.hub_id, "reporting_two_workers", HUBS_REPORTING_GENERATION="two-workers")
    bench.migrate("reporting", env)
    two = kafka_bench.run_worker_processes_until(bench, "reporting", env, 2, expected, kafka_bench.stale_periods_left)
    return {
        "reporting": reporting,
        "raw_consumer": raw,
        "ratio": _ratio(reporting["per_second"], raw["per_second"]),
        "durable_consumer": durable,
        "ratio_to_durable": _ratio(reporting["per_second"], durable["per_second"]),
        "durable_ratio_to_raw": _ratio(durable["per_second"], raw["per_second"]),
        "rebuild_hub_year_seconds": reporting["total_seconds"],
        "two_workers": two,
        "two_workers_ratio": _ratio(two["per_second"], raw["per_second"]),
    }


def national(bench, hubs, quick: bool) -> dict:
    """National reporting rebuilding England's figures from a year of reports of every hub."""
    from hubs.reporting.bootstrap import DEFINITION as REPORTING
    from hubs.reporting.domain.catalogue import COUNTS
    from hubs.reporting.testing import ReportKeys

    last_year = date.today().year - (2 if date.today().month < 4 else 1)
    reports = list(period_reports(hubs[:6] if quick else hubs, last_year, list(COUNTS), versions=4))
    size = sum(len(kafka_bench.encoded(r)) for r in reports) / len(reports)
    # The national service takes only reports signed by hubs it has registered: every hub signs
    # with the bench's key, as its relay would, and the registry names each in its region.
    keys = ReportKeys(bench.workdir)
    for hub in hubs[:6] if quick else hubs:
        keys.register(hub.hub_id, region=hub.region.value)
    kafka_bench.publish(bench, reports, lambda _: national_topic(), lambda r: r["hub_id"], headers=keys.headers)
    extra = {"HUBS_REPORTING_MODE": "national", **keys.environment}
    env = bench.env("national", "reporting_national", **extra)
    bench.migrate("reporting", env)
    settings = kafka_bench.settings_for(bench, "reporting", "national", "reporting_national", **extra)
    r = kafka_bench.run_consumers_until(REPORTING, settings, len(reports))
    return r | {"hubs": len(hubs[:6] if quick else hubs), "reports": len(reports), "mean_report_bytes": round(size)}


def footprint_of_both_profiles(bench, workdir: Path, *, quick: bool) -> dict:
    """Memory and idle CPU of a `make run` hub in each profile, on the benchmark's broker."""
    from tests.perf import footprint

    settle, window = ("20", "10") if quick else ("20", "20")
    previous = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = bench.kafka
    try:
        out = str(workdir / "footprint.json")
        found = footprint.main(["--profiles", "scaled,compact", "--settle", settle, "--window", window, "--out", out])
    finally:
        if previous is None:
            os.environ.pop("KAFKA_BOOTSTRAP_SERVERS")
        else:
            os.environ["KAFKA_BOOTSTRAP_SERVERS"] = previous
    scaled, compact = (found["profiles"][p]["hub"] or {} for p in ("scaled", "compact"))
    return {
        "scaled": scaled,
        "compact": compact,
        "compact_rss_ratio_to_scaled": _ratio(compact.get("rss_mib", 0), scaled.get("rss_mib", 0)),
        "window_seconds": float(window),
    }


_SECTION_STARTED = [time.monotonic()]


def _progress(name: str, value: dict) -> None:
    # The machine is shared: the load average beside each figure says how much it was.
    value["load_average_1m"] = round(os.getloadavg()[0], 2)
    # How long the section took since the last one ended: what keeps `make bench` short.
    now = time.monotonic()
    value["section_seconds"] = round(now - _SECTION_STARTED[0], 1)
    _SECTION_STARTED[0] = now
    print(f"[bench] {name}: {json.dumps(value)}", file=sys.stderr, flush=True)


def table(results: dict) -> str:
    """The figures side by side with their baselines."""
    rows = [("measure", "platform", "baseline", "ratio")]
    if i := results.get("intake"):
        ref, hello, durable = i["referral"], i["hello"], i["durable"]
        connections = ref["concurrency"]
        rows.append((f"intake, {connections} connections (req/s)", ref["per_second"], hello["per_second"], i["ratio"]))
        beside_durable = ref["per_second"], durable["per_second"], i["ratio_to_durable"]
        rows.append(("intake beside a durable write (req/s)", *beside_durable))
        durable_beside_hello = durable["per_second"], hello["per_second"], i["durable_ratio_to_hello"]
        rows.append(("durable write beside hello world (req/s)", *durable_beside_hello))
        for name, baseline in (("hello world", hello), ("durable write", durable)):
            rows.append(
                (
                    f"intake p50 / p99 (ms), beside {name}",
                    f"{ref['p50_ms']} / {ref['p99_ms']}",
                    f"{baseline['p50_ms']} / {baseline['p99_ms']}",
                    "",
                )
            )
            own, other = ref["server_cpu_ms_per_request"] or 0, baseline["server_cpu_ms_per_request"] or 0
            rows.append((f"intake server CPU per request (ms), beside {name}", own, other, _ratio(other, own)))
    if r := results.get("relay"):
        rows.append(
            ("relay, acks=all (events/s)", r["relay"]["per_second"], r["raw_producer"]["per_second"], r["ratio"])
        )
    if c := results.get("consumers"):
        raw = c["raw_consumer"]["per_second"]
        rows.append(("reporting consumer (events/s)", c["reporting"]["per_second"], raw, c["ratio"]))
        if durable := c.get("durable_consumer"):
            own, stored = c["reporting"]["per_second"], durable["per_second"]
            rows.append(("reporting beside a durable consumer (events/s)", own, stored, c["ratio_to_durable"]))
            rows.append(("durable consumer beside raw (events/s)", stored, raw, c["durable_ratio_to_raw"]))
        two = c["two_workers"]["per_second"]
        rows.append(("reporting, two worker processes (events/s)", two, raw, c["two_workers_ratio"]))
        if steps := c["reporting"].get("seconds_by_step"):
            spent = ", ".join(f"{step} {seconds}" for step, seconds in steps.items() if seconds >= 0.01)
            rows.append(("  the worker's time by step (s)", spent, "", ""))
    if k := results.get("kafka_tools"):
        if r := results.get("relay"):
            rows.append(
                (
                    "raw producer vs Kafka's own (msg/s)",
                    r["raw_producer"]["per_second"],
                    k["producer_per_second"],
                    _ratio(r["raw_producer"]["per_second"], k["producer_per_second"]),
                )
            )
        if c := results.get("consumers"):
            rows.append(
                (
                    "raw consumer vs Kafka's own (msg/s)",
                    c["raw_consumer"]["per_second"],
                    k["consumer_per_second"],
                    _ratio(c["raw_consumer"]["per_second"], k["consumer_per_second"]),
                )
            )
    if e := results.get("end_to_end"):
        rows.append((f"end to end at {e['rate']}/s, p50 / p99 (ms)", f"{e['p50_ms']} / {e['p99_ms']}", "", ""))
    if c := results.get("consumers"):
        rows.append(
            (f"rebuild one hub's year, {c['reporting']['events']} events (s)", c["rebuild_hub_year_seconds"], "", "")
        )
    if n := results.get("national"):
        rows.append(
            (f"rebuild national year, {n['reports']} reports of {n['hubs']} hubs (s)", n["total_seconds"], "", "")
        )
        rows.append(("  national reports applied (reports/s)", n["per_second"], "", ""))
    if f := results.get("footprint"):
        scaled, compact = f["scaled"], f["compact"]
        rows.append(
            ("hub resident memory, compact beside scaled (MiB)", compact.get("rss_mib"), scaled.get("rss_mib"),
             f["compact_rss_ratio_to_scaled"])
        )  # fmt: skip
        rows.append(
            ("hub idle CPU, compact beside scaled (% of a core)", compact.get("cpu_percent"),
             scaled.get("cpu_percent"), "")
        )  # fmt: skip
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    return "\n".join("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO / "var/bench/results.json"))
    parser.add_argument("--workdir", default=str(REPO / "var/bench/run"))
    parser.add_argument("--quick", action="store_true", help="short runs, a smaller hub and six hubs nationally")
    parser.add_argument("--only", default="", help=f"comma-separated sections of {','.join(SECTIONS)}")
    args = parser.parse_args()
    results = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
