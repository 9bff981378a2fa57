"""The assessment API against a real PostgreSQL: completing an assessment, refusals as
problem JSON, case access, follow-ups and outcomes, and the events in the outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hubs.assessment.adapters.orm import outbox
from hubs.assessment.bootstrap import DEFINITION
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes

pytestmark = pytest.mark.integration


@pytest.fixture
def assessment(run_service):
    return run_service(DEFINITION, extra={"HUBS_PC_PTSD5_CUT_OFF": "4"})


def referred(service, urgency=codes.Urgency.ROUTINE) -> uuid.UUID:
    """A case as the worker records it on ReferralReceived."""
    case_id = uuid.uuid4()
    event = {
        "case_id": case_id,
        "data": {"urgency": urgency, "received_at": datetime.now(UTC), "referral_id": uuid.uuid4()},
    }
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_received(event, uow)
        uow.commit()
    return case_id


ASSESSMENT = {
    "practitioners": [
        {"practitioner_id": "staff-17", "discipline": "psychology"},
        {"practitioner_id": "staff-22", "discipline": "psychiatry"},
    ],
    "measures": {
        "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0],
        "gad7": [2, 2, 2, 2, 1, 1, 1],
        "pcl5": [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0],
        "pc_ptsd5": [1, 1, 1, 0, 0],
        "wsas": {"items": [6, 4, 4, 3, 3], "retired_or_not_working": False},
        "audit_c": [1, 1, 0],
    },
    "work_situation": {"situation": "off-sick", "off_sick_for_mental_health": True},
    "occupational_health_consent": {"given": True},
    "outcome": {
        "decisions": ["refer-on", "liaise-occupational-health", "monitor"],
        "reasons": "Moderately severe depression with trauma symptoms after ICU redeployment.",
        "refer_on_to": ["talking-therapies"],
    },
}


def outbox_events(service) -> list[dict]:
    with service.wiring.engine.connect() as conn:
        return [row.payload for row in conn.execute(select(outbox).order_by(outbox.c.seq))]


def test_completed_assessment_is_scored_signed_off_and_announced(assessment, tokens):
    case_id = referred(assessment)
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    record = answer.get_json()
    assert record["status"] == "completed" and record["multidisciplinary"]
    assert record["measures"]["phq9"] == {"total": 16, "band": "moderately-severe", "item9_positive": False}
    assert record["measures"]["pcl5"]["provisional_ptsd"] and record["measures"]["pcl5"]["dsm5_rule_met"]
    assert record["measures"]["pc_ptsd5"] == {"total": 3, "cut_off": 4, "positive": False}  # the hub's cut-off
    assert record["signed_off_by"] and record["occupational_health_consent_recorded_at"]

    [event] = outbox_events(assessment)
    assert event["event_type"] == "AssessmentCompleted" and event["case_id"] == str(case_id)
    assert event["data"]["outcome_decisions"] == ["refer-on", "liaise-occupational-health", "monitor"]
    assert "ICU" not in str(event)

    completed = assessment.client.get("/v1/assessments?status=completed", headers=tokens("hub-lead")).get_json()
    assert [a["case_id"] for a in completed] == [str(case_id)]
    again = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert again.status_code == 409


def test_wrong_item_counts_are_a_problem_naming_the_measure(assessment, tokens):
    case_id = referred(assessment)
    body = ASSESSMENT | {"measures": {"phq9": [1, 2, 3], "gad7": [0] * 7}}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert "exactly 9" in answer.get_json()["errors"]["measures"]["phq9"][0]
    assert outbox_events(assessment) == []


def test_phq9_item9_without_an_escalation_route_is_refused_and_with_one_goes_urgent(assessment, tokens):
    case_id = referred(assessment)
    risky = ASSESSMENT | {"measures": ASSESSMENT["measures"] | {"phq9": [1] * 9}}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=risky, headers=tokens("clinician"))
    assert refused.status_code == 422 and "risk" in refused.get_json()["errors"]
    risky["risk"] = {"route": "crisis-team"}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=risky, headers=tokens("clinician"))
    assert answer.status_code == 200
    assert answer.get_json()["urgency"] == "urgent" and answer.get_json()["risk"]["level"] == "moderate"
    assert [e["event_type"] for e in outbox_events(assessment)] == ["RiskEscalated", "AssessmentCompleted"]


def test_a_case_of_another_hub_does_not_exist_for_the_caller(assessment, tokens):
    unknown = uuid.uuid4()
    answer = assessment.client.get(f"/v1/cases/{unknown}/assessment", headers=tokens("clinician"))
    assert answer.status_code == 404
    case_id = referred(assessment)
    other_hub = tokens("clinician", hub="another-hub")
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=other_hub).status_code == 404
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("referrer")).status_code == 403
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment").status_code == 401


def test_follow_up_due_is_measured_and_the_case_outcomes_follow(assessment, tokens):
    case_id = referred(assessment)
    assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    due_id = uuid.uuid4()
    due = {"case_id": case_id, "data": {"follow_up_id": due_id, "due_on": date(2027, 1, 4),
                                        "measures_due": [codes.Measure.PHQ_9, codes.Measure.GAD_7],
                                        "monitoring_plan_id": None}}  # fmt: skip
    with assessment.wiring.uow_factory() as uow:
        handlers.on_follow_up_due(due, uow)
        uow.commit()
    listed = assessment.client.get("/v1/follow-ups", headers=tokens("clinician")).get_json()
    assert [f["follow_up_id"] for f in listed] == [str(due_id)] and listed[0]["status"] == "due"

    measures = {"phq9": [1, 1, 1, 1, 0, 0, 0, 0, 0], "gad7": [1, 1, 1, 0, 0, 0, 0]}
    body = {"follow_up_id": str(due_id), "measures": measures, "work_situation": "at-work-with-adjustments"}
    answer = assessment.client.post(f"/v1/cases/{case_id}/follow-ups", json=body, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    outcomes = assessment.client.get(f"/v1/cases/{case_id}/outcomes", headers=tokens("hub-lead")).get_json()
    assert outcomes["outcomes"]["reliable_recovery"] is True
    measured = outbox_events(assessment)[-1]
    assert measured["event_type"] == "FollowUpMeasured" and measured["data"]["outcomes"]["recovery"] is True
    assert assessment.client.get("/v1/follow-ups", headers=tokens("clinician")).get_json() == []
