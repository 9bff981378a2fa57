"""Dates through the referral API against a real PostgreSQL: a date out of the hub's range, or
out of the pathway's order, is a 422 problem naming its field, and nothing is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.referral.adapters.transfer_seal import generate_key_pair
from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

PERSON = {
    "name": "Dates Person",
    "email": "dates.person@example.org",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
}


@pytest.fixture
def referral(run_service, hub_id, tmp_path: Path):
    generate_key_pair(tmp_path / "own.key", tmp_path / "own.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    return run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "own.key"),
            "HUBS_NEIGHBOUR_HUBS": f"{hub_id}-b={tmp_path / 'b.pub'}",
        },
    )


def queue(referral, tokens) -> list[dict]:
    return referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()


def problem_errors(answer) -> dict:
    assert answer.status_code == 422, answer.get_json()
    assert answer.content_type == "application/problem+json"
    return answer.get_json()["errors"]


def test_a_referral_with_a_typed_year_or_a_consent_in_the_future_is_refused_and_not_stored(referral, tokens):
    born_0026 = referral.client.post(
        "/v1/self-referrals", json={**PERSON, "date_of_birth": "0026-03-15", "consent_to_contact": True}
    )
    assert list(problem_errors(born_0026)) == ["date_of_birth"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    consent = {"given_by": "the person referred", "given_at": tomorrow, "method": "verbal"}
    agreed_tomorrow = referral.client.post(
        "/v1/referrals",
        json={**PERSON, "source": "gp", "referrer": {"name": "Dr R"}, "consent": consent},
        headers=tokens("referrer"),
    )
    assert list(problem_errors(agreed_tomorrow)["consent"]) == ["given_at"]
    assert queue(referral, tokens) == []


def test_a_contact_attempt_in_the_future_or_before_the_referral_is_refused_and_not_recorded(referral, tokens):
    assert referral.client.post("/v1/self-referrals", json={**PERSON, "consent_to_contact": True}).status_code == 201
    [entry] = queue(referral, tokens)
    url = f"/v1/referrals/{entry['referral_id']}/contact-attempts"
    received = datetime.fromisoformat(entry["received_at"])
    for when in (datetime.now(UTC) + timedelta(hours=2), received - timedelta(minutes=5)):
        answer = referral.client.post(
            url,
            json={"attempted_at": when.isoformat(), "channel": "phone", "outcome": "contacted"},
            headers=tokens("clinician"),
        )
        assert list(problem_errors(answer)) == ["attempted_at"]
    [still_waiting] = queue(referral, tokens)
    assert still_waiting["attempts"] == 0


def test_a_transfer_agreed_before_the_referral_is_refused_and_the_referral_stays(referral, hub_id, tokens):
    assert referral.client.post("/v1/self-referrals", json={**PERSON, "consent_to_contact": True}).status_code == 201
    [entry] = queue(referral, tokens)
    agreed = datetime.fromisoformat(entry["received_at"]) - timedelta(days=1)
    answer = referral.client.post(
        f"/v1/referrals/{entry['referral_id']}/transfers",
        json={
            "to_hub_id": f"{hub_id}-b",
            "reason": "shorter-wait",
            "consent": {"recorded_at": agreed.isoformat(), "method": "verbal"},
        },
        headers=tokens("clinician"),
    )
    assert problem_errors(answer) == {
        "consent": {"recorded_at": ["The person's agreement cannot come before the referral was received."]}
    }
    assert [q["referral_id"] for q in queue(referral, tokens)] == [entry["referral_id"]]
