"""What both referral forms (referring yourself, referring someone else) ask about the person
referred: how to reach them, when they were born, their work, the two risk questions and the
optional equality questions; how those answers are checked, and how they go to the referral service."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.portal.domain.forms import typed_date

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()-]{6,20}$")
# A UK number as people write it (spaces, brackets, dashes; +44 or 0044, with or without "(0)"):
# a 0 and 9 or 10 more digits once those are taken out.
UK_PHONE_MESSAGE = "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"


def is_uk_phone(text: str) -> bool:
    """Whether `text` is a UK telephone number the hub can call or text."""
    if not PHONE.match(text) or text.count("+") > 1 or ("+" in text and not text.startswith("+")):
        return False
    digits = re.sub(r"[ ()-]", "", text)
    for international in ("+440", "+44", "00440", "0044"):
        if digits.startswith(international):
            digits = "0" + digits[len(international) :]
            break
    return re.fullmatch(r"0[1-9][0-9]{8,9}", digits) is not None


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

# The equality questions: each optional, each with "Prefer not to say" (the code list's "not
# stated"), so that the hub can tell "asked and not said" from "never asked". "Not known" is
# for the hub's own records, not an answer a person gives.
PREFER_NOT_TO_SAY = "Prefer not to say"
ETHNIC_CATEGORIES = [
    ("A", "White: English, Welsh, Scottish, Northern Irish or British"),
    ("B", "White: Irish"),
    ("C", "White: any other White background"),
    ("D", "Mixed: White and Black Caribbean"),
    ("E", "Mixed: White and Black African"),
    ("F", "Mixed: White and Asian"),
    ("G", "Mixed: any other mixed or multiple ethnic background"),
    ("H", "Asian or Asian British: Indian"),
    ("J", "Asian or Asian British: Pakistani"),
    ("K", "Asian or Asian British: Bangladeshi"),
    ("L", "Asian or Asian British: any other Asian background"),
    ("M", "Black or Black British: Caribbean"),
    ("N", "Black or Black British: African"),
    ("P", "Black or Black British: any other Black background"),
    ("R", "Other ethnic group: Chinese"),
    ("S", "Other ethnic group: any other ethnic group"),
    (codes.EthnicCategory.NOT_STATED.value, PREFER_NOT_TO_SAY),
]
AGE_BANDS = [(b.value, b.value.replace("-", " to ").replace("+", " or over")) for b in codes.AgeBand
             if b not in (codes.AgeBand.NOT_KNOWN, codes.AgeBand.NOT_STATED)] + [
    (codes.AgeBand.NOT_STATED.value, PREFER_NOT_TO_SAY)]  # fmt: skip
GENDER_IDENTITIES = [
    ("2", "Female (including trans woman)"),
    ("1", "Male (including trans man)"),
    ("3", "Non-binary"),
    ("4", "Another gender identity"),
    (codes.GenderIdentity.NOT_STATED.value, PREFER_NOT_TO_SAY),
]
GENDER_SAME_AS_AT_BIRTH = [("yes", "Yes"), ("no", "No"), ("not-stated", PREFER_NOT_TO_SAY)]
SEXUAL_ORIENTATIONS = [
    ("1", "Heterosexual or straight"),
    ("2", "Gay or lesbian"),
    ("3", "Bisexual"),
    ("4", "Another sexual orientation"),
    ("U", "Not sure"),
    (codes.SexualOrientation.NOT_STATED.value, PREFER_NOT_TO_SAY),
]
DISABILITY = [("yes", "Yes"), ("no", "No"), ("not-stated", PREFER_NOT_TO_SAY)]
DEMOGRAPHICS = (
    ("ethnic_category", ETHNIC_CATEGORIES),
    ("age_band", AGE_BANDS),
    ("gender_identity", GENDER_IDENTITIES),
    ("gender_same_as_at_birth", GENDER_SAME_AS_AT_BIRTH),
    ("sexual_orientation", SEXUAL_ORIENTATIONS),
    ("disability", DISABILITY),
)
DEMOGRAPHIC_QUESTIONS = tuple(name for name, _ in DEMOGRAPHICS)
# The questions answered by choosing from a list: an answer that is not on it is dropped, not refused.
CHOICES = (
    ("preferred_contact", CONTACT_WAYS), ("staff_group", STAFF_GROUPS), ("employment_type", EMPLOYMENT_TYPES),
    *DEMOGRAPHICS,
)  # fmt: skip


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
        if v.get(question) and v[question] not in dict(choices):
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
        # Only the questions answered: one left blank is "not recorded" in the hub's figures.
        "demographics": {q: v[q] for q in DEMOGRAPHIC_QUESTIONS if v.get(q)},
    }
