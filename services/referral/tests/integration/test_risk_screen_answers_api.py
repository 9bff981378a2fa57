"""The person's own answers to the risk questions against a real PostgreSQL: on the referral's
detail (the audited read), apart from the consent, for a self-referral and a referral by someone
else; sealed at rest (no column holds them), gone once the person's details are erased."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration


@pytest.fixture
def referral(run_service):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def detail(referral, tokens, referral_id: str, purpose: str = "first-contact") -> dict:
    answer = referral.client.get(f"/v1/referrals/{referral_id}?purpose={purpose}", headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_detail_gives_the_persons_own_risk_answers_apart_from_the_consent(referral, tokens):
    said = {"thoughts_of_self_harm": True, "risk_to_others": False}
    body = {"name": "Person R2D", "phone": "07700 900 412", "risk_screen": said, "consent_to_contact": True}
    assert referral.client.post("/v1/self-referrals", json=body).status_code == 201
    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()

    shown = detail(referral, tokens, entry["referral_id"])

    assert shown["risk_screen"] == said and shown["urgency"] == "urgent"
    assert "risk_screen" not in shown["consent"]
    audit = referral.client.get("/v1/access-audit", headers=tokens("hub-lead")).get_json()
    assert ("read-personal-details", "first-contact") in [(a["action"], a["purpose"]) for a in audit]


def test_a_referral_by_someone_else_gives_the_answers_they_gave_and_erasure_removes_them(referral, tokens):
    said = {"thoughts_of_self_harm": False, "risk_to_others": True}
    body = {
        "name": "Person R2E",
        "email": "person.r2e@example.org",
        "risk_screen": said,
        "source": "line-manager",
        "referrer": {"name": "Manager R2E"},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
    }
    made = referral.client.post("/v1/referrals", json=body, headers=tokens("clinician"))
    assert made.status_code == 201, made.get_json()
    referral_id = made.get_json()["referral_id"]
    assert detail(referral, tokens, referral_id)["risk_screen"] == said

    erased = referral.client.post(f"/v1/referrals/{referral_id}/erasure", headers=tokens("hub-lead"))
    assert erased.status_code == 200, erased.get_json()
    assert detail(referral, tokens, referral_id, "erasure-request")["risk_screen"] is None
