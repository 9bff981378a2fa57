"""One member of staff through the clinical pathway over real Kafka and PostgreSQL:
referral -> rapid assessment -> onward referral (its wait escalated past target) ->
treatment -> follow-up measures -> closure, with the events on the topics and the case's
NHS Talking Therapies outcome at the end."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.contracts.topics import hub_topic
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.e2e

SELF_REFERRAL = {
    "name": "Canary Person-P4W",
    "email": "canary.p4w@example.org",
    "staff_group": "nursing-and-midwifery",
    "employment_type": "substantive",
    "at_risk_factors": ["redeployed-intensive-role"],
    "demographics": {"ethnic_category": "H", "age_band": "35-44"},
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}

ASSESSMENT_RECORD = {
    "practitioners": [
        {"practitioner_id": "staff-3", "discipline": "psychology"},
        {"practitioner_id": "staff-9", "discipline": "nursing"},
    ],
    "measures": {
        "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0],  # 16, moderately severe
        "gad7": [2, 2, 2, 2, 2, 1, 1],  # 12, moderate
        "wsas": {"items": [6, 5, 4, 4, 3]},
    },
    "work_situation": {"situation": "off-sick", "off_sick_for_mental_health": True},
    "occupational_health_consent": {"given": True},
    "outcome": {
        "decisions": ["refer-on", "liaise-occupational-health"],
        "reasons": "Depression and anxiety after redeployment to critical care; wants talking therapy.",
        "refer_on_to": ["talking-therapies"],
    },
}


def case_events(bootstrap_servers: str, topics: list[str], case_id: str, until: str) -> list[dict]:
    """Every event of the case on `topics`, read from the start until `until` has been seen."""
    consumer = KafkaConsumer(
        *topics, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest", enable_auto_commit=False,
        group_id=None, consumer_timeout_ms=1000,
    )  # fmt: skip
    seen: list[dict] = []
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and until not in [e["event_type"] for e in seen]:
            for record in consumer:
                envelope = json.loads(record.value)
                if envelope.get("case_id") == case_id:
                    seen.append(envelope)
    finally:
        consumer.close()
    return sorted(seen, key=lambda e: e["occurred_at"])


def test_a_referral_is_assessed_referred_on_treated_followed_up_and_closed_with_its_outcome(run_service, tokens):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    assessment = run_service(ASSESSMENT).start_worker().start_relay()
    care = run_service(CARE, extra={"HUBS_DUE_CHECK_SECONDS": "0.5"})
    today = [datetime.now(UTC).date()]
    care.wiring.extras["today"] = lambda: today[0]  # the due check's clock, moved on below
    care.start_worker().start_relay()
    clinician, lead = tokens("clinician"), tokens("hub-lead")

    # Referral: the hub keeps a directory entry for Talking Therapies with a 14-day target.
    directory = {
        "name": "Talking Therapies staff pathway",
        "service_type": "talking-therapies",
        "target_wait_days": 14,
        "how_to_refer": "Referral form by secure email",
        "competencies": ["bame"],
    }
    assert care.client.post("/v1/directory", json=directory, headers=lead).status_code == 201
    assert referral.client.post("/v1/self-referrals", json=SELF_REFERRAL).status_code == 201
    [queued] = referral.client.get("/v1/queue", headers=clinician).get_json()
    case_id = queued["case_id"]

    # First contact: the hub reaches the person; only then can they be assessed.
    contact = {"channel": "phone", "outcome": "contacted"}
    made = referral.client.post(
        f"/v1/referrals/{queued['referral_id']}/contact-attempts", json=contact, headers=clinician
    )
    assert made.status_code == 201, made.get_json()

    # Assessment: the referral became an assessment to do; a clinician completes it.
    eventually(
        lambda: [
            a for a in assessment.client.get("/v1/assessments", headers=clinician).get_json() if a["first_contact_at"]
        ]
    )
    done = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT_RECORD, headers=clinician)
    assert done.status_code == 200, done.get_json()

    # Onward referral: care co-ordination referred on to the directory's competent service.
    def onward_referral():
        answer = care.client.get(f"/v1/cases/{case_id}", headers=clinician)
        return answer.status_code == 200 and answer.get_json()["onward_referrals"]

    [onward] = eventually(onward_referral)
    assert onward["service_type"] == "talking-therapies" and onward["target_wait_days"] == 14
    liaison = care.client.post(
        f"/v1/cases/{case_id}/occupational-health-liaisons",
        json={"liaised_on": today[0].isoformat()},
        headers=clinician,
    )
    assert liaison.status_code == 201, liaison.get_json()

    # Three weeks on with no start: the worker's due check escalates the wait.
    today[0] += timedelta(days=21)

    def escalated():
        over = care.client.get("/v1/waits?over_target=true", headers=lead).get_json()
        return [w for w in over if w["escalated_on"]]

    over = eventually(escalated)
    assert over[0]["case_id"] == case_id and over[0]["contingency"] == "chased-service"
    assert over[0]["case_id"] == case_id and over[0]["escalated_on"] == today[0].isoformat()

    # Treatment starts and ends; its end asks the assessment service for follow-up measures.
    # (Dates are real ones: only the due check's clock was moved on, and no record may be dated
    # in the future.)
    rid = onward["onward_referral_id"]
    real_today = datetime.now(UTC).date().isoformat()
    for path, body in (
        ("acceptance", {"accepted_on": real_today}),
        ("treatment-start", {"started_on": real_today}),
        ("treatment-end", {"ended_on": real_today, "reason": "completed"}),
    ):
        answer = care.client.post(f"/v1/onward-referrals/{rid}/{path}", json=body, headers=clinician)
        assert answer.status_code == 200, answer.get_json()

    [due] = eventually(lambda: assessment.client.get("/v1/follow-ups", headers=clinician).get_json())
    follow_up = {"follow_up_id": due["follow_up_id"], "work_situation": "at-work",
                 "measures": {"phq9": [1, 1, 1, 0, 0, 0, 0, 0, 0], "gad7": [1, 1, 1, 0, 0, 0, 0]}}  # fmt: skip
    measured = assessment.client.post(f"/v1/cases/{case_id}/follow-ups", json=follow_up, headers=clinician)
    assert measured.status_code == 201, measured.get_json()

    closed = care.client.post(f"/v1/cases/{case_id}/closure", json={"reason": "care-completed"}, headers=clinician)
    assert closed.status_code == 200, closed.get_json()

    # The events of the case, as every other service (and reporting) sees them on Kafka.
    s = care.settings
    topics = [hub_topic(s.hub_id, service, prefix=s.topic_prefix) for service in ("assessment", "care")]
    seen = case_events(s.kafka_bootstrap_servers, topics, case_id, until="EpisodeClosed")
    assert [e["event_type"] for e in seen] == [
        "AssessmentCompleted", "OnwardReferralMade", "OccupationalHealthLiaised", "WaitEscalated",
        "OnwardReferralAccepted", "TreatmentStarted", "TreatmentEnded", "FollowUpDue", "FollowUpMeasured",
        "EpisodeClosed",
    ]  # fmt: skip
    by_type = {e["event_type"]: e["data"] for e in seen}
    assert by_type["AssessmentCompleted"]["measures"]["phq9"] == {
        "total": 16, "band": "moderately-severe", "item9_positive": False,
    }  # fmt: skip
    assert by_type["WaitEscalated"]["threshold_days"] == 14 and by_type["WaitEscalated"]["waited_days"] == 21
    assert by_type["FollowUpMeasured"]["follow_up_id"] == due["follow_up_id"]
    assert by_type["FollowUpMeasured"]["outcomes"] == {
        "case_at_first": True, "case_at_latest": False, "reliable_improvement": True,
        "reliable_deterioration": False, "recovery": True, "reliable_recovery": True,
    }  # fmt: skip
    assert by_type["EpisodeClosed"]["reason"] == "care-completed"
    assert "Canary" not in json.dumps(seen) and "redeployment" not in json.dumps(seen)

    # The per-case outcome, as the hub's clinicians see it.
    outcome = assessment.client.get(f"/v1/cases/{case_id}/outcomes", headers=lead).get_json()
    assert outcome["outcomes"]["reliable_recovery"] is True
