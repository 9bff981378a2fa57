"""Referring someone else to the hub (a line manager, Occupational Health, HR, a GP): the
questions, what each answer means to the referral service, and the messages shown when an
answer needs changing. No consent from the person, no referral."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from hubs.portal.domain.forms import Answers, errors_for_form, typed_date
from hubs.portal.domain.referred_person import (
    DEMOGRAPHIC_QUESTIONS,
    EMAIL,
    PHONE,
    check_date_of_birth,
    check_risk_questions,
    drop_unknown_choices,
    person_body,
)

LONDON = ZoneInfo("Europe/London")
# Who refers: the referral service's sources, but never `self` (that is the public form) and
# never `other-hub` (a hub moves a referral by transfer, not through this form).
SOURCES = [
    ("line-manager", "Their line manager"),
    ("occupational-health", "Occupational Health"),
    ("hr", "HR"),
    ("health-and-wellbeing-team", "Health and wellbeing team"),
    ("gp", "Their GP"),
    ("other", "Someone else"),
]
CONSENT_METHODS = [
    ("verbal", "They told me, in person or by telephone"),
    ("written", "In writing, for example a signed form or letter"),
    ("email", "By email"),
    ("online-form", "Through an online form"),
]
# The order of the questions on the page, which the error summary follows.
FIELD_ORDER = (
    "source", "referrer_name", "referrer_organisation", "referrer_phone", "referrer_email",
    "name", "phone", "email", "preferred_contact", "date_of_birth", "employer", "job_role", "staff_group",
    "employment_type", "reason", "thoughts_of_self_harm", "risk_to_others", *DEMOGRAPHIC_QUESTIONS, "consent",
    "consent_method", "consent_date",
)  # fmt: skip
# The referral service takes a reason for referral of at most this many characters.
REASON_LIMIT = 2000
# The referral service's field paths, by the question that asks them.
ALIASES = {
    "referrer.name": "referrer_name",
    "referrer.organisation": "referrer_organisation",
    "referrer.phone": "referrer_phone",
    "referrer.email": "referrer_email",
    "referrer": "referrer_name",
    "risk_screen": "thoughts_of_self_harm",
    "demographics": "ethnic_category",
    "consent.given_by": "consent",
    "consent.method": "consent_method",
    "consent.given_at": "consent_date",
    "consent": "consent",
}
TYPED = (
    "source", "referrer_name", "referrer_organisation", "referrer_phone", "referrer_email", "name", "phone", "email",
    "preferred_contact", "dob-day", "dob-month", "dob-year", "employer", "job_role", "staff_group", "employment_type",
    "reason", "thoughts_of_self_harm", "risk_to_others", "consent", "consent_method", "consent-day", "consent-month",
    "consent-year", *DEMOGRAPHIC_QUESTIONS,
)  # fmt: skip


class ThirdPartyReferralForm(Answers):
    """A submitted referral of someone else: the answers, kept to show again, and what to change, by question."""

    order = FIELD_ORDER


def blank(referrer_name: str = "") -> ThirdPartyReferralForm:
    """An empty form, with the signed-in person's name as the referrer's."""
    return ThirdPartyReferralForm(values={"referrer_name": referrer_name})


def read_form(form: Any, today: date) -> ThirdPartyReferralForm:
    """Read and check a submitted referral; `errors` says what to change, in plain English."""
    v: dict[str, Any] = {k: (form.get(k) or "").strip() for k in TYPED}
    errors: dict[str, str] = {}
    if v["source"] not in dict(SOURCES):
        errors["source"] = "Select who you are referring as"
    if not v["referrer_name"]:
        errors["referrer_name"] = "Enter your name"
    _contact(v, errors, "referrer_phone", "referrer_email", required=False)
    if not v["name"]:
        errors["name"] = "Enter the name of the person you are referring"
    elif len(v["name"]) > 200:
        errors["name"] = "Their name must be 200 characters or fewer"
    _contact(v, errors, "phone", "email", required=True)
    check_date_of_birth(v, errors, today, "Their date of birth must be a real date in the past, like 15 3 1984")
    # Browsers send a new line as two characters; the hub counts it as one.
    v["reason"] = v["reason"].replace("\r\n", "\n")
    if len(v["reason"]) > REASON_LIMIT:
        errors["reason"] = f"The reason for referral must be {REASON_LIMIT:,} characters or fewer"
    check_risk_questions(
        v,
        errors,
        self_harm="Select yes if the person may be having thoughts of harming or ending their life",
        others="Select yes if you are worried the person might harm someone else",
    )
    if v["consent"] != "yes":
        errors["consent"] = "Confirm that the person has agreed to be referred to the hub"
    if v["consent_method"] not in dict(CONSENT_METHODS):
        errors["consent_method"] = "Select how the person gave their agreement"
    try:
        agreed = typed_date(v["consent-day"], v["consent-month"], v["consent-year"])
        if not date(2000, 1, 1) <= agreed <= today:
            raise ValueError("not today or before")
        v["consent_date"] = agreed
    except ValueError:
        errors["consent_date"] = "The date they agreed must be a real date, today or before, like 26 11 2026"
    drop_unknown_choices(v)
    return ThirdPartyReferralForm(v, errors)


def read_colleague_form(form: Any, today: date) -> ThirdPartyReferralForm:
    """A referral from someone without an account: as `read_form`, and the hub must be able to
    reach the referrer at their work email, the only way it knows who referred."""
    checked = read_form(form, today)
    if not checked.values["referrer_email"]:
        checked.errors["referrer_email"] = "Enter your work email address"
    return checked


def _contact(v: dict[str, Any], errors: dict[str, str], phone: str, email: str, *, required: bool) -> None:
    whose = "your" if phone.startswith("referrer") else "their"
    if v[email] and not EMAIL.match(v[email]):
        errors[email] = f"Enter {whose} email address in the correct format, like name@example.com"
    if v[phone] and not PHONE.match(v[phone]):
        errors[phone] = f"Enter {whose} telephone number, like 01632 960 001 or 07700 900 982"
    if required and not v[email] and not v[phone]:
        errors[phone] = "Enter their telephone number or email address so that the hub can contact them"


def consent_given_at(agreed: date, now: datetime) -> datetime:
    """When consent was given: now if today, otherwise midday (UK time) of the day they agreed."""
    if agreed == now.astimezone(LONDON).date():
        return now.astimezone(UTC)
    return datetime.combine(agreed, time(12), LONDON).astimezone(UTC)


def request_body(form: ThirdPartyReferralForm, now: datetime) -> dict[str, Any]:
    """The referral service's third-party referral request for a checked form."""
    v = form.values
    return {
        "source": v["source"],
        "referrer": {
            "name": v["referrer_name"],
            "organisation": v["referrer_organisation"] or None,
            "email": v["referrer_email"] or None,
            "phone": v["referrer_phone"] or None,
        },
        **person_body(v),
        "reason": v["reason"] or None,
        # The person gives consent; the referrer records how and when.
        "consent": {
            "given_by": "the person referred",
            "given_at": consent_given_at(v["consent_date"], now).isoformat(),
            "method": v["consent_method"],
        },
    }


def field_errors(problem_errors: Any) -> dict[str, str]:
    """The referral service's field messages against the form's questions."""
    questions = (*FIELD_ORDER, "at_risk_factors")
    return errors_for_form(problem_errors, questions, ALIASES, prefix="Check this answer: ")
