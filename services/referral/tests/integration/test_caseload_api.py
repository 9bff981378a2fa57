"""The caseload through the referral API against a real PostgreSQL: open referrals stay findable
after first contact, by stage, by the clinician who opened them and by reference, a page at a time,
with no personal details in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.referral.adapters.transfer_seal import generate_key_pair
from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration


@pytest.fixture
def referral(run_service, hub_id, tmp_path: Path):
    generate_key_pair(tmp_path / "own.key", tmp_path / "own.pub")
    return run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "own.key"),
        },
    )


def refer(referral, name: str) -> dict:
    body = {
        "name": name,
        "email": f"{name.lower().replace(' ', '.')}@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
    }
    answer = referral.client.post("/v1/self-referrals", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def caseload(referral, headers, **query) -> dict:
    answer = referral.client.get("/v1/referrals", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_contacted_case_stays_in_the_caseload_of_the_clinician_who_opened_it(referral, tokens):
    for name in ("Ada First", "Bo Second", "Cy Third"):
        refer(referral, name)
    queue = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    ids = [e["referral_id"] for e in queue]
    sam = tokens("clinician", subject="clinician-sam")
    opened = referral.client.get(f"/v1/referrals/{ids[0]}", query_string={"purpose": "first-contact"}, headers=sam)
    assert opened.status_code == 200
    contact = {"channel": "phone", "outcome": "contacted"}
    contacted = referral.client.post(f"/v1/referrals/{ids[0]}/contact-attempts", json=contact, headers=sam)
    assert contacted.status_code == 201

    # Gone from the queue, but in every open case, in Sam's cases and at its stage.
    assert ids[0] not in [e["referral_id"] for e in referral.client.get("/v1/queue", headers=sam).get_json()]
    everything = caseload(referral, sam)
    assert everything["total"] == 3 and {e["referral_id"] for e in everything["referrals"]} == set(ids)
    mine = caseload(referral, sam, opened_by_me="true")
    assert [(e["referral_id"], e["status"]) for e in mine["referrals"]] == [(ids[0], "contacted")]
    assert mine["referrals"][0]["first_contacted_at"]
    assert caseload(referral, tokens("clinician", subject="clinician-kim"), opened_by_me="true")["total"] == 0
    contacted = caseload(referral, sam, status="contacted")
    assert [e["referral_id"] for e in contacted["referrals"]] == [ids[0]]
    waiting = caseload(referral, sam, status="awaiting-first-contact")
    assert {e["referral_id"] for e in waiting["referrals"]} == set(ids[1:])

    # By the reference a person quotes, in any case; and no personal details in any entry.
    reference = mine["referrals"][0]["reference"]
    found = caseload(referral, sam, reference=reference.lower())
    assert [e["referral_id"] for e in found["referrals"]] == [ids[0]]
    assert not any("personal" in e or "name" in e for e in everything["referrals"])


def test_the_caseload_comes_a_page_at_a_time_with_the_total(referral, tokens):
    for n in range(3):
        refer(referral, f"Paged Person {n}")
    first = caseload(referral, tokens("clinician"), page=1, page_size=2)
    second = caseload(referral, tokens("clinician"), page=2, page_size=2)
    assert (first["total"], len(first["referrals"]), len(second["referrals"])) == (3, 2, 1)
    assert not {e["referral_id"] for e in first["referrals"]} & {e["referral_id"] for e in second["referrals"]}


def test_a_wrong_stage_reference_or_page_is_refused_naming_it(referral, tokens):
    for name, value in (("status", "closed"), ("reference", "not-a-ref"), ("page", 0), ("page_size", 500)):
        answer = referral.client.get("/v1/referrals", query_string={name: value}, headers=tokens("clinician"))
        assert answer.status_code == 422, name
        assert name in str(answer.get_json()["errors"])


def test_the_caseload_among_cases_another_service_lists_keeps_only_those_with_its_filters(referral, tokens):
    for name in ("Di Due", "Ed Waiting", "Fay Neither"):
        refer(referral, name)
    everyone = caseload(referral, tokens("clinician"))["referrals"]
    case_of = {e["referral_id"]: e["case_id"] for e in everyone}
    due, waiting = everyone[0], everyone[1]
    listed = [due["case_id"], waiting["case_id"], due["case_id"]]  # a case twice counts once

    def among(case_ids, **filters) -> dict:
        body = {"case_ids": case_ids, **filters}
        answer = referral.client.post("/v1/case-searches", json=body, headers=tokens("clinician"))
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    found = among(listed)
    assert found["total"] == 2
    assert {case_of[e["referral_id"]] for e in found["referrals"]} == {due["case_id"], waiting["case_id"]}
    assert among([due["case_id"]], page_size=1)["referrals"][0]["referral_id"] == due["referral_id"]
    assert among(listed, status=["contacted"])["total"] == 0  # the caseload's filters still apply
    assert among([])["total"] == 0  # nobody listed: nobody shown, not everyone
    assert not any("name" in e or "personal" in e for e in found["referrals"])


def test_a_case_search_without_case_ids_or_with_one_that_is_not_an_id_is_refused_naming_it(referral, tokens):
    for body, field in (
        ({}, "case_ids"),
        ({"case_ids": ["not-an-id"]}, "case_ids"),
        ({"case_ids": [], "page": 0}, "page"),
    ):
        answer = referral.client.post("/v1/case-searches", json=body, headers=tokens("clinician"))
        assert answer.status_code == 422, body
        assert field in str(answer.get_json()["errors"])
