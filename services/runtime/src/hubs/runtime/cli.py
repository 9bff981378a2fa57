"""The one command line of every service: `hubs-<service> api|worker|relay|migrate|all`
(`all`: the API, worker and relay in one process, hubs.runtime.hub)."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from wsgiref.simple_server import WSGIServer

from flask import Flask
from gunicorn.app.base import BaseApplication
from kafka import KafkaProducer

from hubs.contracts.topics import dlq_topic
from hubs.runtime.consumer import EventConsumer
from hubs.runtime.kafka import ensure_topics, make_consumer, make_producer
from hubs.runtime.lifecycle import StopSignal, settle_heap
from hubs.runtime.logging import configure_logging
from hubs.runtime.metrics import (
    MULTIPROCESS,
    MULTIPROCESS_DIR_VARIABLE,
    serve_metrics,
    start_multiprocess_metrics,
    worker_exited,
)
from hubs.runtime.migrations import upgrade
from hubs.runtime.ratelimit import SHARED_BUCKETS, create_shared_buckets
from hubs.runtime.relay import OutboxRelay
from hubs.runtime.service import ServiceDefinition, Wiring
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)


class GunicornServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn serving a Flask app; it handles SIGTERM by finishing requests in flight.

    `app` is the app itself or a function that builds it. gunicorn loads the app in each worker
    after the fork (no preload), so a built app has its own engine, pool and clients per worker:
    nothing opened before the fork is shared between processes."""

    def __init__(self, app: Flask | Callable[[], Flask], options: dict[str, Any]):
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app if isinstance(self._app, Flask) else self._app()


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"hubs-{definition.name}")
    parser.add_argument("command", choices=["api", "worker", "relay", "migrate", "all"])
    parser.add_argument("--bind", help="host:port for the api (default HUBS_API_BIND)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(definition.name)
    if args.bind:
        settings = replace(settings, api_bind=args.bind)
    configure_logging(definition.name, settings.hub_id, settings.log_level)
    commands = {"api": run_api, "worker": run_worker, "relay": run_relay, "migrate": run_migrate, "all": run_all}
    commands[args.command](definition, settings)


def run_all(definition: ServiceDefinition, settings: Settings) -> None:
    """The service's API, worker and relay in this one process (the compact profile)."""
    from hubs.runtime.hub import run_all as run_in_one_process  # it builds on this module

    run_in_one_process(definition, settings)


def run_migrate(definition: ServiceDefinition, settings: Settings) -> None:
    upgrade(settings, definition.migrations_dir)
    log.info("database migrated")


# Set (to the directory) when this command made the metrics directory itself and removes it at exit.
_OWN_METRICS_DIR = "_HUBS_API_OWN_METRICS_DIR"


def run_api(definition: ServiceDefinition, settings: Settings) -> None:
    """Serve the service's API with HUBS_API_WORKERS workers, each bootstrapping it after the fork,
    and its metrics on HUBS_METRICS_PORT (never on the API's own listener)."""
    if settings.api_workers > 1 and not MULTIPROCESS:
        _restart_with_metrics_dir()
    start_multiprocess_metrics()
    # Several workers take rate-limit tokens from one set of buckets (see hubs.runtime.ratelimit).
    shared = tempfile.mkdtemp(prefix="hubs-api-") if settings.api_workers > 1 else None
    buckets = os.path.join(shared, "rate-limits.sqlite3") if shared else None
    if buckets:
        create_shared_buckets(buckets)

    def build() -> Flask:
        app = definition.create_app(definition.bootstrap(settings))
        if buckets:
            app.extensions[SHARED_BUCKETS] = buckets
        settle_heap()  # each worker, after the fork: a request makes hundreds of short-lived objects
        return app

    server_pid = os.getpid()
    try:
        serve(build, settings.api_bind, settings.api_threads, settings.api_workers, settings.metrics_port)
    finally:
        # gunicorn's workers leave through here too: only the server removes what it made.
        if os.getpid() == server_pid:
            own = os.environ.get(_OWN_METRICS_DIR)
            for made in (shared, own if own and own == os.environ.get(MULTIPROCESS_DIR_VARIABLE) else None):
                if made:
                    shutil.rmtree(made, ignore_errors=True)


def _restart_with_metrics_dir() -> None:
    """Run this same command again with a fresh metrics directory: prometheus_client picks its
    multiprocess mode when it is imported, which has happened by now."""
    directory = tempfile.mkdtemp(prefix="hubs-api-metrics-")
    log.info("api workers share metrics through a directory", extra={"directory": directory})
    env = {**os.environ, MULTIPROCESS_DIR_VARIABLE: directory, _OWN_METRICS_DIR: directory}
    os.execve(sys.executable, sys.orig_argv, env)  # noqa: S606 - this very command, again


def serve(app: Flask | Callable[[], Flask], bind: str, threads: int, workers: int = 1, metrics_port: int = 0) -> None:
    """Serve `app` the one way every API of the project is served: `workers` gthread workers,
    and with `metrics_port` the metrics on that port of the same host."""
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "graceful_timeout": 20,
        "accesslog": None,
        "loglevel": "warning",
        # A worker that ended (or was replaced) keeps its counts but no longer its live gauges.
        "child_exit": lambda _server, worker: worker_exited(worker.pid),
    }
    if metrics_port:
        options |= _metrics_hooks(_host(bind), metrics_port)
    GunicornServer(app, options).run()


