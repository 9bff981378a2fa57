"""Marshmallow fields with the strictness an API needs.

Dates and times are checked for range at the door: a record can be no older than the hub's
records (`HUBS_RECORDS_START`) and no later than now, give or take a small clock skew; a plan
may look ahead, but not for ever. Whatever passes can be placed in a reporting period, so one
careless year (`0026`, `9999`) can never stop a hub's figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from numbers import Integral
from typing import Any

from flask import current_app, has_app_context
from marshmallow import ValidationError, fields

from hubs.runtime.settings import DEFAULT_RECORDS_START, Settings

# How far a client's clock may run ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# A date has no time zone: "today" somewhere in the UK may already be tomorrow in UTC, or the reverse.
DATE_SKEW = timedelta(days=1)
# How far ahead a planned date (a treatment's expected start, a monitoring plan's end) may be.
PLANNING_HORIZON = timedelta(days=3 * 366)


def records_start() -> date:
    """The first day a record of this hub may carry (its settings, or the hubs' first winter)."""
    if has_app_context():
        settings: Settings | None = current_app.extensions.get("hubs_settings")
        if settings is not None:
            return settings.records_start
    return DEFAULT_RECORDS_START


# An app may keep its own clock under this key (a callable giving today's date): the
# service's notion of "today", which tests move on to play out weeks of a pathway.
TODAY_EXTENSION = "hubs_today"


def today() -> date:
    """Today for the checks at the door: the app's clock if it has one, else UTC's date."""
    if has_app_context():
        clock: Callable[[], date] | None = current_app.extensions.get(TODAY_EXTENSION)
        if clock is not None:
            return clock()
    return datetime.now(UTC).date()


class JsonBoolean(fields.Boolean):
    """A JSON `true` or `false`, nothing else: marshmallow's Boolean also takes 0, 1, "yes"...,
    and an answer to a risk question must never be guessed from a number."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        # `isinstance(..., bool)`, not set membership: 0 == False and 1 == True in Python.
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class JsonInteger(fields.Integer):
    """A JSON integer, nothing else: never "7", 7.5 or 7.0, nor `true` (which Python counts as 1)."""

    default_error_messages = {"invalid": "Must be a whole number (a JSON integer, not text or a decimal)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise self.make_error("invalid")
        return super()._validated(value)


class _BoundedDate(fields.Date):
    """A calendar date (YYYY-MM-DD, four-digit year) between the hub's records start and a latest day."""

    default_error_messages = {
        "invalid": "Not a valid date: use YYYY-MM-DD.",
        "too_early": "Must be on or after {earliest} (the first day of this hub's records).",
        "too_late": "Must be on or before {latest}.",
    }

    def latest(self) -> date:
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> date:
        # Python reads "26-01-05" nowhere, but "0026-01-05" happily: a year is four digits, from 1000.
        if not isinstance(value, str) or not re.fullmatch(r"[1-9]\d{3}-\d{2}-\d{2}", value):
            raise self.make_error("invalid")
        day = super()._deserialize(value, attr, data, **kwargs)
        earliest, latest = records_start(), self.latest()
        if day < earliest:
            raise self.make_error("too_early", earliest=earliest.isoformat())
        if day > latest:
            raise self.make_error("too_late", latest=latest.isoformat())
        return day


class RecordDate(_BoundedDate):
    """The day something happened: from the hub's records start to today (a day's skew allowed)."""

    default_error_messages = {"too_late": "Must not be in the future (after {latest})."}

    def latest(self) -> date:
        return today() + DATE_SKEW


class PlannedDate(_BoundedDate):
    """A day planned ahead: from the hub's records start to three years from today."""

    default_error_messages = {"too_late": "Must be within three years from today (on or before {latest})."}

    def latest(self) -> date:
        return today() + PLANNING_HORIZON


class DateOfBirth(fields.Date):
    """A member of staff's date of birth: a real day from 1900, at least 16 years ago (the
    youngest apprentices); YYYY-MM-DD with a four-digit year."""

    default_error_messages = {
        "invalid": "Not a valid date: use YYYY-MM-DD.",
        "out_of_range": "Must be a date of birth from {earliest} to {latest} (staff are 16 or over).",
    }
    EARLIEST = date(1900, 1, 1)
    YOUNGEST_AGE_YEARS = 16

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> date:
        if not isinstance(value, str) or not re.fullmatch(r"[1-9]\d{3}-\d{2}-\d{2}", value):
            raise self.make_error("invalid")
        born = super()._deserialize(value, attr, data, **kwargs)
        now = today()
        # 29 February of a leap year is 28 February sixteen years on.
        latest = now.replace(
            year=now.year - self.YOUNGEST_AGE_YEARS, day=min(now.day, 28) if now.month == 2 else now.day
        )
        if not self.EARLIEST <= born <= latest:
            raise self.make_error("out_of_range", earliest=self.EARLIEST.isoformat(), latest=latest.isoformat())
        return born


class RecordDateTime(fields.AwareDateTime):
    """The moment something happened, with its time zone: not before the hub's records start,
    not after now (a few minutes' clock skew allowed)."""

    default_error_messages = {
        "too_early": "Must be on or after {earliest} (the first day of this hub's records).",
        "too_late": "Must not be in the future.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not re.match(r"[1-9]\d{3}-", value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment = super()._deserialize(value, attr, data, **kwargs)
        earliest = records_start()
        if moment.date() < earliest:
            raise self.make_error("too_early", earliest=earliest.isoformat())
        if moment > datetime.now(UTC) + CLOCK_SKEW:
            raise self.make_error("too_late")
        return moment


class RecordMonth(fields.String):
    """A calendar month, YYYY-MM, from the month of the hub's records start to this month."""

    default_error_messages = {
        "invalid": "Not a valid month: use YYYY-MM, with a month from 01 to 12.",
        "too_early": "Must not be before {earliest} (the first month of this hub's records).",
        "too_late": "Must not be after this month ({latest}).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = re.fullmatch(r"([1-9]\d{3})-(\d{2})", text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise self.make_error("invalid")
        month = (int(match[1]), int(match[2]))
        start, now = records_start(), today() + DATE_SKEW
        if month < (start.year, start.month):
            raise self.make_error("too_early", earliest=f"{start.year:04d}-{start.month:02d}")
        if month > (now.year, now.month):
            raise self.make_error("too_late", latest=f"{now.year:04d}-{now.month:02d}")
        return text


def not_before(
    data: Mapping[str, Any], later: str, earlier: str, message: str, *, earlier_value: date | None = None
) -> None:
    """A pathway order rule at the door: `data[later]` may not be before `earlier` (a field of
    `data`, or the given value); ValidationError on the later field. Dates and times compare
    by day when either is a date."""
    first = data.get(earlier) if earlier_value is None else earlier_value
    second = data.get(later)
    if first is None or second is None:
        return
    if isinstance(first, datetime) != isinstance(second, datetime):
        first = first.date() if isinstance(first, datetime) else first
        second = second.date() if isinstance(second, datetime) else second
    if second < first:
        raise ValidationError({later: [message]})
