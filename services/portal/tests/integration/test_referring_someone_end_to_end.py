"""A referrer refers a colleague through the portal, to the real referral service: the hub
queues it with the person's consent recorded; the service's own field checks come back against
the right question; the form token and the roles are enforced."""

from __future__ import annotations

from datetime import date

import pytest

from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

TODAY = date.today()
FORM = {
    "source": "occupational-health",
    "referrer_name": "Jo Adviser",
    "referrer_organisation": "Trust Occupational Health",
    "referrer_phone": "01632 960 001",
    "name": "Casey Colleague",
    "email": "casey.colleague@example.org",
    "staff_group": "allied-health-professional",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "yes",
    "consent": "yes",
    "consent_method": "written",
    "consent-day": str(TODAY.day),
    "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}


def queue(hub, tokens) -> list[dict]:
    answer = hub.referral.client.get("/v1/queue", headers=tokens("clinician"))
    assert answer.status_code == 200
    return answer.get_json()


def test_a_referrer_refers_a_colleague_and_the_hub_queues_it_with_their_consent(hub, tokens):
    portal = hub.portal("referrer")
    response = portal.post("/refer-someone", data=FORM)
    assert response.status_code == 303
    page = portal.get(response.headers["Location"]).get_data(as_text=True)
    [queued] = queue(hub, tokens)
    assert f'id="reference">{queued["reference"]}<' in page
    assert "Urgent" in page and "Casey" not in page
    assert (queued["source"], queued["urgency"]) == ("occupational-health", "urgent")
    detail = hub.referral.client.get(
        f"/v1/referrals/{queued['referral_id']}", query_string={"purpose": "first-contact"}, headers=tokens("clinician")
    ).get_json()
    assert detail["personal"]["name"] == "Casey Colleague"
    assert detail["personal"]["email"] == "casey.colleague@example.org"
    assert detail["consent"]["method"] == "written"
    assert detail["consent"]["given_by"] == "the person referred"


def test_the_referral_services_own_checks_show_against_the_right_question(hub, tokens, read):
    too_long = "x" * 201
    form = {**FORM, "referrer_organisation": too_long, "employer": too_long}
    response = hub.portal("clinician").post("/refer-someone", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert read.summary_links(page) == ["referrer_organisation", "employer"]
    assert 'id="referrer_organisation-error"' in page and 'id="employer-error"' in page
    assert 'value="Casey Colleague"' in page
    assert queue(hub, tokens) == []


def test_the_form_is_sent_only_with_its_token(hub, tokens, read):
    portal = hub.portal("referrer", csrf=True)
    refused = portal.post("/refer-someone", data=FORM)
    assert refused.status_code == 400
    assert "Your form has expired" in refused.get_data(as_text=True)
    assert queue(hub, tokens) == []
    token = read.form_token(portal.get("/refer-someone").get_data(as_text=True))
    assert portal.post("/refer-someone", data={**FORM, "csrf_token": token}).status_code == 303
    assert len(queue(hub, tokens)) == 1


def test_roles_that_may_not_refer_are_refused_and_nothing_reaches_the_hub(hub, tokens):
    analyst = hub.portal("national-analyst")
    assert analyst.get("/refer-someone").status_code == 403
    assert analyst.post("/refer-someone", data=FORM).status_code == 403
    anonymous = hub.portal()
    assert anonymous.post("/refer-someone", data=FORM).status_code == 302
    assert queue(hub, tokens) == []


def test_the_reason_for_referral_is_kept_sealed_and_shown_to_the_clinician_on_the_case(hub, tokens):
    reason = "Canary worry P2L: tearful at handover.\r\nNot sleeping since the redeployment."
    assert hub.portal("referrer").post("/refer-someone", data={**FORM, "reason": reason}).status_code == 303
    dump = database_dump(hub.referral.wiring.engine).lower()
    assert "worry p2l" not in dump and "tearful" not in dump
    [queued] = queue(hub, tokens)
    page = hub.portal("clinician").get(f"/cases/{queued['referral_id']}?purpose=first-contact").get_data(as_text=True)
    row = page[page.index('id="reason-for-referral"') :]
    row = row[: row.index("</div>")]
    assert "Canary worry P2L: tearful at handover.</p>" in row
    assert "Not sleeping since the redeployment.</p>" in row


def test_the_referral_services_check_of_the_reason_shows_against_it(hub, tokens, read):
    response = hub.portal("referrer").post("/refer-someone", data={**FORM, "reason": "Worried\x07"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert read.summary_links(page) == ["reason"]
    assert 'id="reason-error"' in page
    assert queue(hub, tokens) == []
