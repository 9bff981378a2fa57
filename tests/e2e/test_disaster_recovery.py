"""The disaster-recovery drill of docs/operations.md, run as an operator would: a hub's reporting
database is lost (its schema dropped), the documented commands rebuild it from the event topics
(`hubs-reporting migrate`, then `hubs-reporting replay` with a new generation), and every figure of
the hub's data set, and of the report it sends the national team, is what it was before."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from kafka import KafkaProducer
from sqlalchemy import create_engine, text

from hubs.contracts import message_headers, message_key, new_envelope
from hubs.contracts.topics import hub_topic
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.entrypoints.cli import periods_waiting
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.e2e

HUBS_REPORTING = Path(sys.executable).with_name("hubs-reporting")


def _replay_test():
    """The events of tests/e2e/test_reporting_replay.py: cases on time and late, across two months."""
    path = Path(__file__).with_name("test_reporting_replay.py")
    spec = importlib.util.spec_from_file_location("reporting_replay_events", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_events = _replay_test()
FAST_CLOSE, story = _events.FAST_CLOSE, _events.story


def operator_environment(settings, **more: str) -> dict[str, str]:
    """The variables a deployment gives the reporting service, as the operator's shell has them."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HUBS_")}
    environment |= settings.extra
    environment |= {
        "HUBS_HUB_ID": settings.hub_id,
        "HUBS_HUB_NAME": settings.hub_name,
        "HUBS_REGION": settings.region,
        "HUBS_REPORTING_MODE": "hub",
        "DATABASE_URL": settings.database_url,
        "DATABASE_SCHEMA": settings.database_schema,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "NATIONAL_KAFKA_BOOTSTRAP_SERVERS": settings.national_kafka_bootstrap_servers,
        "HUBS_TOPIC_PREFIX": settings.topic_prefix,
        "HUBS_NATIONAL_TOPIC_PREFIX": getattr(settings, "national_topic_prefix", ""),
        "HUBS_RECORDS_START": settings.records_start.isoformat(),
    }
    return environment | more


def operator_runs(*command: str, environment: dict[str, str]) -> None:
    done = subprocess.run([str(HUBS_REPORTING), *command], env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"hubs-reporting {' '.join(command)}:\n{done.stdout}\n{done.stderr}"


def everything_the_hub_lead_and_the_national_team_see(service, lead: dict[str, str]) -> dict:
    """Every period's figures of the hub's data set and of its report to the national team
    (without the report versions, which a rebuild carries on above those already sent)."""
    with service.wiring.uow_factory() as uow:
        periods = sorted(uow.figures.all_figures())
    seen = {}
    for period_type, period in periods:
        query = {"period_type": period_type, "period": period}
        dataset = service.client.get("/v1/dataset", query_string=query, headers=lead)
        report = service.client.get("/v1/dataset/report", query_string=query, headers=lead)
        assert dataset.status_code == report.status_code == 200, (dataset.get_json(), report.get_json())
        seen[(period_type, period)] = {
            "dataset": dataset.get_json()["figures"],
            "national report": report.get_json()["figures"],
            "state": dataset.get_json().get("state"),
        }
    return seen


def signing_key(folder: Path) -> dict[str, str]:
    """The hub's report signing key (its relay signs every report it sends)."""
    key = folder / "report-signing-key.pem"
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key.write_bytes(pem)
    key.chmod(0o600)
    return {"HUBS_REPORT_SIGNING_KEY_FILE": str(key), "HUBS_REPORT_SIGNING_KEY_ID": "drill-hub-1"}


def test_a_lost_reporting_database_is_rebuilt_from_the_topics_by_the_documented_drill(
    run_service, hub_id, tokens, tmp_path
):
    original = run_service(REPORTING, extra={**FAST_CLOSE, **signing_key(tmp_path)}).start_worker()
    settings = original.settings
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    rng = random.Random(23)
    stories = [story(hub_id, n, rng) for n in range(12)]
    events = [e for on_time, late in stories for e in on_time + late]
    training = {"training_session_id": str(uuid.uuid4()), "delivered_on": "2026-09-15", "audience": "teams",
                "topic": "psychological-first-aid", "attendance": 17, "duration_minutes": 60,
                "delivery_mode": "in-person"}  # fmt: skip
    events.append(("outreach", new_envelope("TrainingDelivered", training, hub_id=hub_id, producer="outreach@t")))
    try:
        for service, envelope in events:
            producer.send(
                hub_topic(hub_id, service, prefix=settings.topic_prefix),
                key=message_key(envelope).encode(),
                value=json.dumps(envelope).encode(),
                headers=message_headers(envelope),
            )
        producer.flush(timeout=30)
    finally:
        producer.close()
    lead = tokens("hub-lead")
    upload = original.client.post(
        "/v1/sickness-absence",
        data="employer,month,mental_health_days_lost\nNorth Trust,2026-09,40\nSouth Trust,2026-10,7.5\n",
        content_type="text/csv",
        headers=lead,
    )
    assert upload.status_code == 201, upload.get_json()

    def settled() -> bool:
        with original.wiring.uow_factory() as uow:
            figures = uow.figures.all_figures()
            facts = uow.cases.all_facts()
        absence = figures.get(("month", "2026-10"), {}).get("sickness_absence.days_lost_mental_health")
        # The upload counts once its event is back from the topic (7.5 days, counted as 8): until then
        # the month's figures exist, with none of it.
        return len(facts) == 12 and absence == 8 and periods_waiting(original.wiring.engine) == 0

    # The import's event goes out through the reporting relay, as the hub's other events do.
    original.start_relay()
    eventually(settled, timeout=120)
    before = everything_the_hub_lead_and_the_national_team_see(original, lead)
    original.close()

    # The loss: the reporting schema is gone.
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{settings.database_schema}" CASCADE'))
    engine.dispose()

    # The drill, as docs/operations.md writes it.
    environment = operator_environment(settings, HUBS_REPORTING_GENERATION=f"restore-{uuid.uuid4().hex[:8]}")
    operator_runs("migrate", environment=environment)
    operator_runs("replay", "--timeout", "240", environment=environment)

    restored = run_service(REPORTING, extra={**settings.extra, **_generation(environment)})
    after = everything_the_hub_lead_and_the_national_team_see(restored, lead)

    assert after == before
    september = after[("month", "2026-09")]["dataset"]
    assert september["referrals_received"] == 12
    assert september["training_attendance"] == 17
    assert september["sickness_absence.days_lost_mental_health"] == 40
    assert len(after) >= 15  # weeks, months, quarters and the year


def _generation(environment: dict[str, str]) -> dict[str, str]:
    return {"HUBS_REPORTING_GENERATION": environment["HUBS_REPORTING_GENERATION"]}
