"""Nobody learns from the front door who is in touch with the hub (real PostgreSQL): a submission
linked to a person's open referral is answered like any other, with a reference of its own, after
the same statements; a clinician, who is told, leaves a record in the access audit."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import event, text

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

COLLEAGUE_EMAIL = "colleague.r8m@example.org"
COLLEAGUE_PHONE = "07700 900461"
THIRD_PARTY = {
    "source": "line-manager",
    "referrer": {"name": "A Manager"},
    "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
}


def probe(urgent: bool = False, **contact) -> dict:
    """An anonymous self-referral naming only a contact detail."""
    return {
        "name": "Anyone",
        "risk_screen": {"thoughts_of_self_harm": urgent, "risk_to_others": False},
        "consent_to_contact": True,
        **contact,
    }


@pytest.fixture
def referral(run_service):
    return run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "600/minute",
        },
    )


@pytest.fixture
def colleague(referral) -> str:
    """The colleague's open referral; its reference."""
    answer = referral.client.post("/v1/self-referrals", json=probe(email=COLLEAGUE_EMAIL, phone=COLLEAGUE_PHONE))
    assert answer.status_code == 201
    return answer.get_json()["reference"]


def alike(answer: dict) -> dict:
    """The answer without what differs for every submission: its own reference and its time, and
    the first-contact deadline as the time it leaves from then (on a working day it keeps the
    clock time of the submission, to the microsecond)."""
    assert re.fullmatch(r"[0-9A-F]{8}", answer["reference"])
    received = datetime.fromisoformat(answer["received_at"])
    kept = {k: v for k, v in answer.items() if k not in ("reference", "received_at", "first_contact_due_by")}
    if answer.get("first_contact_due_by"):
        kept["first_contact_due_in"] = datetime.fromisoformat(answer["first_contact_due_by"]) - received
    return kept


def test_probes_with_and_without_an_open_referral_get_alike_answers_each_with_a_new_reference(
    referral, tokens, colleague
):
    sent = {
        "known email": ("/v1/self-referrals", probe(email=COLLEAGUE_EMAIL), None),
        "unknown email": ("/v1/self-referrals", probe(email="nobody.r8m@example.org"), None),
        "known phone": ("/v1/self-referrals", probe(phone=COLLEAGUE_PHONE), None),
        "unknown phone": ("/v1/self-referrals", probe(phone="07700 900999"), None),
        "referrer, known": ("/v1/referrals", {**probe(email=COLLEAGUE_EMAIL), **THIRD_PARTY}, "referrer"),
        "referrer, unknown": ("/v1/referrals", {**probe(email="nobody.else@example.org"), **THIRD_PARTY}, "referrer"),
    }
    answers = {}
    for name, (path, body, role) in sent.items():
        if role:
            body = {k: v for k, v in body.items() if k != "consent_to_contact"}
        answer = referral.client.post(path, json=body, headers=tokens(role) if role else None)
        assert answer.status_code == 201, (name, answer.get_json())
        answers[name] = answer.get_json()

    assert alike(answers["known email"]) == alike(answers["unknown email"])
    assert alike(answers["known phone"]) == alike(answers["unknown phone"])
    assert alike(answers["known email"]) == alike(answers["known phone"])
    assert alike(answers["referrer, known"]) == alike(answers["referrer, unknown"])
    references = [colleague] + [a["reference"] for a in answers.values()]
    assert len(set(references)) == len(references)  # every submission a reference of its own

    # The hub still knows: the colleague's one referral, with three later ones, each by its reference.
    queue = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    [theirs] = [entry for entry in queue if entry["reference"] == colleague]
    detail = referral.client.get(
        f"/v1/referrals/{theirs['referral_id']}?purpose=first-contact", headers=tokens("clinician")
    ).get_json()
    assert sorted(link["reference"] for link in detail["linked_referrals"]) == sorted(
        answers[name]["reference"] for name in ("known email", "known phone", "referrer, known")
    )


