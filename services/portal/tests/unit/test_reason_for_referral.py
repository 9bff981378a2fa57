"""The reason for referral: asked on the referral form with a hint, sent to the referral service,
refused against its question when too long, never shown back to the referrer, and shown to
clinicians on the case page with the other details of the referral."""

from __future__ import annotations

import re
from datetime import date

from hubs.portal.adapters.services import Answer

TODAY = date.today()
FORM = {
    "source": "occupational-health", "referrer_name": "Alex Adviser", "name": "Sam Colleague",
    "phone": "07700 900 303", "thoughts_of_self_harm": "no", "risk_to_others": "no", "consent": "yes",
    "consent_method": "verbal", "consent-day": str(TODAY.day), "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}  # fmt: skip
REASON = "Tearful at handover twice this week.\r\nSays she is not sleeping since the redeployment."
ACCEPTED = Answer(201, {"reference": "5E0955AA", "urgency": "routine", "received_at": "2026-11-26T09:00:00Z"})
REFERRALS = ("referral", "POST", "/v1/referrals")
REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
DETAIL = {
    "referral_id": REFERRAL_ID, "case_id": "c0ffee00-1111-4222-8333-444455556666", "reference": "5E0955AA",
    "source": "line-manager", "urgency": "routine", "received_at": "2026-11-26T09:00:00Z",
    "first_contact_due_by": "2026-11-28T09:00:00Z", "hours_left": 30.0, "breaches_today": False, "breached": False,
    "attempts": 0, "status": "awaiting-first-contact", "contact_attempts": [], "at_risk_factors": [],
    "personal": {"name": "Sam Colleague", "phone": "07700 900 303"}, "consent": {"method": "verbal"},
    "reason": "Tearful at handover twice this week.\nSays she is not sleeping since the redeployment.",
    "linked_referrals": [],
}  # fmt: skip


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


def test_the_form_asks_why_with_a_hint_before_the_risk_questions(signed_in):
    page = signed_in("referrer").get("/refer-someone").get_data(as_text=True)
    assert '<textarea class="nhsuk-textarea" id="reason" name="reason"' in page
    assert 'aria-describedby="reason-hint"' in page and "Only the hub&#39;s clinical team reads it" in page
    assert page.index('id="employment_type"') < page.index('id="reason"') < page.index('id="thoughts_of_self_harm"')


def test_the_reason_is_sent_with_the_referral_in_the_referrers_words(signed_in, services):
    services.answers[REFERRALS] = ACCEPTED
    response = signed_in("referrer").post("/refer-someone", data={**FORM, "reason": f"  {REASON}  "})
    assert response.status_code == 303
    assert services.calls_to(*REFERRALS)[0]["json"]["reason"] == REASON.replace("\r\n", "\n")


def test_no_reason_is_sent_as_none(signed_in, services):
    services.answers[REFERRALS] = ACCEPTED
    signed_in("referrer").post("/refer-someone", data={**FORM, "reason": "   "})
    assert services.calls_to(*REFERRALS)[0]["json"]["reason"] is None


def test_a_reason_over_two_thousand_characters_is_not_sent_and_says_so_against_it(signed_in, services):
    response = signed_in("referrer").post("/refer-someone", data={**FORM, "reason": "x" * 2001})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == ["reason"]
    assert 'id="reason-error"' in page and "must be 2,000 characters or fewer" in page
    assert 'aria-describedby="reason-hint reason-error"' in page and "x" * 2001 in page
    assert services.calls_to(*REFERRALS) == []


def test_new_lines_count_once_towards_the_limit(signed_in, services):
    services.answers[REFERRALS] = ACCEPTED
    response = signed_in("referrer").post("/refer-someone", data={**FORM, "reason": "a\r\n" * 666 + "ab"})
    assert response.status_code == 303


def test_the_referral_services_message_about_the_reason_shows_against_it(signed_in, services):
    services.answers[REFERRALS] = Answer(422, title="Unprocessable Entity", errors={
        "reason": ["Control characters other than new lines are not allowed."],
    })  # fmt: skip
    response = signed_in("referrer").post("/refer-someone", data={**FORM, "reason": "Worried."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == ["reason"]
    assert "Check this answer: Control characters other than new lines are not allowed." in page


def test_the_confirmation_never_repeats_the_reason(signed_in, services):
    services.answers[REFERRALS] = ACCEPTED
    client = signed_in("referrer")
    response = client.post("/refer-someone", data={**FORM, "reason": REASON})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tearful" not in page and "redeployment" not in page


def test_the_case_page_shows_the_reason_line_by_line_with_the_referral(signed_in, services):
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, DETAIL)
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=first-contact").get_data(as_text=True)
    row = page[page.index('id="reason-for-referral"') :]
    row = row[: row.index("</div>")]
    assert "Reason for referral" in row
    assert '<p class="nhsuk-body">Tearful at handover twice this week.</p>' in row
    assert "Says she is not sleeping since the redeployment.</p>" in row
    assert page.index("Sam Colleague") < page.index('id="reason-for-referral"') < page.index('id="contact"')


def test_a_referral_without_a_reason_says_not_given_and_a_self_referral_has_no_such_row(signed_in, services):
    client = signed_in("clinician")
    path = ("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")
    services.answers[path] = Answer(200, {**DETAIL, "reason": None})
    page = client.get(f"/cases/{REFERRAL_ID}?purpose=first-contact").get_data(as_text=True)
    row = page[page.index('id="reason-for-referral"') :]
    assert "Not given" in row[: row.index("</div>")]
    services.answers[path] = Answer(200, {**DETAIL, "source": "self", "reason": None})
    assert 'id="reason-for-referral"' not in client.get(f"/cases/{REFERRAL_ID}?purpose=first-contact").get_data(
        as_text=True
    )


def test_the_reason_of_a_later_referral_of_the_same_person_is_shown_too(signed_in, services):
    linked = [{"source": "gp", "received_at": "2026-11-27T10:00:00+00:00", "reason": "Low mood for six weeks."}]
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(
        200, {**DETAIL, "linked_referrals": linked}
    )
    page = signed_in("hub-lead").get(f"/cases/{REFERRAL_ID}?purpose=care-coordination").get_data(as_text=True)
    assert "Referred again" in page and "Gp, 27 Nov 2026, 10:00" in page
    assert '<p class="nhsuk-body nhsuk-u-margin-bottom-0">Low mood for six weeks.</p>' in page
