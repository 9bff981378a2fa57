"""One case lifecycle over the real broker and PostgreSQL, with the referral, assessment and care
services' workers and relays running: a case closed in the referral service closes in care and in
assessment; a case closed in care closes in the referral service (and so in assessment). Either
way exactly one EpisodeClosed and one ReferralClosed go out: neither closure comes back."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer, TopicPartition

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.contracts.topics import hub_topic
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

SETTLE_SECONDS = 3.0  # long enough for any reaction to a reaction to have reached the broker
AN_ASSESSMENT = {
    "practitioners": [{"practitioner_id": "staff-17", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 0, 0, 0, 0], "gad7": [1, 1, 1, 1, 0, 0, 0]},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["signpost"], "reasons": "Mild symptoms.", "signpost_to": ["self-help"]},
}


def self_referral(tag: str) -> dict:
    return {
        "name": f"Canary Person-{tag}",
        "email": f"canary.{tag.lower()}@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
    }


def on_topic(bootstrap: str, topic: str, case_id: str) -> list[str]:
    """The event types of the case on the topic, read from the start to the end it had when asked
    (to its end offsets, not until a quiet spell: a busy machine may be slow to fetch)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: list[tuple[int, int, str]] = []
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"{topic} not read to its end within 60 s"
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    envelope = json.loads(r.value)
                    if envelope.get("case_id") == case_id:
                        found.append((r.partition, r.offset, envelope["event_type"]))
        # A case's events share a key, hence a partition: offset order is their order.
        return [event_type for _, _, event_type in sorted(found)]
    finally:
        consumer.close()


def care_case(care, case_id: str, headers: dict) -> dict:
    return care.client.get(f"/v1/cases/{case_id}", headers=headers).get_json()


def stored_referral(referral, referral_id: str):
    with referral.wiring.uow_factory() as uow:
        return uow.referrals.get(uuid.UUID(referral_id))


def test_a_case_closed_in_either_service_closes_in_all_of_them_with_one_closure_each(run_service, tokens):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    referral.start_worker().start_relay()
    care = run_service(CARE).start_worker().start_relay()
    assessment = run_service(ASSESSMENT).start_worker().start_relay()
    clinician = tokens("clinician")
    s = care.settings
    referral_topic = hub_topic(s.hub_id, "referral", prefix=s.topic_prefix)
    care_topic = hub_topic(s.hub_id, "care", prefix=s.topic_prefix)
    today = datetime.now(UTC).date().isoformat()

    for tag in ("L1R", "L2C"):
        assert referral.client.post("/v1/self-referrals", json=self_referral(tag)).status_code == 201
    queued = referral.client.get("/v1/queue", headers=clinician).get_json()
    [(closed_in_referral, referral_id), (closed_in_care, other_referral_id)] = [
        (q["case_id"], q["referral_id"]) for q in queued
    ]
    for case_id in (closed_in_referral, closed_in_care):
        eventually(lambda c=case_id: care.client.get(f"/v1/cases/{c}", headers=clinician).status_code == 200)
        eventually(
            lambda c=case_id: assessment.client.get(f"/v1/cases/{c}/assessment", headers=clinician).status_code == 200
        )
    plan = care.client.post(f"/v1/cases/{closed_in_referral}/monitoring-plans", json={"started_on": today,
                            "review_interval_days": 14}, headers=clinician)  # fmt: skip
    assert plan.status_code == 201, plan.get_json()

    # Closed in the referral service (as the portal's "close case" does): care and assessment follow.
    closure = referral.client.post(
        f"/v1/referrals/{referral_id}/closure", json={"reason": "uncontactable"}, headers=clinician
    )
    assert closure.status_code == 200, closure.get_json()
    record = eventually(lambda: (r := care_case(care, closed_in_referral, clinician))["status"] == "closed" and r)
    assert record["closure_reason"] == "uncontactable"
    assert [p["ended_on"] for p in record["monitoring_plans"]] == [today]  # no more follow-ups

    # Closed in care: the referral service follows.
    closure = care.client.post(
        f"/v1/cases/{closed_in_care}/closure", json={"reason": "care-completed"}, headers=clinician
    )
    assert closure.status_code == 200, closure.get_json()
    closed = eventually(lambda: (r := stored_referral(referral, other_referral_id)).status == "closed" and r)
    assert closed.closure_reason.value == "care-completed"
    assert referral.client.get("/v1/queue", headers=clinician).get_json() == []

    # Both cases leave assessment's to-do list, and a new assessment of either is refused as closed.
    eventually(lambda: assessment.client.get("/v1/assessments", headers=clinician).get_json() == [])
    for case_id in (closed_in_referral, closed_in_care):
        assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=clinician).get_json()["status"] == (
            "closed"
        )
        refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=AN_ASSESSMENT, headers=clinician)
        assert refused.status_code == 409 and refused.get_json()["detail"].startswith("The case is closed")

    time.sleep(SETTLE_SECONDS)
    for case_id in (closed_in_referral, closed_in_care):
        on_care = on_topic(s.kafka_bootstrap_servers, care_topic, case_id)
        on_referral = on_topic(s.kafka_bootstrap_servers, referral_topic, case_id)
        assert (on_care.count("EpisodeClosed"), on_referral.count("ReferralClosed")) == (1, 1), (on_care, on_referral)
        assert on_referral[-1] == "ReferralClosed" and on_care[-1] == "EpisodeClosed"
