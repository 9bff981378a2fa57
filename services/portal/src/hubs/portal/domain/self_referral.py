"""The self-referral form: its questions in plain English, what each answer means to the
referral service, and the messages a person sees when an answer needs changing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.portal.domain.forms import errors_for_form

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()-]{6,20}$")


def _options(enum: type, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(c.value, labels.get(c.value, c.value.replace("-", " ").capitalize())) for c in enum]


STAFF_GROUPS = _options(
    codes.StaffGroup,
    {"allied-health-professional": "Allied health professional", "support-to-clinical": "Support to clinical staff"},
)
EMPLOYMENT_TYPES = _options(codes.EmploymentType)
CONTACT_WAYS = _options(codes.ContactChannel, {"text-message": "Text message", "in-person": "In person"})
AT_RISK_FACTORS = _options(
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
FIELD_ORDER = ("name", "email", "phone", "date_of_birth", "thoughts_of_self_harm", "risk_to_others", "consent")


@dataclass
class SelfReferralForm:
    """A submitted form, its answers kept to show again, and its errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ordered_errors(self) -> list[tuple[str, str]]:
        """Errors in the order of the questions, for the error summary."""
        return sorted(self.errors.items(), key=lambda kv: FIELD_ORDER.index(kv[0]) if kv[0] in FIELD_ORDER else 99)


def read_form(form: Any) -> SelfReferralForm:
    """Read and check a submitted self-referral; `errors` says what to change, in plain English."""
    v: dict[str, Any] = {k: (form.get(k) or "").strip() for k in (
        "name", "email", "phone", "dob-day", "dob-month", "dob-year", "preferred_contact", "employer",
        "job_role", "staff_group", "employment_type", "thoughts_of_self_harm", "risk_to_others", "consent",
        "heard_of_hub_via",
    )}  # fmt: skip
    v["at_risk_factors"] = [f for f in form.getlist("at_risk_factors") if f in dict(AT_RISK_FACTORS)]
    errors: dict[str, str] = {}
    if not v["name"]:
        errors["name"] = "Enter your name"
    elif len(v["name"]) > 200:
        errors["name"] = "Your name must be 200 characters or fewer"
    if v["email"] and not EMAIL.match(v["email"]):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if v["phone"] and not PHONE.match(v["phone"]):
        errors["phone"] = "Enter a telephone number, like 01632 960 001 or 07700 900 982"
    if not v["email"] and not v["phone"] and "email" not in errors and "phone" not in errors:
        errors["phone"] = "Enter a telephone number or an email address so that the hub can contact you"
    if any(v[k] for k in ("dob-day", "dob-month", "dob-year")):
        try:
            born = date(int(v["dob-year"]), int(v["dob-month"]), int(v["dob-day"]))
            if not date(1900, 1, 1) < born < date.today():
                raise ValueError
            v["date_of_birth"] = born
        except ValueError:
            errors["date_of_birth"] = "Date of birth must be a real date in the past, like 15 3 1984"
    for question, text in (
        ("thoughts_of_self_harm", "Select yes if you are having thoughts of harming or ending your life"),
        ("risk_to_others", "Select yes if you are worried you might harm someone else"),
    ):
        if v[question] not in ("yes", "no"):
            errors[question] = text
    if v["consent"] != "yes":
        errors["consent"] = "Confirm that the hub may contact you"
    for key, options in (
        ("preferred_contact", CONTACT_WAYS), ("staff_group", STAFF_GROUPS), ("employment_type", EMPLOYMENT_TYPES),
    ):  # fmt: skip
        if v[key] and v[key] not in dict(options):
            v[key] = ""
    return SelfReferralForm(v, errors)


def request_body(form: SelfReferralForm) -> dict[str, Any]:
    """The referral service's self-referral request for a checked form."""
    v = form.values
    born = v.get("date_of_birth")
    return {
        "name": v["name"],
        "email": v["email"] or None,
        "phone": v["phone"] or None,
        "date_of_birth": born.isoformat() if born else None,
        "preferred_contact": v["preferred_contact"] or None,
        "employer": v["employer"] or None,
        "job_role": v["job_role"] or None,
        "staff_group": v["staff_group"] or None,
        "employment_type": v["employment_type"] or None,
        "at_risk_factors": v["at_risk_factors"],
        "heard_of_hub_via": v["heard_of_hub_via"][:64] or None,
        "risk_screen": {
            "thoughts_of_self_harm": v["thoughts_of_self_harm"] == "yes",
            "risk_to_others": v["risk_to_others"] == "yes",
        },
        "consent_to_contact": True,
    }


def field_errors(problem_errors: dict[str, Any]) -> dict[str, str]:
    """The service's field messages (however it nests them) as the form's errors."""
    questions = (*FIELD_ORDER, "preferred_contact", "employer", "job_role", "staff_group", "employment_type",
                 "at_risk_factors", "heard_of_hub_via")  # fmt: skip
    aliases = {"risk_screen": "thoughts_of_self_harm", "consent_to_contact": "consent"}
    return errors_for_form(problem_errors, questions, aliases, prefix="Check this answer: ")
