"""Idempotency-Key against the real PostgreSQL: the referral service's creating POSTs sent twice with
one key make one record and give one answer, another body under the key is refused, a double submit
racing itself makes one record; the key table forgets keys after their expiry, frees a key whose
request never finished, and lets one of many simultaneous claims through."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime import dev_issuer
from hubs.runtime.idempotency import HEADER, Outcome, SqlKeyStore
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration


def third_party(name: str = "Robin Example-Q7Z") -> dict:
    given_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return {
        "name": name,
        "email": "robin.q7z@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "source": "line-manager",
        "referrer": {"name": "Alex Manager"},
        "consent": {"given_by": "the person referred", "given_at": given_at, "method": "verbal"},
    }


SELF_REFERRAL = {
    "name": "Sam Example-Q7Z",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}


@pytest.fixture
def referral(run_service):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def counts(service) -> tuple[int, int, int]:
    """Referrals, linked referrals and events written: every record a referral makes."""
    with service.wiring.engine.connect() as conn:
        return tuple(
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608 - fixed names
            for table in ("referrals", "linked_referrals", "outbox")
        )


def test_a_referral_sent_twice_with_one_key_is_one_record_with_one_answer(referral, hub_id):
    headers = {
        "Authorization": "Bearer " + dev_issuer.issue(hub_id, ["referrer"], subject="referrer-1"),
        HEADER: str(uuid.uuid4()),
    }
    body = third_party()
    first = referral.client.post("/v1/referrals", json=body, headers=headers)
    made = counts(referral)
    again = referral.client.post("/v1/referrals", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.get_json()
    assert again.get_data() == first.get_data()
    assert counts(referral) == made and made[:2] == (1, 0)

    refused = referral.client.post("/v1/referrals", json={**body, "name": "Someone Else"}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {HEADER: ["was used for a different request"]}
    assert counts(referral) == made


def test_a_self_referral_sent_twice_with_one_key_is_one_record_and_nothing_personal_is_kept(referral):
    headers = {HEADER: str(uuid.uuid4())}
    first = referral.client.post("/v1/self-referrals", json=SELF_REFERRAL, headers=headers)
    made = counts(referral)
    again = referral.client.post("/v1/self-referrals", json=SELF_REFERRAL, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert counts(referral) == made and made[:2] == (1, 0)
    dump = database_dump(referral.wiring.engine)
    assert "Q7Z" not in dump and headers[HEADER] not in dump


def test_a_double_submit_racing_itself_makes_one_record(referral):
    headers = {HEADER: str(uuid.uuid4())}

    def send(_: int):
        client = referral.app.test_client()
        return client.post("/v1/self-referrals", json=SELF_REFERRAL, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert len({a.get_data() for a in answers if a.status_code == 201}) == 1
    assert counts(referral)[:2] == (1, 0)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_key_is_forgotten_after_its_expiry(referral):
    clock = Clock()
    store = SqlKeyStore(referral.wiring.engine, timedelta(hours=24), clock)
    first = store.claim("k" * 64, "a" * 64)
    store.complete("k" * 64, first.claim_id, 201, b"sealed")
    clock.now += timedelta(hours=23, minutes=59)
    assert store.claim("k" * 64, "a" * 64).outcome is Outcome.ANSWERED
    assert store.claim("k" * 64, "b" * 64).outcome is Outcome.MISMATCH
    clock.now += timedelta(minutes=1)
    assert store.claim("k" * 64, "b" * 64).outcome is Outcome.CLAIMED


def test_expired_keys_are_purged(referral):
    clock = Clock()
    store = SqlKeyStore(referral.wiring.engine, timedelta(hours=1), clock)
    for n in range(3):
        claimed = store.claim(f"{n}" * 64, "a" * 64)
        store.complete(f"{n}" * 64, claimed.claim_id, 201, b"sealed")
    clock.now += timedelta(hours=2)
    assert store.purge_expired() == 3


def test_a_key_whose_request_never_finished_is_free_after_its_lease(referral):
    clock = Clock()
    store = SqlKeyStore(referral.wiring.engine, timedelta(hours=24), clock, lease=timedelta(minutes=5))
    stopped = store.claim("k" * 64, "a" * 64)
    assert stopped.outcome is Outcome.CLAIMED
    clock.now += timedelta(minutes=4)
    assert store.claim("k" * 64, "a" * 64).outcome is Outcome.IN_FLIGHT
    clock.now += timedelta(minutes=1)
    retried = store.claim("k" * 64, "a" * 64)
    assert retried.outcome is Outcome.CLAIMED
    # The stopped request, finishing late, no longer owns the key.
    store.complete("k" * 64, stopped.claim_id, 201, b"late")
    store.release("k" * 64, stopped.claim_id)
    assert store.claim("k" * 64, "a" * 64).outcome is Outcome.IN_FLIGHT


def test_one_of_many_simultaneous_claims_of_a_key_goes_through(referral):
    store = SqlKeyStore(referral.wiring.engine)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: store.claim("k" * 64, "a" * 64).outcome, range(8)))
    assert sorted(o.value for o in outcomes) == ["claimed"] + ["in-flight"] * 7
