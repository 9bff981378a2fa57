"""The reason for referral against a real PostgreSQL: refused over its length on its field, stored
sealed (no table holds its words), shown on the audited read alone, kept for a linked referral,
re-sealed on key rotation and erased with the rest of the personal data."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

REASON = "Canary worry K4V: tearful at handover,\nsays she cannot cope since the redeployment."
LINKED_REASON = "Canary GP letter K4V: low mood for six weeks."


def third_party(email: str = "canary.k4v@example.org", source: str = "line-manager", **extra) -> dict:
    return {
        "name": "Canary Person-K4V",
        "email": email,
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "source": source,
        "referrer": {"name": "Canary Manager-K4V"},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
        **extra,
    }


@pytest.fixture
def referral(run_service):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def _refer(referral, tokens, **body) -> str:
    answer = referral.client.post("/v1/referrals", json=third_party(**body), headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["referral_id"]


def test_a_reason_over_two_thousand_characters_is_refused_on_its_field(referral, tokens):
    answer = referral.client.post("/v1/referrals", json=third_party(reason="x" * 2001), headers=tokens("referrer"))
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert answer.get_json()["errors"]["reason"] == ["The reason for referral must be 2,000 characters or fewer."]
    assert referral.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []


def test_the_reason_is_stored_sealed_and_shown_only_on_the_audited_read(referral, tokens):
    accepted = referral.client.post("/v1/referrals", json=third_party(reason=REASON), headers=tokens("referrer"))
    assert accepted.status_code == 201 and "K4V" not in accepted.get_data(as_text=True)
    dump = database_dump(referral.wiring.engine).lower()
    assert "canary" not in dump and "tearful" not in dump and "redeployment" not in dump
    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    assert "reason" not in entry
    detail = referral.client.get(
        f"/v1/referrals/{entry['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    ).get_json()
    assert detail["reason"] == REASON
    assert "reason" not in detail["consent"]
    audit = referral.client.get("/v1/access-audit", headers=tokens("hub-lead")).get_json()
    assert [(a["action"], a["purpose"]) for a in audit if a["referral_id"] == entry["referral_id"]] == [
        ("read-personal-details", "first-contact")
    ]


def test_no_reason_reads_as_null(referral, tokens):
    referral_id = _refer(referral, tokens, reason="  ")
    detail = referral.client.get(f"/v1/referrals/{referral_id}?purpose=first-contact", headers=tokens("clinician"))
    assert detail.get_json()["reason"] is None


def test_a_linked_referral_keeps_its_reason_sealed_and_erasure_removes_every_reason(referral, tokens):
    referral_id = _refer(referral, tokens, reason=REASON)
    linked = referral.client.post(
        "/v1/referrals", json=third_party(source="gp", reason=LINKED_REASON), headers=tokens("hub-lead")
    ).get_json()
    assert linked["linked"] and linked["referral_id"] == referral_id
    assert "canary" not in database_dump(referral.wiring.engine).lower()
    base = f"/v1/referrals/{referral_id}"
    detail = referral.client.get(f"{base}?purpose=care-coordination", headers=tokens("hub-lead")).get_json()
    assert detail["reason"] == REASON
    assert [(link["source"], link["reason"]) for link in detail["linked_referrals"]] == [("gp", LINKED_REASON)]

    assert referral.client.post(f"{base}/erasure", headers=tokens("hub-lead")).status_code == 200
    erased = referral.client.get(f"{base}?purpose=erasure-request", headers=tokens("hub-lead")).get_json()
    assert erased["personal"] is None and erased["reason"] is None
    assert [(link["source"], link["reason"]) for link in erased["linked_referrals"]] == [("gp", None)]
    with referral.wiring.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM consents")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM linked_referrals WHERE sealed IS NOT NULL")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM linked_referrals")).scalar() == 1


def test_key_rotation_reseals_the_reasons_of_linked_referrals_too(run_service, tokens):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": old, "HUBS_PERSON_INDEX_KEY": "index-key"})
    referral_id = _refer(before, tokens, reason=REASON)
    _refer(before, tokens, source="gp", reason=LINKED_REASON)
    rotating = run_service(
        DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": f"{new},{old}", "HUBS_PERSON_INDEX_KEY": "index-key"}
    )
    rotated = rotating.client.post("/v1/personal-data/key-rotation", headers=tokens("hub-lead")).get_json()
    assert rotated["resealed"] == 3  # personal details, the referrer's account and the linked referral's
    after = run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": new, "HUBS_PERSON_INDEX_KEY": "index-key"})
    detail = after.client.get(f"/v1/referrals/{referral_id}?purpose=first-contact", headers=tokens("clinician"))
    assert detail.get_json()["reason"] == REASON
    assert detail.get_json()["linked_referrals"][0]["reason"] == LINKED_REASON