def _metrics_hooks(host: str, port: int) -> dict[str, Callable[..., object]]:
    """gunicorn hooks that serve the API's metrics on their own port, from the process that holds them."""
    if not MULTIPROCESS:
        # One worker keeps its metrics in its own memory: it serves them itself, once its app is loaded.
        return {"post_worker_init": lambda _worker: serve_metrics(host, port)}
    # Several workers write theirs to files: the server process, which outlives them, adds them up.
    served: list[WSGIServer] = []

    def post_fork(_server: object, _worker: object) -> None:
        for server in served:  # a worker's copy of the server's listening socket, not the server's own
            server.socket.close()

    return {"when_ready": lambda _server: served.append(serve_metrics(host, port)), "post_fork": post_fork}


def run_worker(definition: ServiceDefinition, settings: Settings) -> None:
    stop = StopSignal().install()
    _serve_metrics(settings)
    threads = start_worker(definition, settings, stop)
    settle_heap()
    log.info("worker started")
    if not threads:
        while not stop.wait(1.0):
            pass
    for thread in threads:
        thread.join()
    log.info("worker stopped")


def start_worker(
    definition: ServiceDefinition, settings: Settings, stop: StopSignal, wiring: Wiring | None = None
) -> list[threading.Thread]:
    """Start one thread per consumer of the service; they end when `stop` is set."""
    wiring = wiring or definition.bootstrap(settings)
    specs = definition.consumers(wiring)
    topics = [t for spec in specs for t in spec.topics]
    ensure_topics(
        settings.kafka_bootstrap_servers, topics + [dlq_topic(t) for t in topics], **_topic_settings(settings)
    )
    threads = []
    for spec in specs:
        group = f"{settings.topic_prefix}{settings.hub_id}.{definition.name}.{spec.name}"
        dlq_producer = make_producer(
            settings.kafka_bootstrap_servers, f"{settings.producer_name}-{spec.name}-dlq", settings.kafka_security
        )
        consumer = EventConsumer(
            name=spec.name,
            service=definition.name,
            topics=spec.topics,
            handlers=spec.handlers,
            uow_factory=wiring.uow_factory,
            consumer=make_consumer(
                settings.kafka_bootstrap_servers,
                group,
                f"{settings.producer_name}-{spec.name}",
                security=settings.kafka_security,
            ),
            dlq_producer=dlq_producer,
            max_attempts=settings.consumer_max_attempts,
            retry_base_seconds=settings.consumer_retry_base_seconds,
            retry_max_seconds=settings.consumer_retry_max_seconds,
            after_batch=spec.after_batch,
            on_idle=spec.on_idle,
            prepare_batch=spec.prepare_batch,
            verify=spec.verify,
            dead_lettered=spec.dead_lettered,
            batch_transactions=settings.consumer_batch_transactions,
        )

        def consume(consumer: EventConsumer = consumer, producer: KafkaProducer = dlq_producer) -> None:
            try:
                consumer.run(stop)
            finally:
                producer.close(timeout=10)

        thread = threading.Thread(target=consume, name=f"{definition.name}-{spec.name}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def run_relay(definition: ServiceDefinition, settings: Settings) -> None:
    stop = StopSignal().install()
    _serve_metrics(settings)
    relay, producers = build_relay(definition, settings)
    log.info("relay started")
    try:
        relay.run(stop, settings.relay_idle_seconds)
    finally:
        for producer in producers.values():
            producer.close(timeout=10)
    log.info("relay stopped")


def build_relay(
    definition: ServiceDefinition, settings: Settings, wiring: Wiring | None = None
) -> tuple[OutboxRelay, dict[str, KafkaProducer]]:
    """The service's outbox relay and the producers it publishes with."""
    wiring = wiring or definition.bootstrap(settings)
    producers = {
        "default": make_producer(
            settings.kafka_bootstrap_servers, f"{settings.producer_name}-relay", settings.kafka_security
        )
    }
    if definition.route is not None:
        producers["national"] = make_producer(
            settings.national_kafka_bootstrap_servers,
            f"{settings.producer_name}-relay-national",
            settings.national_kafka_security,
        )
    _ensure_produced_topics(definition, settings)
    relay = OutboxRelay(
        wiring.engine,
        wiring.outbox_table,
        producers,
        service=definition.name,
        batch_size=settings.relay_batch_size,
        route=definition.route,
        headers=definition.message_headers(wiring) if definition.message_headers is not None else None,
    )
    return relay, producers


def _ensure_produced_topics(definition: ServiceDefinition, settings: Settings) -> None:
    topics = definition.produced_topics(settings)
    if definition.route is None:
        ensure_topics(settings.kafka_bootstrap_servers, topics, **_topic_settings(settings))
        return
    by_cluster: dict[str, list[str]] = {}
    for topic in topics:
        by_cluster.setdefault(definition.route(topic), []).append(topic)
    for cluster, names in by_cluster.items():
        if cluster == "national":
            ensure_topics(
                settings.national_kafka_bootstrap_servers, names,
                **_topic_settings(settings, security=settings.national_kafka_security),
            )  # fmt: skip
        else:
            ensure_topics(settings.kafka_bootstrap_servers, names, **_topic_settings(settings))


def _topic_settings(settings: Settings, **overrides: object) -> dict[str, Any]:
    """How this process makes (or only waits for) its topics, on the hub's cluster unless told."""
    found = {
        "security": settings.kafka_security,
        "create": settings.create_topics,
        "replication_factor": settings.topic_replication_factor,
    }
    return found | overrides


def _serve_metrics(settings: Settings) -> None:
    # A worker's or relay's /healthz on this port fails once a loop has not gone round for
    # HUBS_PROCESS_STALL_SECONDS (default 120).
    if settings.metrics_port:
        stall = float(settings.extra.get("HUBS_PROCESS_STALL_SECONDS") or 120)
        serve_metrics(_host(settings.api_bind), settings.metrics_port, stall_seconds=stall)


def _host(bind: str) -> str:
    """The address of a `host:port` bind: the metrics port listens on the same one."""
    return bind.rpartition(":")[0] or "127.0.0.1"
