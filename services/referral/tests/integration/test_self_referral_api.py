"""The referral API against a real PostgreSQL: intake, queue, first contact, closure,
audited reads and erasure."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

CANARY_NAME = "Canary Person-Z3K"
CANARY_EMAIL = "canary.z3k@example.org"


def body(self_harm: bool = False, email: str = CANARY_EMAIL, **extra) -> dict:
    return {
        "name": CANARY_NAME,
        "email": email,
        "risk_screen": {"thoughts_of_self_harm": self_harm, "risk_to_others": False},
        "consent_to_contact": True,
        **extra,
    }


def third_party(email: str = "someone.else@example.org", **extra) -> dict:
    referral = {k: v for k, v in body(email=email).items() if k != "consent_to_contact"}
    return {
        **referral,
        "source": "occupational-health",
        "referrer": {"name": "OH Adviser", "organisation": "Trust OH service"},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
        **extra,
    }


@pytest.fixture
def referral(run_service):
    key = Fernet.generate_key().decode()
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": key})


def queue_of(referral, tokens) -> list[dict]:
    answer = referral.client.get("/v1/queue", headers=tokens("clinician"))
    assert answer.status_code == 200
    return answer.get_json()


def test_self_referral_is_accepted_with_a_reference_and_next_steps(referral):
    answer = referral.client.post("/v1/self-referrals", json=body())
    assert answer.status_code == 201
    accepted = answer.get_json()
    assert accepted["urgency"] == "routine"
    assert accepted["reference"] and accepted["next_steps"]


def test_urgent_referral_jumps_the_queue(referral, tokens):
    routine = referral.client.post("/v1/self-referrals", json=body(email="a@example.org")).get_json()
    urgent = referral.client.post("/v1/self-referrals", json=body(self_harm=True, email="b@example.org")).get_json()
    assert "999" in urgent["next_steps"]
    queue = queue_of(referral, tokens)
    assert [q["reference"] for q in queue] == [urgent["reference"], routine["reference"]]
    assert all(q["first_contact_due_by"] and q["hours_left"] > 0 for q in queue)


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
    assert queue_of(referral, tokens) == []


def test_malformed_json_is_a_client_error_not_a_server_error(referral):
    answer = referral.client.post("/v1/self-referrals", data="{not json", content_type="application/json")
    assert answer.status_code == 400
    assert answer.content_type == "application/problem+json"


def test_a_referrer_refers_with_consent_and_without_consent_nothing_is_stored(referral, tokens):
    missing = {k: v for k, v in third_party().items() if k != "consent"}
    refused = referral.client.post("/v1/referrals", json=missing, headers=tokens("referrer"))
    assert refused.status_code == 422 and "consent" in refused.get_json()["errors"]
    as_self = referral.client.post("/v1/referrals", json=third_party(source="self"), headers=tokens("referrer"))
    assert as_self.status_code == 422 and "source" in as_self.get_json()["errors"]
    accepted = referral.client.post("/v1/referrals", json=third_party(), headers=tokens("referrer"))
    assert accepted.status_code == 201 and set(accepted.get_json()) == {"reference", "urgency", "received_at"}
    [entry] = queue_of(referral, tokens)
    assert entry["source"] == "occupational-health"


def test_a_second_open_referral_of_the_same_person_links_to_the_first(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    second = referral.client.post(
        "/v1/referrals", json=third_party(email=CANARY_EMAIL.upper()), headers=tokens("clinician")
    )
    assert second.get_json()["linked"] is True
    [entry] = queue_of(referral, tokens)
    detail = referral.client.get(
        f"/v1/referrals/{entry['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    ).get_json()
    assert [link["source"] for link in detail["linked_referrals"]] == ["occupational-health"]
    # the same person again, now screening urgent: the open referral jumps the queue
    referral.client.post("/v1/self-referrals", json=body(self_harm=True))
    [escalated] = queue_of(referral, tokens)
    assert escalated["referral_id"] == entry["referral_id"] and escalated["urgency"] == "urgent"


def test_first_contact_leaves_the_queue_with_its_time_measured(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(referral, tokens)
    url = f"/v1/referrals/{entry['referral_id']}/contact-attempts"
    missed = referral.client.post(url, json={"channel": "phone", "outcome": "no-answer"}, headers=tokens("clinician"))
    assert missed.status_code == 201 and missed.get_json()["first_contact"] is False
    assert queue_of(referral, tokens)[0]["attempts"] == 1
    made = referral.client.post(url, json={"channel": "phone", "outcome": "contacted"}, headers=tokens("clinician"))
    assert made.status_code == 201
    recorded = made.get_json()
    assert recorded["first_contact"] is True and recorded["attempt_number"] == 2
    assert recorded["hours_to_first_contact"] >= 0 and recorded["breached"] is False
    assert queue_of(referral, tokens) == []
    with referral.wiring.engine.connect() as conn:
        types = [r[0] for r in conn.execute(text("SELECT event_type FROM outbox ORDER BY occurred_at"))]
    assert types == ["ReferralReceived", "ReferralTriaged", "ContactAttempted", "ContactAttempted", "FirstContactMade"]


def test_withdrawal_closes_with_a_reason_and_nothing_more_can_be_recorded(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(referral, tokens)
    base = f"/v1/referrals/{entry['referral_id']}"
    withdrawn = referral.client.post(f"{base}/withdrawal", json={"reason": "person-asked"}, headers=tokens("clinician"))
    assert withdrawn.get_json()["status"] == "withdrawn"
    again = referral.client.post(f"{base}/closure", json={"reason": "other"}, headers=tokens("clinician"))
    assert again.status_code == 409
    late = referral.client.post(
        f"{base}/contact-attempts", json={"channel": "phone", "outcome": "contacted"}, headers=tokens("clinician")
    )
    assert late.status_code == 409


def test_every_read_of_personal_data_is_audited_and_the_hub_lead_can_query_it(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(referral, tokens)
    url = f"/v1/referrals/{entry['referral_id']}"
    assert referral.client.get(url, headers=tokens("clinician")).status_code == 422  # a purpose is required
    read = referral.client.get(f"{url}?purpose=first-contact", headers=tokens("clinician", subject="clin-7"))
    assert read.get_json()["personal"]["email"] == CANARY_EMAIL
    assert referral.client.get("/v1/access-audit", headers=tokens("clinician")).status_code == 403
    audit = referral.client.get(
        f"/v1/access-audit?referral_id={entry['referral_id']}", headers=tokens("hub-lead")
    ).get_json()
    [record] = audit
    assert record["subject"] == "clin-7" and record["roles"] == "clinician" and record["purpose"] == "first-contact"
    assert record["case_id"] == entry["case_id"]


def test_fitness_to_practise_concerns_are_for_the_hub_lead_only(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(referral, tokens)
    url = f"/v1/referrals/{entry['referral_id']}/fitness-to-practise-concerns"
    raised = referral.client.post(url, json={"concern": "Canary concern"}, headers=tokens("clinician"))
    assert raised.status_code == 201
    assert referral.client.get(url, headers=tokens("clinician")).status_code == 403
    [concern] = referral.client.get(url, headers=tokens("hub-lead")).get_json()
    assert concern["concern"] == "Canary concern"


def test_erasure_on_request_leaves_only_pseudonymous_facts(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(referral, tokens)
    base = f"/v1/referrals/{entry['referral_id']}"
    assert referral.client.post(f"{base}/erasure", headers=tokens("clinician")).status_code == 403
    assert referral.client.post(f"{base}/erasure", headers=tokens("hub-lead")).status_code == 200
    detail = referral.client.get(f"{base}?purpose=erasure-request", headers=tokens("hub-lead")).get_json()
    assert detail["personal"] is None and detail["urgency"] == "routine"


def test_an_unknown_referral_is_404(referral, tokens):
    answer = referral.client.get(f"/v1/referrals/{uuid.uuid4()}?purpose=first-contact", headers=tokens("clinician"))
    assert answer.status_code == 404 and answer.content_type == "application/problem+json"


def test_database_alone_reveals_no_personal_data(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    referral.client.post("/v1/referrals", json=third_party(), headers=tokens("referrer"))
    [entry, _] = queue_of(referral, tokens)
    referral.client.post(
        f"/v1/referrals/{entry['referral_id']}/fitness-to-practise-concerns",
        json={"concern": "Canary concern"},
        headers=tokens("clinician"),
    )
    dump = database_dump(referral.wiring.engine)
    with referral.wiring.engine.connect() as conn:
        schema_tables = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        tables = {r[0] for r in conn.execute(text(schema_tables))}
    assert {"personal_details", "access_audit"} <= tables  # the dump covered where sealed data lives
    # Whole words only: a short one such as "z3k" turns up by chance in sealed (base64) data.
    for canary in (CANARY_NAME, CANARY_EMAIL, "Canary", "someone.else", "OH Adviser", "Trust OH"):
        assert canary.lower() not in dump.lower()


def test_the_worker_erases_personal_data_once_retention_has_passed(run_service, tokens):
    service = run_service(
        DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(), "HUBS_RETENTION_DAYS": "0"}
    )
    service.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(service, tokens)
    base = f"/v1/referrals/{entry['referral_id']}"
    service.client.post(f"{base}/closure", json={"reason": "signposted"}, headers=tokens("clinician"))
    service.start_worker()

    def erased() -> bool:
        detail = service.client.get(f"{base}?purpose=care-coordination", headers=tokens("hub-lead")).get_json()
        return detail["personal"] is None and detail["status"] == "closed"

    deadline = time.monotonic() + 30
    while not erased():
        assert time.monotonic() < deadline, "personal data not erased by the worker"
        time.sleep(0.3)
    with service.wiring.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM personal_details")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM referrals WHERE erased_at IS NOT NULL")).scalar() == 1


def test_self_referral_is_rate_limited_per_client_with_retry_after(run_service):
    service = run_service(
        DEFINITION,
        extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(), "HUBS_SELF_REFERRAL_RATE_LIMIT": "2/minute"},
    )
    statuses = [service.client.post("/v1/self-referrals", json=body(email=f"p{i}@example.org")) for i in range(3)]
    assert [s.status_code for s in statuses] == [201, 201, 429]
    assert int(statuses[2].headers["Retry-After"]) >= 1
    assert statuses[2].content_type == "application/problem+json"
    other_client = service.client.post(
        "/v1/self-referrals", json=body(email="p9@example.org"), environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert other_client.status_code == 201
    assert statuses[0].headers["X-Content-Type-Options"] == "nosniff"


def test_after_key_rotation_the_old_key_can_be_retired(run_service, tokens):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": old, "HUBS_PERSON_INDEX_KEY": "index-key"})
    before.client.post("/v1/self-referrals", json=body())
    [entry] = queue_of(before, tokens)
    rotating = run_service(
        DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": f"{new},{old}", "HUBS_PERSON_INDEX_KEY": "index-key"}
    )
    assert rotating.client.post("/v1/personal-data/key-rotation", headers=tokens("clinician")).status_code == 403
    rotated = rotating.client.post("/v1/personal-data/key-rotation", headers=tokens("hub-lead")).get_json()
    assert rotated["resealed"] == 2  # personal details and consent
    after = run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": new, "HUBS_PERSON_INDEX_KEY": "index-key"})
    detail = after.client.get(
        f"/v1/referrals/{entry['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    )
    assert detail.get_json()["personal"]["email"] == CANARY_EMAIL
    # the person is still recognised with the new key alone
    after.client.post("/v1/self-referrals", json=body())
    assert len(queue_of(after, tokens)) == 1


def test_a_referrer_cannot_tell_from_the_answer_that_the_person_was_already_in_touch(referral, tokens):
    referral.client.post("/v1/self-referrals", json=body())
    before = datetime.now(UTC)
    to_someone_known = referral.client.post(
        "/v1/referrals", json=third_party(email=CANARY_EMAIL), headers=tokens("referrer")
    ).get_json()
    to_someone_new = referral.client.post(
        "/v1/referrals", json=third_party(email="never.referred@example.org"), headers=tokens("referrer")
    ).get_json()
    assert set(to_someone_known) == set(to_someone_new) == {"reference", "urgency", "received_at"}
    # The time given is of this referral, not of the person's earlier one.
    assert datetime.fromisoformat(to_someone_known["received_at"]) >= before
    assert to_someone_known["urgency"] == to_someone_new["urgency"]
