"""Prometheus metrics shared by every service. Labels carry codes and names of things,
never personal data or ids of people or cases.

Every process serves its metrics on a port of its own (HUBS_METRICS_PORT), never on the API's
listener: the API is reachable by the public, and its counters (a self-referral linked to a person
the hub already knows, say) are the hub's business. Only the monitoring namespace may reach the
metrics port.

An API with several gunicorn workers keeps its metrics in prometheus_client's multiprocess mode:
each worker writes its values to files under PROMETHEUS_MULTIPROC_DIR and the metrics port adds them up.
prometheus_client chooses the mode when it is imported, from that variable alone, so this module
follows the same rule; without the variable everything stays in the process as before."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    make_wsgi_app,
    multiprocess,
)

from hubs.runtime.lifecycle import PROGRESS

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
MULTIPROCESS = MULTIPROCESS_DIR_VARIABLE in os.environ

HTTP_REQUESTS = Counter(
    "hubs_http_requests_total", "HTTP requests answered", ["service", "method", "endpoint", "status"]
)
HTTP_LATENCY = Histogram(
    "hubs_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
OUTBOX_BACKLOG = Gauge(
    "hubs_outbox_backlog",
    "Events written to the outbox and not yet acknowledged by Kafka",
    ["service"],
    multiprocess_mode="livemax",  # every relay process counts the same table: show it once
)
# Measured from the database on every turn of the relay, whether Kafka acknowledged or not; while
# the database is away it keeps growing from the oldest row last seen (no row can be sent meanwhile).
OUTBOX_OLDEST_UNSENT_AGE = Gauge(
    "hubs_outbox_oldest_unsent_age_seconds",
    "Age of the oldest event in the outbox not yet acknowledged by Kafka (0 when none waits)",
    ["service"],
    multiprocess_mode="livemax",
)
# 1 when the process's last use of a dependency (database, kafka) worked, 0 when it failed.
DEPENDENCY_UP = Gauge(
    "hubs_dependency_up",
    "Whether the process's last use of a dependency worked (1) or failed (0)",
    ["service", "process", "dependency"],
    multiprocess_mode="livemin",
)
# Computed when scraped: how long since the loop last went round (see hubs.runtime.lifecycle.Progress).
LOOP_SECONDS_SINCE_PROGRESS = Gauge(
    "hubs_loop_seconds_since_progress",
    "Seconds since a relay or consumer loop last went round (its /healthz fails past HUBS_PROCESS_STALL_SECONDS)",
    ["service", "loop"],
)
OUTBOX_PUBLISHED = Counter(
    "hubs_outbox_published_total", "Events the relay published and Kafka acknowledged", ["service"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "hubs_outbox_publish_failures_total", "Relay batches that Kafka did not acknowledge", ["service"]
)
CONSUMER_PROCESSED = Counter(
    "hubs_consumer_processed_total", "Events applied by a consumer", ["service", "consumer", "topic"]
)
CONSUMER_DUPLICATES = Counter(
    "hubs_consumer_duplicates_total",
    "Redelivered events skipped because they were already applied",
    ["service", "consumer"],
)
CONSUMER_RETRIED = Counter(
    "hubs_consumer_retried_total", "Attempts that failed and were retried", ["service", "consumer", "error_type"]
)
CONSUMER_DEAD_LETTERED = Counter(
    "hubs_consumer_dead_lettered_total", "Messages sent to the dead-letter topic", ["service", "consumer", "topic"]
)
CONSUMER_REBALANCES = Counter(
    "hubs_consumer_rebalances_total",
    "Partition assignments a consumer received (each rebalance of its group)",
    ["service", "consumer"],
)
CONSUMER_LAG = Gauge(
    "hubs_consumer_lag",
    "Messages behind the end of the partition",
    ["service", "consumer", "topic", "partition"],
    multiprocess_mode="livemax",  # a partition's lag as its live reader last saw it
)
# Where a worker's time goes: its rate by step is the share of the loop's time (poll includes
# waiting while idle). A worker behind shows whether Kafka, the database or its own work after a
# batch (reporting's figures) holds it back.
CONSUMER_SECONDS = Counter(
    "hubs_consumer_seconds_total",
    "Seconds a consumer loop spent in each step: poll (reading Kafka, or waiting while idle), apply "
    "(batches applied in the database), after-batch and idle (the service's own work), commit (offsets)",
    ["service", "consumer", "step"],
)
# Computed when scraped: hubs_consumer_lag is as of the broker's end offsets read this long ago.
# It grows while the broker is away, so a frozen lag is never taken for a current one.
CONSUMER_LAG_AGE = Gauge(
    "hubs_consumer_lag_age_seconds",
    "Seconds since the consumer last read its partitions' end offsets from the broker",
    ["service", "consumer"],
)


def watch_loop(service: str, loop: str) -> None:
    """Beat for a loop now, and show how long since its last beat in hubs_loop_seconds_since_progress."""
    PROGRESS.beat(service, loop)
    LOOP_SECONDS_SINCE_PROGRESS.labels(service, loop).set_function(lambda: PROGRESS.seconds_since(service, loop))


def scraped_registry() -> CollectorRegistry:
    """What a scrape reads: this process's metrics, or in multiprocess mode every live and past
    worker's, added up at each scrape (counters and histograms sum; gauges follow their multiprocess_mode)."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    # prometheus_client's multiprocess module has no annotations.
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def metrics_app() -> WSGIApplication:
    """The metrics port's WSGI app (what serve_metrics serves), for serving it some other way."""
    return make_wsgi_app(scraped_registry())


def serve_metrics(host: str, port: int, stall_seconds: float | None = None) -> WSGIServer:
    """Serve /metrics and /healthz on `host:port` from a daemon thread of this process; gives the server.

    /healthz answers 200 while every relay and consumer loop of the process goes round, 503
    once one has not for `stall_seconds` (a process without such loops, an API, is always 200)."""
    if stall_seconds is not None:
        PROGRESS.stall_seconds = stall_seconds
    server_class = _MetricsServer6 if ":" in host else _MetricsServer
    server = make_server(host, port, health_app(metrics_app()), server_class, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name=f"metrics-{port}", daemon=True).start()
    return server


def health_app(metrics: WSGIApplication) -> WSGIApplication:
    """`metrics`, with /healthz answered from the process's loops (hubs.runtime.lifecycle.PROGRESS)."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/healthz":
            return metrics(environ, start_response)
        stuck = PROGRESS.stuck()
        body = {"status": "stuck", "stuck_loops": stuck} if stuck else {"status": "ok"}
        status = "503 Service Unavailable" if stuck else "200 OK"
        start_response(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
        return [json.dumps(body).encode()]

    return app


class _MetricsServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a scrape in flight never holds the process open


class _MetricsServer6(_MetricsServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # scrapes and probes are not worth a log line
        pass


def start_multiprocess_metrics() -> None:
    """Empty the metrics directory when an API starts, so that no earlier run's counts are added."""
    if MULTIPROCESS:
        directory = Path(os.environ[MULTIPROCESS_DIR_VARIABLE])
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)


def worker_exited(pid: int) -> None:
    """Forget an ended worker's live gauges; its counters stay counted (a restart loses nothing)."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # no annotations (prometheus_client)
