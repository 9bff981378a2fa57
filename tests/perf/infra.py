"""What the benchmark runs on: its own Kafka broker and PostgreSQL on 127.0.0.1, and the
services as real subprocesses. Everything started here is stopped by `close()`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from hubs.runtime.testing import free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("VIRTUAL_ENV") or REPO / ".venv") / "bin"


def _value(output: str, name: str) -> str:
    for line in output.splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError(f"{name} not printed")


class Bench:
    """Broker, database and processes of one benchmark run, under `workdir`."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.kafka_dir = workdir / "kafka"
        self.pg_dir = workdir / "postgres"
        self.kafka = ""
        self.database_url = ""
        self.processes: list[subprocess.Popen] = []
        self._stops: list[list[str]] = []
        self.fernet_key = Fernet.generate_key().decode()
        self.issuer_key = workdir / "dev-issuer-key.pem"

    def start(self) -> None:
        """Start PostgreSQL and Kafka on free loopback ports."""
        pg = ["bash", str(REPO / "infra/postgres/postgres.sh")]
        # A cluster the server's user cannot keep under the work directory lives elsewhere and
        # outlives it: destroyed first, so every run starts from an empty database.
        self._run([*pg, "destroy", "--dir", str(self.pg_dir)])
        out = self._run([*pg, "start", "--port", str(free_port()), "--dir", str(self.pg_dir)])
        self._stops.append([*pg, "stop", "--dir", str(self.pg_dir)])
        self.database_url = _value(out, "DATABASE_URL")
        kafka = ["bash", str(REPO / "infra/kafka/kafka.sh")]
        ports = ["--port", str(free_port()), "--controller-port", str(free_port())]
        out = self._run([*kafka, "start", *ports, "--dir", str(self.kafka_dir)])
        self._stops.append([*kafka, "stop", "--dir", str(self.kafka_dir)])
        self.kafka = _value(out, "KAFKA_BOOTSTRAP_SERVERS")

    def _run(self, cmd: list[str], timeout: float = 180) -> str:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout, cwd=REPO).stdout

    def kafka_tool(self, main_class: str, *args: str, timeout: float = 180) -> str:
        """Run one of Kafka's own tools from the Maven jars; its standard output."""
        cmd = ["bash", str(REPO / "infra/kafka/kafka.sh"), "run-class", main_class, *args]
        return self._run(cmd, timeout)

    def env(self, hub_id: str, schema: str, **extra: str) -> dict[str, str]:
        """The environment of a service process of `hub_id`, with its own database schema."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBS_", "DATABASE_", "KAFKA_"))}
        env.update(
            HUBS_HUB_ID=hub_id,
            DATABASE_URL=self.database_url,
            DATABASE_SCHEMA=schema,
            KAFKA_BOOTSTRAP_SERVERS=self.kafka,
            HUBS_PERSONAL_DATA_KEYS=self.fernet_key,
            HUBS_AUTH_DEV_ISSUER="true",
            HUBS_DEV_ISSUER_KEY_FILE=str(self.issuer_key),
            HUBS_VAR_DIR=str(self.workdir),
            HUBS_LOG_LEVEL="WARNING",
            PYTHONPATH=str(REPO),
        )
        env.update(extra)
        return env

    def migrate(self, service: str, env: dict[str, str]) -> None:
        """Run `hubs-<service> migrate`."""
        subprocess.run([str(BIN / f"hubs-{service}"), "migrate"], env=env, check=True, capture_output=True, cwd=REPO)

    def analyze(self) -> None:
        """Gather the planner's statistics of every table, as autovacuum does within a minute of a
        table's growth: a benchmark's tables grow from empty in seconds, before its first round, and
        plans made for empty tables (kept by connections for their statements) scan them whole."""
        engine = create_engine(self.database_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
        finally:
            engine.dispose()

    def spawn(self, cmd: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen:
        """Start a process in a group of its own; `close()` stops it."""
        log = open(self.workdir / f"{log_name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=REPO, start_new_session=True)
        self.processes.append(process)
        return process

    def api(self, cmd: list[str], env: dict[str, str], bind: str, log_name: str, health: str = "/healthz"):
        """Start an API process and wait until it answers on `bind`."""
        process = self.spawn(cmd, env, log_name)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{log_name} exited with {process.returncode}")
            try:
                host, port = bind.split(":")
                with socket.create_connection((host, int(port)), timeout=1):
                    pass
                if health:
                    urllib.request.urlopen(f"http://{bind}{health}", timeout=5).read()
                return process
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{log_name} did not answer on {bind}")

    def stop(self, process: subprocess.Popen) -> None:
        """SIGTERM a process group and wait; SIGKILL if it lingers."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def close(self) -> None:
        """Stop every process, then Kafka and PostgreSQL."""
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.stop(process)
        for cmd in reversed(self._stops):
            subprocess.run(cmd, capture_output=True, timeout=120, cwd=REPO, check=False)
