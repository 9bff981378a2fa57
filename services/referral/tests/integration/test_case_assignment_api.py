"""Who holds a case, through the referral API against a real PostgreSQL: a clinician takes a case
and finds it under their cases, a hub lead re-assigns it with a reason, it is handed back; the
caseload filtered by holder, urgency, raised risk and wait; and a person's cases found by email,
telephone number or name, posted so the words are in no URL, each search audited without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration


@pytest.fixture
def referral(run_service, hub_id, tmp_path: Path):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def refer(referral, name: str, phone: str | None = None, urgent: bool = False) -> str:
    body = {
        "name": name,
        "email": f"{name.lower().replace(' ', '.')}@example.org",
        "phone": phone,
        "risk_screen": {"thoughts_of_self_harm": urgent, "risk_to_others": False},
        "consent_to_contact": True,
    }
    answer = referral.client.post("/v1/self-referrals", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def caseload(referral, headers, **query) -> list[str]:
    answer = referral.client.get("/v1/referrals", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return [e["reference"] for e in answer.get_json()["referrals"]]


def ids_by_reference(referral, headers) -> dict[str, str]:
    answer = referral.client.get("/v1/referrals", headers=headers).get_json()
    return {e["reference"]: e["referral_id"] for e in answer["referrals"]}


def test_a_case_is_taken_re_assigned_with_a_reason_and_handed_back(referral, tokens):
    ada = refer(referral, "Ada Taken")
    refer(referral, "Bo Waiting")
    sam, kim = tokens("clinician", subject="clinician-sam"), tokens("clinician", subject="clinician-kim")
    lead = tokens("hub-lead", subject="lead-lou")
    url = f"/v1/referrals/{ids_by_reference(referral, sam)[ada]}/assignment"

    taken = referral.client.post(url, json={"clinician": "clinician-sam", "name": "Sam Clinician"}, headers=sam)
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["assigned_to_name"] == "Sam Clinician"
    assert caseload(referral, sam, assigned_to="me") == [ada]
    assert caseload(referral, kim, assigned_to="me") == []
    [entry] = referral.client.get("/v1/referrals", query_string={"assigned_to": "me"}, headers=sam).get_json()[
        "referrals"
    ]
    assert (entry["assigned_to"], entry["assigned_to_name"]) == ("clinician-sam", "Sam Clinician")
    assert len(caseload(referral, sam, assigned_to="nobody")) == 1

    # Kim may not take it without saying why, nor give it to someone else; nothing changes.
    unexplained = referral.client.post(url, json={"clinician": "clinician-kim"}, headers=kim)
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["errors"]
    elsewhere = {"clinician": "clinician-lee", "name": "Lee", "reason": "leave"}
    assert referral.client.post(url, json=elsewhere, headers=kim).status_code == 403
    nameless = referral.client.post(url, json={"clinician": "clinician-kim", "reason": "leave"}, headers=lead)
    assert nameless.status_code == 422 and "name" in nameless.get_json()["errors"]
    assert caseload(referral, sam, assigned_to="clinician-sam") == [ada]

    moved = {"clinician": "clinician-kim", "name": "Kim Clinician", "reason": "caseload-balance"}
    assert referral.client.post(url, json=moved, headers=lead).status_code == 200
    assert caseload(referral, kim, assigned_to="me") == [ada]
    assert referral.client.delete(url, headers=sam).status_code == 403
    handed_back = referral.client.delete(url, headers=kim)
    assert handed_back.status_code == 200 and handed_back.get_json()["assigned_to"] is None
    assert len(caseload(referral, sam, assigned_to="nobody")) == 2

    with referral.wiring.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'CaseAssigned' ORDER BY seq")).all()
    data = [r[0]["data"] if isinstance(r[0], dict) else r[0] for r in rows]
    assert [(d["assigned"], d["reassignment"], d["reason"]) for d in data] == [
        (True, False, None),
        (True, True, "caseload-balance"),
        (False, False, None),
    ]
    assert "clinician" not in str(data) and "Clinician" not in str(data)


def test_the_caseload_is_filtered_by_urgency_raised_risk_and_wait(referral, tokens):
    routine = refer(referral, "Routine Person")
    urgent = refer(referral, "Urgent Person", urgent=True)
    clinician = tokens("clinician")
    assert caseload(referral, clinician, urgency="urgent") == [urgent]
    assert caseload(referral, clinician, urgency="routine") == [routine]
    assert caseload(referral, clinician, risk="raised") == [urgent]
    # Both just arrived: neither is late, and the urgent one is due within four working hours.
    assert caseload(referral, clinician, waiting="breached") == []
    assert {routine, urgent} == set(
        caseload(referral, clinician, waiting="on-time") + caseload(referral, clinician, waiting="due-today")
    )
    for name, value in (("assigned_to", ""), ("risk", "low"), ("waiting", "soon"), ("urgency", "now")):
        answer = referral.client.get("/v1/referrals", query_string={name: value}, headers=clinician)
        assert answer.status_code == 422 and name in str(answer.get_json()["errors"]), name


def search(referral, headers, words: str) -> list[str]:
    answer = referral.client.post("/v1/referral-searches", json={"words": words}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return [e["reference"] for e in answer.get_json()["referrals"]]


def test_a_person_is_found_by_email_phone_or_name_and_each_search_is_audited(referral, tokens):
    ada = refer(referral, "Ada Searched", phone="07700 900456")
    refer(referral, "Bo Other", phone="07700 900789")
    sam = tokens("clinician", subject="clinician-sam")

    assert search(referral, sam, "Ada.Searched@example.org") == [ada]
    assert search(referral, sam, "+44 7700 900456") == [ada]
    assert search(referral, sam, "searched") == [ada]
    assert search(referral, sam, "nobody@example.org") == []
    refused = referral.client.post("/v1/referral-searches", json={"words": "a"}, headers=sam)
    assert refused.status_code == 422 and "words" in refused.get_json()["errors"]

    audit = referral.client.get(
        "/v1/access-audit", query_string={"subject": "clinician-sam"}, headers=tokens("hub-lead")
    )
    searches = [a for a in audit.get_json() if a["action"] == "search-personal-details"]
    assert len(searches) == 4 and {a["purpose"] for a in searches} == {"direct-care"}
    with referral.wiring.engine.connect() as conn:
        audited = str(conn.execute(text("SELECT * FROM access_audit")).all())
    assert "searched" not in audited.lower() and "900456" not in audited
