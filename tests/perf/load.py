"""A bounded, self-stopping HTTP load generator for 127.0.0.1: keep-alive connections on
threads, either as fast as they go (fixed concurrency) or at a steady rate. Prints JSON."""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

MAX_SECONDS = 120  # whatever it is asked, a run never lasts longer


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`, 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(url: str, bodies: list[bytes], concurrency: int, seconds: float, rate: float = 0.0) -> dict:
    """POST `bodies` in turn to `url` from `concurrency` threads for `seconds` (at `rate`/s if given)."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load generator only targets this machine")
    seconds = min(seconds, MAX_SECONDS)
    lock = threading.Lock()
    latencies: list[float] = []
    accepted: list[float] = []  # when each 2xx answer arrived (epoch seconds)
    errors: dict[str, int] = {}
    counter = [0]
    start = time.monotonic()
    deadline = start + seconds

    def next_index() -> int | None:
        with lock:
            n = counter[0]
            counter[0] += 1
        if rate:
            due = start + n / rate
            if due >= deadline:
                return None
            time.sleep(max(0.0, due - time.monotonic()))
        elif time.monotonic() >= deadline:
            return None
        return n

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        while (n := next_index()) is not None:
            sent = time.monotonic()
            try:
                conn.request("POST", parts.path, body=bodies[n % len(bodies)], headers=headers)
                answer = conn.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            done = time.monotonic()
            with lock:
                if isinstance(status, int) and 200 <= status < 300:
                    latencies.append(done - sent)
                    accepted.append(time.time())
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - start
    return {
        "requests_ok": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "accepted_at": sorted(accepted),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="load")
    parser.add_argument("--url", required=True)
    parser.add_argument("--bodies", required=True, help="a JSON file holding a list of request bodies")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=0.0, help="requests per second (0: as fast as possible)")
    args = parser.parse_args()
    with open(args.bodies) as f:
        bodies = [json.dumps(b).encode() for b in json.load(f)]
    json.dump(run(args.url, bodies, args.concurrency, args.seconds, args.rate), sys.stdout)


if __name__ == "__main__":
    main()
