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

import os
from collections.abc import Callable
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    make_wsgi_app,
    multiprocess,
    start_http_server,
)

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


def scraped_registry() -> CollectorRegistry:
    """What a scrape reads: this process's metrics, or in multiprocess mode every live and past
    worker's, added up at each scrape (counters and histograms sum; gauges follow their multiprocess_mode)."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_app() -> Callable:
    """The metrics port's WSGI app (what serve_metrics serves), for serving it some other way."""
    return make_wsgi_app(scraped_registry())


def serve_metrics(host: str, port: int) -> WSGIServer:
    """Serve /metrics on `host:port` from a daemon thread of this process; gives the server."""
    server, _thread = start_http_server(port, addr=host, registry=scraped_registry())
    return server


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
        multiprocess.mark_process_dead(pid)
