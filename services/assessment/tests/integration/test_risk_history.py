"""A case's risk history on a real PostgreSQL: the escalation at assessment and each one between
sittings are kept, newest first, with who escalated them; their RiskEscalated events name nobody;
clinicians and hub leads of the hub read it, no one else; and an upgrade carries over the
escalations of assessments signed off before the history was kept."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from hubs.assessment.adapters.orm import outbox, risk_escalations
from hubs.assessment.bootstrap import DEFINITION
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes
from hubs.runtime.db import make_engine
from hubs.runtime.migrations import upgrade

pytestmark = pytest.mark.integration

ASSESSMENT = {
    "practitioners": [{"practitioner_id": "staff-17", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2], "gad7": [1, 1, 1, 1, 1, 1, 1]},
    "risk": {"route": "crisis-team"},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["monitor"], "reasons": "Safety plan agreed."},
}
LATER = {"level": "high", "risk_to_others": True, "route": "safeguarding", "escalated_by_name": "Dr Asha Patel"}


@pytest.fixture
def assessment(run_service):
    return run_service(DEFINITION, extra={"HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode()})


def contacted_case(service) -> uuid.UUID:
    """A case as the worker records it on ReferralReceived and FirstContactMade."""
    case_id, now = uuid.uuid4(), datetime.now(UTC)
    with service.wiring.uow_factory() as uow:
        data = {"urgency": codes.Urgency.ROUTINE, "received_at": now, "referral_id": uuid.uuid4()}
        handlers.on_referral_received({"case_id": case_id, "data": data}, uow)
        handlers.on_first_contact_made({"case_id": case_id, "data": {"contacted_at": now}}, uow)
        uow.commit()
    return case_id


def test_every_escalation_is_kept_newest_first_with_who_made_it_and_the_events_name_nobody(assessment, tokens):
    case_id = contacted_case(assessment)
    assessing = tokens("clinician", subject="clinician-sam")
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=assessing)
    assert answer.status_code == 200, answer.get_json()
    for _ in range(2):
        escalated = assessment.client.post(
            f"/v1/cases/{case_id}/risk-escalations", json=LATER, headers=tokens("clinician", subject="clinician-asha")
        )
        assert escalated.status_code == 201, escalated.get_json()

    history = assessment.client.get(f"/v1/cases/{case_id}/risk-history", headers=tokens("hub-lead"))

    assert history.status_code == 200
    found = history.get_json()
    assert [(e["occasion"], e["level"], e["route"], e["escalated_by"], e["escalated_by_name"]) for e in found] == [
        ("between-sittings", "high", "safeguarding", "clinician-asha", "Dr Asha Patel"),
        ("between-sittings", "high", "safeguarding", "clinician-asha", "Dr Asha Patel"),
        ("assessment", "moderate", "crisis-team", "clinician-sam", "clinician-sam"),
    ]
    assert [(e["risk_to_self"], e["risk_to_others"]) for e in found] == [(False, True), (False, True), (True, False)]
    assert found[0]["escalated_at"] >= found[1]["escalated_at"] >= found[2]["escalated_at"]
    with assessment.wiring.engine.connect() as conn:
        payloads = [row.payload for row in conn.execute(select(outbox).order_by(outbox.c.seq))]
    escalations = [p["data"] for p in payloads if p["event_type"] == "RiskEscalated"]
    assert sorted(e["risk_escalation_id"] for e in escalations) == sorted(e["risk_escalation_id"] for e in found)
    said = json.dumps(escalations)
    assert "clinician-" not in said and "Asha" not in said


def test_escalations_at_assessment_and_at_a_follow_up_are_kept_with_the_name_of_who_made_them(assessment, tokens):
    case_id = contacted_case(assessment)
    signed = ASSESSMENT | {"signed_off_by_name": "Sam Rivers"}
    answer = assessment.client.post(
        f"/v1/cases/{case_id}/assessment", json=signed, headers=tokens("clinician", subject="clinician-sam")
    )
    assert answer.status_code == 200, answer.get_json()
    # Item 9 answered again at the follow-up raises the risk once more; the clinician gives the route.
    measured = {"measures": ASSESSMENT["measures"], "risk": {"route": "gp"}, "measured_by_name": "Dr Asha Patel"}
    taken = assessment.client.post(
        f"/v1/cases/{case_id}/follow-ups", json=measured, headers=tokens("clinician", subject="clinician-asha")
    )
    assert taken.status_code == 201, taken.get_json()

    found = assessment.client.get(f"/v1/cases/{case_id}/risk-history", headers=tokens("clinician")).get_json()

    assert [(e["occasion"], e["escalated_by"], e["escalated_by_name"]) for e in found] == [
        ("follow-up", "clinician-asha", "Dr Asha Patel"),
        ("assessment", "clinician-sam", "Sam Rivers"),
    ]
    with assessment.wiring.engine.connect() as conn:
        said = json.dumps([row.payload for row in conn.execute(select(outbox))])
    assert "Sam Rivers" not in said and "Asha" not in said  # names stay in the history, never in events
    nameless = assessment.client.post(
        f"/v1/cases/{case_id}/follow-ups", json=measured | {"measured_by_name": ""}, headers=tokens("clinician")
    )
    assert nameless.status_code == 422 and "measured_by_name" in nameless.get_json()["errors"]


def test_an_escalation_refused_leaves_the_history_as_it_was(assessment, tokens):
    case_id = contacted_case(assessment)
    refused = assessment.client.post(
        f"/v1/cases/{case_id}/risk-escalations", json={"level": "low", "route": "gp"}, headers=tokens("clinician")
    )
    assert refused.status_code == 422 and "level" in refused.get_json()["errors"]
    nameless = assessment.client.post(
        f"/v1/cases/{case_id}/risk-escalations", json=LATER | {"escalated_by_name": ""}, headers=tokens("clinician")
    )
    assert nameless.status_code == 422 and "escalated_by_name" in nameless.get_json()["errors"]
    history = assessment.client.get(f"/v1/cases/{case_id}/risk-history", headers=tokens("clinician"))
    assert history.status_code == 200 and history.get_json() == []


def test_the_risk_history_is_for_the_hubs_clinicians_and_hub_leads_only(assessment, tokens):
    case_id = contacted_case(assessment)
    path = f"/v1/cases/{case_id}/risk-history"
    assert assessment.client.get(path, headers=tokens("clinician")).status_code == 200
    assert assessment.client.get(path, headers=tokens("referrer")).status_code == 403
    assert assessment.client.get(path, headers=tokens("clinician", hub="another-hub")).status_code == 404
    assert assessment.client.get(path).status_code == 401
    unknown = f"/v1/cases/{uuid.uuid4()}/risk-history"
    assert assessment.client.get(unknown, headers=tokens("clinician")).status_code == 404


def test_the_upgrade_carries_over_the_escalation_of_an_assessment_signed_off_before(make_settings):
    settings = make_settings("assessment")
    settings = replace(settings, extra={**settings.extra, "HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode()})
    upgrade(settings, DEFINITION.migrations_dir, "0005")
    engine = make_engine(settings)
    raised, not_raised = uuid.uuid4(), uuid.uuid4()
    completed_at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)

    def record(risk: dict) -> str:
        return json.dumps({"risk": risk, "completed_at": completed_at.isoformat(), "signed_off_by": "clinician-old"})

    try:
        with engine.begin() as conn:
            for case_id, risk in (
                (raised, {"level": "high", "risk_to_self": True, "risk_to_others": False, "route": "gp"}),
                (not_raised, {"level": "low", "risk_to_self": False, "risk_to_others": False, "route": None}),
            ):
                conn.execute(
                    text(
                        "INSERT INTO assessments (assessment_id, case_id, urgency, referred_at, status, completion) "
                        "VALUES (:id, :case, 'urgent', :at, 'completed', CAST(:record AS JSON))"
                    ),
                    {"id": uuid.uuid4(), "case": case_id, "at": completed_at, "record": record(risk)},
                )
        upgrade(settings, DEFINITION.migrations_dir)
        with engine.connect() as conn:
            r = risk_escalations.c
            rows = conn.execute(
                select(r.case_id, r.escalated_at, r.level, r.risk_to_self, r.route, r.occasion, r.escalated_by)
            ).all()
        assert [tuple(r) for r in rows] == [(raised, completed_at, "high", True, "gp", "assessment", "clinician-old")]
    finally:
        engine.dispose()
