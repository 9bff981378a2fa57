"""The catalogue: every event of the pathway, in the module of the service that publishes it."""

from __future__ import annotations

import enum
import inspect

import pytest
from marshmallow import Schema, fields, validate

from hubs.contracts import CATALOGUE, SCHEMA_VERSIONS, codes, latest_version, schema_versions, spec_for, topics
from hubs.contracts.examples import EXAMPLES
from hubs.contracts.registry import all_specs, event

# event type: (publishing service, about a case)
PATHWAY = {
    "ReferralReceived": ("referral", True),
    "ReferralTriaged": ("referral", True),
    "ContactAttempted": ("referral", True),
    "FirstContactMade": ("referral", True),
    "ReferralTransferredOut": ("referral", True),
    "ReferralTransferredIn": ("referral", True),
    "ReferralWithdrawn": ("referral", True),
    "ReferralClosed": ("referral", True),
    "PersonalDataErased": ("referral", True),
    "CaseAssigned": ("referral", True),
    "AssessmentCompleted": ("assessment", True),
    "FollowUpMeasured": ("assessment", True),
    "RiskEscalated": ("assessment", True),
    "Signposted": ("care", True),
    "OnwardReferralMade": ("care", True),
    "OnwardReferralAccepted": ("care", True),
    "OnwardReferralDeclined": ("care", True),
    "OccupationalHealthLiaised": ("care", True),
    "TreatmentStarted": ("care", True),
    "TreatmentEnded": ("care", True),
    "WaitEscalated": ("care", True),
    "MonitoringStarted": ("care", True),
    "MonitoringEnded": ("care", True),
    "FollowUpDue": ("care", True),
    "EpisodeClosed": ("care", True),
    "ServiceUserFeedbackGiven": ("care", False),
    "OutreachEventHeld": ("outreach", False),
    "OutreachFeedbackGiven": ("outreach", False),
    "TrainingDelivered": ("outreach", False),
    "TrainingFeedbackGiven": ("outreach", False),
    "SupervisionHeld": ("outreach", False),
    "HubStaffCheckInHeld": ("outreach", False),
    "HubStaffFeedbackGiven": ("outreach", False),
    "SicknessAbsenceImported": ("reporting", False),
    "HubPeriodReport": ("reporting", False),
}


def test_catalogue_holds_every_event_of_the_pathway():
    registered = {spec.event_type: (spec.service, spec.about_case) for spec in all_specs()}
    assert registered == PATHWAY


def test_importing_the_package_fills_the_catalogue():
    assert {event_type for event_type, _ in CATALOGUE} == set(PATHWAY)


def test_each_event_lives_in_the_module_of_its_service():
    for spec in all_specs():
        assert spec.schema.__module__ == f"hubs.contracts.events.{spec.service}", spec.name


def test_each_event_has_a_one_line_summary_from_its_docstring():
    for spec in all_specs():
        first_line = inspect.getdoc(spec.schema).splitlines()[0]
        assert spec.summary == first_line, spec.name
        assert spec.summary.endswith("."), spec.name
        assert len(spec.summary) <= 100, spec.name


def test_every_event_version_has_an_example():
    assert set(EXAMPLES) == {spec.name for spec in all_specs()}


def test_schema_versions_lists_every_published_version_and_the_newest_is_the_default():
    versions = schema_versions()
    assert versions == SCHEMA_VERSIONS
    assert set(versions) == set(PATHWAY)
    for event_type, published in versions.items():
        assert published == tuple(sorted(published))
        assert latest_version(event_type) == published[-1] == spec_for(event_type).version


def test_events_about_a_case_are_keyed_by_case_id_and_others_by_required_data_fields():
    for spec in all_specs():
        if spec.about_case:
            assert (spec.key, spec.key_fields) == ("case_id", ()), spec.name
        else:
            declared = spec.schema._declared_fields
            assert spec.key_fields, spec.name
            for name in spec.key_fields:
                assert declared[name].required, f"{spec.name}: key field {name} must be required"


