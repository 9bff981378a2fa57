"""Rules the hub's figures and the national service rest on: which figures an event moves and on
which day, which record a piece of non-case work lands on (so a redelivery counts once), and which
report versions the national service takes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from hubs.contracts import codes
from hubs.reporting.domain.activities import SICKNESS_ABSENCE, Activity, activity_of, newer
from hubs.reporting.domain.figures import contributions
from hubs.reporting.domain.provenance import (
    DEFAULT_VERSION_STEP,
    VERSION_JUMP,
    RejectedReport,
    canonical_json,
    check_version,
)


def event(kind: str, **data) -> dict:
    return {"event_type": kind, "data": data}


def test_a_self_referral_counts_on_the_day_it_was_received():
    received = datetime(2026, 4, 30, 23, 59, tzinfo=UTC)
    assert contributions(event("ReferralReceived", received_at=received, source=codes.ReferralSource.SELF)) == (
        date(2026, 4, 30),
        {"self_referrals": 1},
    )


def test_a_referral_from_someone_else_counts_by_its_source():
    received = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    got = contributions(event("ReferralReceived", received_at=received, source=codes.ReferralSource.GP))
    assert got == (date(2026, 5, 1), {"referrals_from_other_sources": 1, "referrals_by_source.gp": 1})


def test_an_onward_referral_counts_by_service_type_and_an_outreach_event_by_its_attendance():
    made = date(2026, 5, 2)
    onward = event("OnwardReferralMade", made_on=made, service_type=codes.ServiceType.PEER_SUPPORT)
    assert contributions(onward) == (made, {"onward_referrals_made": 1, "onward_referrals.peer-support": 1})
    held = event("OutreachEventHeld", held_on=made, attendance=23)
    assert contributions(held) == (made, {"outreach_events_held": 1, "outreach_attendance": 23})
    assert contributions(event("TreatmentStarted", started_on=made)) is None


def test_each_kind_of_work_lands_on_one_record_per_aggregate_on_its_own_day():
    session_id = uuid.uuid4()
    got = activity_of(event("TrainingDelivered", training_session_id=session_id, delivered_on=date(2026, 3, 4)))
    assert got.key == f"training:{session_id}"
    assert (got.kind, got.day) == ("training", date(2026, 3, 4))
    assert got.record["training_session_id"] == str(session_id)
    feedback = activity_of(event("ServiceUserFeedbackGiven", feedback_id="f-1", given_on="2026-03-05"))
    assert (feedback.key, feedback.kind, feedback.day) == (
        "service-user-feedback:f-1",
        "service-user-feedback",
        date(2026, 3, 5),
    )
    assert activity_of(event("ReferralReceived", referral_id="r-1")) is None


def test_an_imported_sickness_absence_lands_on_its_period_from_the_periods_first_day():
    imported = event(
        "SicknessAbsenceImported",
        period_type="month",
        period="2026-02",
        imported_at="2026-03-01T09:00:00+00:00",
        import_id="i-1",
    )
    got = activity_of(imported)
    assert (got.key, got.kind, got.day) == ("sickness-absence:month:2026-02", SICKNESS_ABSENCE, date(2026, 2, 1))


def test_a_later_import_of_a_period_replaces_an_earlier_one_and_other_work_is_kept_as_first_recorded():
    def imported(at: str, import_id: str) -> Activity:
        return Activity("k", SICKNESS_ABSENCE, date(2026, 2, 1), {"imported_at": at, "import_id": import_id})

    stored = {"imported_at": "2026-03-01T09:00:00+00:00", "import_id": "b"}
    assert newer(imported("2026-03-02T09:00:00+00:00", "a"), stored)
    assert newer(imported("2026-03-01T09:00:00+00:00", "c"), stored)  # the same time: by id
    assert not newer(imported("2026-03-01T09:00:00+00:00", "b"), stored)
    assert not newer(imported("2026-02-28T09:00:00+00:00", "z"), stored)
    assert newer(imported("2026-02-28T09:00:00+00:00", "z"), None)
    work = Activity("training:1", "training", date(2026, 3, 4), {"attendance": 3})
    assert not newer(work, {"attendance": 3})  # a redelivery changes nothing
    assert newer(work, {"attendance": 2})


def test_a_reports_signature_is_over_its_keys_sorted_without_spaces_in_utf8():
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"a": float("nan")})


def test_a_newer_version_is_taken_an_older_or_equal_one_ignored_and_a_jump_refused():
    assert check_version(1, None) is True
    assert check_version(6, 5) is True
    assert check_version(5, 5) is False
    assert check_version(4, 5) is False
    assert check_version(0, None) is False
    assert check_version(5 + DEFAULT_VERSION_STEP, 5) is True
    with pytest.raises(RejectedReport) as e:
        check_version(6 + DEFAULT_VERSION_STEP, 5)
    assert e.value.reason == VERSION_JUMP
    assert str(e.value) == f"version-jump: version {6 + DEFAULT_VERSION_STEP} is more than 1000000 above 5"
    with pytest.raises(RejectedReport):
        check_version(12, 0, step=10)
    assert str(RejectedReport("unsigned")) == "unsigned"
