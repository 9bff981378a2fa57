"""A referral withdrawn in the referral service closes the care episode, over the real broker,
with both services' workers and relays running: waiting onward referrals are called off,
monitoring stops, the EpisodeClosed that reaches the referral service changes nothing there, and
redeliveries change nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import func, select

from hubs.care_coordination.adapters.orm import outbox, processed_events
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.contracts import message_headers, message_key
from hubs.contracts.topics import hub_topic
from hubs.referral.adapters.orm import outbox as referral_outbox
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

SETTLE_SECONDS = 3.0  # long enough for any reaction to a reaction to have reached the broker

SELF_REFERRAL = {
    "name": "Canary Person-W8D",
    "email": "canary.w8d@example.org",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}


def on_topic(bootstrap: str, topic: str, case_id: str) -> list[dict]:
    """Every envelope of the case on the topic, from the start, in offset order."""
    consumer = KafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
        group_id=None, consumer_timeout_ms=1500,
    )  # fmt: skip
    try:
        return [e for e in (json.loads(r.value) for r in consumer) if e.get("case_id") == case_id]
    finally:
        consumer.close()


def types(envelopes: list[dict]) -> list[str]:
    return [e["event_type"] for e in envelopes]


def count(service, table, *where) -> int:
    with service.wiring.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()


def test_a_withdrawn_referral_closes_the_care_episode_once_with_no_echo(run_service, tokens, assess):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    referral.start_worker().start_relay()
    care = run_service(CARE).start_worker().start_relay()
    clinician = tokens("clinician")
    s = care.settings
    referral_topic = hub_topic(s.hub_id, "referral", prefix=s.topic_prefix)
    care_topic = hub_topic(s.hub_id, "care", prefix=s.topic_prefix)
    today = datetime.now(UTC).date().isoformat()

    assert referral.client.post("/v1/self-referrals", json=SELF_REFERRAL).status_code == 201
    [queued] = referral.client.get("/v1/queue", headers=clinician).get_json()
    case_id, referral_id = queued["case_id"], queued["referral_id"]
    eventually(lambda: care.client.get(f"/v1/cases/{case_id}", headers=clinician).status_code == 200)
    assess(care, case_id)  # a case is referred on once assessed

    # In care: one onward referral waiting, one accepted, one in treatment; the person monitored.
    onward = {}
    for name, service_type in (
        ("waiting", "talking-therapies"),
        ("accepted", "bereavement"),
        ("treated", "peer-support"),
    ):
        body = {"case_id": case_id, "service_type": service_type, "made_on": today}
        made = care.client.post("/v1/onward-referrals", json=body, headers=clinician)
        assert made.status_code == 201, made.get_json()
        onward[name] = made.get_json()["onward_referral_id"]
    for name, step, body in (("accepted", "acceptance", {"accepted_on": today}),
                             ("treated", "treatment-start", {"started_on": today})):  # fmt: skip
        answer = care.client.post(f"/v1/onward-referrals/{onward[name]}/{step}", json=body, headers=clinician)
        assert answer.status_code == 200, answer.get_json()
    plan = care.client.post(f"/v1/cases/{case_id}/monitoring-plans", json={"started_on": today,
                            "review_interval_days": 14}, headers=clinician)  # fmt: skip
    assert plan.status_code == 201, plan.get_json()

    withdrawal = referral.client.post(
        f"/v1/referrals/{referral_id}/withdrawal", json={"reason": "person-asked"}, headers=clinician
    )
    assert withdrawal.status_code == 200, withdrawal.get_json()

    record = eventually(
        lambda: (r := care.client.get(f"/v1/cases/{case_id}", headers=clinician).get_json())["status"] == "closed" and r
    )
    assert record["closure_reason"] == "withdrawn"
    assert {o["onward_referral_id"]: (o["status"], o["decline_reason"]) for o in record["onward_referrals"]} == {
        onward["waiting"]: ("withdrawn", "person-declined"),
        onward["accepted"]: ("withdrawn", "person-declined"),
        onward["treated"]: ("in-treatment", None),
    }
    assert [p["ended_on"] for p in record["monitoring_plans"]] == [today]
    eventually(lambda: "EpisodeClosed" in types(on_topic(s.kafka_bootstrap_servers, care_topic, case_id)))

    # Redelivery: the same ReferralWithdrawn twice more, and a copy of it under a new event id.
    [withdrawn] = [e for e in on_topic(s.kafka_bootstrap_servers, referral_topic, case_id)
                   if e["event_type"] == "ReferralWithdrawn"]  # fmt: skip
    copy = {**withdrawn, "event_id": str(uuid.uuid4())}
    producer = KafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, acks="all")
    try:
        for envelope in (withdrawn, withdrawn, copy):
            producer.send(referral_topic, key=message_key(envelope).encode(), value=json.dumps(envelope).encode(),
                          headers=message_headers(envelope))  # fmt: skip
        producer.flush(timeout=10)
    finally:
        producer.close()
    eventually(lambda: count(care, processed_events, processed_events.c.event_id == uuid.UUID(copy["event_id"])))
    time.sleep(SETTLE_SECONDS)

    # Care said it once; the referral service, which reads EpisodeClosed, found the referral
    # withdrawn already and said nothing more.
    care_events = on_topic(s.kafka_bootstrap_servers, care_topic, case_id)
    after_withdrawal = types(care_events)[types(care_events).index("MonitoringStarted") + 1 :]
    assert after_withdrawal == ["OnwardReferralDeclined", "OnwardReferralDeclined", "MonitoringEnded", "EpisodeClosed"]
    assert count(care, outbox, outbox.c.event_type == "EpisodeClosed") == 1
    referral_events = types(on_topic(s.kafka_bootstrap_servers, referral_topic, case_id))
    assert referral_events.count("ReferralClosed") == 1
    assert [t for t in referral_events if t != "ReferralWithdrawn"] == [
        "ReferralReceived", "ReferralTriaged", "ReferralClosed",
    ]  # fmt: skip
    assert referral_events.count("ReferralWithdrawn") == 1 + 3  # the original and the three redeliveries
    assert count(referral, referral_outbox) == 4  # received, triaged, withdrawn, closed: nothing since