def test_events_go_to_their_services_hub_topic_and_reports_to_the_national_topic():
    for spec in all_specs():
        expected = (
            "national.hub-reports.v1"
            if spec.event_type == "HubPeriodReport"
            else (f"hub.north-west-1.{spec.service}.events.v1")
        )
        assert spec.topic("north-west-1") == expected
    assert spec_for("HubPeriodReport").topic("x", prefix="test-") == "test-national.hub-reports.v1"


def test_registering_a_version_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):

        @event("ReferralReceived", service="referral")
        class Again(Schema):
            """A duplicate."""


@pytest.mark.parametrize(
    ("kwargs", "doc", "message"),
    [
        ({"service": "referral"}, None, "one-line docstring"),
        ({"service": "finance"}, "An event.", "unknown service"),
        ({"service": "outreach", "about_case": False}, "An event.", "needs key"),
        ({"service": "outreach", "about_case": False, "key": "nope"}, "An event.", "needs key"),
        ({"service": "referral", "key": "thing_id"}, "An event.", "keyed by case_id"),
        ({"service": "referral", "version": 0}, "An event.", "start at 1"),
    ],
)
def test_an_event_registered_wrongly_is_refused(kwargs, doc, message):
    schema = type("Probe", (Schema,), {"__doc__": doc, "thing_id": fields.UUID(required=True)})
    with pytest.raises(ValueError, match=message):
        event("ProbeHappened", **kwargs)(schema)
    assert not any(event_type == "ProbeHappened" for event_type, _ in CATALOGUE)


def _code_lists() -> list[type[enum.Enum]]:
    return [
        v
        for v in vars(codes).values()
        if isinstance(v, type) and issubclass(v, enum.Enum) and v.__module__ == codes.__name__
    ]


def test_code_lists_have_unique_values_and_a_docstring():
    for code_list in _code_lists():
        assert len(code_list.__members__) == len(list(code_list)), f"{code_list.__name__} has aliased values"
        assert code_list.__doc__, code_list.__name__


def test_the_code_lists_of_the_issue_are_in_codes():
    for name in (
        "EthnicCategory",
        "SexualOrientation",
        "GenderIdentity",
        "ReferralSource",
        "StaffGroup",
        "EmploymentType",
        "AtRiskFactor",
        "ServiceType",
    ):
        assert name in {c.__name__ for c in _code_lists()}


def test_nhs_data_dictionary_codes_are_the_published_ones():
    assert [c.value for c in codes.EthnicCategory] == [*"ABCDEFGHJKLMNPRS", "Z", "99"]
    assert [c.value for c in codes.SexualOrientation] == ["1", "2", "3", "4", "U", "Z", "9"]
    assert [c.value for c in codes.GenderIdentity] == ["1", "2", "3", "4", "Z", "X"]
    assert len(codes.AtRiskFactor) == 12  # seed, section 2.2
    assert len(codes.Region) == 7


def _all_fields(schema: type[Schema] | Schema, path: str = ""):
    for name, field in schema._declared_fields.items():
        yield f"{path}{name}", field
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from _all_fields(inner.schema, f"{path}{name}.")


def test_every_coded_field_uses_a_code_list_of_codes():
    code_lists = set(_code_lists())
    for spec in all_specs():
        for name, field in _all_fields(spec.schema):
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Enum):
                assert inner.enum in code_lists, f"{spec.name}.{name}"
            for validator in getattr(inner, "validators", []):
                if isinstance(validator, validate.OneOf):
                    assert any(list(validator.choices) == [c.value for c in cl] for cl in code_lists), (
                        f"{spec.name}.{name}: a list of choices that is not a code list of codes"
                    )


def test_topic_names_follow_the_system_design():
    assert topics.hub_topic("a-hub", "care") == "hub.a-hub.care.events.v1"
    assert topics.national_topic() == "national.hub-reports.v1"
    assert topics.dlq_topic("hub.a-hub.care.events.v1") == "hub.a-hub.care.events.v1.dlq"
    with pytest.raises(ValueError):
        topics.hub_topic("a-hub", "finance")


def test_the_readme_describes_every_event(contracts_root):
    readme = (contracts_root / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| ")}
    assert set(PATHWAY) <= rows
