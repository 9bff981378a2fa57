"""HTTP-side measurements: self-referral intake beside a hello-world app served the same way,
and end-to-end latency from a referral accepted to the hub's figures updated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from hubs.loadgen.population import Population
from hubs.runtime.testing import free_port
from tests.perf.infra import BIN, REPO
from tests.perf.load import percentile

UNLIMITED = "1000000/minute;burst=1000000"  # the bench is one client: lift the per-client limit


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        process_id, parent = int(stat.parent.name), int(fields[1])
        if process_id == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _bodies(bench, count: int = 2000, seed: int = 2020, name: str = "self-referrals") -> str:
    """Distinct people: a second referral of the same person would be linked, not counted anew."""
    population = Population(seed)
    path = bench.workdir / f"{name}-{seed}.json"
    bodies = [population.self_referral() | {"email": f"bench-{seed}-{n}@example.org"} for n in range(count)]
    path.write_text(json.dumps(bodies))
    return str(path)


def _load(url: str, bodies: str, concurrency: int, seconds: float, rate: float = 0.0) -> dict:
    cmd = [sys.executable, "-m", "tests.perf.load", "--url", url, "--bodies", bodies]
    cmd += ["--concurrency", str(concurrency), "--seconds", str(seconds), "--rate", str(rate)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=seconds + 120, cwd=REPO).stdout
    return json.loads(out)


def intake(bench, concurrency: int, seconds: float, workers: int = 2, rounds: int = 4) -> dict:
    """Self-referrals per second and latency, beside a hello-world app's and a durable write's
    (one row and one outbox row in one transaction, `tests/perf/durable.py`) at the same
    concurrency, all served by gunicorn with `workers` gthread workers (HUBS_API_WORKERS) of
    HUBS_API_THREADS.

    The three servers run side by side and are loaded in turn, `rounds` times for `seconds` in all
    each: a machine whose speed drifts over a minute (a shared one does) then slows each of them
    alike, where one run after another measured the drift as much as the code. Each turn opens
    its connections anew, and the kernel shares them between the workers as it will (a turn with
    most of them on one worker is slower): more turns average that out."""
    bodies = _bodies(bench)
    env = bench.env("bench-intake", "referral_intake", HUBS_SELF_REFERRAL_RATE_LIMIT=UNLIMITED)
    env["HUBS_API_WORKERS"] = str(workers)
    bench.migrate("referral", env)
    servers = [
        ("hello", [sys.executable, "-m", "tests.perf.hello"], "/hello", env),
        ("durable", [sys.executable, "-m", "tests.perf.durable"], "/durable", env | {"DATABASE_SCHEMA": "durable"}),
        ("referral", [str(BIN / "hubs-referral"), "api"], "/v1/self-referrals", env),
    ]
    running = {}
    try:
        for name, cmd, path, server_env in servers:
            bind = f"127.0.0.1:{free_port()}"
            health = "/healthz" if name == "referral" else ""
            process = bench.api([*cmd, "--bind", bind], server_env, bind, f"intake-{name}", health=health)
            running[name] = (process, f"http://{bind}{path}")
            _load(running[name][1], bodies, concurrency, 2)  # warm up
        bench.analyze()  # the steady state of a hub's tables, not their first minute
        turns: dict[str, list[tuple[dict, float]]] = {name: [] for name in running}
        for _ in range(rounds):
            for name, (process, url) in running.items():
                cpu_before = cpu_seconds(process.pid)
                result = _load(url, bodies, concurrency, seconds / rounds)
                turns[name].append((result, cpu_seconds(process.pid) - cpu_before))
    finally:
        for process, _ in running.values():
            bench.stop(process)
    return {name: _over_turns(taken, concurrency, workers) for name, taken in turns.items()}


def _over_turns(taken: list[tuple[dict, float]], concurrency: int, workers: int) -> dict:
    """One server's figures over its turns: requests and CPU added up, the median p50 and the
    highest p99 of the turns."""
    ok = sum(result["requests_ok"] for result, _ in taken)
    seconds = sum(result["seconds"] for result, _ in taken)
    cpu = sum(cpu for _, cpu in taken)
    errors: dict[str, int] = {}
    for result, _ in taken:
        for kind, count in result["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
    return {
        "requests_ok": ok,
        "errors": errors,
        "seconds": round(seconds, 3),
        "per_second": round(ok / seconds, 1) if seconds else 0.0,
        "per_second_by_turn": [result["per_second"] for result, _ in taken],
        "p50_ms": sorted(result["p50_ms"] for result, _ in taken)[len(taken) // 2],
        "p99_ms": max(result["p99_ms"] for result, _ in taken),
        "turns": len(taken),
        "concurrency": concurrency,
        "api_workers": workers,
        "server_cpu_seconds": round(cpu, 2),
        # CPU per request is what a machine of any speed, shared or not, divides its cores by.
        "server_cpu_ms_per_request": round(cpu / ok * 1000, 3) if ok else None,
    }


def end_to_end(bench, rate: float, seconds: float) -> dict:
    """Referral API, its relay and the hub's reporting worker as processes; referrals at a steady
    `rate`; for the k-th referral accepted, the time until the hub counts k referrals received."""
    hub = "bench-e2e"
    referral_env = bench.env(hub, "referral_e2e", HUBS_SELF_REFERRAL_RATE_LIMIT=UNLIMITED)
    reporting_env = bench.env(hub, "reporting_e2e")
    bench.migrate("referral", referral_env)
    bench.migrate("reporting", reporting_env)
    bind = f"127.0.0.1:{free_port()}"
    bench.spawn([str(BIN / "hubs-reporting"), "worker"], reporting_env, "e2e-reporting-worker")
    bench.spawn([str(BIN / "hubs-referral"), "relay"], referral_env, "e2e-referral-relay")
    bench.api([str(BIN / "hubs-referral"), "api", "--bind", bind], referral_env, bind, "e2e-referral-api")
    engine = create_engine(bench.database_url, connect_args={"options": "-csearch_path=reporting_e2e"})
    query = text(
        "select coalesce(sum(value), 0) from period_figures where period_type = 'financial-year' "
        "and figure = 'referrals_received'"
    )
    seen: list[tuple[float, int]] = []
    stop = threading.Event()

    def watch() -> None:
        with engine.connect() as conn:
            while not stop.is_set():
                count = int(conn.execute(query).scalar_one())
                conn.commit()
                if not seen or count != seen[-1][1]:
                    seen.append((time.time(), count))
                stop.wait(0.01)

    warm_up = _bodies(bench, count=100, seed=2021, name="warm-up")
    bodies = _bodies(bench, seed=2022)
    # Let the worker join its group and the relay start before the clock runs.
    _load(f"http://{bind}/v1/self-referrals", warm_up, 2, 3, rate=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if int(conn.execute(query).scalar_one()) >= 15:
                break
        time.sleep(0.2)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    time.sleep(0.2)
    base = seen[-1][1] if seen else 0
    result = _load(f"http://{bind}/v1/self-referrals", bodies, 8, seconds, rate=rate)
    accepted = result.pop("accepted_at")
    wait_until = time.monotonic() + 30
    while time.monotonic() < wait_until and (not seen or seen[-1][1] < base + len(accepted)):
        time.sleep(0.1)
    stop.set()
    watcher.join(timeout=5)
    engine.dispose()
    latencies = []
    for k, at in enumerate(accepted, start=1):
        counted = next((when for when, count in seen if count >= base + k), None)
        if counted is not None:
            latencies.append(max(0.0, counted - at))
    return {
        "rate": rate,
        "referrals": len(accepted),
        "counted": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000),
        "p99_ms": round(percentile(latencies, 99) * 1000),
        "max_ms": round(max(latencies, default=0) * 1000),
        "api_p99_ms": result["p99_ms"],
        "measured_at": datetime.now(UTC).isoformat(),
    }
