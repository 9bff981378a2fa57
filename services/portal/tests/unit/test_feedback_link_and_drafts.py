"""The person's feedback link, shown once at closure and answered signed out; case forms whose
answers survive an expired sign-in; and the colleague form's question about voicemail and text."""

from __future__ import annotations

import re

import pytest

from hubs.portal.adapters.services import Answer

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
TOKEN = "Qm9vbXNoYWthbGFrYS1vbmUtdXNlLWxpbmstdG9rZW4"
CLOSE = {"case_id": CASE_ID, "purpose": "care-coordination", "reason": "care-completed", "confirm": "yes"}
GIVEN = {"token": TOKEN, "expires_on": "2027-01-29"}
BY_LINK = ("care", "POST", "/v1/service-user-feedback/by-link")
CONTACTED = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "source": "self", "urgency": "routine",
    "received_at": "2026-11-26T09:00:00Z", "first_contact_due_by": "2026-11-27T09:00:00Z", "hours_left": 3.0,
    "status": "contacted", "first_contacted_at": "2026-11-26T10:00:00Z", "contact_attempts": [],
    "personal": {"name": "Sam Example"}, "at_risk_factors": [],
}  # fmt: skip
ANSWERS = {f"phq9-{i}": "2" for i in range(1, 9)} | {"phq9-9": "0"} | {f"gad7-{i}": "1" for i in range(1, 8)} | {
    "action": "complete", "case_id": CASE_ID, "purpose": "assessment", "work_situation": "at-work", "risk_level": "low",
    "decisions": "signpost", "signpost_to": "self-help", "reasons": "Typed for twenty minutes before lunch.",
}  # fmt: skip
ASSESSMENT_POST = ("assessment", "POST", f"/v1/cases/{CASE_ID}/assessment")


@pytest.fixture
def closable(services):
    services.answers[("referral", "POST", f"/v1/referrals/{REFERRAL_ID}/closure")] = Answer(200, {})


def test_closing_a_case_shows_the_persons_feedback_link_once(signed_in, services, closable):
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/closure")] = Answer(200, {"feedback_link": GIVEN})
    client = signed_in("clinician")

    page = client.post(f"/cases/{REFERRAL_ID}/closure", data=CLOSE).get_data(as_text=True)

    assert f"http://localhost/feedback/{TOKEN}" in page and "This link cannot be shown again" in page
    assert "29 Jan 2027" in page
    # Never kept in the cookie: the next page knows nothing of it.
    with client.session_transaction() as kept:
        assert TOKEN not in repr(dict(kept))


def test_an_episode_closed_first_by_its_referral_gets_its_link_asked_for_afterwards(signed_in, services, closable):
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/closure")] = Answer(409, detail="The episode is closed.")
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/feedback-link")] = Answer(200, GIVEN)

    page = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/closure", data=CLOSE).get_data(as_text=True)

    assert f"/feedback/{TOKEN}" in page


def test_without_a_link_the_closure_goes_back_to_the_case(signed_in, services, closable):
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/closure")] = Answer(200, {"feedback_link": None})

    response = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/closure", data=CLOSE)

    assert response.status_code == 303 and services.calls_to("care", "POST", f"/v1/cases/{CASE_ID}/feedback-link") == []


def test_the_person_answers_through_the_link_without_signing_in(client, services):
    services.answers[BY_LINK] = Answer(201, {"feedback_id": "f"})
    page = client.get(f"/feedback/{TOKEN}").get_data(as_text=True)
    assert "Overall, how was your experience of the hub?" in page and "If you need help now" in page
    assert "anonymous" in page

    response = client.post(f"/feedback/{TOKEN}", data={"overall_experience": "good", "helped": "4", "comment": "Kind"})

    assert response.status_code == 303 and response.headers["Location"].endswith("/feedback/thank-you")
    [call] = services.calls_to(*BY_LINK)
    unanswered = {"felt_listened_to": None, "easy_to_access": None, "confidentiality_trusted": None}
    assert call["json"] == {"token": TOKEN, "overall_experience": "good", "helped": 4, "comment": "Kind", **unanswered}
    assert call.get("token") is None and call["forwarded_for"]
    thanks = client.get("/feedback/thank-you").get_data(as_text=True)
    assert "Thank you for your feedback" in thanks and "If you need help now" in thanks


def test_a_link_that_cannot_be_used_shows_a_kind_page(client, services):
    services.answers[BY_LINK] = Answer(404, title="This link cannot be used", detail="This link cannot be used.")

    response = client.post(f"/feedback/{TOKEN}", data={"overall_experience": "good"})

    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "This link cannot be used" in page and "If you need help now" in page
    assert client.get("/feedback/not a token").status_code == 404


def test_the_overall_question_is_asked_again_and_nothing_is_sent_without_it(client, services):
    response = client.post(f"/feedback/{TOKEN}", data={"helped": "5", "comment": "Kept"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Select how your experience of the hub was overall" in page
    assert "Kept" in page and services.calls_to(*BY_LINK) == []


@pytest.fixture
def assessable_case(services):
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, CONTACTED)
    assessable = {"case_id": CASE_ID, "status": "to-do", "first_contact_at": "2026-11-26T10:00:00Z"}
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, assessable)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/follow-ups")] = Answer(200, [])


def _sign_in_expires(client) -> None:
    with client.session_transaction() as kept:
        sid = kept["sid"]
    client.application.extensions["portal_sessions"].end(sid)


def test_an_assessment_sent_after_the_sign_in_expired_comes_back_after_signing_in_again(
    signed_in, services, assessable_case
):
    client = signed_in("clinician")
    client.get(f"/cases/{REFERRAL_ID}?purpose=assessment")
    _sign_in_expires(client)

    sent = client.post(f"/cases/{REFERRAL_ID}/assessment", data=ANSWERS)

    assert sent.status_code == 303 and "/sign-in" in sent.headers["Location"]
    assert services.calls_to(*ASSESSMENT_POST) == []
    client.post("/sign-in/dev", data={"role": "clinician"})
    page = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    assert "Typed for twenty minutes before lunch." in page and "nothing was saved" in page
    assert re.search(r'name="phq9-1" type="radio" value="2" checked', page)


def test_a_draft_is_dropped_once_its_form_is_sent(signed_in, services, assessable_case):
    services.answers[ASSESSMENT_POST] = Answer(201, {"status": "completed"})
    client = signed_in("clinician")
    client.get(f"/cases/{REFERRAL_ID}?purpose=assessment")
    _sign_in_expires(client)
    client.post(f"/cases/{REFERRAL_ID}/assessment", data=ANSWERS)
    client.post("/sign-in/dev", data={"role": "clinician"})
    before = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)

    assert client.post(f"/cases/{REFERRAL_ID}/assessment", data=ANSWERS).status_code == 303

    assert "Typed for twenty minutes before lunch." in before

    page = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    assert "Typed for twenty minutes before lunch." not in page


def test_a_draft_comes_back_to_the_person_who_typed_it_only(make_portal, services, assessable_case):
    client = make_portal()
    client.post("/sign-in/dev", data={"role": "clinician"})
    client.get(f"/cases/{REFERRAL_ID}?purpose=assessment")
    _sign_in_expires(client)
    client.post(f"/cases/{REFERRAL_ID}/assessment", data=ANSWERS)

    client.post("/sign-in/dev", data={"role": "hub-lead"})
    someone_else = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    client.post("/sign-out")
    client.post("/sign-in/dev", data={"role": "clinician"})

    theirs = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)

    assert "Typed for twenty minutes before lunch." not in someone_else
    assert "Typed for twenty minutes before lunch." in theirs


def test_a_draft_is_forgotten_after_twelve_hours():
    from hubs.portal.adapters.drafts import DraftStore

    now = [1000.0]
    store = DraftStore(clock=lambda: now[0])
    store.remember("sid", "dev-clinician")
    store.keep("dev-clinician", "assessment", "/cases/x?purpose=assessment", {"reasons": "typed"})
    assert store.on_page("dev-clinician", "/cases/x")["assessment"]["reasons"] == "typed"

    now[0] += 12 * 3600

    assert store.on_page("dev-clinician", "/cases/x") == {} and store.owner_of("sid") is None


def test_the_colleague_form_asks_about_voicemail_and_text_and_sends_the_answers(client, services):
    page = client.get("/refer-a-colleague").get_data(as_text=True)
    assert "Can the hub leave them a voicemail? (optional)" in page
    assert "Can the hub send them a text message? (optional)" in page
    services.answers[("referral", "POST", "/v1/colleague-referrals")] = Answer(201, {"reference": "AB12CD34"})
    form = {"source": "line-manager", "referrer_name": "Lee Manager", "referrer_email": "lee@nhs.net",
            "name": "Sam Example", "phone": "07700 900 982", "thoughts_of_self_harm": "no", "risk_to_others": "no",
            "consent": "yes", "consent_method": "verbal", "consent-day": "1", "consent-month": "11",
            "consent-year": "2025", "voicemail_ok": "no", "text_ok": "yes"}  # fmt: skip

    client.post("/refer-a-colleague", data=form)

    [call] = services.calls_to("referral", "POST", "/v1/colleague-referrals")
    assert (call["json"]["voicemail_ok"], call["json"]["text_ok"]) == (False, True)


def test_unanswered_voicemail_and_text_are_sent_as_not_asked_and_answers_come_back(client, services):
    form = {"source": "line-manager", "name": "Sam Example", "voicemail_ok": "yes", "text_ok": "maybe"}

    page = client.post("/refer-a-colleague", data=form).get_data(as_text=True)

    assert 'name="voicemail_ok" type="radio" value="yes" checked' in page
    assert 'name="text_ok" type="radio" value="yes" checked' not in page
    assert services.calls_to("referral", "POST", "/v1/colleague-referrals") == []
