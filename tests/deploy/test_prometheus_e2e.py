"""A real Prometheus server (Debian's package) scrapes running services of a hub on their metrics
port, over HTTP on loopback, finds the series the dashboards and alerts are built on, and evaluates
the rules; the APIs' own port serves no metrics."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
import yaml
from cryptography.fernet import Fernet
from deploy_checks import ROOT, system_tool

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.metrics import metrics_app
from hubs.runtime.testing import eventually, free_port, serve_in_thread

pytestmark = pytest.mark.e2e

SELF_REFERRAL = {
    "name": "Scrape Canary-P3",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}


@pytest.fixture
def serve() -> Iterator[Callable]:
    """Serve a Flask app over real HTTP on a loopback port until the test ends; gives the port."""
    with ExitStack() as servers:

        def start(app) -> int:
            return urllib.parse.urlsplit(servers.enter_context(serve_in_thread(app))).port

        yield start


@pytest.fixture
def prometheus(tmp_path) -> Iterator[Callable]:
    """Start a Prometheus server scraping the given targets every second, with the hubs' rules."""
    binary = system_tool("prometheus")
    started: list[subprocess.Popen] = []

    def start(hub_id: str, targets: dict[str, int]) -> str:
        port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml")],
            "scrape_configs": [
                {
                    "job_name": "hubs",
                    "honor_labels": True,
                    "static_configs": [
                        {"targets": [f"127.0.0.1:{p}"], "labels": {"hub_id": hub_id, "service": s, "component": "api"}}
                        for s, p in targets.items()
                    ],
                }
            ],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        log = (tmp_path / "prometheus.log").open("w")
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _get(url + "/-/ready") is not None, timeout=30)
        return url

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback only)
            return answer.read()
    except OSError:
        return None


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback only)
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def query(url: str, promql: str) -> list[dict]:
    """The result vector of an instant query."""
    body = _get(f"{url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}")
    return json.loads(body)["data"]["result"] if body else []


def test_prometheus_scrapes_the_services_and_evaluates_the_rules(run_service, hub_id, serve, prometheus):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    assessment = run_service(ASSESSMENT).start_worker()
    ports = {"referral": serve(referral.app), "assessment": serve(assessment.app)}
    # The processes of these services share one registry here: one metrics port stands for each.
    metrics_ports = {"referral": serve(metrics_app()), "assessment": serve(metrics_app())}
    assert _status(f"http://127.0.0.1:{ports['referral']}/metrics") == 404
    request = urllib.request.Request(
        f"http://127.0.0.1:{ports['referral']}/v1/self-referrals",
        data=json.dumps(SELF_REFERRAL).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback only)
        assert answer.status == 201

    url = prometheus(hub_id, metrics_ports)
    mine = f'hub_id="{hub_id}"'

    up = eventually(lambda: len(query(url, f'up{{job="hubs",{mine}}} == 1')) == 2 or None)
    assert up
    received = eventually(
        lambda: query(url, f'hubs_http_requests_total{{{mine},service="referral",endpoint="/v1/self-referrals"}}')
    )
    assert received[0]["metric"]["status"] == "201" and float(received[0]["value"][1]) >= 1
    assert eventually(lambda: query(url, f'hubs_http_request_duration_seconds_bucket{{{mine},service="referral"}}'))
    # The relay published the ReferralReceived event and the assessment worker applied it.
    assert eventually(lambda: query(url, f'hubs_outbox_published_total{{{mine},service="referral"}} >= 1'))
    assert eventually(lambda: query(url, f'hubs_outbox_backlog{{{mine},service="referral"}}'))
    assert eventually(lambda: query(url, f'hubs_consumer_processed_total{{{mine},service="assessment"}} >= 1'))

    # Traffic while Prometheus watches, so the rates it records have something to divide.
    for _ in range(4):
        assert _get(f"http://127.0.0.1:{ports['referral']}/openapi.json")
        time.sleep(1.5)

    # The rules loaded and evaluate against these series: every group healthy, the SLO ratio recorded.
    groups = json.loads(_get(f"{url}/api/v1/rules"))["data"]["groups"]
    shipped = yaml.safe_load((ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text())["groups"]
    assert {g["name"] for g in groups} == {g["name"] for g in shipped}
    assert all(rule["health"] == "ok" for g in groups for rule in g["rules"]), groups
    ratio = eventually(
        lambda: query(url, f'hubs:api_availability_errors:ratio_rate5m{{{mine},service="referral"}} == 0'), timeout=60
    )
    assert ratio[0]["metric"]["service"] == "referral"
