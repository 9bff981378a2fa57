"""Referring someone else, with their consent: the questions, what is sent, what is shown back,
and who may use the form."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hubs.portal.adapters.services import Answer
from hubs.portal.domain import third_party_referral
from hubs.portal.domain.forms import errors_for_form, problem_fields

TODAY = date.today()
GOOD = {
    "source": "line-manager",
    "referrer_name": "Alex Manager",
    "referrer_organisation": "Ward 7, Example Trust",
    "referrer_email": "alex.manager@example.org",
    "name": "Sam Colleague",
    "phone": "07700 900 303",
    "staff_group": "nursing-and-midwifery",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "consent_method": "verbal",
    "consent-day": str(TODAY.day),
    "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}
ACCEPTED = Answer(201, {"referral_id": "5e0955aa-1111-4222-8333-444455556666", "reference": "5E0955AA",
                        "urgency": "routine", "received_at": "2026-11-26T09:00:00Z", "linked": True})  # fmt: skip


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


def test_a_referrer_lands_on_the_form_with_their_name_as_the_referrer(signed_in):
    client = signed_in("referrer")
    page = client.get("/account").get_data(as_text=True)
    assert "Referrer" in page
    response = client.get("/refer-someone")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Test referrer"' in page
    assert page.index("The person must agree to be referred") < page.index('id="name"')


def test_an_empty_referral_lists_every_problem_in_the_order_of_the_questions(signed_in, services):
    response = signed_in("referrer").post("/refer-someone", data={"referrer_name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == [
        "source", "referrer_name", "name", "phone", "thoughts_of_self_harm", "risk_to_others", "consent",
        "consent_method", "consent_date",
    ]  # fmt: skip
    assert "<title>Error:" in page
    assert 'id="consent-error"' in page and 'aria-describedby="consent-hint consent-error"' in page
    assert services.calls == []


def test_a_referral_without_the_persons_agreement_is_never_sent(signed_in, services):
    response = signed_in("referrer").post("/refer-someone", data={**GOOD, "consent": ""})
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True)) == ["consent"]
    assert services.calls == []


def test_agreement_dated_tomorrow_is_refused_against_the_date(signed_in, services):
    tomorrow = date.fromordinal(date.today().toordinal() + 1)  # now: a run may pass midnight
    form = {**GOOD, "consent-day": str(tomorrow.day), "consent-month": str(tomorrow.month),
            "consent-year": str(tomorrow.year)}  # fmt: skip
    page = signed_in("clinician").post("/refer-someone", data=form).get_data(as_text=True)
    assert summary_links(page) == ["consent_date"]
    # The summary's link lands in the first box of the date.
    assert (
        '<input class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-2 nhsuk-input--error" id="consent_date"'
        in page
    )
    assert services.calls == []


def test_a_referral_is_sent_with_the_persons_consent_and_the_referrer(signed_in, services):
    services.answers[("referral", "POST", "/v1/referrals")] = ACCEPTED
    response = signed_in("referrer").post("/refer-someone", data={**GOOD, "thoughts_of_self_harm": "yes"})
    assert response.status_code == 303
    sent = services.calls_to("referral", "POST", "/v1/referrals")[0]
    body = sent["json"]
    assert sent["token"]
    assert body["source"] == "line-manager"
    assert body["referrer"] == {"name": "Alex Manager", "organisation": "Ward 7, Example Trust",
                                "email": "alex.manager@example.org", "phone": None}  # fmt: skip
    assert (body["name"], body["phone"], body["email"]) == ("Sam Colleague", "07700 900 303", None)
    assert body["risk_screen"] == {"thoughts_of_self_harm": True, "risk_to_others": False}
    assert body["consent"]["method"] == "verbal"
    assert body["consent"]["given_by"] == "the person referred"
    assert datetime.fromisoformat(body["consent"]["given_at"]).tzinfo is not None


def test_the_confirmation_gives_the_reference_but_no_personal_details_and_nothing_of_a_link(signed_in, services):
    services.answers[("referral", "POST", "/v1/referrals")] = ACCEPTED
    client = signed_in("referrer")
    response = client.post("/refer-someone", data=GOOD)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "5E0955AA" in page
    assert "Routine" in page
    for personal in ("Sam Colleague", "07700 900 303", "Alex Manager", "already"):
        assert personal not in page
    assert "5e0955aa-1111" not in page
    assert client.get("/refer-someone/confirmation").status_code == 302


def test_an_urgent_referral_says_so_with_the_numbers_to_call(signed_in, services):
    services.answers[("referral", "POST", "/v1/referrals")] = Answer(201, {**ACCEPTED.data, "urgency": "urgent"})
    client = signed_in("referrer")
    page = client.get(client.post("/refer-someone", data=GOOD).headers["Location"]).get_data(as_text=True)
    assert 'id="urgent-help"' in page and "999" in page


def test_the_referral_services_nested_field_messages_show_against_the_right_question(signed_in, services):
    services.answers[("referral", "POST", "/v1/referrals")] = Answer(422, title="Unprocessable Entity", errors={
        "referrer": {"email": ["Not a valid email address."]}, "employer": ["Longer than maximum length 200."],
        "consent": {"given_at": ["Not a valid datetime."]},
    })  # fmt: skip
    response = signed_in("referrer").post("/refer-someone", data=GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == ["referrer_email", "employer", "consent_date"]
    assert 'id="referrer_email-error"' in page and 'id="email-error"' not in page
    assert 'value="Sam Colleague"' in page


def test_when_the_referral_service_is_down_the_answers_are_kept_and_nothing_is_claimed(signed_in, services):
    services.answers[("referral", "POST", "/v1/referrals")] = Answer(503, title="Down")
    response = signed_in("clinician").post("/refer-someone", data=GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Nothing has been sent" in page
    assert 'value="Sam Colleague"' in page


def test_a_national_analyst_cannot_refer(signed_in, services):
    client = signed_in("national-analyst")
    assert client.get("/refer-someone").status_code == 403
    assert client.post("/refer-someone", data=GOOD).status_code == 403
    assert services.calls == []


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/refer-someone")
    assert response.status_code == 302
    assert "/sign-in?next=/refer-someone" in response.headers["Location"]


def test_a_referrer_sees_no_clinical_pages(signed_in):
    client = signed_in("referrer")
    for path in ("/queue", "/team", "/lead/", "/staff-surveys/5e0955aa-1111-4222-8333-444455556666"):
        assert client.get(path).status_code == 403, path


def test_a_referral_without_the_form_token_is_refused(make_portal, services):
    client = make_portal(csrf=True)
    client.post("/sign-in/dev", data={"role": "referrer"})
    response = client.post("/refer-someone", data=GOOD)
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert services.calls == []


def test_problem_fields_reads_every_shape_the_services_answer_with():
    assert problem_fields({"json": {"email": ["Bad."]}}) == {"email": "Bad."}
    assert problem_fields({"referrer": {"phone": ["Not a phone number."]}}) == {"referrer.phone": "Not a phone number."}
    assert problem_fields({"at_risk_factors": {"0": ["Must be one of: a."]}}) == {
        "at_risk_factors.0": "Must be one of: a."
    }
    assert problem_fields({"attendees": ["Group supervision has at least two."]}) == {
        "attendees": "Group supervision has at least two."
    }
    assert errors_for_form({"risk_screen": {"risk_to_others": ["Missing."]}}, ["risk_to_others"]) == {
        "risk_to_others": "Missing."
    }


def test_consent_given_on_an_earlier_day_is_recorded_at_midday_uk_time():
    now = datetime(2026, 7, 2, 15, 30, tzinfo=UTC)
    assert third_party_referral.consent_given_at(date(2026, 7, 1), now) == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert third_party_referral.consent_given_at(date(2026, 7, 2), now) == now
