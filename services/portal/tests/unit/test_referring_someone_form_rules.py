"""The form for referring someone else, as a referrer meets it: what each answer that needs changing
is told, when the person's agreement counts as given, and what the referral service is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from hubs.portal.domain.third_party_referral import (
    consent_given_at,
    field_errors,
    read_colleague_form,
    read_form,
    request_body,
)

TODAY = date(2026, 11, 26)
# 10:15 in London on a winter day is 10:15 UTC
NOW = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
FULL = {
    "source": "line-manager",
    "referrer_name": " Alex Manager ",
    "referrer_organisation": "North Trust",
    "referrer_phone": "01632 960 001",
    "referrer_email": "alex@example.nhs.uk",
    "name": "Sam Example",
    "phone": "07700 900 982",
    "email": "sam@example.org",
    "reason": "Struggling after\r\na hard month",
    "thoughts_of_self_harm": "no",
    "risk_to_others": "no",
    "consent": "yes",
    "consent_method": "verbal",
    "consent-day": "20",
    "consent-month": "11",
    "consent-year": "2026",
}


def submitted(**changes) -> MultiDict:
    return MultiDict({**FULL, **changes})


def test_a_complete_referral_becomes_the_referral_services_request():
    form = read_form(submitted(), TODAY)
    assert form.errors == {}
    body = request_body(form, NOW)
    assert body["source"] == "line-manager"
    assert body["referrer"] == {
        "name": "Alex Manager",
        "organisation": "North Trust",
        "email": "alex@example.nhs.uk",
        "phone": "01632 960 001",
    }
    assert body["name"] == "Sam Example" and body["email"] == "sam@example.org"
    assert body["reason"] == "Struggling after\na hard month"  # a new line counts as one character
    assert body["consent"] == {
        "given_by": "the person referred",
        "given_at": "2026-11-20T12:00:00+00:00",
        "method": "verbal",
    }


def test_the_referrers_own_contact_details_and_the_reason_may_be_left_out():
    form = read_form(submitted(referrer_organisation="", referrer_phone="", referrer_email="", reason=""), TODAY)
    assert form.errors == {}
    body = request_body(form, NOW)
    assert body["referrer"] == {"name": "Alex Manager", "organisation": None, "email": None, "phone": None}
    assert body["reason"] is None


def test_agreement_given_today_is_dated_now_and_on_another_day_at_midday_uk_time():
    assert consent_given_at(TODAY, NOW) == NOW
    # midday in London in summer is 11:00 UTC
    assert consent_given_at(date(2026, 7, 1), NOW) == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    # 23:30 UTC on 26 November is still the 26th in London: today
    late = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert consent_given_at(TODAY, late) == late


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "self"}, "source", "Select who you are referring as"),
        ({"referrer_name": " "}, "referrer_name", "Enter your name"),
        (
            {"referrer_email": "alex@"},
            "referrer_email",
            "Enter your email address in the correct format, like name@example.com",
        ),
        (
            {"referrer_phone": "call me"},
            "referrer_phone",
            "Enter your telephone number, like 01632 960 001 or 07700 900 982",
        ),
        ({"name": ""}, "name", "Enter the name of the person you are referring"),
        ({"name": "x" * 201}, "name", "Their name must be 200 characters or fewer"),
        ({"email": "sam"}, "email", "Enter their email address in the correct format, like name@example.com"),
        ({"phone": "ring"}, "phone", "Enter their telephone number, like 01632 960 001 or 07700 900 982"),
        (
            {"phone": "", "email": ""},
            "phone",
            "Enter their telephone number or email address so that the hub can contact them",
        ),
        (
            {"dob-day": "40", "dob-month": "1", "dob-year": "1990"},
            "date_of_birth",
            "Their date of birth must be a real date in the past, like 15 3 1984",
        ),
        ({"reason": "x" * 2001}, "reason", "The reason for referral must be 2,000 characters or fewer"),
        (
            {"thoughts_of_self_harm": ""},
            "thoughts_of_self_harm",
            "Select yes if the person may be having thoughts of harming or ending their life",
        ),
        ({"risk_to_others": ""}, "risk_to_others", "Select yes if you are worried the person might harm someone else"),
        ({"consent": ""}, "consent", "Confirm that the person has agreed to be referred to the hub"),
        ({"consent_method": "telepathy"}, "consent_method", "Select how the person gave their agreement"),
        (
            {"consent-day": "27"},
            "consent_date",
            "The date they agreed must be a real date, today or before, like 26 11 2026",
        ),
        (
            {"consent-year": "1999"},
            "consent_date",
            "The date they agreed must be a real date, today or before, like 26 11 2026",
        ),
        (
            {"consent-year": "26"},
            "consent_date",
            "The date they agreed must be a real date, today or before, like 26 11 2026",
        ),
    ],
)
def test_each_answer_that_needs_changing_says_what_to_do(changes, field, message):
    assert read_form(submitted(**changes), TODAY).errors == {field: message}


def test_edges_that_are_taken():
    assert read_form(submitted(name="x" * 200, reason="x" * 1999 + "\r\n"), TODAY).errors == {}
    assert read_form(submitted(**{"consent-day": "26"}), TODAY).errors == {}
    assert (
        read_form(submitted(**{"consent-day": "1", "consent-month": "1", "consent-year": "2000"}), TODAY).errors == {}
    )


def test_a_colleague_without_an_account_must_give_their_work_email():
    assert read_colleague_form(submitted(), TODAY).errors == {}
    assert read_colleague_form(submitted(referrer_email=""), TODAY).errors == {
        "referrer_email": "Enter your work email address"
    }


@pytest.mark.parametrize(
    ("service_says", "shown"),
    [
        ({"referrer": {"email": ["Not an email."]}}, {"referrer_email": "Check this answer: Not an email."}),
        ({"referrer": {"organisation": ["Too long."]}}, {"referrer_organisation": "Check this answer: Too long."}),
        ({"referrer": {"phone": ["Bad."]}}, {"referrer_phone": "Check this answer: Bad."}),
        ({"referrer": {"name": ["Missing."]}}, {"referrer_name": "Check this answer: Missing."}),
        ({"referrer": ["Missing."]}, {"referrer_name": "Check this answer: Missing."}),
        ({"consent": {"method": ["Not a method."]}}, {"consent_method": "Check this answer: Not a method."}),
        ({"consent": {"given_at": ["In the future."]}}, {"consent_date": "Check this answer: In the future."}),
        ({"consent": {"given_by": ["Missing."]}}, {"consent": "Check this answer: Missing."}),
        ({"consent": ["Missing."]}, {"consent": "Check this answer: Missing."}),
        ({"risk_screen": ["Missing."]}, {"thoughts_of_self_harm": "Check this answer: Missing."}),
        ({"demographics": ["Bad."]}, {"ethnic_category": "Check this answer: Bad."}),
        ({"at_risk_factors": ["Bad."]}, {"at_risk_factors": "Check this answer: Bad."}),
    ],
)
def test_the_referral_services_messages_are_shown_against_the_question_they_are_about(service_says, shown):
    assert field_errors(service_says) == shown
