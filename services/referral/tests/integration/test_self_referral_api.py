"""The self-referral API against a real PostgreSQL."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

CANARY_NAME = "Canary Person-Z3K"
CANARY_EMAIL = "canary.z3k@example.org"


def body(self_harm: bool = False, **extra) -> dict:
    return {
        "name": CANARY_NAME,
        "email": CANARY_EMAIL,
        "risk_screen": {"thoughts_of_self_harm": self_harm, "risk_to_others": False},
        "consent_to_contact": True,
        **extra,
    }


@pytest.fixture
def referral(run_service):
    key = Fernet.generate_key().decode()
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": key})


def test_self_referral_is_accepted_with_a_reference_and_next_steps(referral):
    answer = referral.client.post("/v1/self-referrals", json=body())
    assert answer.status_code == 201
    accepted = answer.get_json()
    assert accepted["urgency"] == "routine"
    assert accepted["reference"] and accepted["next_steps"]


def test_urgent_referral_jumps_the_queue(referral, tokens):
    routine = referral.client.post("/v1/self-referrals", json=body()).get_json()
    urgent = referral.client.post("/v1/self-referrals", json=body(self_harm=True)).get_json()
    assert "999" in urgent["next_steps"]
    queue = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    assert [q["referral_id"] for q in queue] == [urgent["referral_id"], routine["referral_id"]]


def test_invalid_referral_gets_problem_json_with_field_messages_and_stores_nothing(referral, tokens):
    answer = referral.client.post(
        "/v1/self-referrals",
        json={"risk_screen": {"thoughts_of_self_harm": "maybe"}, "consent_to_contact": False, "staff_group": "x"},
    )
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    problem = answer.get_json()
    assert problem["status"] == 422
    assert set(problem["errors"]) >= {"name", "consent_to_contact", "staff_group", "risk_screen"}
    assert referral.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []


def test_malformed_json_is_a_client_error_not_a_server_error(referral):
    answer = referral.client.post("/v1/self-referrals", data="{not json", content_type="application/json")
    assert answer.status_code == 400
    assert answer.content_type == "application/problem+json"


def test_database_alone_reveals_no_personal_data(referral):
    referral.client.post("/v1/self-referrals", json=body())
    with referral.wiring.engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("referrals", "personal_details", "consents", "outbox")
            for row in conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed table names
        )
    assert CANARY_NAME not in dump and CANARY_EMAIL not in dump
    assert "Canary" not in dump and "z3k" not in dump.lower()
