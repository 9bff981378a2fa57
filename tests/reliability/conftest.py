"""Helpers for fault tests: reading topics, a broker of the test's own, a TCP proxy that can
cut a consumer off from its database, and a record of what each scenario observed."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaConsumer
from sqlalchemy import text

from hubs.runtime.settings import Settings
from hubs.runtime.testing import free_port

HERE = Path(__file__).parent


def read_topic(bootstrap: str, topic: str, idle_ms: int = 1500) -> list:
    """Every record on `topic` from the earliest offset, read until the topic is quiet."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=idle_ms,
    )
    try:
        return list(consumer)
    finally:
        consumer.close()


def event_ids(records) -> list[str]:
    return [json.loads(r.value)["event_id"] for r in records]


def rows(engine, sql: str, **params: object) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment a separate process needs to run as `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBS_", "DATABASE_", "KAFKA_"))}
    env.update(settings.extra)
    env.update(
        {
            "HUBS_HUB_ID": settings.hub_id,
            "HUBS_REGION": settings.region,
            "DATABASE_URL": settings.database_url,
            "DATABASE_SCHEMA": settings.database_schema or "",
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "NATIONAL_KAFKA_BOOTSTRAP_SERVERS": settings.national_kafka_bootstrap_servers,
            "HUBS_TOPIC_PREFIX": settings.topic_prefix,
            "HUBS_REPORTING_MODE": settings.reporting_mode,
            "HUBS_RELAY_IDLE_SECONDS": "0.05",
            "HUBS_LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_crashing(mode: str, service: str, after: int, settings: Settings, timeout: float = 120) -> int:
    """Run crash.py and return its exit code (-9 when it killed itself as planned)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "crash.py"), mode, service, str(after)],
        env=settings_env(settings),
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    return done.returncode


@dataclass
class Broker:
    """A Kafka broker of one test's own, which the test may stop, kill and start."""

    repo_root: Path
    directory: Path
    port: int
    controller_port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _script(self, *args: str) -> None:
        subprocess.run(
            ["bash", str(self.repo_root / "infra/kafka/kafka.sh"), *args, "--dir", str(self.directory)],
            check=True,
            capture_output=True,
            timeout=180,
        )

    def start(self) -> None:
        self._script("start", "--port", str(self.port), "--controller-port", str(self.controller_port))

    def stop(self) -> None:
        self._script("stop")


@pytest.fixture
def own_broker(infra, tmp_path_factory) -> Broker:
    """A broker started for this test alone (stopping it disturbs no other test)."""
    broker = Broker(infra.repo_root, tmp_path_factory.mktemp("kafka"), free_port(), free_port())
    broker.start()
    yield broker
    broker.stop()


class TcpProxy:
    """Forwards a local port to a server; `cut()` refuses and drops every connection."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            # Decide and register under the lock, so that no connection slips past a cut.
            with self._lock:
                if not self.open.is_set():
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(self.target)
                except OSError:
                    client.close()
                    continue
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        with self._lock:
            self.open.clear()
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)  # wakes the pipe threads blocked in recv
                with contextlib.suppress(OSError):
                    s.close()
            self._sockets.clear()

    def restore(self) -> None:
        self.open.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def scenario_report(request):
    """Record what a scenario observed in var/test-reports/reliability.json (for the run's record)."""
    out = Path(request.config.rootpath) / "var/test-reports/reliability.json"

    def record(**observed: object) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(out.read_text()) if out.exists() else {}
        data[request.node.name] = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **observed}
        out.write_text(json.dumps(data, indent=2, sort_keys=True))
        print(request.node.name, observed)

    return record


def new_id() -> str:
    return uuid.uuid4().hex