def test_a_clinician_is_told_of_the_link_with_the_new_referral_s_own_reference(referral, tokens, colleague):
    body = {**{k: v for k, v in probe(email=COLLEAGUE_EMAIL).items() if k != "consent_to_contact"}, **THIRD_PARTY}
    answer = referral.client.post("/v1/referrals", json=body, headers=tokens("clinician")).get_json()
    assert answer["linked"] is True and answer["reference"] != colleague
    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    assert answer["referral_id"] == entry["referral_id"] and entry["reference"] == colleague


@contextmanager
def statements_of(engine):
    """The SQL the service sends while the block runs, savepoint names and their endings made alike."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statement = re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement)
        sent.append(re.sub(r"^(RELEASE|ROLLBACK TO) SAVEPOINT", "END SAVEPOINT", statement))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    ("open_one_urgent", "probe_urgent"),
    [(False, False), (False, True), (True, True)],
    ids=["routine probe", "urgent probe escalating the open referral", "urgent probe of an urgent referral"],
)
def test_the_intake_runs_the_same_statements_whether_or_not_the_person_is_in_touch(
    referral, open_one_urgent, probe_urgent
):
    """Time tells what the answer does not: the linked case must do the same work, in the same order."""
    opened = referral.client.post("/v1/self-referrals", json=probe(open_one_urgent, email=COLLEAGUE_EMAIL))
    assert opened.status_code == 201
    with statements_of(referral.wiring.engine) as known:
        assert (
            referral.client.post("/v1/self-referrals", json=probe(probe_urgent, email=COLLEAGUE_EMAIL)).status_code
            == 201
        )
    with statements_of(referral.wiring.engine) as unknown:
        assert (
            referral.client.post("/v1/self-referrals", json=probe(probe_urgent, email="n.r8m@example.org")).status_code
            == 201
        )
    # Both outcomes are in what is sent, whichever is kept.
    assert any("INSERT INTO linked_referrals" in s and "INSERT INTO referrals" in s for s in known)
    assert known == unknown


def test_a_clinician_s_look_up_of_a_person_is_in_the_access_audit(referral, tokens, colleague):
    third_party = {k: v for k, v in probe(email=COLLEAGUE_EMAIL).items() if k != "consent_to_contact"}
    found = referral.client.post(
        "/v1/referrals", json={**third_party, **THIRD_PARTY}, headers=tokens("clinician", subject="clin-r8m")
    ).get_json()
    not_found = referral.client.post(
        "/v1/referrals",
        json={**third_party, "email": "new.r8m@example.org", **THIRD_PARTY},
        headers=tokens("hub-lead", subject="lead-r8m"),
    ).get_json()
    by_referrer = referral.client.post(
        "/v1/referrals",
        json={**third_party, **THIRD_PARTY},
        headers=tokens("referrer", subject="ref-r8m"),
    )
    assert found["linked"] and not not_found["linked"] and by_referrer.status_code == 201

    audit = referral.client.get("/v1/access-audit", headers=tokens("hub-lead", subject="auditor")).get_json()
    look_ups = {(a["subject"], a["roles"], a["action"], a["purpose"], a["referral_id"]) for a in audit}
    assert ("clin-r8m", "clinician", "look-up-person-found", "referral", found["referral_id"]) in look_ups
    assert ("lead-r8m", "hub-lead", "look-up-person-not-found", "referral", not_found["referral_id"]) in look_ups
    # A referrer is told nothing of the person, so there is nothing to audit.
    assert not [a for a in audit if a["subject"] == "ref-r8m"]


def test_the_events_an_intake_keeps_are_numbered_in_the_order_they_were_raised(referral):
    """The relay sends a case's events in the outbox's order: a referral's triage after its receipt,
    an escalation of the open referral after its own triage."""
    for n in range(6):
        email = f"order.{n}.r8m@example.org"
        assert referral.client.post("/v1/self-referrals", json=probe(email=email)).status_code == 201
        assert referral.client.post("/v1/self-referrals", json=probe(True, email=email)).status_code == 201
    with referral.wiring.engine.connect() as conn:
        rows = conn.execute(text("SELECT aggregate_id, event_type FROM outbox ORDER BY seq")).all()
    by_case: dict[str, list[str]] = {}
    for case, event_type in rows:
        by_case.setdefault(case, []).append(event_type)
    assert list(by_case.values()) == [["ReferralReceived", "ReferralTriaged", "ReferralTriaged"]] * 6
