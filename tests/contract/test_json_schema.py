"""JSON Schema generated from the marshmallow schemas: committed, current, and in agreement
with marshmallow on what it accepts and refuses."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from hubs.contracts import ContractError, codes, new_envelope, parse_envelope, spec_for
from hubs.contracts.examples import example_envelope
from hubs.contracts.generate import out_of_date
from hubs.contracts.json_schema import envelope_schema, render
from hubs.contracts.registry import all_specs

SPECS = all_specs()
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    # jsonschema checks date-time only with an optional package; this is RFC 3339 enough here.
    return not isinstance(value, str) or ("T" in value and datetime.fromisoformat(value).tzinfo is not None)


def _validator(spec) -> Draft202012Validator:
    return Draft202012Validator(envelope_schema(spec), format_checker=FORMATS)


def _json_accepts(spec, envelope) -> bool:
    return _validator(spec).is_valid(envelope)


def _marshmallow_accepts(envelope) -> bool:
    try:
        parse_envelope(envelope)
        return True
    except ContractError:
        return False


def test_committed_generated_files_are_up_to_date_with_the_code(contracts_root):
    problems = out_of_date(contracts_root)
    assert not problems, "run `python -m hubs.contracts.generate`:\n" + "\n".join(problems)


def test_there_is_one_json_schema_file_per_event_version(contracts_root):
    files = sorted(p.name for p in (contracts_root / "jsonschema").glob("*.json"))
    assert files == sorted(f"{spec.name}.json" for spec in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_json_schema_is_valid_draft_2020_12_and_written_deterministically(spec, contracts_root):
    schema = json.loads((contracts_root / "jsonschema" / f"{spec.name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert render(envelope_schema(spec)) == render(envelope_schema(spec))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_example_envelope_satisfies_its_json_schema(spec):
    errors = [e.message for e in _validator(spec).iter_errors(example_envelope(spec))]
    assert errors == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_json_schema_and_marshmallow_refuse_the_same_broken_events(spec):
    example = json.loads(json.dumps(example_envelope(spec)))
    data_schema = envelope_schema(spec)["properties"]["data"]
    mutants = {}
    for name in data_schema.get("required", []):
        mutant = copy.deepcopy(example)
        del mutant["data"][name]
        mutants[f"without {name}"] = mutant
    for name, prop in data_schema["properties"].items():
        if "enum" in prop or "enum" in prop.get("items", {}):
            mutant = copy.deepcopy(example)
            mutant["data"][name] = ["not-a-code"] if "items" in prop else "not-a-code"
            mutants[f"{name} not a code"] = mutant
    for name in ("event_id", "occurred_at", "hub_id", "data"):
        mutant = copy.deepcopy(example)
        mutant[name] = "not valid!"
        mutants[f"{name} malformed"] = mutant
    for name, value in (("event_type", "SomethingElse"), ("schema_version", 99)):
        mutant = copy.deepcopy(example)
        mutant[name] = value
        mutants[f"{name} of another event"] = mutant
    for what, mutant in mutants.items():
        assert not _json_accepts(spec, mutant), f"JSON Schema accepts {spec.name} {what}"
        assert not _marshmallow_accepts(mutant), f"marshmallow accepts {spec.name} {what}"


def test_code_lists_come_out_as_enum_lists_with_null_when_optional():
    data = envelope_schema(spec_for("ReferralReceived"))["properties"]["data"]["properties"]
    assert data["source"]["enum"] == [c.value for c in codes.ReferralSource]
    assert data["ethnic_category"]["enum"] == [*(c.value for c in codes.EthnicCategory), None]
    assert data["at_risk_factors"]["items"]["enum"] == [c.value for c in codes.AtRiskFactor]


def test_required_fields_come_out_as_required():
    schema = envelope_schema(spec_for("ReferralReceived"))
    assert set(schema["properties"]["data"]["required"]) == {"referral_id", "received_at", "source", "urgency"}
    assert {"event_id", "event_type", "schema_version", "case_id", "data"} <= set(schema["required"])
    nested = envelope_schema(spec_for("AssessmentCompleted"))["properties"]["data"]["properties"]["measures"]
    assert nested["properties"]["phq9"]["required"] == ["band", "item9_positive", "total"]


def test_envelope_of_an_event_names_its_type_and_version_and_case():
    about_case = envelope_schema(spec_for("TreatmentStarted"))["properties"]
    assert about_case["event_type"] == {"const": "TreatmentStarted", "type": "string"}
    assert about_case["schema_version"] == {"const": 1, "type": "integer"}
    assert about_case["case_id"]["format"] == "uuid"
    anonymous = envelope_schema(spec_for("HubStaffFeedbackGiven"))["properties"]
    assert anonymous["case_id"]["type"] == "null"


def test_suppressed_count_is_a_non_negative_integer_or_a_star():
    schema = envelope_schema(spec_for("HubPeriodReport"))
    figures = schema["properties"]["data"]["properties"]["figures"]
    assert figures["additionalProperties"]["oneOf"] == [{"minimum": 0, "type": "integer"}, {"const": "*"}]
    envelope = json.loads(json.dumps(example_envelope(spec_for("HubPeriodReport"))))
    validator = Draft202012Validator(schema)
    envelope["data"]["figures_exact"] = None  # a hub of the earlier format, which suppressed
    for value, valid in ((0, True), (5, True), ("*", True), (-1, False), ("3", False), (None, False)):
        envelope["data"]["figures"] = {"staff_assessed": value}
        assert validator.is_valid(envelope) is valid, value


def test_an_exact_report_carries_counts_only_in_the_json_schema_too():
    validator = Draft202012Validator(envelope_schema(spec_for("HubPeriodReport")))
    envelope = json.loads(json.dumps(example_envelope(spec_for("HubPeriodReport"))))
    envelope["data"]["figures"] = {"staff_assessed": "*"}
    assert not validator.is_valid(envelope)
    assert not _marshmallow_accepts(envelope)


def test_objects_stay_open_so_that_optional_fields_can_be_added():
    text = json.dumps([envelope_schema(spec) for spec in SPECS])
    assert '"additionalProperties": false' not in text


def test_new_envelope_writes_what_the_json_schema_describes():
    spec = spec_for("WaitEscalated")
    envelope = new_envelope(
        spec.event_type,
        {
            "onward_referral_id": "9a0b7c1e-0000-4000-8000-000000000001",
            "escalated_on": "2021-02-01",
            "waited_days": "21",
            "threshold_days": 14,
            "contingency": codes.ContingencyAction.NEIGHBOURING_HUB,
        },
        hub_id="test-hub",
        producer="care",
        case_id="9a0b7c1e-0000-4000-8000-000000000002",
    )
    assert envelope["data"]["waited_days"] == 21
    assert _json_accepts(spec, envelope)
