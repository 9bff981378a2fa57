"""The compact profile: a whole hub in one process (`hubs-hub all`) against real Kafka and
PostgreSQL. The walking skeleton's journey passes through it, and SIGTERM stops it within its
grace period with every referral it acknowledged kept and passed on. The compact profile of the
end-to-end tests serves each API over HTTP and wakes each relay by the process's commits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.domain.periods import periods_of
from hubs.runtime import testing
from hubs.runtime.hub import HUB_SERVICES, prefix_of
from hubs.runtime.testing import Infra, eventually, free_port

pytestmark = pytest.mark.e2e

GRACE_SECONDS = 10
SELF_REFERRAL = {
    "name": "Canary Person-C4P",
    "email": "canary.c4p@example.org",
    "staff_group": "nursing-and-midwifery",
    "employment_type": "bank",
    "at_risk_factors": ["bame"],
    "demographics": {"ethnic_category": "M", "age_band": "25-34"},
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}
REFER_ON = {
    "practitioners": [{"practitioner_id": "staff-1", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0], "gad7": [1, 1, 1, 1, 1, 1, 1]},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["refer-on"], "reasons": "Low mood.", "refer_on_to": ["talking-therapies"]},
}


@pytest.fixture(autouse=True)
def profile(monkeypatch) -> str:
    """A whole hub in one process is the compact profile whatever the other tests run in."""
    monkeypatch.setenv("HUBS_TEST_PROFILE", "compact")
    return "compact"


class CompactHub:
    """`hubs-hub all` as a subprocess: every service of the test's hub in one process."""

    def __init__(self, infra: Infra, hub_id: str, log_file: Path):
        self.hub_id = hub_id
        self.urls = {name: f"http://127.0.0.1:{free_port()}" for name in HUB_SERVICES}
        self.metrics_url = f"http://127.0.0.1:{free_port()}"
        self.schemas = {name: f"{name.replace('-', '_')}_{hub_id}" for name in HUB_SERVICES}
        env = {
            **os.environ,
            "HUBS_HUB_ID": hub_id,
            "HUBS_REGION": "london",
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
            "NATIONAL_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
            "HUBS_TOPIC_PREFIX": f"test-{hub_id}.",
            "HUBS_NATIONAL_TOPIC_PREFIX": f"test-{hub_id}.",
            "HUBS_AUTH_DEV_ISSUER": "true",
            # A commit of the process wakes its relay: idle, it looks every 5 s, as in make run-compact.
            "HUBS_RELAY_IDLE_SECONDS": "5",
            "HUBS_CONSUMER_RETRY_BASE_SECONDS": "0.05",
            "HUBS_CONSUMER_RETRY_MAX_SECONDS": "0.5",
            "HUBS_METRICS_PORT": self.metrics_url.rpartition(":")[2],
            "HUBS_GRACE_SECONDS": str(GRACE_SECONDS),
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
        }
        for name in HUB_SERVICES:
            own = prefix_of(name)
            env[own + "DATABASE_URL"] = infra.database_url
            env[own + "DATABASE_SCHEMA"] = self.schemas[name]
            env[own + "HUBS_API_BIND"] = self.urls[name].removeprefix("http://")
        self.env = env
        self.database_url = infra.database_url
        self.log_file = log_file
        self.process: subprocess.Popen | None = None
        subprocess.run([*self.command, "migrate"], env=env, check=True, capture_output=True, timeout=180)

    @property
    def command(self) -> list[str]:
        return [str(Path(sys.executable).parent / "hubs-hub")]

    def start(self) -> CompactHub:
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen([*self.command, "all"], env=self.env, stdout=log, stderr=log)
        for url in self.urls.values():
            eventually(lambda url=url: self._ready(url), timeout=90)
        return self

    def _ready(self, url: str) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log_file.read_text()[-3000:]
        try:
            return requests.get(url + "/readyz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit code and how long the process took to end."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=GRACE_SECONDS * 3)
        return code, time.monotonic() - began

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def count(self, service: str, table: str) -> int:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(f'SELECT count(*) FROM "{self.schemas[service]}"."{table}"')).scalar_one()  # noqa: S608 - the test's own names
        finally:
            engine.dispose()


@pytest.fixture
def compact_hub(infra, hub_id, tmp_path) -> Iterator[CompactHub]:
    hub = CompactHub(infra, hub_id, tmp_path / "hub.log")
    try:
        yield hub
    finally:
        hub.kill()


def api(base: str, tokens: Callable[..., dict[str, str]]):
    def call(method: str, path: str, role: str | None = None, **kwargs) -> requests.Response:
        headers = tokens(role) if role else {}
        return requests.request(method, base + path, headers=headers, timeout=10, **kwargs)

    return call


