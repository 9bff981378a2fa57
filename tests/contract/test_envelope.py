"""Producers validate before writing to their outbox; consumers validate on receipt."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime

import pytest

from hubs.contracts import ContractError, message_headers, message_key, new_envelope, parse_envelope, spec_for
from hubs.contracts.examples import EXAMPLES, example_envelope, example_id
from hubs.contracts.registry import all_specs

CASE = uuid.UUID(example_id("case"))


def _data(name: str) -> dict:
    return copy.deepcopy(EXAMPLES[name])


def _new(event_type: str, data: dict, **kwargs) -> dict:
    kwargs.setdefault("case_id", CASE if spec_for(event_type).about_case else None)
    return new_envelope(event_type, data, hub_id="test-hub", producer="test", **kwargs)


def _wire(envelope: dict) -> dict:
    return json.loads(json.dumps(envelope))


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.name)
def test_every_example_goes_through_new_envelope_and_back_through_parse_envelope(spec):
    envelope = example_envelope(spec)
    parsed = parse_envelope(_wire(envelope))
    assert parsed["event_type"] == spec.event_type
    assert parsed["schema_version"] == spec.version
    assert _new(spec.event_type, parsed["data"])["data"] == envelope["data"]


def test_envelope_carries_the_fields_of_the_system_design():
    envelope = _new("ReferralReceived", _data("ReferralReceived.v1"), correlation_id="req-1")
    assert list(envelope) == [
        "event_id",
        "event_type",
        "schema_version",
        "occurred_at",
        "hub_id",
        "producer",
        "case_id",
        "correlation_id",
        "data",
    ]
    assert datetime.fromisoformat(envelope["occurred_at"]).utcoffset().total_seconds() == 0


def test_event_with_unknown_enum_value_is_refused():
    data = _data("ReferralReceived.v1") | {"source": "a-friend"}
    with pytest.raises(ContractError) as refused:
        _new("ReferralReceived", data)
    assert "source" in refused.value.errors


def test_received_event_with_unknown_enum_value_is_refused():
    envelope = _wire(example_envelope(spec_for("ReferralReceived")))
    envelope["data"]["at_risk_factors"] = ["left-handed"]
    with pytest.raises(ContractError):
        parse_envelope(envelope)


def test_event_missing_a_required_field_is_refused():
    data = _data("FirstContactMade.v1")
    del data["contacted_at"]
    with pytest.raises(ContractError) as refused:
        _new("FirstContactMade", data)
    assert "contacted_at" in refused.value.errors


def test_unknown_event_type_or_version_is_refused():
    with pytest.raises(ContractError, match="unknown event type"):
        new_envelope("ReferralLost", {}, hub_id="test-hub", producer="test", case_id=CASE)
    envelope = _wire(example_envelope(spec_for("ReferralReceived")))
    envelope["schema_version"] = 99
    with pytest.raises(ContractError, match="unknown event"):
        parse_envelope(envelope)


def test_event_about_a_case_needs_a_case_id():
    with pytest.raises(ContractError, match="needs a case_id"):
        _new("EpisodeClosed", _data("EpisodeClosed.v1"), case_id=None)
    envelope = _wire(example_envelope(spec_for("EpisodeClosed")))
    envelope["case_id"] = None
    with pytest.raises(ContractError, match="needs a case_id"):
        parse_envelope(envelope)


@pytest.mark.parametrize("event_type", ["ServiceUserFeedbackGiven", "HubStaffFeedbackGiven", "HubPeriodReport"])
def test_anonymous_event_refuses_a_case_id(event_type):
    with pytest.raises(ContractError, match="must not carry a case_id"):
        _new(event_type, _data(f"{event_type}.v1"), case_id=CASE)
    envelope = _wire(example_envelope(spec_for(event_type)))
    envelope["case_id"] = str(CASE)
    with pytest.raises(ContractError, match="must not carry a case_id"):
        parse_envelope(envelope)


def test_consumer_ignores_fields_it_does_not_know_at_any_depth():
    # What a newer producer adding optional fields to the same version would send.
    envelope = _wire(example_envelope(spec_for("AssessmentCompleted")))
    envelope["data"]["added_later"] = "x"
    envelope["data"]["measures"]["phq9"]["added_later"] = 1
    envelope["added_to_envelope"] = True
    parsed = parse_envelope(envelope)
    assert "added_later" not in parsed["data"]
    assert "added_later" not in parsed["data"]["measures"]["phq9"]


def test_producer_is_refused_a_field_the_contract_does_not_have():
    with pytest.raises(ContractError):
        _new("ReferralWithdrawn", _data("ReferralWithdrawn.v1") | {"note": "called to say"})


def test_hub_id_must_be_lower_case_letters_digits_and_dashes():
    with pytest.raises(ContractError, match="envelope"):
        new_envelope("OutreachEventHeld", _data("OutreachEventHeld.v1"), hub_id="North West", producer="x")


@pytest.mark.parametrize(
    ("measure", "score", "field"),
    [
        ("phq9", {"total": 14, "band": "mild", "item9_positive": False}, "band"),
        ("phq9", {"total": 28, "band": "severe", "item9_positive": False}, "total"),
        ("gad7", {"total": 15, "band": "moderate"}, "band"),
        ("wsas", {"total": 20, "band": "moderately-severe-or-worse"}, "band"),
        ("pc_ptsd5", {"total": 3, "cut_off": 3, "positive": False}, "positive"),
        ("pc_ptsd5", {"total": 3, "cut_off": 2, "positive": True}, "cut_off"),
        ("audit_c", {"total": 4, "cut_off": 5, "positive": True}, "positive"),
        ("audit", {"total": 8, "positive": False}, "positive"),
    ],
)
def test_measure_scores_must_be_in_range_and_agree_with_their_band(measure, score, field):
    data = _data("AssessmentCompleted.v1")
    data["measures"][measure] = score
    with pytest.raises(ContractError) as refused:
        _new("AssessmentCompleted", data)
    assert field in refused.value.errors["measures"][measure]


@pytest.mark.parametrize(
    ("measure", "score"),
    [
        ("phq9", {"total": 20, "band": "severe", "item9_positive": True}),
        ("phq9", {"total": 4, "band": "none", "item9_positive": False}),
        ("gad7", {"total": 21, "band": "severe"}),
        ("wsas", {"total": 21, "band": "moderately-severe-or-worse"}),
        ("pcl5", {"total": 33, "provisional_ptsd": True}),
        ("pc_ptsd5", {"total": 3, "cut_off": 3, "positive": True}),
        ("audit", {"total": 8, "positive": True}),
    ],
)
def test_measure_scores_at_band_edges_are_accepted(measure, score):
    data = _data("AssessmentCompleted.v1")
    data["measures"][measure] = score
    assert _new("AssessmentCompleted", data)["data"]["measures"][measure] == score


def test_liaising_with_occupational_health_needs_the_persons_consent():
    data = _data("AssessmentCompleted.v1") | {"occupational_health_consent": False}
    with pytest.raises(ContractError) as refused:
        _new("AssessmentCompleted", data)
    assert "outcome_decisions" in refused.value.errors


def test_an_assessment_has_at_least_one_outcome_decision():
    with pytest.raises(ContractError):
        _new("AssessmentCompleted", _data("AssessmentCompleted.v1") | {"outcome_decisions": []})


def test_first_contact_cannot_come_before_the_referral():
    data = _data("FirstContactMade.v1") | {"contacted_at": "2021-01-03T08:00:00+00:00"}
    with pytest.raises(ContractError) as refused:
        _new("FirstContactMade", data)
    assert "contacted_at" in refused.value.errors


def test_times_without_a_time_zone_are_refused():
    data = _data("ContactAttempted.v1") | {"attempted_at": "2021-01-05T14:00:00"}
    with pytest.raises(ContractError):
        _new("ContactAttempted", data)


@pytest.mark.parametrize("blob", ["", "not base64!", "a" * 262_145])
def test_sealed_personal_details_must_be_an_opaque_base64_blob(blob):
    data = _data("ReferralTransferredOut.v1") | {"sealed_personal_details": blob}
    with pytest.raises(ContractError):
        _new("ReferralTransferredOut", data)


@pytest.mark.parametrize("score", [0, 6, "5"])
def test_feedback_scores_are_on_a_scale_of_one_to_five(score):
    data = _data("HubStaffFeedbackGiven.v1") | {"wellbeing": score}
    if score == "5":  # marshmallow accepts a numeral; the wire form is a number
        assert _new("HubStaffFeedbackGiven", data)["data"]["wellbeing"] == 5
        return
    with pytest.raises(ContractError):
        _new("HubStaffFeedbackGiven", data)


@pytest.mark.parametrize(
    ("value", "accepted"), [(0, True), (12, True), ("*", True), (-1, False), (True, False), ("7", False)]
)
def test_period_report_figures_are_counts_or_suppressed(value, accepted):
    data = _data("HubPeriodReport.v1")
    data.pop("figures_exact")  # hubs that suppressed before sending
    data["figures"] = {"staff_assessed": value}
    if accepted:
        assert _new("HubPeriodReport", data)["data"]["figures"] == {"staff_assessed": value}
    else:
        with pytest.raises(ContractError):
            _new("HubPeriodReport", data)


def test_a_report_of_exact_figures_carries_no_suppressed_cell():
    data = _data("HubPeriodReport.v1") | {"figures_exact": True, "figures": {"staff_assessed": 1}}
    assert _new("HubPeriodReport", data)["data"]["figures"] == {"staff_assessed": 1}
    with pytest.raises(ContractError):
        _new("HubPeriodReport", data | {"figures": {"staff_assessed": "*"}})


@pytest.mark.parametrize("period", ["2021-W05", "2021-01", "2020-21-Q4", "2020-21"])
def test_sickness_absence_periods_are_named_as_the_reporting_service_names_them(period):
    _new("SicknessAbsenceImported", _data("SicknessAbsenceImported.v1") | {"period": period})


def test_kafka_key_is_the_case_id_or_the_aggregate_id():
    assert message_key(example_envelope(spec_for("ReferralReceived"))) == str(CASE)
    outreach = example_envelope(spec_for("OutreachFeedbackGiven"))
    assert message_key(outreach) == outreach["data"]["outreach_event_id"]
    report = example_envelope(spec_for("HubPeriodReport"))
    assert message_key(report) == "example-hub:month:2021-01"


def test_kafka_headers_carry_the_event_id_and_type():
    envelope = example_envelope(spec_for("ReferralTriaged"))
    assert message_headers(envelope) == [
        ("event_id", envelope["event_id"].encode()),
        ("event_type", b"ReferralTriaged"),
    ]


def test_occurred_at_is_written_in_utc():
    envelope = _new(
        "MonitoringEnded",
        _data("MonitoringEnded.v1"),
        occurred_at=datetime(2021, 6, 1, 12, 0, tzinfo=UTC).astimezone(),
    )
    assert envelope["occurred_at"] == "2021-06-01T12:00:00+00:00"
