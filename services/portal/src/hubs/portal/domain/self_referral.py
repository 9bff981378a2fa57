"""The self-referral form: its questions in plain English, what each answer means to the
referral service, and the messages a person sees when an answer needs changing."""

from __future__ import annotations

from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.portal.domain.forms import Answers, errors_for_form
from hubs.portal.domain.referred_person import (
    DEMOGRAPHIC_QUESTIONS,
    EMAIL,
    UK_PHONE_MESSAGE,
    check_date_of_birth,
    check_risk_questions,
    drop_unknown_choices,
    is_uk_phone,
    options,
    person_body,
)

AT_RISK_FACTORS = options(
    codes.AtRiskFactor,
    {
        "bereaved-by-covid": "I have been bereaved by COVID-19",
        "bame": "I am from a Black, Asian or minority ethnic background",
        "disadvantaged-group": "I belong to a group that faces disadvantage",
        "high-proximity-environment": "I work in a high-exposure environment (for example intensive care)",
        "redeployed-intensive-role": "I was redeployed into an intensive role",
        "agency-temporary-or-returning": "I am agency, temporary or returning staff",
        "separated-from-support": "I have been separated from my usual support",
        "parent-of-dependent-children": "I am a parent of dependent children",
        "less-experienced-complex-environment": "I am less experienced and working in a complex environment",
        "exposed-to-poor-behaviours": "I have been exposed to poor behaviour at work",
        "existing-health-condition": "I have an existing health condition",
        "shielded-out-of-contact": "I have been shielding or out of contact with colleagues",
    },
)
# The order errors are listed in the error summary: the order of the questions.
FIELD_ORDER = ("name", "phone", "email", "voicemail_ok", "text_ok", "date_of_birth", "thoughts_of_self_harm",
               "risk_to_others", *DEMOGRAPHIC_QUESTIONS, "consent")  # fmt: skip


class SelfReferralForm(Answers):
    """A submitted self-referral, its answers kept to show again, and its errors by field."""

    order = FIELD_ORDER


def read_form(form: Any) -> SelfReferralForm:
    """Read and check a submitted self-referral; `errors` says what to change, in plain English."""
    v: dict[str, Any] = {k: (form.get(k) or "").strip() for k in (
        "name", "email", "phone", "dob-day", "dob-month", "dob-year", "preferred_contact", "employer",
        "job_role", "staff_group", "employment_type", "thoughts_of_self_harm", "risk_to_others", "consent",
        "heard_of_hub_via", "voicemail_ok", "text_ok", *DEMOGRAPHIC_QUESTIONS,
    )}  # fmt: skip
    v["at_risk_factors"] = [f for f in form.getlist("at_risk_factors") if f in dict(AT_RISK_FACTORS)]
    errors: dict[str, str] = {}
    if not v["name"]:
        errors["name"] = "Enter your name"
    elif len(v["name"]) > 200:
        errors["name"] = "Your name must be 200 characters or fewer"
    if v["email"] and not EMAIL.match(v["email"]):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if v["phone"] and not is_uk_phone(v["phone"]):
        errors["phone"] = UK_PHONE_MESSAGE
    if not v["email"] and not v["phone"]:
        errors["phone"] = "Enter a telephone number or an email address so that the hub can contact you"
    for question in ("voicemail_ok", "text_ok"):
        if v[question] not in ("yes", "no"):
            v[question] = ""  # optional: an answer that is neither is no answer
    check_date_of_birth(v, errors, date.today(), "Date of birth must be a real date in the past, like 15 3 1984")
    check_risk_questions(
        v,
        errors,
        self_harm="Select yes if you are having thoughts of harming yourself or ending your life",
        others="Select yes if you are worried that you might harm someone else",
    )
    if v["consent"] != "yes":
        errors["consent"] = "Confirm that the hub may contact you"
    drop_unknown_choices(v)
    return SelfReferralForm(v, errors)


def request_body(form: SelfReferralForm) -> dict[str, Any]:
    """The referral service's self-referral request for a checked form."""
    v = form.values
    return {
        **person_body(v),
        "at_risk_factors": v["at_risk_factors"],
        "heard_of_hub_via": v["heard_of_hub_via"][:64] or None,
        "consent_to_contact": True,
        # Not answered: the hub asks before leaving a message that someone else might hear or see.
        "voicemail_ok": {"yes": True, "no": False}.get(v["voicemail_ok"]),
        "text_ok": {"yes": True, "no": False}.get(v["text_ok"]),
    }


def field_errors(problem_errors: dict[str, Any]) -> dict[str, str]:
    """The service's field messages (however it nests them) as the form's errors."""
    questions = (*FIELD_ORDER, "preferred_contact", "employer", "job_role", "staff_group", "employment_type",
                 "at_risk_factors", "heard_of_hub_via")  # fmt: skip
    aliases = {
        "risk_screen": "thoughts_of_self_harm",
        "consent_to_contact": "consent",
        "demographics": "ethnic_category",
    }
    return errors_for_form(problem_errors, questions, aliases, prefix="Check this answer: ")
