"""A form sent twice (a double click, a reload of the answer) against the real referral service: one
referral is queued, and both submissions show the same reference; a newly opened form is a new
referral."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.integration

TODAY = date.today()
SELF_REFERRAL = {
    "name": "Sam Example",
    "phone": "07700 900 982",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "staff_group": "nursing-and-midwifery",
}
# Consent given today: the referral says it was given at the moment the form was sent.
REFER_SOMEONE = {
    "source": "line-manager",
    "referrer_name": "Jo Manager",
    "name": "Casey Colleague",
    "email": "casey.colleague@example.org",
    "staff_group": "allied-health-professional",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "consent_method": "verbal",
    "consent-day": str(TODAY.day),
    "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}


def form_key(page: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found, "the form has no key"
    return found.group(1)


def reference(portal, answer) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = portal.get(answer.headers["Location"]).get_data(as_text=True)
    return re.search(r'id="reference">([^<]+)<', page).group(1)


def queue(hub, tokens) -> list[dict]:
    return hub.referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()


def referrals_made(hub) -> int:
    """Every referral received, including one linked to the person's open referral."""
    with hub.referral.wiring.engine.connect() as conn:
        tables = ("referrals", "linked_referrals")
        return sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables)  # noqa: S608


def test_a_self_referral_sent_twice_is_one_referral_with_one_reference(hub, tokens):
    portal = hub.portal()
    sent = {**SELF_REFERRAL, "idempotency_key": form_key(portal.get("/self-referral").get_data(as_text=True))}
    first = reference(portal, portal.post("/self-referral", data=sent))
    again = reference(portal, portal.post("/self-referral", data=sent))
    assert first == again
    assert [q["reference"] for q in queue(hub, tokens)] == [first]
    assert referrals_made(hub) == 1


def test_a_double_click_racing_itself_is_one_referral(hub, tokens):
    sent = {**SELF_REFERRAL, "idempotency_key": form_key(hub.portal().get("/self-referral").get_data(as_text=True))}

    # Three browser tabs, made one after another (building apps in threads at once trips CPython
    # 3.11's compiler: "AST constructor recursion depth mismatch"); their clicks race each other.
    tabs = [hub.portal() for _ in range(3)]

    def click(portal) -> str:
        return reference(portal, portal.post("/self-referral", data=sent))

    with ThreadPoolExecutor(3) as pool:
        references = set(pool.map(click, tabs))
    assert [q["reference"] for q in queue(hub, tokens)] == list(references)
    assert referrals_made(hub) == 1


def test_a_colleague_referred_twice_from_one_form_is_one_referral(hub, tokens):
    portal = hub.portal("referrer")
    sent = {**REFER_SOMEONE, "idempotency_key": form_key(portal.get("/refer-someone").get_data(as_text=True))}
    first = reference(portal, portal.post("/refer-someone", data=sent))
    again = reference(portal, portal.post("/refer-someone", data=sent))
    assert first == again
    assert [q["reference"] for q in queue(hub, tokens)] == [first]
    assert referrals_made(hub) == 1


def test_each_form_opened_is_a_referral_of_its_own(hub, tokens):
    portal = hub.portal()
    keys = {form_key(portal.get("/self-referral").get_data(as_text=True)) for _ in range(2)}
    assert len(keys) == 2
    for n, key in enumerate(keys):
        person = {"name": f"Person {n}", "phone": f"07700 900 98{n}"}
        reference(portal, portal.post("/self-referral", data={**SELF_REFERRAL, **person, "idempotency_key": key}))
    assert len(queue(hub, tokens)) == referrals_made(hub) == 2
