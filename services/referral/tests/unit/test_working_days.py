"""The first-contact standard in the hub's working calendar: routine in working days, urgent in
working hours, across evenings, weekends, England and Wales bank holidays and clock changes. (The
calendar's own arithmetic is tested with it, in tests/contract/test_working_time.py.)"""

from __future__ import annotations

from datetime import datetime

import pytest

from hubs.contracts.working_time import LONDON, HubHolidays, WorkingCalendar
from hubs.referral.domain.working_days import FirstContactStandard


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_the_first_contact_standard_is_a_setting():
    assert FirstContactStandard.parse(None) == FirstContactStandard(1, 2)
    assert FirstContactStandard.parse("urgent=0,routine=5") == FirstContactStandard(0, 5)
    assert FirstContactStandard.parse("routine=3").days_for(urgent=False) == 3
    with pytest.raises(ValueError):
        FirstContactStandard.parse("urgent=soon")


# The urgent standard: four working hours inside opening hours (here Mon-Fri 08:00-18:00).
HUB = WorkingCalendar.from_settings("Mon-Fri 08:00-18:00", "Europe/London", HubHolidays())
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


def test_the_urgent_standard_is_a_setting():
    two = FirstContactStandard.parse("routine=3").with_urgent_hours("2")
    assert two.due_by(HUB, london(2026, 11, 26, 10, 0), urgent=True) == london(2026, 11, 26, 12, 0)
    assert two.due_by(HUB, london(2026, 11, 26, 10, 0), urgent=False) == london(2026, 12, 1, 10, 0)
    for wrong in ("soon", "0", "-4", "nan"):
        with pytest.raises(ValueError, match="HUBS_URGENT_FIRST_CONTACT_HOURS"):
            FirstContactStandard().with_urgent_hours(wrong)
