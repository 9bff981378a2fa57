"""Working time for time to first contact: weekdays 09:00 to 17:00, England local time."""

from __future__ import annotations

from datetime import UTC, datetime

from hubs.reporting.domain.working_time import calendar_minutes, working_minutes


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_weekend_adds_no_working_time():
    assert working_minutes(at("2026-11-27T16:00:00+00:00"), at("2026-11-30T10:00:00+00:00")) == 120


def test_working_hours_follow_the_clock_change():
    # 25 October 2026: clocks go back. 08:30 UTC on Friday is 09:30 BST; 09:30 UTC on Monday is 09:30 GMT.
    assert working_minutes(at("2026-10-23T08:30:00+00:00"), at("2026-10-26T09:30:00+00:00")) == 8 * 60


def test_contact_before_the_referral_counts_as_no_time():
    assert working_minutes(at("2026-11-27T12:00:00+00:00"), at("2026-11-27T11:00:00+00:00")) == 0
    assert calendar_minutes(at("2026-11-27T12:00:00+00:00"), at("2026-11-27T11:00:00+00:00")) == 0
