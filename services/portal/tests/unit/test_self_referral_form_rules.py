"""The self-referral form's rules as a person meets them: what each answer that needs changing is
told, in plain English; what an answer becomes in the request to the referral service; and where
the referral service's own messages are shown."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from hubs.portal.domain.self_referral import field_errors, read_form, request_body

FULL = {
    "name": "  Sam Example ",
    "email": "sam@example.org",
    "phone": "07700 900 982",
    "dob-day": "15",
    "dob-month": "3",
    "dob-year": "1984",
    "preferred_contact": "phone",
    "employer": " North Trust ",
    "job_role": "Porter",
    "staff_group": "ambulance",
    "employment_type": "bank",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "yes",
    "consent": "yes",
    "heard_of_hub_via": "a poster, OUT-7KQ2",
    "voicemail_ok": "yes",
    "text_ok": "no",
    "ethnic_category": "H",
    "age_band": "35-44",
    "gender_identity": "3",
    "gender_same_as_at_birth": "no",
    "sexual_orientation": "U",
    "disability": "not-stated",
}


def submitted(at_risk_factors=(), **changes) -> MultiDict:
    answers = {**FULL, **changes}
    return MultiDict(
        [*((k, v) for k, v in answers.items() if v is not None), *(("at_risk_factors", f) for f in at_risk_factors)]
    )


def test_a_complete_form_has_no_errors_and_becomes_the_referral_services_request():
    form = read_form(submitted(at_risk_factors=["bame", "not-a-factor", "bereaved-by-covid"]))
    assert form.errors == {}
    assert request_body(form) == {
        "name": "Sam Example",
        "email": "sam@example.org",
        "phone": "07700 900 982",
        "date_of_birth": "1984-03-15",
        "preferred_contact": "phone",
        "employer": "North Trust",
        "job_role": "Porter",
        "staff_group": "ambulance",
        "employment_type": "bank",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": True},
        "demographics": {
            "ethnic_category": "H",
            "age_band": "35-44",
            "gender_identity": "3",
            "gender_same_as_at_birth": "no",
            "sexual_orientation": "U",
            "disability": "not-stated",
        },
        "at_risk_factors": ["bame", "bereaved-by-covid"],
        "heard_of_hub_via": "a poster, OUT-7KQ2",
        "consent_to_contact": True,
        "voicemail_ok": True,
        "text_ok": False,
    }


def test_what_was_left_out_goes_as_not_answered():
    blank = dict.fromkeys(FULL, "") | {"name": "Sam", "email": "sam@example.org"}
    blank |= {"thoughts_of_self_harm": "yes", "risk_to_others": "no", "consent": "yes"}
    form = read_form(MultiDict(blank))
    assert form.errors == {}
    body = request_body(form)
    assert body["phone"] is None and body["date_of_birth"] is None and body["heard_of_hub_via"] is None
    assert body["voicemail_ok"] is None and body["text_ok"] is None
    assert body["demographics"] == {} and body["at_risk_factors"] == []
    assert body["risk_screen"] == {"thoughts_of_self_harm": True, "risk_to_others": False}


def test_how_the_person_heard_of_the_hub_is_cut_to_64_characters():
    form = read_form(submitted(heard_of_hub_via="x" * 80))
    assert request_body(form)["heard_of_hub_via"] == "x" * 64


def test_an_answer_that_is_not_one_of_the_choices_is_dropped_not_refused():
    form = read_form(submitted(voicemail_ok="maybe", staff_group="astronaut", ethnic_category="Q"))
    assert form.errors == {}
    assert form.values["voicemail_ok"] == "" and request_body(form)["voicemail_ok"] is None
    assert request_body(form)["staff_group"] is None
    assert "ethnic_category" not in request_body(form)["demographics"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter your name"),
        ({"name": "x" * 201}, "name", "Your name must be 200 characters or fewer"),
        ({"email": "sam@example"}, "email", "Enter an email address in the correct format, like name@example.com"),
        ({"phone": "12345"}, "phone", "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"),
        (
            {"phone": "", "email": ""},
            "phone",
            "Enter a telephone number or an email address so that the hub can contact you",
        ),
        ({"dob-year": "84"}, "date_of_birth", "Date of birth must be a real date in the past, like 15 3 1984"),
        (
            {"dob-day": "31", "dob-month": "2"},
            "date_of_birth",
            "Date of birth must be a real date in the past, like 15 3 1984",
        ),
        (
            {"thoughts_of_self_harm": ""},
            "thoughts_of_self_harm",
            "Select yes if you are having thoughts of harming yourself or ending your life",
        ),
        (
            {"risk_to_others": "perhaps"},
            "risk_to_others",
            "Select yes if you are worried that you might harm someone else",
        ),
        ({"consent": "no"}, "consent", "Confirm that the hub may contact you"),
    ],
)
def test_each_answer_that_needs_changing_says_what_to_do(changes, field, message):
    form = read_form(submitted(**changes))
    assert form.errors == {field: message}


def test_a_name_of_exactly_200_characters_is_taken():
    assert read_form(submitted(name="x" * 200)).errors == {}


def test_a_date_of_birth_must_be_in_the_past_and_is_optional():
    assert "date_of_birth" in read_form(submitted(**{"dob-year": str(date.today().year + 1)})).errors
    assert read_form(submitted(**{"dob-day": "", "dob-month": "", "dob-year": ""})).errors == {}


def test_errors_are_listed_in_the_order_the_questions_are_asked():
    form = read_form(submitted(name="", consent="", risk_to_others="", email="bad", phone="12"))
    assert [name for name, _ in form.ordered_errors] == ["name", "phone", "email", "risk_to_others", "consent"]


@pytest.mark.parametrize(
    ("service_says", "shown"),
    [
        ({"json": {"name": ["Too long."]}}, {"name": "Check this answer: Too long."}),
        (
            {"risk_screen": {"risk_to_others": ["Not a boolean."]}},
            {"risk_to_others": "Check this answer: Not a boolean."},
        ),
        ({"risk_screen": ["Missing."]}, {"thoughts_of_self_harm": "Check this answer: Missing."}),
        ({"consent_to_contact": ["Must be true."]}, {"consent": "Check this answer: Must be true."}),
        ({"demographics": ["Unknown question."]}, {"ethnic_category": "Check this answer: Unknown question."}),
        ({"demographics": {"age_band": ["Not a code."]}}, {"age_band": "Check this answer: Not a code."}),
        ({"heard_of_hub_via": ["Too long."]}, {"heard_of_hub_via": "Check this answer: Too long."}),
        ({"at_risk_factors": {"0": ["Not a code."]}}, {"at_risk_factors": "Check this answer: Not a code."}),
        (
            {"employer": ["Too long."], "job_role": ["Too long."]},
            {"employer": "Check this answer: Too long.", "job_role": "Check this answer: Too long."},
        ),
        (
            {"preferred_contact": ["No."], "staff_group": ["No."], "employment_type": ["No."]},
            {
                "preferred_contact": "Check this answer: No.",
                "staff_group": "Check this answer: No.",
                "employment_type": "Check this answer: No.",
            },
        ),
        ({"something_else": ["Unknown field."]}, {}),
    ],
)
def test_the_referral_services_messages_are_shown_against_the_question_they_are_about(service_says, shown):
    assert field_errors(service_says) == shown
