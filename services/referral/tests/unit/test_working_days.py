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


# The urgent standard: four working hours inside opening hours (here Mon-Fri 08:00-18:00).
HUB = WorkingCalendar.from_settings("Mon-Fri 08:00-18:00", "Europe/London", bank_holidays_of_england_and_wales())
URGENT = FirstContactStandard()


def urgent_due(*received) -> datetime:
    return URGENT.due_by(HUB, london(*received), urgent=True)


def test_an_urgent_referral_in_opening_hours_is_due_four_working_hours_later():
    assert urgent_due(2026, 11, 26, 10, 0) == london(2026, 11, 26, 14, 0)


def test_an_urgent_referral_in_the_evening_is_due_four_hours_after_the_hub_opens():
    assert urgent_due(2026, 11, 26, 19, 30) == london(2026, 11, 27, 12, 0)
    assert urgent_due(2026, 11, 27, 7, 0) == london(2026, 11, 27, 12, 0)  # before opening


def test_an_urgent_referral_late_in_the_day_carries_its_hours_across_midnight():
    # 1.5 hours on Thursday, the other 2.5 on Friday morning
    assert urgent_due(2026, 11, 26, 16, 30) == london(2026, 11, 27, 10, 30)
    assert urgent_due(2026, 11, 26, 23, 59) == london(2026, 11, 27, 12, 0)
    assert urgent_due(2026, 11, 27, 0, 1) == london(2026, 11, 27, 12, 0)


def test_an_urgent_referral_at_the_weekend_is_due_on_monday_morning():
    assert urgent_due(2026, 11, 28, 11, 0) == london(2026, 11, 30, 12, 0)
    assert urgent_due(2026, 11, 27, 16, 0) == london(2026, 11, 30, 10, 0)  # Friday 16:00: 2 hours, then Monday


def test_an_urgent_referral_over_christmas_skips_the_bank_holidays():
    # Thu 24 Dec 2026 17:00: one hour that day; Fri 25 and Mon 28 (Boxing Day substitute) are closed
    assert urgent_due(2026, 12, 24, 17, 0) == london(2026, 12, 29, 11, 0)


def test_an_urgent_deadline_keeps_its_opening_hours_across_the_clock_changes():
    # Clocks go forward on Sun 29 Mar 2026: Friday 16:00 GMT is due Monday 10:00 BST (09:00 UTC)
    spring = urgent_due(2026, 3, 27, 16, 0)
    assert spring == london(2026, 3, 30, 10, 0) and spring.hour == 9
    # Clocks go back on Sun 25 Oct 2026: Friday 17:00 BST is due Monday 11:00 GMT
    autumn = urgent_due(2026, 10, 23, 17, 0)
    assert autumn == london(2026, 10, 26, 11, 0) and autumn.hour == 11


def test_working_hours_are_counted_in_the_hubs_own_opening_hours():
    assert HUB.working_hours_between(london(2026, 11, 26, 17, 0), london(2026, 11, 27, 9, 0)) == 2.0


def test_opening_hours_and_the_urgent_standard_are_settings():
    saturday = WorkingCalendar.from_settings("Tue-Sat 10:00-16:00", None, frozenset())
    assert not saturday.is_working_day(date(2026, 11, 30)) and saturday.is_working_day(date(2026, 11, 28))
    assert saturday.add_working_hours(london(2026, 11, 28, 15, 0), 4) == london(2026, 12, 1, 13, 0)
    assert WorkingCalendar.from_settings(None, None, frozenset()).opens == CALENDAR.opens  # 09:00-17:00
    two = FirstContactStandard.parse("routine=3").with_urgent_hours("2")
    assert two.due_by(HUB, london(2026, 11, 26, 10, 0), urgent=True) == london(2026, 11, 26, 12, 0)
    assert two.due_by(HUB, london(2026, 11, 26, 10, 0), urgent=False) == london(2026, 12, 1, 10, 0)
    for wrong in ("Mon-Fri 8-18", "Mon-Fri 18:00-08:00", "Weekdays 08:00-18:00", "Mon-Fri 25:00-26:00"):
        with pytest.raises(ValueError, match="HUBS_OPENING_HOURS"):
            WorkingCalendar.from_settings(wrong, None, frozenset())
    for wrong in ("soon", "0", "-4", "nan"):
        with pytest.raises(ValueError, match="HUBS_URGENT_FIRST_CONTACT_HOURS"):
            FirstContactStandard().with_urgent_hours(wrong)
