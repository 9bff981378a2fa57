"""The working calendar every service of a hub counts with: working days across weekends, England
and Wales bank holidays, the hub's closure days and clock changes; working hours and minutes inside
opening hours; and one calendar for the referral service's deadlines and the reporting figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cryptography.fernet import Fernet

from hubs.contracts.working_time import LONDON, HubHolidays, WorkingCalendar, calendar_minutes, working_minutes
from hubs.referral.service_layer.context import ReferralContext
from hubs.reporting.bootstrap import dataset_rules
from hubs.reporting.domain.case_facts import apply_case_event
from hubs.reporting.domain.dataset import period_figures
from hubs.runtime.settings import Settings

CALENDAR = WorkingCalendar(bank_holidays=HubHolidays())


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_england_and_wales_bank_holidays_are_known():
    for day in (date(2026, 12, 25), date(2026, 12, 28), date(2027, 3, 26), date(2027, 3, 29), date(2026, 8, 31)):
        assert not CALENDAR.is_working_day(day), day
    assert CALENDAR.is_working_day(date(2026, 11, 26))
    # St Andrew's Day is a Scottish bank holiday only
    assert CALENDAR.is_working_day(date(2026, 11, 30))


def test_a_hubs_own_closure_days_are_not_working_days_besides_the_bank_holidays():
    closed = WorkingCalendar(bank_holidays=HubHolidays.from_setting("2026-12-24, 2026-12-31"))
    assert not closed.is_working_day(date(2026, 12, 24)) and not closed.is_working_day(date(2026, 12, 31))
    assert not closed.is_working_day(date(2026, 12, 25))  # the bank holidays still count
    assert closed.is_working_day(date(2026, 12, 23)) and closed.is_working_day(date(2026, 12, 30))
    # Wed 23 Dec 10:00: Thu 24 (closed), Fri 25 and Mon 28 (bank holidays) are skipped
    assert closed.add_working_days(london(2026, 12, 23, 10, 0), 1) == london(2026, 12, 29, 10, 0)
    assert HubHolidays.from_setting(None) == HubHolidays.from_setting(" ") == HubHolidays()


@pytest.mark.parametrize("wrong", ["24/12/2026", "2026-12-24;2026-12-31", "2026-13-01", "Christmas Eve"])
def test_closure_days_that_are_not_dates_stop_the_service_naming_the_setting(wrong):
    with pytest.raises(ValueError, match="HUBS_BANK_HOLIDAYS"):
        HubHolidays.from_setting(wrong)


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


def test_a_weekend_adds_no_working_minutes():
    assert working_minutes(at("2026-11-27T16:00:00+00:00"), at("2026-11-30T10:00:00+00:00")) == 120


def test_working_minutes_follow_the_clock_change():
    # 25 October 2026: clocks go back. 08:30 UTC on Friday is 09:30 BST; 09:30 UTC on Monday is 09:30 GMT.
    assert working_minutes(at("2026-10-23T08:30:00+00:00"), at("2026-10-26T09:30:00+00:00")) == 8 * 60


def test_contact_before_the_referral_counts_as_no_time():
    assert working_minutes(at("2026-11-27T12:00:00+00:00"), at("2026-11-27T11:00:00+00:00")) == 0
    assert calendar_minutes(at("2026-11-27T12:00:00+00:00"), at("2026-11-27T11:00:00+00:00")) == 0


def test_opening_hours_are_a_setting():
    saturday = WorkingCalendar.from_settings("Tue-Sat 10:00-16:00", None, frozenset())
    assert not saturday.is_working_day(date(2026, 11, 30)) and saturday.is_working_day(date(2026, 11, 28))
    assert saturday.add_working_hours(london(2026, 11, 28, 15, 0), 4) == london(2026, 12, 1, 13, 0)
    assert WorkingCalendar.from_settings(None, None, frozenset()).opens == CALENDAR.opens  # 09:00-17:00
    for wrong in ("Mon-Fri 8-18", "Mon-Fri 18:00-08:00", "Weekdays 08:00-18:00", "Mon-Fri 25:00-26:00"):
        with pytest.raises(ValueError, match="HUBS_OPENING_HOURS"):
            WorkingCalendar.from_settings(wrong, None, frozenset())


@pytest.mark.parametrize(
    ("closure_days", "received", "due_by"),
    [
        # Thursday 26 November 2026 is a day the hub lists as closed: 2 hours on Wednesday, 2 on Friday
        ("2026-11-26", london(2026, 11, 25, 15, 0), london(2026, 11, 27, 11, 0)),
        # Good Friday and Easter Monday 2027, bank holidays the hub does not list (and a clock change)
        ("", london(2027, 3, 25, 15, 0), london(2027, 3, 30, 11, 0)),
    ],
)
def test_the_referral_deadlines_and_the_reporting_figures_skip_the_same_holidays(closure_days, received, due_by):
    extra = {"HUBS_BANK_HOLIDAYS": closure_days, "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
    referral = ReferralContext.from_settings(Settings(service="referral", extra=extra))
    rules = dataset_rules(Settings(service="reporting", extra=extra))
    due = referral.standard.due_by(referral.calendar, received, urgent=True)
    # A first contact made at the urgent deadline, whose event does not carry the working hours:
    # the reporting service counts them itself, with its own calendar.
    facts = apply_case_event(
        {},
        {
            "event_type": "FirstContactMade",
            "data": {"referral_received_at": received.isoformat(), "contacted_at": due.isoformat()},
        },
    )
    month = received.strftime("%Y-%m")

    figures = period_figures("month", month, [facts], [], rules)

    assert due == due_by
    assert referral.calendar.working_hours_between(received, due) == referral.standard.urgent_hours == 4
    assert figures["time_to_first_contact.working.median_minutes"] == 4 * 60
