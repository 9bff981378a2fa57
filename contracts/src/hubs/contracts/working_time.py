"""Working days and working time, one calendar for every service of a hub.

A working day is a day the hub opens (Monday to Friday by default) that is not a bank holiday of
England and Wales (the `holidays` package) nor one of the hub's own closure days
(HUBS_BANK_HOLIDAYS, e.g. '2026-12-24,2026-12-31'). Working time is the time inside the hub's
opening hours (09:00 to 17:00 by default) on working days. Everything is counted in the hub's
local time (Europe/London by default), so that a deadline does not move by an hour across a
clock change. The referral service's first-contact deadlines and the reporting service's time
to first contact are both counted here, so they agree on every holiday."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = frozenset(range(5))
_OPENING = re.compile(
    r"^(?P<first>[A-Za-z]{3})(?:-(?P<last>[A-Za-z]{3}))?\s+(?P<opens>\d{2}:\d{2})-(?P<closes>\d{2}:\d{2})$"
)


@cache
def _england_and_wales(year: int) -> frozenset[date]:
    # One year at a time, built once and never changed: lookups from many threads never see a
    # year half filled in (the package's own calendar fills years in as they are asked for).
    # Imported here: a process that never counts working time does not load the package.
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


@dataclass(frozen=True)
class HubHolidays:
    """The days a hub stays closed although it would open: every bank holiday of England and
    Wales, and the hub's own closure days."""

    closure_days: frozenset[date] = frozenset()

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self.closure_days or day in _england_and_wales(day.year)

    @classmethod
    def from_setting(cls, text: str | None) -> HubHolidays:
        """HUBS_BANK_HOLIDAYS: the hub's closure days besides the bank holidays, comma-separated."""
        days: set[date] = set()
        for part in (text or "").split(","):
            if not part.strip():
                continue
            try:
                days.add(date.fromisoformat(part.strip()))
            except ValueError:
                message = f"HUBS_BANK_HOLIDAYS: expected dates, e.g. '2026-12-24,2026-12-31', got {text!r}"
                raise ValueError(message) from None
        return cls(frozenset(days))


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

    def open_spans(self, start: datetime, end: datetime) -> Iterator[timedelta]:
        """The time between `start` and `end` within opening hours, one working day at a time."""
        if end <= start:
            return
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta():
                    yield overlap
            day += timedelta(days=1)

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Hours between `start` and `end` that fall within opening hours on working days (to
        the hundredth, added up day by day as they always were: stored figures stay the same)."""
        return round(sum(span.total_seconds() / 3600 for span in self.open_spans(start, end)), 2)

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


def working_minutes(start: datetime, end: datetime, bank_holidays: Container[date] = frozenset()) -> int:
    """Whole minutes of working time from `start` to `end` in the standard hours (Monday to
    Friday, 09:00 to 17:00 England local time), 0 if end is not after start: the data set's
    time to first contact when the referral service did not count it."""
    spans = WorkingCalendar(bank_holidays).open_spans(start, end)
    return int(sum(spans, timedelta()).total_seconds() // 60)


def calendar_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from `start` to `end` (0 if end is not after start)."""
    return max(int((end - start).total_seconds() // 60), 0)
