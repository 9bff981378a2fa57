"""Working days and working hours, as the first-contact standard counts them.

A working day is a day the hub opens (Monday to Friday by default) that is not a bank holiday
(England and Wales). The routine standard "first contact within N working days" is met if
contact happens before the same clock time on the Nth working day after the referral; a referral
received on a day the hub is closed counts from the start of the next working day. Working hours
are the hours of working days inside the hub's opening hours: the urgent standard "first contact
within N working hours" runs only while the hub is open, so a referral received out of hours is
due N working hours after the hub next opens. Everything is computed in the hub's local time
(Europe/London by default), so that a deadline does not move by an hour across a clock change."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = frozenset(range(5))
_OPENING = re.compile(
    r"^(?P<first>[A-Za-z]{3})(?:-(?P<last>[A-Za-z]{3}))?\s+(?P<opens>\d{2}:\d{2})-(?P<closes>\d{2}:\d{2})$"
)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and the hub's opening hours on them."""

    bank_holidays: Container[date] = field(default_factory=frozenset)
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    zone: ZoneInfo = LONDON
    open_days: frozenset[int] = WEEKDAYS  # Monday is 0

    @classmethod
    def from_settings(
        cls, opening_hours: str | None, zone: str | None, bank_holidays: Container[date]
    ) -> WorkingCalendar:
        """HUBS_OPENING_HOURS ('Mon-Fri 08:00-18:00'; default Mon-Fri 09:00-17:00) and
        HUBS_TIME_ZONE (default Europe/London)."""
        days, opens, closes = parse_opening_hours(opening_hours or "Mon-Fri 09:00-17:00")
        return cls(bank_holidays, opens, closes, ZoneInfo(zone) if zone else LONDON, days)

    def is_working_day(self, day: date) -> bool:
        """A day the hub opens that is not a bank holiday."""
        return day.weekday() in self.open_days and day not in self.bank_holidays

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

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `start` (aware; the answer is UTC). Out of hours
        the count starts when the hub next opens. Counted in real elapsed time between the day's
        opening and closing, so a clock change overnight moves nothing."""
        left = timedelta(hours=hours)
        moment = start.astimezone(UTC)
        day = start.astimezone(self.zone).date()
        while True:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin = max(opens, moment)
                if begin < closes:
                    if begin + left <= closes:
                        return begin + left
                    left -= closes - begin
            day += timedelta(days=1)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening hours as UTC moments."""
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC),
            datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC),
        )

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Hours between `start` and `end` that fall within opening hours on working days."""
        if end <= start:
            return 0.0
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        total = 0.0
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, first), min(closes, last)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
            day += timedelta(days=1)
        return round(total, 2)

    def end_of_day(self, moment: datetime) -> datetime:
        """Midnight at the end of `moment`'s local day (UTC)."""
        local_day = moment.astimezone(self.zone).date() + timedelta(days=1)
        return datetime.combine(local_day, time(0, 0), tzinfo=self.zone).astimezone(UTC)


def parse_opening_hours(text: str) -> tuple[frozenset[int], time, time]:
    """'Mon-Fri 08:00-18:00' (or one day, 'Sat 09:00-12:00'): the days the hub opens and its hours,
    the same on each of them. Closing must come after opening on the same day."""
    found = _OPENING.match(text.strip())
    names = [d.lower() for d in DAY_NAMES]
    try:
        if found is None:
            raise ValueError(text)
        first = names.index(found["first"].lower())
        last = names.index((found["last"] or found["first"]).lower())
        opens, closes = time.fromisoformat(found["opens"]), time.fromisoformat(found["closes"])
    except ValueError:
        raise ValueError(f"HUBS_OPENING_HOURS: expected e.g. 'Mon-Fri 08:00-18:00', got {text!r}") from None
    if closes <= opens:
        raise ValueError(f"HUBS_OPENING_HOURS: the hub must close after it opens, got {text!r}")
    days = frozenset((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days, opens, closes


@dataclass(frozen=True)
class FirstContactStandard:
    """How soon first contact is due, by urgency (settings per hub): urgent within working hours,
    routine within working days."""

    urgent_days: int = 1  # no longer used for the due time: urgent is counted in working hours
    routine_days: int = 2
    urgent_hours: float = 4

    def days_for(self, urgent: bool) -> int:
        return self.urgent_days if urgent else self.routine_days

    def due_by(self, calendar: WorkingCalendar, start: datetime, urgent: bool) -> datetime:
        """When first contact is due for a referral received (or made urgent) at `start`."""
        if urgent:
            return calendar.add_working_hours(start, self.urgent_hours)
        return calendar.add_working_days(start, self.routine_days)

    def with_urgent_hours(self, text: str | None) -> FirstContactStandard:
        """HUBS_URGENT_FIRST_CONTACT_HOURS: working hours allowed for an urgent referral (default 4)."""
        if not (text or "").strip():
            return self
        try:
            hours = float(text)
        except ValueError:
            hours = 0.0
        if not 0 < hours <= 24 * 7:
            raise ValueError(f"HUBS_URGENT_FIRST_CONTACT_HOURS: expected working hours, e.g. 4, got {text!r}")
        return FirstContactStandard(self.urgent_days, self.routine_days, hours)

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
