"""pytest fixtures that hand real infrastructure to integration and end-to-end tests.

HUBS_TEST_INFRA chooses where the broker and the database come from:
  local (default)  the project's own scripts: Kafka from Maven Central jars, a throwaway
                   PostgreSQL cluster made with initdb; started once per test run
  testcontainers   Kafka and PostgreSQL containers (needs a Docker daemon)
  external         KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL are given
Tests are isolated by a unique hub id (hence unique topics) and a schema per service."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar
from urllib.parse import quote
from wsgiref.types import WSGIApplication

import pytest
from sqlalchemy import Engine, text
from werkzeug.serving import make_server
from werkzeug.test import Client

from hubs.runtime import dev_issuer
from hubs.runtime.cli import start_worker
from hubs.runtime.hub import RelayTurns, ThreadedApiServer, serve_api, start_relay, start_woken_relay
from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.migrations import upgrade
from hubs.runtime.service import ServiceDefinition, Wiring
from hubs.runtime.settings import Settings, SettingsOverrides

if TYPE_CHECKING:
    from typing_extensions import Unpack

T = TypeVar("T")


class TokenOptions(TypedDict, total=False):
    """What a test may choose of a token besides its hub and roles (dev_issuer.issue)."""

    subject: str | None
    ttl_seconds: int
    audience: str
    path: Path | None


@dataclass
class Infra:
    """Where the test run's broker and database are."""

    kafka_bootstrap_servers: str
    database_url: str
    mode: str
    repo_root: Path
    kafka_dir: Path | None = None
    kafka_ports: tuple[int, int] | None = None
    # What stops each thing started, last first; what a stop gives back is not used.
    stops: list[Callable[[], object]] = field(default_factory=list)

    def kafka_script(self, *args: str) -> str:
        """Run infra/kafka/kafka.sh against this run's broker (local mode only: fault tests)."""
        if self.kafka_dir is None or self.kafka_ports is None:
            raise RuntimeError("the broker is not ours to stop or start in this mode")
        port, controller = self.kafka_ports
        extra = ["--port", str(port), "--controller-port", str(controller)] if args[0] == "start" else []
        done = subprocess.run(
            ["bash", str(self.repo_root / "infra/kafka/kafka.sh"), *args, *extra, "--dir", str(self.kafka_dir)],
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )
        return done.stdout


