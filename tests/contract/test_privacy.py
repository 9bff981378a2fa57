"""Events carry codes, pseudonymous ids, dates, scores and counts: never a direct identifier
of a person or free text typed by one (SYSTEM.md, "Data protection, built in")."""

from __future__ import annotations

import re

from marshmallow import Schema, fields, validate

from hubs.contracts import spec_for
from hubs.contracts.events.reporting import SuppressedCount
from hubs.contracts.registry import all_specs

LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|first_name|surname|forename|email|e_mail|phone|telephone|mobile|address|postcode|post_code|"
    r"date_of_birth|dob|birth_date|birthday|nhs_number|nhs_no|employee|employee_number|staff_number|payroll|"
    r"ni_number|national_insurance|job_title|notes?|comments?|free_text|text|narrative|details?|"
    r"message|reason_text|description)(_|$)"
)
SEALED = {("ReferralTransferredOut", "sealed_personal_details")}

# Strings that are neither ids, dates nor codes, each with why it is not free text.
UNCONSTRAINED_STRINGS = {
    ("ReferralReceived", "heard_of_hub_via"): "a channel or campaign code chosen from a list, at most 64 characters",
    ("HubPeriodReport", "hub_id"): "a hub id, as in the envelope",
    ("HubPeriodReport", "period"): "a period name such as 2021-01, built by the reporting service",
}

FEEDBACK = ("ServiceUserFeedbackGiven", "HubStaffFeedbackGiven", "OutreachFeedbackGiven", "TrainingFeedbackGiven")


def _all_fields(schema: type[Schema] | Schema, path: str = ""):
    for name, field in schema._declared_fields.items():
        yield f"{path}{name}", name, field
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from _all_fields(inner.schema, f"{path}{name}.")


def test_events_carry_no_personal_identifiers():
    for spec in all_specs():
        for path, name, _ in _all_fields(spec.schema):
            if (spec.event_type, path) in SEALED:
                continue
            assert not LOOKS_PERSONAL.search(name), f"{spec.name}.{path} looks like personal data or free text"


def test_the_detector_would_catch_the_usual_suspects():
    for name in (
        "first_name",
        "email",
        "phone_number",
        "home_address",
        "date_of_birth",
        "nhs_number",
        "employee_number",
        "notes",
        "free_text",
        "contact_details",
    ):
        assert LOOKS_PERSONAL.search(name), name
    for name in ("referral_id", "staff_group", "attendance", "received_at", "phq9", "region"):
        assert not LOOKS_PERSONAL.search(name), name


def test_string_fields_are_ids_dates_or_codes_never_free_text():
    for spec in all_specs():
        for path, _, field in _all_fields(spec.schema):
            inner = field.inner if isinstance(field, fields.List) else field
            if type(inner) is not fields.String or (spec.event_type, path) in SEALED:
                continue
            constrained = any(isinstance(v, validate.Regexp | validate.OneOf) for v in inner.validators)
            assert constrained or (spec.event_type, path) in UNCONSTRAINED_STRINGS, (
                f"{spec.name}.{path} is an unconstrained string: make it a code, an id or a pattern"
            )


def test_only_a_transfer_between_hubs_carries_personal_data_and_only_sealed():
    for spec in all_specs():
        for path, name, _ in _all_fields(spec.schema):
            if "sealed" in name or "personal" in name:
                assert (spec.event_type, path) in SEALED, f"{spec.name}.{path}"
    transfer = spec_for("ReferralTransferredOut").schema._declared_fields
    assert transfer["sealed_personal_details"].required
    assert transfer["to_hub_id"].required


def test_feedback_is_anonymous_with_scaled_scores_only():
    linkable = {"feedback_id", "outreach_event_id", "training_session_id"}
    for event_type in FEEDBACK:
        spec = spec_for(event_type)
        assert not spec.about_case, f"{event_type} must not carry a case_id"
        for path, name, field in _all_fields(spec.schema):
            if isinstance(field, fields.UUID):
                assert name in linkable, f"{event_type}.{path} could identify a person"
            elif isinstance(field, fields.Integer):
                ranges = [v for v in field.validators if isinstance(v, validate.Range)]
                assert ranges and (ranges[0].min, ranges[0].max) == (1, 5), f"{event_type}.{path} is not a 1-5 scale"
            else:
                assert isinstance(field, fields.Date | fields.Enum), f"{event_type}.{path} is not a score"


def test_hub_staff_feedback_and_workforce_events_carry_no_staff_identifier():
    for spec in all_specs():
        if spec.service != "outreach":
            continue
        assert not spec.about_case
        for path, name, _ in _all_fields(spec.schema):
            assert not re.search(r"staff_id|member|supervisor|supervisee|clinician|user|person", name), (
                f"{spec.name}.{path}"
            )


def test_the_period_report_that_leaves_the_hub_carries_counts_only():
    spec = spec_for("HubPeriodReport")
    assert spec.national and not spec.about_case
    declared = spec.schema._declared_fields
    assert not any(isinstance(f, fields.UUID) for f in declared.values())
    assert isinstance(declared["figures"].value_field, SuppressedCount)
    assert [s.event_type for s in all_specs() if s.national] == ["HubPeriodReport"]
