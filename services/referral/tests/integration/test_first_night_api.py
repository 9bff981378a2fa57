"""What a person referring themself, or a colleague without an account, is told and can ask for:
whether a voicemail or a text is all right, and when the hub will make contact at the latest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

TOKEN = "portal-service-token-for-tests-" + "c" * 24
PORTAL = {"X-Hubs-Service-Token": TOKEN}


def self_referral(**extra) -> dict:
    return {
        "name": "Canary Person-N8T",
        "phone": "07700 900 982",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
        **extra,
    }


def colleague(self_harm: bool = False, **referrer) -> dict:
    return {
        "name": "Canary Colleague-N8T",
        "email": "colleague.n8t@example.org",
        "risk_screen": {"thoughts_of_self_harm": self_harm, "risk_to_others": False},
        "source": "line-manager",
        "referrer": {"name": "Ward Manager", "email": "ward.manager@nhs.example", **referrer},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
    }


@pytest.fixture
def referral(run_service, tmp_path):
    token_file = tmp_path / "portal-service-token"
    token_file.write_text(TOKEN + "\n")
    return run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_PORTAL_SERVICE_TOKEN_FILE": str(token_file),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second",
        },
    )


def _personal(referral, tokens) -> dict:
    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    detail = referral.client.get(
        f"/v1/referrals/{entry['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    ).get_json()
    return detail["personal"]


def test_whether_a_voicemail_or_a_text_is_all_right_is_kept_for_the_clinician(referral, tokens):
    answer = referral.client.post("/v1/self-referrals", json=self_referral(voicemail_ok=False, text_ok=True))
    assert answer.status_code == 201
    personal = _personal(referral, tokens)
    assert personal["voicemail_ok"] is False and personal["text_ok"] is True


def test_not_answering_about_voicemail_and_texts_reads_as_not_asked(referral, tokens):
    assert referral.client.post("/v1/self-referrals", json=self_referral()).status_code == 201
    personal = _personal(referral, tokens)
    assert personal["voicemail_ok"] is None and personal["text_ok"] is None


def test_a_voicemail_answer_that_is_not_yes_or_no_is_refused_on_its_field(referral, tokens):
    answer = referral.client.post("/v1/self-referrals", json=self_referral(voicemail_ok="yes", text_ok=1))
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {
        "voicemail_ok": ["Not a valid boolean."],
        "text_ok": ["Not a valid boolean."],
    }
    assert referral.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []


def test_the_self_referral_answer_says_when_the_hub_will_make_contact(referral, tokens):
    before = datetime.now(UTC)
    routine = referral.client.post("/v1/self-referrals", json=self_referral()).get_json()
    urgent = referral.client.post(
        "/v1/self-referrals",
        json=self_referral(phone="07700 900 983", risk_screen={"thoughts_of_self_harm": True, "risk_to_others": False}),
    ).get_json()
    routine_due = datetime.fromisoformat(routine["first_contact_due_by"])
    urgent_due = datetime.fromisoformat(urgent["first_contact_due_by"])
    assert before < urgent_due < routine_due
    # The time the hub's queue works to for each referral: the hub's own standard for its urgency.
    queue = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    due = {q["urgency"]: datetime.fromisoformat(q["first_contact_due_by"]) for q in queue}
    assert due == {"urgent": urgent_due, "routine": routine_due}


def test_a_colleague_is_referred_without_an_account_through_the_portal(referral, tokens):
    answer = referral.client.post("/v1/colleague-referrals", json=colleague(), headers=PORTAL)
    assert answer.status_code == 201
    accepted = answer.get_json()
    assert set(accepted) == {"reference", "urgency", "received_at", "first_contact_due_by"}
    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    assert entry["source"] == "line-manager"
    detail = referral.client.get(
        f"/v1/referrals/{entry['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    ).get_json()
    assert detail["consent"]["given_by"] == "the person referred"


def test_a_colleague_referral_needs_the_referrers_work_email(referral, tokens):
    body = colleague()
    del body["referrer"]["email"]
    answer = referral.client.post("/v1/colleague-referrals", json=body, headers=PORTAL)
    assert answer.status_code == 422
    assert "email" in answer.get_json()["errors"]["referrer"]
    assert referral.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []


@pytest.mark.parametrize(
    "headers", [{}, {"X-Hubs-Service-Token": "not-the-portal-" + "x" * 32}], ids=["no token", "wrong token"]
)
def test_only_the_portal_may_send_a_colleague_referral_without_an_account(referral, tokens, headers):
    for who in (headers, {**headers, **tokens("referrer")}):
        answer = referral.client.post("/v1/colleague-referrals", json={}, headers=who)
        assert answer.status_code == 403
    assert referral.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []
