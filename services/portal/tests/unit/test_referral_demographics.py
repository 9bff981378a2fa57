"""The equality questions of both referral forms: asked, optional, each with "Prefer not to say",
and sent to the referral service as the data set's codes, so that the hub's demographics can be
other than "not recorded"."""

from __future__ import annotations

from datetime import date

import pytest

from hubs.contracts import codes
from hubs.portal.adapters.services import Answer
from hubs.portal.domain.referred_person import DEMOGRAPHICS

TODAY = date.today()
SELF = {"name": "Sam Example", "phone": "07700 900 982", "thoughts_of_self_harm": "no", "risk_to_others": "no",
        "consent": "yes"}  # fmt: skip
SOMEONE = {
    **SELF,
    "source": "line-manager",
    "referrer_name": "Alex Manager",
    "consent_method": "verbal",
    "consent-day": str(TODAY.day),
    "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}
ANSWERED = {
    "ethnic_category": "N",
    "age_band": "35-44",
    "gender_identity": "2",
    "gender_same_as_at_birth": "yes",
    "sexual_orientation": "3",
    "disability": "yes",
}
NOT_SAID = {
    "ethnic_category": "Z",
    "age_band": "not-stated",
    "gender_identity": "Z",
    "gender_same_as_at_birth": "not-stated",
    "sexual_orientation": "Z",
    "disability": "not-stated",
}
CODE_LISTS = {
    "ethnic_category": codes.EthnicCategory,
    "age_band": codes.AgeBand,
    "gender_identity": codes.GenderIdentity,
    "gender_same_as_at_birth": codes.GenderSameAsAtBirth,
    "sexual_orientation": codes.SexualOrientation,
    "disability": codes.Disability,
}
FORMS = {
    "self-referral": ("/self-referral", None, "/v1/self-referrals", SELF),
    "someone else": ("/refer-someone", "referrer", "/v1/referrals", SOMEONE),
}
ACCEPTED = Answer(201, {"reference": "AB12CD34", "urgency": "routine", "received_at": "2026-11-26T09:00:00Z",
                        "next_steps": "A clinician will contact you."})  # fmt: skip


@pytest.fixture(params=sorted(FORMS))
def form(request, client, services):
    """(client, page, sent): a referral form's client (signed in if it needs it), its address, and
    `sent(answers)`, which posts the form and gives the body the referral service received."""
    page, role, api, answers = FORMS[request.param]
    if role:
        assert client.post("/sign-in/dev", data={"role": role}).status_code == 302
    services.answers[("referral", "POST", api)] = ACCEPTED

    def sent(extra: dict) -> dict:
        assert client.post(page, data={**answers, **extra}).status_code == 303
        return services.calls_to("referral", "POST", api)[-1]["json"]

    return client, page, sent


def test_both_forms_ask_every_equality_question_with_prefer_not_to_say(form):
    client, page, _ = form
    text = client.get(page).get_data(as_text=True)
    assert "Equality questions (optional)" in text
    groups = text.split('<div class="nhsuk-form-group')
    for question, _ in DEMOGRAPHICS:
        [asked] = [g for g in groups if f'name="{question}"' in g]
        assert "(optional)" in asked and "Prefer not to say" in asked, question
    assert "to have a disability?" in text


def test_the_answers_reach_the_referral_service_as_the_data_sets_codes(form):
    _, _, sent = form
    assert sent(ANSWERED)["demographics"] == ANSWERED


def test_prefer_not_to_say_is_sent_as_not_stated_and_an_unanswered_question_is_left_out(form):
    _, _, sent = form
    assert sent(NOT_SAID)["demographics"] == {
        "ethnic_category": "Z",
        "age_band": "not-stated",
        "gender_identity": "Z",
        "gender_same_as_at_birth": "not-stated",
        "sexual_orientation": "Z",
        "disability": "not-stated",
    }
    assert sent({"disability": "no", "sexual_orientation": "not-a-code"})["demographics"] == {"disability": "no"}


def test_every_answer_offered_is_a_code_the_referral_service_takes():
    for question, options in DEMOGRAPHICS:
        offered = {code for code, _ in options}
        assert offered <= {c.value for c in CODE_LISTS[question]}, question
        # "Not known" is the hub's to record, not a person's answer.
        assert not offered & {"99", "9", "X", "not-known"}, question


def test_the_referral_services_message_on_an_equality_answer_shows_against_its_question(form, services):
    client, page, _ = form
    [api] = [api for address, _, api, _ in FORMS.values() if address == page]
    refused = {"demographics": {"sexual_orientation": ["Must be one of: 1, 2, 3, 4, U, Z, 9."]}}
    services.answers[("referral", "POST", api)] = Answer(422, title="Unprocessable Content", errors=refused)
    answers = SELF if page == "/self-referral" else SOMEONE
    response = client.post(page, data={**answers, "sexual_orientation": "3"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#sexual_orientation"' in text and 'id="sexual_orientation-error"' in text
    assert 'value="3" checked' in text
