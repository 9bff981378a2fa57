"""Working time between two moments, for the time-to-first-contact item: Monday to Friday,
09:00 to 17:00 England local time. Bank holidays are given by the hub's settings."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from hubs.reporting.domain.case_facts import LOCAL_TIME

DAY_STARTS = time(9, 0)
DAY_ENDS = time(17, 0)


def working_minutes(start: datetime, end: datetime, holidays: Collection[date] = ()) -> int:
    """Whole minutes of working time from `start` to `end` (0 if end is not after start)."""
    start, end = start.astimezone(LOCAL_TIME), end.astimezone(LOCAL_TIME)
    if end <= start:
        return 0
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5 and day not in holidays:
            opens = datetime.combine(day, DAY_STARTS, LOCAL_TIME)
            closes = datetime.combine(day, DAY_ENDS, LOCAL_TIME)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def calendar_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from `start` to `end` (0 if end is not after start)."""
    return max(int((end - start).total_seconds() // 60), 0)