def test_the_walking_skeleton_passes_through_a_whole_hub_in_one_process(compact_hub, run_service, hub_id, tokens):
    hub = compact_hub.start()
    national = run_service(REPORTING, reporting_mode="national", schema_suffix="national_").start_worker()
    referral, assessment = api(hub.urls["referral"], tokens), api(hub.urls["assessment"], tokens)
    outreach, reporting = api(hub.urls["outreach"], tokens), api(hub.urls["reporting"], tokens)

    for n in range(12):
        person = {**SELF_REFERRAL, "name": f"Canary Person-C4P {n}", "email": f"canary.c4p.{n}@example.org"}
        answer = referral("POST", "/v1/self-referrals", json=person)
        assert answer.status_code == 201, answer.text
    queue = referral("GET", "/v1/queue", "clinician").json()
    assert len(queue) == 12
    eventually(lambda: len(assessment("GET", "/v1/assessments", "clinician").json()) == 12)

    first = queue[0]
    answer = referral(
        "POST",
        f"/v1/referrals/{first['referral_id']}/contact-attempts",
        "clinician",
        json={"channel": "phone", "outcome": "contacted"},
    )
    assert answer.status_code == 201, answer.text
    eventually(
        lambda: [
            a
            for a in assessment("GET", "/v1/assessments", "clinician").json()
            if a["case_id"] == first["case_id"] and a["first_contact_at"]
        ]
    )
    answer = assessment("POST", f"/v1/cases/{first['case_id']}/assessment", "clinician", json=REFER_ON)
    assert answer.status_code == 200, answer.text
    event = {"kind": "inreach", "held_on": date.today().isoformat(), "attendance": 23, "staff_groups": ["ambulance"]}
    answer = outreach("POST", "/v1/outreach-events", "hub-lead", json=event)
    assert answer.status_code == 201, answer.text

    expected_in_hub = {"self_referrals": 12, "onward_referrals_made": 1, "outreach_events_held": 1}

    def hub_figures():
        figures = reporting("GET", "/v1/dataset", "hub-lead").json()["figures"]
        return figures if all(figures.get(k) == v for k, v in expected_in_hub.items()) else None

    eventually(hub_figures)

    def national_dataset(view: str) -> dict:
        dataset = national.client.get(
            f"/v1/national/dataset?view={view}", headers=tokens("national-analyst", hub="national")
        ).get_json()
        assert dataset["period"] == periods_of(datetime.now(UTC).date())["month"]
        mine = [h for h in dataset["hubs"] if h["hub_id"] == hub_id]
        return mine[0] if mine else {}

    def exact_report():
        figures = national_dataset("exact").get("figures", {})
        return figures if all(figures.get(k) == v for k, v in expected_in_hub.items()) else None

    assert eventually(exact_report)["outreach_attendance"] == 23
    published = national_dataset("published")
    assert published["region"] == "london"
    assert published["figures"]["self_referrals"] == 10 and published["figures"]["outreach_attendance"] == 25
    for small in ("onward_referrals_made", "outreach_events_held"):
        assert published["figures"][small] is None and published["markers"][small] == "suppressed"
    # One metrics port for the whole process, its /healthz following every worker and relay loop.
    assert requests.get(hub.metrics_url + "/healthz", timeout=5).json() == {"status": "ok"}
    scraped = requests.get(hub.metrics_url + "/metrics", timeout=5).text
    for name in HUB_SERVICES:
        assert f'hubs_loop_seconds_since_progress{{loop="relay",service="{name}"}}' in scraped, name


def test_sigterm_stops_the_hub_process_in_its_grace_period_and_loses_no_acknowledged_referral(compact_hub, tokens):
    hub = compact_hub.start()
    referral = api(hub.urls["referral"], tokens)
    acknowledged: list[str] = []
    done = threading.Event()

    def refer() -> None:
        while not done.is_set():
            someone = uuid.uuid4().hex[:8]  # a different person each time: none is linked to another
            person = {**SELF_REFERRAL, "name": f"Canary Person-{someone}", "email": f"canary.{someone}@example.org"}
            try:
                answer = referral("POST", "/v1/self-referrals", json=person)
            except requests.RequestException:  # refused once the hub stopped listening: not acknowledged
                time.sleep(0.05)
                continue
            if answer.status_code == 201:
                acknowledged.append(answer.json()["reference"])

    senders = [threading.Thread(target=refer) for _ in range(3)]
    for sender in senders:
        sender.start()
    eventually(lambda: len(acknowledged) >= 10, timeout=60, interval=0.05)

    code, took = hub.terminate()
    done.set()
    for sender in senders:
        sender.join(timeout=30)

    assert code == 0, hub.log_file.read_text()[-3000:]
    assert took < GRACE_SECONDS, took
    assert hub.count("referral", "referrals") >= len(acknowledged) > 0
    # Started again, the hub passes on every referral it acknowledged: none stayed behind.
    hub.start()
    eventually(lambda: hub.count("assessment", "assessments") >= len(acknowledged))
    assert hub.terminate()[0] == 0


def test_in_the_compact_profile_an_api_answers_over_http_and_its_commit_wakes_the_relay(run_service, monkeypatch):
    # Idle, the relay would not look again within the test: only the commit's wake publishes.
    monkeypatch.setattr(testing, "COMPACT_RELAY_IDLE_SECONDS", 600.0)
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    time.sleep(1)  # the relay's first look, at its start, is over

    answer = referral.client.post("/v1/self-referrals", json=SELF_REFERRAL)

    assert answer.status_code == 201, answer.text
    assert answer.headers["Server"].startswith("Werkzeug/")  # served over a socket, not called in the process
    outbox = f'"{referral.settings.database_schema}".outbox'

    def sent() -> int:
        with referral.wiring.engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {outbox} WHERE sent_at IS NOT NULL")).scalar_one()  # noqa: S608 - the test's own schema

    assert eventually(sent, timeout=30) >= 1
