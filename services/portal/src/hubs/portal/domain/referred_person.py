"""What both referral forms (referring yourself, referring someone else) ask about the person
referred: how to reach them, when they were born, their work and the two risk questions; how
those answers are checked, and how they go to the referral service."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.portal.domain.forms import typed_date

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()-]{6,20}$")


def options(enum: type, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """A code list as (code, label) choices; a code without a label reads as its words."""
    labels = labels or {}
    return [(c.value, labels.get(c.value, c.value.replace("-", " ").capitalize())) for c in enum]


STAFF_GROUPS = options(
    codes.StaffGroup,
    {"allied-health-professional": "Allied health professional", "support-to-clinical": "Support to clinical staff"},
)
EMPLOYMENT_TYPES = options(codes.EmploymentType)
CONTACT_WAYS = options(codes.ContactChannel, {"text-message": "Text message", "in-person": "In person"})
# The questions answered by choosing from a list: an answer that is not on it is dropped, not refused.
CHOICES = (("preferred_contact", CONTACT_WAYS), ("staff_group", STAFF_GROUPS), ("employment_type", EMPLOYMENT_TYPES))


def check_date_of_birth(v: dict[str, Any], errors: dict[str, str], today: date, message: str) -> None:
    """A date of birth may be left out; once typed it must be a real date in the past (kept as `date_of_birth`)."""
    if not any(v[f"dob-{part}"] for part in ("day", "month", "year")):
        return
    try:
        born = typed_date(v["dob-day"], v["dob-month"], v["dob-year"])
        if not date(1900, 1, 1) < born < today:
            raise ValueError("not in the past")
        v["date_of_birth"] = born
    except ValueError:
        errors["date_of_birth"] = message


def check_risk_questions(v: dict[str, Any], errors: dict[str, str], self_harm: str, others: str) -> None:
    """Both risk questions must be answered yes or no; `self_harm` and `others` say what to do if not."""
    for question, text in (("thoughts_of_self_harm", self_harm), ("risk_to_others", others)):
        if v[question] not in ("yes", "no"):
            errors[question] = text


def drop_unknown_choices(v: dict[str, Any]) -> None:
    """Forget an answer to a choice question that is not one of its choices."""
    for question, choices in CHOICES:
        if v[question] and v[question] not in dict(choices):
            v[question] = ""


def person_body(v: dict[str, Any]) -> dict[str, Any]:
    """The person's details and risk screen as the referral service's requests take them."""
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
        "risk_screen": {
            "thoughts_of_self_harm": v["thoughts_of_self_harm"] == "yes",
            "risk_to_others": v["risk_to_others"] == "yes",
        },
    }
