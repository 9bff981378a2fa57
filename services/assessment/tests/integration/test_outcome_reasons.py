"""The reasons for an assessment's outcome, clinical free text, on a real PostgreSQL: sealed at rest
(a copy of the database shows none of it), shown only on a read that is audited, and erased with
the case (at the person's request, or once the closed case's retention period has passed)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from hubs.assessment.adapters.orm import reasons_access_audit
from hubs.assessment.bootstrap import DEFINITION, RetentionSweep
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes

pytestmark = pytest.mark.integration

# Written by the clinician; must be found nowhere but on the audited read.
REASONS = "Canary reasons Q7W: flashbacks since the ward fire; partner's illness"
ASSESSMENT = {
    "practitioners": [{"practitioner_id": "staff-17", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0], "gad7": [1, 1, 1, 1, 1, 1, 1]},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["refer-on"], "reasons": REASONS, "refer_on_to": ["talking-therapies"]},
}


@pytest.fixture
def assessment(run_service):
    return run_service(DEFINITION, extra={"HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode()})


def assessed_case(service, tokens) -> uuid.UUID:
    case_id = uuid.uuid4()
    received = {"urgency": codes.Urgency.ROUTINE, "received_at": datetime.now(UTC), "referral_id": uuid.uuid4()}
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_received({"case_id": case_id, "data": received}, uow)
        handlers.on_first_contact_made({"case_id": case_id, "data": {"contacted_at": datetime.now(UTC)}}, uow)
        uow.commit()
    answer = service.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    assert "Canary" not in answer.get_data(as_text=True)
    return case_id


def database_dump(engine) -> str:
    """Every row of every table of the service's schema, each whole, as PostgreSQL prints it."""
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
        return "\n".join(
            row
            for table in list(tables)
            for row in conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()  # noqa: S608
        )


def audit_rows(service) -> list:
    with service.wiring.engine.connect() as conn:
        return conn.execute(select(reasons_access_audit).order_by(reasons_access_audit.c.at)).all()


def test_a_copy_of_the_database_shows_no_outcome_reasons(assessment, tokens):
    case_id = assessed_case(assessment, tokens)
    record = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician"))
    assert record.status_code == 200 and "reasons" not in record.get_json()["outcome"]
    assert record.get_json()["outcome"]["decisions"] == ["refer-on"]
    dump = database_dump(assessment.wiring.engine)
    assert "Canary" not in dump and "flashbacks" not in dump
    assert audit_rows(assessment) == [], "completing an assessment reads nothing back"


def test_reading_outcome_reasons_is_audited_with_who_when_which_case_and_why_but_no_text(assessment, tokens):
    case_id = assessed_case(assessment, tokens)
    before = datetime.now(UTC)
    read = assessment.client.get(
        f"/v1/cases/{case_id}/assessment/reasons?purpose=care-coordination",
        headers=tokens("clinician", subject="clinician-reading-7"),
    )
    assert read.status_code == 200
    assert read.get_json() == {"case_id": str(case_id), "reasons": REASONS, "erased_at": None}
    [audit] = audit_rows(assessment)
    assert (audit.subject, audit.roles, audit.case_id) == ("clinician-reading-7", "clinician", case_id)
    assert (audit.action, audit.purpose, audit.hub_id) == ("read-outcome-reasons", "care-coordination", audit.hub_id)
    assert audit.at >= before
    assert "Canary" not in str(audit)

    no_purpose = assessment.client.get(f"/v1/cases/{case_id}/assessment/reasons", headers=tokens("clinician"))
    assert no_purpose.status_code == 422 and "purpose" in no_purpose.get_json()["errors"]
    other_hub = assessment.client.get(
        f"/v1/cases/{case_id}/assessment/reasons?purpose=assessment", headers=tokens("clinician", hub="other-hub")
    )
    assert other_hub.status_code in (403, 404)
    assert len(audit_rows(assessment)) == 1, "a refused read shows nothing and audits nothing"

    lead = tokens("hub-lead", subject="lead-3")
    listed = assessment.client.get(f"/v1/access-audit?case_id={case_id}", headers=lead).get_json()
    assert [(r["subject"], r["action"]) for r in listed] == [("clinician-reading-7", "read-outcome-reasons")]
    assert assessment.client.get("/v1/access-audit", headers=tokens("clinician")).status_code == 403
    assert [r.action for r in audit_rows(assessment)] == ["read-outcome-reasons", "read-access-audit"]


def test_erasure_at_the_persons_request_removes_the_outcome_reasons(assessment, tokens):
    case_id = assessed_case(assessment, tokens)
    erasure = f"/v1/cases/{case_id}/assessment/reasons/erasure"
    assert assessment.client.post(erasure, headers=tokens("clinician")).status_code == 403
    erased = assessment.client.post(erasure, headers=tokens("hub-lead"))
    assert erased.status_code == 200 and erased.get_json()["reasons"] is None
    read = assessment.client.get(
        f"/v1/cases/{case_id}/assessment/reasons?purpose=erasure-request", headers=tokens("hub-lead")
    ).get_json()
    assert read["reasons"] is None and read["erased_at"]
    with assessment.wiring.engine.connect() as conn:
        sealed = conn.exec_driver_sql("SELECT sealed FROM outcome_reasons WHERE case_id = %s", (case_id,)).scalar()
    assert sealed is None
    assert [r.action for r in audit_rows(assessment)] == ["erase-outcome-reasons", "read-outcome-reasons"]
    record = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert record["outcome"]["decisions"] == ["refer-on"], "the coded outcome stays"


def test_the_worker_erases_outcome_reasons_once_a_closed_cases_retention_has_passed(run_service, tokens):
    service = run_service(
        DEFINITION,
        extra={"HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode(), "HUBS_RETENTION_DAYS": "0"},
    )
    closed, still_open = assessed_case(service, tokens), assessed_case(service, tokens)
    reason = codes.ClosureReason.CARE_COMPLETED
    closure = {"referral_id": uuid.uuid4(), "closed_at": datetime.now(UTC), "reason": reason}
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_closed({"case_id": closed, "data": closure}, uow)
        uow.commit()

    RetentionSweep(service.wiring)()  # what the worker does while idle

    def reasons_of(case_id):
        answer = service.client.get(
            f"/v1/cases/{case_id}/assessment/reasons?purpose=assessment", headers=tokens("clinician")
        )
        return json.loads(answer.get_data())["reasons"]

    assert reasons_of(closed) is None
    assert reasons_of(still_open) == REASONS
