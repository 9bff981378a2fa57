"""A person's erasure request made in the referral service reaches the assessment service over the
real broker: the reasons for their case's outcome and the text of its notes (clinical free text) are
erased there too and the erasure audited, while the event that carries the request says nothing about the person."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer
from sqlalchemy import select

from hubs.assessment.adapters.orm import reasons_access_audit
from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.contracts.topics import hub_topic
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import database_dump, eventually

pytestmark = pytest.mark.integration

PERSON = {
    "name": "Canary Person-E4R",
    "email": "canary.e4r@example.org",
    "phone": "07700 900417",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}
REASONS = "Canary reasons E4R: nightmares since the ward fire"
NEEDLES = ("canary", "e4r", "900417", "nightmares")
ASSESSMENT_BODY = {
    "practitioners": [{"practitioner_id": "staff-17", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0], "gad7": [1, 1, 1, 1, 1, 1, 1]},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["refer-on"], "reasons": REASONS, "refer_on_to": ["talking-therapies"]},
}


def referral_events(service, case_id: str) -> list[dict]:
    """Every envelope of the case on the hub's referral topic, from the start."""
    s = service.settings
    consumer = KafkaConsumer(
        hub_topic(s.hub_id, "referral", prefix=s.topic_prefix), bootstrap_servers=s.kafka_bootstrap_servers,
        auto_offset_reset="earliest", enable_auto_commit=False, group_id=None, consumer_timeout_ms=1500,
    )  # fmt: skip
    try:
        return [e for e in (json.loads(r.value) for r in consumer) if e.get("case_id") == case_id]
    finally:
        consumer.close()


def test_an_erasure_in_the_referral_service_erases_the_outcome_reasons_in_assessment(run_service, tokens):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    assessment = run_service(ASSESSMENT, extra={"HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode()})
    assessment.start_worker()
    clinician, lead = tokens("clinician"), tokens("hub-lead", subject="lead-9")

    assert referral.client.post("/v1/self-referrals", json=PERSON).status_code == 201
    [queued] = referral.client.get("/v1/queue", headers=clinician).get_json()
    case_id, referral_id = queued["case_id"], queued["referral_id"]
    contact = {"channel": "phone", "outcome": "contacted"}
    contacted = referral.client.post(f"/v1/referrals/{referral_id}/contact-attempts", json=contact, headers=clinician)
    assert contacted.status_code in (200, 201), contacted.get_json()
    assessed = eventually(
        lambda: (
            (
                answer := assessment.client.post(
                    f"/v1/cases/{case_id}/assessment", json=ASSESSMENT_BODY, headers=clinician
                )
            ).status_code
            == 200
            and answer
        )
    )
    assert "Canary" not in assessed.get_data(as_text=True)
    note = {"kind": "safeguarding", "text": "Canary note E4R: nightmares, partner worried"}
    assert assessment.client.post(f"/v1/cases/{case_id}/notes", json=note, headers=clinician).status_code == 201

    assert referral.client.post(f"/v1/referrals/{referral_id}/erasure", headers=lead).status_code == 200

    reasons = f"/v1/cases/{case_id}/assessment/reasons?purpose=erasure-request"
    read = eventually(lambda: (r := assessment.client.get(reasons, headers=lead).get_json())["erased_at"] and r)
    assert read["reasons"] is None
    notes = f"/v1/cases/{case_id}/notes?purpose=erasure-request"
    [erased_note] = eventually(
        lambda: (n := assessment.client.get(notes, headers=lead).get_json())[0]["erased_at"] and n
    )
    assert erased_note["text"] is None
    dump = database_dump(assessment.wiring.engine).lower()
    assert not [n for n in NEEDLES if n in dump], "the assessment database keeps none of it"
    with assessment.wiring.engine.connect() as conn:
        audits = conn.execute(select(reasons_access_audit).order_by(reasons_access_audit.c.at)).all()
    # Each read while waiting is audited too; the erasure once, the referral service as who erased.
    for action in ("erase-outcome-reasons", "erase-case-notes"):
        assert [(a.subject, a.roles, a.purpose) for a in audits if a.action == action] == [
            (f"referral@{referral.settings.hub_id}", "", "erasure-request")
        ]
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=clinician).get_json()["outcome"][
        "decisions"
    ] == ["refer-on"], "the coded outcome stays"

    [erased] = [e for e in referral_events(referral, case_id) if e["event_type"] == "PersonalDataErased"]
    assert set(erased["data"]) == {"referral_id", "erased_at", "reason"}
    assert erased["data"]["reason"] == "person-requested" and erased["data"]["referral_id"] == referral_id
    assert not [n for n in NEEDLES if n in json.dumps(erased).lower()], "the event says nothing about the person"
