"""Many referrals of one person at the same moment, through two API replicas with their own
connection pools: exactly one referral opens and every other submission is linked to it."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

SUBMISSIONS = 24  # twelve on each replica; well inside the self-referral burst of one client
EMAIL = "canary.twin-k4p@example.org"


def submission(number: int) -> tuple[str, dict, bool]:
    """Self-referrals and referrals from Occupational Health, the email written differently, some with a phone."""
    person = {
        "name": "Canary Twin-K4P",
        "email": EMAIL.upper() if number % 3 == 0 else EMAIL,
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        **({"phone": "07700 900456"} if number % 2 else {}),
    }
    if number % 4 == 0:
        return "/v1/self-referrals", {**person, "consent_to_contact": True}, False
    third_party = {
        **person,
        "source": "occupational-health",
        "referrer": {"name": "OH Adviser", "organisation": "Trust OH service"},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
    }
    return "/v1/referrals", third_party, True


def submit_all_at_once(apps, header: dict[str, str]) -> list[tuple[int, dict]]:
    """Every submission in its own thread and request, released together by a barrier."""
    start = threading.Barrier(SUBMISSIONS)
    answers: list[tuple[int, dict]] = [(0, {})] * SUBMISSIONS

    def submit(number: int) -> None:
        path, body, protected = submission(number)
        client = apps[number % len(apps)].test_client()
        start.wait(timeout=30)
        answer = client.post(path, json=body, headers=header if protected else {})
        answers[number] = (answer.status_code, answer.get_json())

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def what_was_stored(engine) -> dict[str, object]:
    with engine.connect() as conn:
        # uuid.UUID(str(...)): PostgreSQL gives UUIDs, SQLite their hex
        referral_ids = [uuid.UUID(str(r[0])) for r in conn.execute(text("SELECT referral_id FROM referrals"))]
        rows = conn.execute(text("SELECT referral_id, link_id FROM linked_referrals")).all()
        received = conn.execute(text("SELECT count(*) FROM outbox WHERE event_type = 'ReferralReceived'")).scalar()
    return {
        "referral_ids": referral_ids,
        "links": Counter(uuid.UUID(str(r[0])) for r in rows),
        "link_ids": [uuid.UUID(str(r[1])) for r in rows],
        "received_events": received,
    }


def reference_of(some_id: uuid.UUID) -> str:
    return str(some_id).split("-")[0].upper()


@pytest.fixture(params=["postgresql", "sqlite"])
def replicas(request, run_service, tmp_path):
    """Two API replicas of one hub's referral service, each with its own engine and connections."""
    overrides: dict[str, object] = {"extra": {"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}}
    if request.param == "sqlite":  # the laptop demo's database
        overrides |= {"database_url": f"sqlite:///{tmp_path}/referral.db", "database_schema": None}
    first = run_service(DEFINITION, **overrides)
    second_wiring = DEFINITION.bootstrap(first.settings)
    yield first, [first.app, DEFINITION.create_app(second_wiring)]
    second_wiring.engine.dispose()


def test_simultaneous_referrals_of_one_person_open_one_referral_and_link_every_other(replicas, tokens):
    service, apps = replicas
    answers = submit_all_at_once(apps, tokens("referrer"))

    assert [status for status, _ in answers] == [201] * SUBMISSIONS
    stored = what_was_stored(service.wiring.engine)
    opened = stored["referral_ids"]
    assert len(opened) == 1, f"{len(opened)} referrals opened for one person (twins)"
    referral_id = opened[0]
    assert stored["links"] == {referral_id: SUBMISSIONS - 1}
    assert stored["received_events"] == 1
    linked = [body["linked"] for _, body in answers if "linked" in body]
    assert linked.count(False) <= 1 and linked.count(True) >= len(linked) - 1
    # Each submission has a reference of its own: the referral's, or its link's.
    references = [body["reference"] for _, body in answers]
    assert sorted(references) == sorted(reference_of(i) for i in [referral_id, *stored["link_ids"]])
    assert len(set(references)) == SUBMISSIONS
