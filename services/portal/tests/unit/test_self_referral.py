"""The public self-referral form: confidentiality first, plain-English errors, the reference."""

from __future__ import annotations

import re

import pytest

from hubs.portal.adapters.services import Answer

GOOD = {
    "name": "Sam Example",
    "phone": "07700 900 982",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "staff_group": "nursing-and-midwifery",
    "at_risk_factors": ["bame", "not-a-code"],
}
ACCEPTED = Answer(201, {"reference": "AB12CD34", "urgency": "routine", "received_at": "2026-11-26T09:00:00Z",
                        "next_steps": "A clinician from the hub will contact you."})  # fmt: skip


def test_the_confidentiality_promise_comes_before_the_first_question(client):
    page = client.get("/self-referral").get_data(as_text=True)
    assert page.index("Your referral is confidential") < page.index('id="name"')


def test_an_empty_self_referral_lists_every_problem_in_the_error_summary(client, services):
    response = client.post("/self-referral", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = page[page.index("nhsuk-error-summary") : page.index("</ul>", page.index("nhsuk-error-summary"))]
    assert re.findall(r'href="#(\w+)"', summary) == [
        "name", "phone", "thoughts_of_self_harm", "risk_to_others", "consent",
    ]  # fmt: skip
    assert "<title>Error:" in page
    assert services.calls == []


def test_an_impossible_date_of_birth_is_refused_and_its_error_leads_into_the_day_box(client, services):
    page = client.post("/self-referral", data={**GOOD, "dob-day": "31", "dob-month": "2", "dob-year": "1990"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'href="#date_of_birth">Date of birth must be a real date in the past' in text
    assert 'id="date_of_birth" name="dob-day"' in text
    assert 'autocomplete="bday-day"' in text
    assert services.calls == []


def test_the_date_of_birth_is_sent_as_a_date_and_an_unknown_choice_is_left_out(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    data = {**GOOD, "dob-day": "15", "dob-month": "3", "dob-year": "1984", "preferred_contact": "carrier-pigeon"}
    assert client.post("/self-referral", data=data).status_code == 303
    sent = services.calls_to("referral", "POST", "/v1/self-referrals")[0]["json"]
    assert sent["date_of_birth"] == "1984-03-15"
    assert sent["preferred_contact"] is None
    assert sent["staff_group"] == "nursing-and-midwifery"


def test_a_self_referral_is_sent_with_its_answers_and_shows_the_reference(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    response = client.post("/self-referral", data=GOOD)
    assert response.status_code == 303
    sent = services.calls_to("referral", "POST", "/v1/self-referrals")[0]["json"]
    assert sent["risk_screen"] == {"thoughts_of_self_harm": False, "risk_to_others": False}
    assert sent["consent_to_contact"] is True
    assert sent["at_risk_factors"] == ["bame"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AB12CD34" in page
    assert "A clinician from the hub will contact you." in page
    assert 'id="urgent-help"' not in page


def test_the_confirmation_gives_urgent_help_numbers_when_the_risk_questions_say_so(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = Answer(201, {**ACCEPTED.data, "urgency": "urgent"})
    client.post("/self-referral", data={**GOOD, "thoughts_of_self_harm": "yes"})
    page = client.get("/self-referral/confirmation").get_data(as_text=True)
    assert "116 123" in page
    assert "999" in page


def test_the_service_field_messages_show_against_the_question(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = Answer(
        422, title="Unprocessable Entity", errors={"json": {"email": ["Not a valid email address."]}}
    )
    page = client.post("/self-referral", data=GOOD).get_data(as_text=True)
    assert 'href="#email"' in page
    assert "Not a valid email address." in page


def test_when_the_referral_service_is_down_the_answers_are_kept_and_nothing_is_claimed(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = Answer(503, title="Down")
    response = client.post("/self-referral", data=GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Nothing has been sent" in page
    assert 'value="Sam Example"' in page


def test_a_self_referral_without_the_form_token_is_refused(make_portal, services):
    client = make_portal(csrf=True)
    response = client.post("/self-referral", data=GOOD)
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert services.calls == []


def test_self_referrals_are_rate_limited_per_client(make_portal, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    client = make_portal(self_referral_rate_limit="2/minute;burst=2")
    statuses = [client.post("/self-referral", data=GOOD).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(services.calls) == 2


def test_the_confirmation_is_shown_once_so_a_shared_computer_does_not_keep_it(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    client.post("/self-referral", data=GOOD)
    first = client.get("/self-referral/confirmation")
    again = client.get("/self-referral/confirmation")
    assert "AB12CD34" in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "no-store"
    assert again.status_code == 302


@pytest.mark.parametrize(
    ("peer", "forwarded", "counted_as"),
    [
        ("10.1.2.3", "203.0.113.9", "203.0.113.9"),  # through the hub's ingress: the person it names
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # from anyone else: who really sent it
    ],
)
def test_the_referral_service_is_told_the_person_behind_the_hubs_ingress_and_nobody_a_sender_names(
    make_portal, services, peer, forwarded, counted_as
):
    client = make_portal(trusted_proxies="10.0.0.0/8")
    client.post("/self-referral", data=GOOD, environ_base={"REMOTE_ADDR": peer}, headers={"X-Forwarded-For": forwarded})
    [sent] = services.calls_to("referral", "POST", "/v1/self-referrals")
    assert sent["forwarded_for"] == counted_as
