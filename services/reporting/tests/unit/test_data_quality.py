"""What a hub lead chases before the figures leave: referrals without demographics or an
outcome, facts without a referral, and waits that cannot be measured."""

from __future__ import annotations

import uuid
from datetime import date

from hubs.reporting.domain.data_quality import data_quality

from .conftest import Case


def quality(hub, period_type="month", period="2026-10", today=date(2026, 11, 26)):
    return data_quality(period_type, period, list(hub.facts().values()), today)


def test_referrals_without_demographics_are_counted_per_dimension(hub):
    Case(hub).referred("2026-10-05T09:00:00+00:00", ethnic_category="A", age_band="25-34")
    Case(hub).referred("2026-10-06T09:00:00+00:00", ethnic_category="A")
    Case(hub).referred("2026-09-30T09:00:00+00:00")  # another period
    found = quality(hub)
    assert found["referrals_received"] == 2
    assert found["referrals_missing_demographics"]["ethnicity"] == 0
    assert found["referrals_missing_demographics"]["age_band"] == 1
    assert found["referrals_missing_demographics"]["staff_group"] == 2


def test_a_referral_with_nothing_done_by_the_periods_end_has_no_outcome(hub):
    Case(hub).referred("2026-10-05T09:00:00+00:00")
    Case(hub).referred("2026-10-06T09:00:00+00:00").assessed("2026-10-08T09:00:00+00:00")
    Case(hub).referred("2026-10-07T09:00:00+00:00").signposted("2026-10-09", "talking-therapies")
    Case(hub).referred("2026-10-30T09:00:00+00:00").assessed("2026-11-02T09:00:00+00:00")  # after the end
    assert quality(hub)["referrals_without_outcome"] == 2


def test_facts_about_a_case_whose_referral_never_arrived_are_counted(hub):
    Case(hub).assessed("2026-10-08T09:00:00+00:00")
    Case(hub).referred("2026-10-05T09:00:00+00:00").assessed("2026-10-08T09:00:00+00:00")
    assert quality(hub)["cases_without_referral"] == 1


def test_waits_that_cannot_be_measured_are_counted(hub):
    c = Case(hub).referred("2026-08-01T09:00:00+00:00")
    c.onward_referral_id, c.service_type = str(uuid.uuid4()), "talking-therapies"
    c.treatment_started("2026-10-10")  # the onward referral itself never arrived
    Case(hub).referred("2026-08-01T09:00:00+00:00").referred_on("2026-08-20")  # no reply since
    Case(hub).referred("2026-10-01T09:00:00+00:00").referred_on("2026-10-20")  # under six weeks
    found = quality(hub)
    assert found["treatments_started_with_unknown_wait"] == 1
    assert found["onward_referrals_without_reply_after_6_weeks"] == 1
