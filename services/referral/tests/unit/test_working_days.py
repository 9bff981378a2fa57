"""Working-day arithmetic of the first-contact standard, across weekends, England and Wales
bank holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hubs.referral.domain.working_days import LONDON, FirstContactStandard, WorkingCalendar
from hubs.referral.service_layer.context import bank_holidays_of_england_and_wales

CALENDAR = WorkingCalendar(bank_holidays=bank_holidays_of_england_and_wales())


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_england_and_wales_bank_holidays_are_known():
    for day in (date(2026, 12, 25), date(2026, 12, 28), date(2027, 3, 26), date(2027, 3, 29), date(2026, 8, 31)):
        assert not CALENDAR.is_working_day(day), day
    assert CALENDAR.is_working_day(date(2026, 11, 26))
    # St Andrew's Day is a Scottish bank holiday only
    assert CALENDAR.is_working_day(date(2026, 11, 30))


def test_one_working_day_on_a_weekday_is_the_same_time_next_day():
    assert CALENDAR.add_working_days(london(2026, 11, 25, 10, 0), 1) == london(2026, 11, 26, 10, 0)


def test_a_friday_referral_skips_the_weekend():
    assert CALENDAR.add_working_days(london(2026, 11, 27, 15, 30), 1) == london(2026, 11, 30, 15, 30)
    assert CALENDAR.add_working_days(london(2026, 11, 27, 15, 30), 2) == london(2026, 12, 1, 15, 30)


def test_a_weekend_referral_counts_from_the_start_of_monday():
    # Saturday: the first working day is Monday, so one working day ends at the start of Tuesday
    assert CALENDAR.add_working_days(london(2026, 11, 28, 11, 0), 1) == london(2026, 12, 1, 0, 0)


def test_christmas_and_boxing_day_substitutes_are_skipped():
    # Thu 24 Dec 2026; Fri 25 Dec Christmas, Mon 28 Dec Boxing Day (substitute)
    assert CALENDAR.add_working_days(london(2026, 12, 24, 9, 0), 1) == london(2026, 12, 29, 9, 0)
    assert CALENDAR.add_working_days(london(2026, 12, 24, 9, 0), 2) == london(2026, 12, 30, 9, 0)


def test_easter_is_skipped():
    # Thu 25 Mar 2027; Good Friday 26 Mar, Easter Monday 29 Mar
    assert CALENDAR.add_working_days(london(2027, 3, 25, 16, 0), 1) == london(2027, 3, 30, 16, 0)


def test_a_deadline_keeps_its_local_time_across_the_clock_change():
    # Clocks go back on Sun 25 Oct 2026: a Friday 10:00 referral is due Monday 10:00 local time
    due = CALENDAR.add_working_days(london(2026, 10, 23, 10, 0), 1)
    assert due == london(2026, 10, 26, 10, 0)
    assert due.astimezone(UTC).hour == 10  # GMT after the change


def test_working_hours_count_only_opening_hours_on_working_days():
    assert CALENDAR.working_hours_between(london(2026, 11, 26, 10, 0), london(2026, 11, 26, 12, 30)) == 2.5
    # Thursday 16:00 to Friday 10:00: one hour on Thursday, one on Friday
    assert CALENDAR.working_hours_between(london(2026, 11, 26, 16, 0), london(2026, 11, 27, 10, 0)) == 2.0
    # Friday 16:00 to Monday 10:00: the weekend counts nothing
    assert CALENDAR.working_hours_between(london(2026, 11, 27, 16, 0), london(2026, 11, 30, 10, 0)) == 2.0
    # across Christmas: Thu 24 Dec 16:00 to Tue 29 Dec 10:00
    assert CALENDAR.working_hours_between(london(2026, 12, 24, 16, 0), london(2026, 12, 29, 10, 0)) == 2.0
    assert CALENDAR.working_hours_between(london(2026, 11, 26, 12, 0), london(2026, 11, 26, 11, 0)) == 0.0


def test_the_first_contact_standard_is_a_setting():
    assert FirstContactStandard.parse(None) == FirstContactStandard(1, 2)
    assert FirstContactStandard.parse("urgent=0,routine=5") == FirstContactStandard(0, 5)
    assert FirstContactStandard.parse("routine=3").days_for(urgent=False) == 3
    with pytest.raises(ValueError):
        FirstContactStandard.parse("urgent=soon")
