"""An API served by several gunicorn workers (HUBS_API_WORKERS): the referral API as a real
process against the real PostgreSQL, many concurrent self-referrals, metrics added up over workers
and served on the metrics port (HUBS_METRICS_PORT), never on the API's own."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from prometheus_client.mmap_dict import MmapedDict
from sqlalchemy import create_engine, text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.migrations import upgrade
from hubs.runtime.testing import free_port

pytestmark = pytest.mark.integration

SELF_REFERRALS = 120
CONCURRENCY = 24


def _request(base: str, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    """One request on a connection of its own, so that the kernel may hand it to any worker."""
    host, _, port = base.removeprefix("http://").partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def _self_refer(base: str, n: int) -> tuple[int, dict]:
    body = {
        "name": f"Worker Test {n}",
        "email": f"workers-{n}@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
    }
    status, content = _request(base, "POST", "/v1/self-referrals", body)
    return status, json.loads(content) if status == 201 else {}


def _metric(page: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in page.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            total += float(match.group(2))
    return total


def _workers_that_answered(metrics_dir: Path) -> int:
    """How many processes counted an HTTP request in their own file of the metrics directory."""
    answered = 0
    for path in metrics_dir.glob("counter_*.db"):
        values = MmapedDict.read_all_values_from_file(str(path))
        answered += any('"hubs_http_requests_total"' in key and value > 0 for key, value, *_ in values)
    return answered


def _wait_healthy(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the API stopped while starting"
        try:
            if _request(base, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the API did not become healthy")


@pytest.fixture
def start_api(make_settings, tmp_path):
    """Start `hubs-referral api` as a process of its own with the given environment on top."""
    settings = make_settings("referral")
    upgrade(settings, DEFINITION.migrations_dir)
    started: list[subprocess.Popen] = []

    def start(**env: str) -> tuple[str, subprocess.Popen]:
        bind = f"127.0.0.1:{free_port()}"
        environment = {k: v for k, v in os.environ.items() if k not in ("PROMETHEUS_MULTIPROC_DIR", "HUBS_API_WORKERS")}
        environment |= {
            "DATABASE_URL": settings.database_url,
            "DATABASE_SCHEMA": settings.database_schema or "",
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "HUBS_HUB_ID": settings.hub_id,
            "HUBS_TOPIC_PREFIX": settings.topic_prefix,
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "100000/minute;burst=100000",
            "HUBS_API_THREADS": "4",
            "HUBS_LOG_LEVEL": "WARNING",
            **env,
        }
        # The virtualenv's command, whether or not the virtualenv is on PATH (CI runs its python).
        command = [shutil.which("hubs-referral") or str(Path(sys.executable).with_name("hubs-referral")), "api"]
        command += ["--bind", bind]
        with tmp_path.joinpath(f"api-{len(started)}.log").open("w") as log:
            process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=log)
        started.append(process)
        _wait_healthy(f"http://{bind}", process)
        return f"http://{bind}", process

    start.settings = settings  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def test_two_workers_take_many_concurrent_self_referrals_each_with_its_own_database_pool(start_api, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    base, _ = start_api(HUBS_API_WORKERS="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        answers = list(pool.map(lambda n: _self_refer(base, n), range(SELF_REFERRALS)))

    assert [status for status, _ in answers] == [201] * SELF_REFERRALS
    assert len({accepted["reference"] for _, accepted in answers}) == SELF_REFERRALS
    settings = start_api.settings
    engine = create_engine(settings.database_url, connect_args={"options": f"-csearch_path={settings.database_schema}"})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from referrals")).scalar_one() == SELF_REFERRALS
    finally:
        engine.dispose()
    assert _workers_that_answered(metrics_dir) == 2  # each worker took a share, with its own pool


def test_metrics_of_two_workers_add_up_on_the_metrics_port_and_not_on_the_api(start_api, tmp_path):
    metrics = f"http://127.0.0.1:{free_port()}"
    # No directory given: the API makes its own.
    port = metrics.rpartition(":")[2]
    base, process = start_api(HUBS_API_WORKERS="2", HUBS_METRICS_PORT=port, HUBS_LOG_LEVEL="INFO")
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        answers = list(pool.map(lambda n: _self_refer(base, n), range(SELF_REFERRALS)))
    assert all(status == 201 for status, _ in answers)

    assert _request(base, "GET", "/metrics")[0] == 404
    page = _request(metrics, "GET", "/metrics")[1].decode()

    endpoint = {"endpoint": "/v1/self-referrals", "method": "POST"}
    assert _metric(page, "hubs_http_requests_total", status="201", **endpoint) == SELF_REFERRALS
    assert _metric(page, "hubs_http_request_duration_seconds_count", **endpoint) == SELF_REFERRALS
    assert _metric(page, "hubs_referrals_received_total") == SELF_REFERRALS
    assert "pid=" not in page  # one series per label set, not one per worker
    # Where it says it made the directory (its environment is no witness: gunicorn's process titles
    # overwrite what /proc shows of it when setproctitle is installed).
    said = [json.loads(line) for line in (tmp_path / "api-0.log").read_text().splitlines() if line.startswith("{")]
    made = next(
        line["directory"] for line in said if line["message"] == "api workers share metrics through a directory"
    )
    assert Path(made).is_dir()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert not Path(made).exists()  # the directory it made is gone with it


def test_one_worker_serves_its_metrics_on_the_metrics_port_and_not_on_the_api(start_api):
    metrics = f"http://127.0.0.1:{free_port()}"
    base, _ = start_api(HUBS_METRICS_PORT=metrics.rpartition(":")[2])
    assert _self_refer(base, 1)[0] == 201

    assert _request(base, "GET", "/metrics")[0] == 404
    page = _request(metrics, "GET", "/metrics")[1].decode()
    assert _metric(page, "hubs_http_requests_total", endpoint="/v1/self-referrals", status="201") == 1
    assert _metric(page, "hubs_referrals_received_total") == 1


def test_a_client_flooding_two_workers_meets_one_limit_not_one_per_worker(start_api, tmp_path):
    metrics_dir = tmp_path / "metrics"
    base, _ = start_api(
        HUBS_API_WORKERS="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), HUBS_SELF_REFERRAL_RATE_LIMIT="5/hour;burst=5"
    )
    statuses: list[int] = []
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        # Refusals are quick, so one worker may take a whole round: flood until both have answered.
        for round_ in range(10):
            offset = round_ * 60
            statuses += [status for status, _ in pool.map(lambda n: _self_refer(base, n), range(offset, offset + 60))]
            if _workers_that_answered(metrics_dir) == 2:
                break

    assert _workers_that_answered(metrics_dir) == 2
    assert statuses.count(201) == 5
    assert statuses.count(429) == len(statuses) - 5
