"""What reporting sets aside instead of failing on: an event whose dates cannot be placed in a
reporting period, and a period whose figures cannot be computed. One careless date must never
stop the rest of a hub's figures and reports; what is set aside is kept with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.periods import is_reportable

# Reasons, as a closed set: they label metrics and group what hub leads see.
DATE_UNPLACEABLE = "date-unplaceable"
DATE_BEFORE_RECORDS = "date-before-records-start"
DATE_TOO_FAR_AHEAD = "date-too-far-ahead"
PERIOD_UNPLACEABLE = "period-unplaceable"
FIGURES_FAILED = "figures-failed"

REASONS = {
    DATE_UNPLACEABLE: "a date no reporting period holds (years run from 1000 to 9998)",
    DATE_BEFORE_RECORDS: "a date before the first day of the hub's records",
    DATE_TOO_FAR_AHEAD: "a date further ahead than anything can be planned",
    PERIOD_UNPLACEABLE: "a period name that is not a period reporting can compute",
    FIGURES_FAILED: "the period's figures could not be computed from the facts",
}


@dataclass(frozen=True)
class SetAside:
    """Why an event or a period is quarantined: a reason from `REASONS`, the field at fault
    (events), and a detail for whoever puts it right."""

    reason: str
    detail: str
    field: str | None = None


def local_day(value: date) -> date:
    """The England day of a date or an aware datetime (OverflowError at the ends of the calendar)."""
    return value.astimezone(LOCAL_TIME).date() if isinstance(value, datetime) else value


def misplaced_date(data: Mapping[str, Any], earliest: date, latest: date) -> SetAside | None:
    """The first date in an event's data that cannot count in the hub's periods: outside the
    years periods hold, before the hub's records start (`earliest`) or after `latest`."""
    for name, value in _dates(data, ""):
        try:
            day = local_day(value)
        except OverflowError:
            return SetAside(DATE_UNPLACEABLE, f"{name}: {value.isoformat()} has no day in England", name)
        if not is_reportable(day):
            return SetAside(DATE_UNPLACEABLE, f"{name}: {day.isoformat()} is outside the years 1000 to 9998", name)
        if day < earliest:
            return SetAside(DATE_BEFORE_RECORDS, f"{name}: {day.isoformat()} is before {earliest.isoformat()}", name)
        if day > latest:
            return SetAside(DATE_TOO_FAR_AHEAD, f"{name}: {day.isoformat()} is after {latest.isoformat()}", name)
    return None


def _dates(value: Any, path: str):
    if isinstance(value, date):  # a datetime is a date too
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _dates(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from _dates(inner, f"{path}[{index}]")
