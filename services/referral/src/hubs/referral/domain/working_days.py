"""Working days and working hours, as the first-contact standard counts them.

A working day is a weekday that is not a bank holiday (England and Wales by default). The
standard "first contact within N working days" is met if contact happens before the same
clock time on the Nth working day after the referral; a referral received on a weekend or a
bank holiday counts from the start of the next working day. Working hours are the hours of
working days inside the hub's opening hours. Everything is computed in the hub's local time
(Europe/London), so that a deadline does not move by an hour across a clock change."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and the hub's opening hours on them."""

    bank_holidays: Container[date] = field(default_factory=frozenset)
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    zone: ZoneInfo = LONDON

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a bank holiday."""
        return day.weekday() < 5 and day not in self.bank_holidays

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment `days` working days after `start` (an aware datetime; the answer is UTC)."""
        local = start.astimezone(self.zone)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if not self.is_working_day(day):
            day, clock = self.next_working_day(day - timedelta(days=1)), time(0, 0)
        for _ in range(days):
            day = self.next_working_day(day)
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Hours between `start` and `end` that fall within opening hours on working days."""
        if end <= start:
            return 0.0
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        total = 0.0
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opens, tzinfo=self.zone)
                closes = datetime.combine(day, self.closes, tzinfo=self.zone)
                lo, hi = max(opens, first), min(closes, last)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
            day += timedelta(days=1)
        return round(total, 2)

    def end_of_day(self, moment: datetime) -> datetime:
        """Midnight at the end of `moment`'s local day (UTC)."""
        local_day = moment.astimezone(self.zone).date() + timedelta(days=1)
        return datetime.combine(local_day, time(0, 0), tzinfo=self.zone).astimezone(UTC)


@dataclass(frozen=True)
class FirstContactStandard:
    """Working days allowed before first contact, by urgency (a setting per hub)."""

    urgent_days: int = 1
    routine_days: int = 2

    def days_for(self, urgent: bool) -> int:
        return self.urgent_days if urgent else self.routine_days

    @classmethod
    def parse(cls, text: str | None) -> FirstContactStandard:
        """'urgent=1,routine=2' (either may be left out)."""
        values = {"urgent": cls.urgent_days, "routine": cls.routine_days}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            name, _, number = part.partition("=")
            name = name.strip()
            if name not in values or not number.strip().isdigit():
                raise ValueError(f"HUBS_FIRST_CONTACT_STANDARD: expected e.g. 'urgent=1,routine=2', got {text!r}")
            values[name] = int(number)
        return cls(urgent_days=values["urgent"], routine_days=values["routine"])