def free_port() -> int:
    """A loopback port nothing listens on at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]  # (host, port) for an IPv4 socket
        return port


@contextmanager
def serve_in_thread(app: WSGIApplication) -> Iterator[str]:
    """Serve a WSGI app over real HTTP (werkzeug's threaded server) on a free loopback port, in a thread;
    yields its base URL (`http://127.0.0.1:PORT`). On leaving, the server stops, its socket is
    closed and its thread has ended."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"http-{server.server_port}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _script_value(output: str, name: str) -> str:
    for line in output.splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError(f"{name} not printed by the start script:\n{output}")


def _start_local(repo_root: Path) -> Infra:
    work = Path(tempfile.mkdtemp(prefix="hubs-test-"))
    work.chmod(0o755)
    kafka_dir = work / "kafka"
    pg_dir = work / "postgres"
    kafka_port, controller_port, pg_port = free_port(), free_port(), free_port()

    def run(*cmd: str) -> str:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    kafka_sh = str(repo_root / "infra/kafka/kafka.sh")
    pg_sh = str(repo_root / "infra/postgres/postgres.sh")
    pg_out = run("bash", pg_sh, "start", "--port", str(pg_port), "--dir", str(pg_dir))
    infra = Infra(
        kafka_bootstrap_servers="",
        database_url=_script_value(pg_out, "DATABASE_URL"),
        mode="local",
        repo_root=repo_root,
        kafka_dir=kafka_dir,
        kafka_ports=(kafka_port, controller_port),
    )
    infra.stops.append(lambda: run("bash", pg_sh, "stop", "--dir", str(pg_dir)))
    kafka_out = run(
        "bash", kafka_sh, "start", "--port", str(kafka_port), "--controller-port", str(controller_port),
        "--dir", str(kafka_dir),
    )  # fmt: skip
    infra.kafka_bootstrap_servers = _script_value(kafka_out, "KAFKA_BOOTSTRAP_SERVERS")
    infra.stops.append(lambda: run("bash", kafka_sh, "stop", "--dir", str(kafka_dir)))
    return infra


def _start_testcontainers(repo_root: Path) -> Infra:
    try:
        import docker  # type: ignore[import-untyped]  # docker ships no type hints; tests only ping it

        docker.from_env().ping()
    except Exception:
        pytest.skip("HUBS_TEST_INFRA=testcontainers but no Docker daemon answers")
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft().start()
    postgres = PostgresContainer("postgres:17", driver="psycopg").start()
    infra = Infra(kafka.get_bootstrap_server(), postgres.get_connection_url(), "testcontainers", repo_root)
    infra.stops += [kafka.stop, postgres.stop]
    return infra


def pytest_configure(config: pytest.Config) -> None:
    # Tests sign their tokens with a dev issuer key of their own, never a developer's.
    if "HUBS_DEV_ISSUER_KEY_FILE" not in os.environ:
        os.environ["HUBS_DEV_ISSUER_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="hubs-dev-issuer-")) / "key.pem")


@pytest.fixture
def tokens(hub_id: str) -> Callable[..., dict[str, str]]:
    """`tokens("clinician")` gives the Authorization header of a clinician of the test's hub."""

    def header(*roles: str, hub: str | None = None, **claims: Unpack[TokenOptions]) -> dict[str, str]:
        return {"Authorization": "Bearer " + dev_issuer.issue(hub or hub_id, list(roles), **claims)}

    return header


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest) -> Iterator[Infra]:
    """The broker and database of this test run, started once and stopped at the end."""
    mode = os.environ.get("HUBS_TEST_INFRA", "local")
    root = Path(request.config.rootpath)
    if mode == "local":
        started = _start_local(root)
    elif mode == "testcontainers":
        started = _start_testcontainers(root)
    elif mode == "external":
        started = Infra(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"], "external", root)
    else:
        raise pytest.UsageError(f"HUBS_TEST_INFRA must be local, testcontainers or external, not {mode!r}")
    try:
        yield started
    finally:
        for stop in reversed(started.stops):
            stop()


@pytest.fixture
def hub_id() -> str:
    """A hub id no other test uses, so its topics are its own."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_settings(infra: Infra, hub_id: str) -> Callable[..., Settings]:
    """Settings for a service of the test's hub, in a schema of its own."""

    def make(service: str, *, schema_suffix: str = "", **overrides: Unpack[SettingsOverrides]) -> Settings:
        schema = f"{service.replace('-', '_')}_{schema_suffix}{hub_id}"
        base = Settings.from_env(service)
        settings = replace(
            base,
            hub_id=hub_id,
            region="london",
            database_url=infra.database_url,
            database_schema=schema,
            kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
            national_kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
            topic_prefix=f"test-{hub_id}.",
            # A national topic of the test's own, as a national cluster's owners may prefix it.
            national_topic_prefix=f"test-{hub_id}.",
            consumer_retry_base_seconds=0.05,
            consumer_retry_max_seconds=0.5,
            relay_idle_seconds=0.05,
            extra={**base.extra, "HUBS_AUTH_DEV_ISSUER": "true"},
        )
        if "extra" in overrides:
            overrides["extra"] = {**settings.extra, **overrides["extra"]}
        return replace(settings, **overrides) if overrides else settings

    return make


# HUBS_TEST_PROFILE=compact runs every service a test starts as the compact profile runs it
# (`hubs-<service> all`, `hubs-hub all`): its API served over HTTP by the threaded server of
# hubs.runtime.hub, and its relay woken by the process's commits, looking on its own only every
# COMPACT_RELAY_IDLE_SECONDS, as in `make run-compact`. The default, scaled, calls each API
# through Flask's test client and lets the relay look often, as a relay process does.
TEST_PROFILES = ("scaled", "compact")
COMPACT_RELAY_IDLE_SECONDS = 5.0


def running_profile() -> str:
    profile = os.environ.get("HUBS_TEST_PROFILE", "scaled")
    if profile not in TEST_PROFILES:
        raise pytest.UsageError(f"HUBS_TEST_PROFILE must be one of {', '.join(TEST_PROFILES)}, not {profile!r}")
    return profile


class RunningService:
    """One service of a test hub: migrated, with its API as a test client and, when
    started, its worker and relay running in threads against the real broker."""

    def __init__(self, definition: ServiceDefinition, settings: Settings):
        self.definition = definition
        self.settings = settings
        self.compact = running_profile() == "compact"
        upgrade(settings, definition.migrations_dir)
        self.wiring: Wiring = definition.bootstrap(settings)
        self.app = definition.create_app(self.wiring)
        self.stop = StopSignal()
        self._threads: list[threading.Thread] = []
        self._server: ThreadedApiServer | None = None
        self._relay_turns: RelayTurns | None = None
        if self.compact:
            self._server, api = serve_api(definition.name, self.app, replace(settings, api_bind="127.0.0.1:0"))
            self._threads.append(api)
            self.client: Client = Client(_OverHttp("127.0.0.1", self._server.port))
        else:
            self.client = self.app.test_client()

    def start_worker(self) -> RunningService:
        self._threads += start_worker(self.definition, self.settings, self.stop, self.wiring)
        return self

    def start_relay(self) -> RunningService:
        if self.compact:
            settings = replace(self.settings, relay_idle_seconds=COMPACT_RELAY_IDLE_SECONDS)
            self._relay_turns, thread = start_woken_relay(self.definition, settings, self.wiring, self.stop)
        else:
            thread = start_relay(self.definition, self.settings, self.wiring, self.stop)
        self._threads.append(thread)
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.stop(grace_seconds=10)
        self.stop.set()
        if self._relay_turns is not None:
            self._relay_turns.wake()
        for thread in self._threads:
            thread.join(timeout=30)
        self.wiring.engine.dispose()


class _OverHttp:
    """A WSGI application that passes each request on over real HTTP to a served API and hands
    back its answer: a test client on it speaks to the served API as it would to the app."""

    _HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"})

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., object]) -> list[bytes]:
        target = quote(environ.get("PATH_INFO", "/").encode("latin-1"))
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        headers = {name[5:].replace("_", "-").title(): value for name, value in environ.items() if name[:5] == "HTTP_"}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(environ["REQUEST_METHOD"], target, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        kept = [(name, value) for name, value in answer.getheaders() if name.lower() not in self._HOP_BY_HOP]
        start_response(f"{answer.status} {answer.reason}", kept)
        return [content]


@pytest.fixture
def run_service(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., RunningService]]:
    """Start services of the test's hub; everything started is stopped after the test."""
    running: list[RunningService] = []

    def start(definition: ServiceDefinition, **overrides: object) -> RunningService:
        service = RunningService(definition, make_settings(definition.name, **overrides))
        running.append(service)
        return service

    yield start
    for service in reversed(running):
        service.close()


def eventually(check: Callable[[], T], timeout: float = 60.0, interval: float = 0.2) -> T:
    """The first truthy result of `check` within `timeout` seconds (asynchronous effects: a
    worker, a relay, a scrape); AssertionError with the last result after that."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: last result {result!r}")
        time.sleep(interval)


def database_dump(engine: Engine) -> str:
    """Every row of every table in the engine's schema, as text: what someone reading the raw
    database would see (privacy tests look for personal data in it)."""
    with engine.connect() as conn:
        tables = [
            r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        ]
        return " ".join(
            str(row)
            for table in tables
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the catalogue
        )
