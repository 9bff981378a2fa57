"""The compact profile: a service's API, worker and relay in one process (`hubs-<service> all`),
or a whole hub's five services in one process (`hubs-hub all`).

A hub takes about 1,400 referrals a year: it does not need five services times three processes.
In one process every part runs in threads: each service keeps its own settings, database
(URL and schema), engine and pool, and its API its own port; the process has one metrics
registry on one metrics port (HUBS_METRICS_PORT), whose /healthz fails once any worker or relay
loop stalls, and one StopSignal: SIGTERM stops taking requests, lets the requests in flight
finish (up to HUBS_GRACE_SECONDS, default 20), and stops every worker and relay after its
current step. What an API acknowledged is in its database: an event its relay had not yet
sent is sent at the next start.

Settings per service in `hubs-hub all`: every variable is read as for `hubs-<service>`, and a
variable prefixed by the service's name (upper case, `-` as `_`, then `__`) is that service's
alone and wins, e.g. `REFERRAL__DATABASE_URL`, `CARE_COORDINATION__DATABASE_SCHEMA`,
`OUTREACH__HUBS_API_BIND`. An API with no bind of its own listens on HUBS_API_BIND's host at
its usual port (its `port` in services.toml: referral 8001, assessment 8002, care-coordination
8003, outreach 8004, reporting 8005)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import socket
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import ConnectionPoolEntry
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

from hubs.runtime.cli import _host, _serve_metrics, build_relay, start_worker
from hubs.runtime.lifecycle import StopSignal, settle_heap
from hubs.runtime.logging import configure_logging
from hubs.runtime.relay import Pauses
from hubs.runtime.service import ServiceDefinition, Wiring
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

# The hub's services, where their definitions live, and the port each API has in `make run`:
# written from services.toml by infra/services/generate.py (an installed service has no services.toml).
# generated from services.toml: begin services
HUB_SERVICES = {
    "referral": ("hubs.referral.bootstrap", 8001),
    "assessment": ("hubs.assessment.bootstrap", 8002),
    "care-coordination": ("hubs.care_coordination.bootstrap", 8003),
    "outreach": ("hubs.outreach.bootstrap", 8004),
    "reporting": ("hubs.reporting.bootstrap", 8005),
}
# generated from services.toml: end services
DEFAULT_GRACE_SECONDS = 20.0  # as gunicorn's graceful_timeout in hubs.runtime.cli.serve
# A client that sends nothing for this long is dropped, so a slow one cannot hold a thread.
SOCKET_TIMEOUT_SECONDS = 30


class _RequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT_SECONDS

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # every request is counted in hubs_http_requests_total; no access log, as under gunicorn

    def log(self, type: str, message: str, *args: object) -> None:
        log.warning("http server: " + message, *args)


class ThreadedApiServer(BaseWSGIServer):
    """An API served by a bounded pool of threads in this process (no fork, unlike gunicorn).

    At most `threads` requests run at once (HUBS_API_THREADS, as a gunicorn worker's threads);
    connections beyond that wait their turn. Every response closes its connection, so no idle
    keep-alive connection holds a thread."""

    multithread = True

    def __init__(self, bind: str, app: Flask, threads: int) -> None:
        host, _, port = bind.rpartition(":")
        super().__init__(host.strip("[]") or "127.0.0.1", int(port), app, handler=_RequestHandler)
        self._pool = ThreadPoolExecutor(max_workers=max(threads, 1), thread_name_prefix=f"api-{self.port}")
        self._in_flight: set[Future[None]] = set()
        self._lock = threading.Lock()

    def process_request(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        future = self._pool.submit(self._handle, request, client_address)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def _handle(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def stop(self, grace_seconds: float) -> bool:
        """Stop accepting, and wait up to `grace_seconds` for the requests already taken; True if
        they all finished."""
        self.shutdown()  # returns once serve_forever has left its loop (it closes the socket)
        with self._lock:
            in_flight = set(self._in_flight)
        _, unfinished = wait(in_flight, timeout=grace_seconds)
        self._pool.shutdown(wait=False, cancel_futures=True)
        return not unfinished


class RelayTurns:
    """The relay's pauses when idle, cut short when a transaction of the same process has
    committed: what the API or a consumer wrote is published at once, and an idle relay can
    wait long (HUBS_RELAY_IDLE_SECONDS) without delaying anything. Stands in for the StopSignal
    the relay loop is given (`stopping`, `wait`)."""

    def __init__(self, stop: StopSignal) -> None:
        self._stop = stop
        self._woken = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.stopping

    def wait(self, seconds: float) -> bool:
        self._woken.wait(seconds)
        self._woken.clear()
        return self._stop.stopping

    def wake(self) -> None:
        self._woken.set()

    def follow(self, engine: Engine, relay_thread: str) -> None:
        """Wake on every commit made through `engine` by another thread than the relay's own, once
        the connection is back in the pool (after the commit: the relay then sees the rows)."""

        def committed(connection: Connection) -> None:
            if threading.current_thread().name != relay_thread:
                connection.connection.info["hubs_committed"] = True

        def returned(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
            if record.info.pop("hubs_committed", False):
                self.wake()

        event.listen(engine, "commit", committed)
        event.listen(engine.pool, "checkin", returned)


@dataclass
class RunningService:
    """One service's API, worker and relay, running in threads of this process."""

    definition: ServiceDefinition
    settings: Settings
    server: ThreadedApiServer
    threads: list[threading.Thread] = field(default_factory=list)
    engine: Engine | None = None
    relay_turns: RelayTurns | None = None

    def stop(self, grace_seconds: float) -> None:
        if not self.server.stop(grace_seconds):
            log.warning("requests unfinished at the end of the grace period", extra={"service": self.definition.name})

    def join(self, timeout: float) -> None:
        if self.relay_turns is not None:
            self.relay_turns.wake()  # it is stopping: not worth waiting out its idle pause
        for thread in self.threads:
            thread.join(timeout)
        if self.engine is not None:
            self.engine.dispose()


def start_service(definition: ServiceDefinition, settings: Settings, stop: StopSignal) -> RunningService:
    """Bootstrap the service once (one engine and pool) and run its API, worker and relay on it.

    The relay and the consumers run until `stop` is set; the API until RunningService.stop."""
    wiring = definition.bootstrap(settings)
    server, api = serve_api(definition.name, definition.create_app(wiring), settings)
    running = RunningService(definition, settings, server, engine=wiring.engine)
    running.threads.append(api)
    running.threads += start_worker(definition, settings, stop, wiring)
    running.relay_turns, relay = start_woken_relay(definition, settings, wiring, stop)
    running.threads.append(relay)
    log.info("service started", extra={"service": definition.name, "api": settings.api_bind})
    return running


def serve_api(service: str, app: Flask, settings: Settings) -> tuple[ThreadedApiServer, threading.Thread]:
    """The service's API on settings.api_bind (port 0: any free one, see server.port), served by
    settings.api_threads threads of this process."""
    server = ThreadedApiServer(settings.api_bind, app, settings.api_threads)
    api = threading.Thread(target=server.serve_forever, name=f"{service}-api", daemon=True)
    api.start()
    return server, api


def start_woken_relay(
    definition: ServiceDefinition, settings: Settings, wiring: Wiring, stop: StopSignal
) -> tuple[RelayTurns, threading.Thread]:
    """The service's relay in a thread, woken by every commit of this process on its engine and
    looking on its own every settings.relay_idle_seconds; it runs until `stop` is set."""
    turns = RelayTurns(stop)
    turns.follow(wiring.engine, relay_thread=f"{definition.name}-relay")
    return turns, start_relay(definition, settings, wiring, turns)


def start_relay(definition: ServiceDefinition, settings: Settings, wiring: Wiring, pauses: Pauses) -> threading.Thread:
    """The service's relay in a thread named `<service>-relay`, pausing when idle as `pauses` says
    (a StopSignal, or RelayTurns) until it is stopping; its producers are closed when it ends."""
    relay, producers = build_relay(definition, settings, wiring)

    def publish() -> None:
        try:
            relay.run(pauses, settings.relay_idle_seconds)
        finally:
            for producer in producers.values():
                producer.close(timeout=10)

    thread = threading.Thread(target=publish, name=f"{definition.name}-relay", daemon=True)
    thread.start()
    return thread


def run_services(parts: list[tuple[ServiceDefinition, Settings]], metrics: Settings) -> None:
    """Run every part's API, worker and relay until SIGTERM/SIGINT, with one metrics port."""
    stop = StopSignal().install()
    grace = float(metrics.extra.get("HUBS_GRACE_SECONDS") or DEFAULT_GRACE_SECONDS)
    _serve_metrics(metrics)
    running: list[RunningService] = []
    try:
        for definition, settings in parts:
            running.append(start_service(definition, settings, stop))
        settle_heap()
        while not stop.wait(1.0):
            pass
    finally:
        stop.set()
        log.info("stopping")
        # The APIs first stop taking requests and finish those in flight, together.
        stoppers = [threading.Thread(target=r.stop, args=(grace,)) for r in running]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for service in running:
            service.join(timeout=grace)
        log.info("stopped")


def run_all(definition: ServiceDefinition, settings: Settings) -> None:
    """`hubs-<service> all`: the service's API, worker and relay in this one process."""
    run_services([(definition, settings)], settings)


def service_environment(service: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment `service` is configured from in `hubs-hub all`: every variable, less those
    of the other services, with the service's own (`<SERVICE>__NAME`) in place of `NAME`."""
    own = prefix_of(service)
    others = tuple(prefix_of(name) for name in HUB_SERVICES if name != service)
    found = {k: v for k, v in environ.items() if not k.startswith(others) and not k.startswith(own)}
    return found | {k.removeprefix(own): v for k, v in environ.items() if k.startswith(own)}


def prefix_of(service: str) -> str:
    return service.upper().replace("-", "_") + "__"


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ as `values` for a moment (settings are read from it), then as it was.
    Only while the process starts, before any other thread runs."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def hub_settings(service: str, environ: Mapping[str, str]) -> Settings:
    """Settings of one service of `hubs-hub all`, from its own view of the environment."""
    values = service_environment(service, environ)
    with _environment(values):
        settings = Settings.from_env(service)
    if not environ.get(prefix_of(service) + "HUBS_API_BIND"):
        host = _host(values.get("HUBS_API_BIND") or "127.0.0.1:0")
        settings = replace(settings, api_bind=f"{host}:{HUB_SERVICES[service][1]}")
    # The process has one metrics port, served once (run_services): no service serves its own.
    return replace(settings, metrics_port=0)


def definition_of(service: str) -> ServiceDefinition:
    definition: ServiceDefinition = importlib.import_module(HUB_SERVICES[service][0]).DEFINITION
    return definition


def main(argv: list[str] | None = None) -> None:
    """`hubs-hub all [--services referral,assessment,...]`: the hub's services in one process."""
    parser = argparse.ArgumentParser(prog="hubs-hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["all", "migrate"])
    parser.add_argument("--services", default=",".join(HUB_SERVICES), help="which of the hub's services")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.services.split(",") if name.strip()]
    unknown = [name for name in names if name not in HUB_SERVICES]
    if unknown:
        parser.error(f"not a service of the hub: {', '.join(unknown)} (one of {', '.join(HUB_SERVICES)})")
    environ = dict(os.environ)
    process = Settings.from_env("hub")
    configure_logging("hub", process.hub_id, process.log_level)
    parts = [(definition_of(name), hub_settings(name, environ)) for name in names]
    if args.command == "migrate":
        from hubs.runtime.cli import run_migrate

        for definition, settings in parts:
            run_migrate(definition, settings)
        return
    run_services(parts, process)
