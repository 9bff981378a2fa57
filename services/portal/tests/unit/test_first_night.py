"""A safe first night: urgent help on every public page, how the hub may leave a message, a form
that expired keeping its answers, when the hub will make contact, and referring a colleague
without an account."""

from __future__ import annotations

import pytest

from hubs.portal.adapters.services import Answer
from hubs.portal.domain.first_contact import contact_by
from hubs.portal.domain.referred_person import is_uk_phone

SELF = {
    "name": "Sam Example",
    "phone": "07700 900 982",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "employer": "Unit Trust",
}
ACCEPTED = Answer(201, {"reference": "AB12CD34", "urgency": "routine", "received_at": "2026-12-04T14:30:00Z",
                        "first_contact_due_by": "2026-12-08T14:30:00Z",
                        "next_steps": "A clinician from the hub will contact you."})  # fmt: skip
COLLEAGUE = {
    "source": "line-manager",
    "referrer_name": "Robin Manager",
    "referrer_email": "robin.manager@nhs.example",
    "name": "Alex Colleague",
    "phone": "07700 900 123",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "consent_method": "verbal",
    "consent-day": "1",
    "consent-month": "12",
    "consent-year": "2026",
}
COLLEAGUE_ACCEPTED = Answer(201, {"reference": "CD34EF56", "urgency": "routine", "received_at": "2026-12-04T09:00:00Z",
                                  "first_contact_due_by": "2026-12-08T09:00:00Z"})  # fmt: skip


@pytest.mark.parametrize("path", ["/", "/self-referral", "/accessibility", "/refer-a-colleague"])
def test_every_public_page_offers_urgent_help_to_call_or_text(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "If you need help now" in page
    assert 'href="tel:111"' in page and "option 2" in page
    assert 'href="tel:999"' in page
    assert 'href="sms:85258?body=SHOUT"' in page and "Text SHOUT to 85258" in page


def test_whether_a_voicemail_or_a_text_is_all_right_is_sent_with_the_self_referral(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    assert client.post("/self-referral", data={**SELF, "voicemail_ok": "no", "text_ok": "yes"}).status_code == 303
    sent = services.calls_to("referral", "POST", "/v1/self-referrals")[0]["json"]
    assert sent["voicemail_ok"] is False and sent["text_ok"] is True


def test_not_saying_whether_a_voicemail_is_all_right_is_sent_as_not_asked(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    client.post("/self-referral", data={**SELF, "voicemail_ok": "perhaps"})
    sent = services.calls_to("referral", "POST", "/v1/self-referrals")[0]["json"]
    assert sent["voicemail_ok"] is None and sent["text_ok"] is None


@pytest.mark.parametrize("number", ["07700 900 982", "01632 960001", "+44 7700 900982", "+44 (0)20 7946 0958",
                                    "0044 7700 900 982", "020-7946-0958"])  # fmt: skip
def test_uk_telephone_numbers_as_people_write_them_are_taken(number):
    assert is_uk_phone(number)


@pytest.mark.parametrize("number", ["12345678", "077009009", "+1 202 555 0143", "077009009821", "07700+900982",
                                    "(((((((((("])  # fmt: skip
def test_a_number_that_is_not_a_uk_telephone_number_is_refused(number):
    assert not is_uk_phone(number)


def test_a_wrong_telephone_number_is_said_beside_it_and_nothing_is_sent(client, services):
    response = client.post("/self-referral", data={**SELF, "phone": "+1 202 555 0143"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#phone">Enter a UK telephone number' in page
    assert 'id="phone-error"' in page
    assert services.calls == []


def test_an_expired_self_referral_keeps_every_answer_and_says_nothing_was_sent(make_portal, services):
    client = make_portal(csrf=True)
    data = {**SELF, "voicemail_ok": "no", "at_risk_factors": "bame", "csrf_token": "expired"}
    response = client.post("/self-referral", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was sent" in page
    assert 'value="Sam Example"' in page and 'value="07700 900 982"' in page and 'value="Unit Trust"' in page
    assert 'id="voicemail_ok-2" name="voicemail_ok" type="radio" value="no" checked' in page
    assert 'name="at_risk_factors" type="checkbox" value="bame" checked' in page
    assert 'name="csrf_token"' in page  # a fresh token, so that sending again works
    assert services.calls == []


def test_the_confirmation_says_when_the_hub_will_make_contact_and_where_to_get_help_now(client, services):
    services.answers[("referral", "POST", "/v1/self-referrals")] = ACCEPTED
    client.post("/self-referral", data=SELF)
    page = client.get("/self-referral/confirmation").get_data(as_text=True)
    assert "by 2:30pm on Tuesday 8 December" in page
    assert "If you need help now" in page


def test_contact_times_read_as_people_say_them():
    assert contact_by("2026-12-08T14:30:00+00:00") == "by 2:30pm on Tuesday 8 December"
    assert contact_by("2026-07-08T09:00:00+00:00") == "by 10am on Wednesday 8 July"  # British Summer Time
    assert contact_by("2026-12-09T00:00:00+00:00") == "by the end of Tuesday 8 December"
    assert contact_by("2026-12-08T12:00:00+00:00") == "by midday on Tuesday 8 December"
    assert contact_by(None) is None and contact_by("soon") is None


def test_a_colleague_is_referred_without_an_account_through_the_portal_only_endpoint(client, services):
    services.answers[("referral", "POST", "/v1/colleague-referrals")] = COLLEAGUE_ACCEPTED
    response = client.post("/refer-a-colleague", data=COLLEAGUE, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 303
    [sent] = services.calls_to("referral", "POST", "/v1/colleague-referrals")
    assert sent["forwarded_for"] == "203.0.113.9" and sent.get("token") is None
    assert sent["json"]["referrer"]["email"] == "robin.manager@nhs.example"
    assert sent["json"]["consent"]["given_by"] == "the person referred"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CD34EF56" in page and "by 9am on Tuesday 8 December" in page
    assert "If you need help now" in page


def test_a_colleague_referral_needs_the_referrers_work_email_and_their_word_that_the_person_agreed(client, services):
    response = client.post("/refer-a-colleague", data={**COLLEAGUE, "referrer_email": "", "consent": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#referrer_email">Enter your work email address' in page
    assert 'href="#consent">Confirm that the person has agreed' in page
    assert services.calls == []


def test_an_expired_colleague_referral_keeps_every_answer_and_sends_nothing(make_portal, services):
    client = make_portal(csrf=True)
    response = client.post("/refer-a-colleague", data={**COLLEAGUE, "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was sent" in page
    assert 'value="Alex Colleague"' in page and 'value="robin.manager@nhs.example"' in page
    assert services.calls == []


def test_colleague_referrals_are_rate_limited_like_self_referrals(make_portal, services):
    services.answers[("referral", "POST", "/v1/colleague-referrals")] = COLLEAGUE_ACCEPTED
    client = make_portal(self_referral_rate_limit="2/minute;burst=2")
    statuses = [client.post("/refer-a-colleague", data=COLLEAGUE).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]


def test_a_signed_in_referrer_keeps_their_own_page(signed_in):
    client = signed_in("referrer")
    response = client.get("/refer-a-colleague")
    assert response.status_code == 302 and response.headers["Location"].endswith("/refer-someone")
