"""Reporting periods: ISO week, calendar month, financial quarter and financial year
(April to March), as the national data set is submitted."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

PERIOD_TYPES = ("week", "month", "quarter", "financial-year")
Period = tuple[str, str]  # (period type, period name)
# Period names carry four-digit years, and a financial year ends in the year after it starts.
FIRST_DAY = date(1000, 1, 1)
LAST_DAY = date(9998, 12, 31)


def is_reportable(day: date) -> bool:
    """True when `day` lies in periods this code can name and compute."""
    return FIRST_DAY <= day <= LAST_DAY


def financial_year(day: date) -> str:
    """'2026-27' for any day from 1 April 2026 to 31 March 2027."""
    _check_reportable(day)
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _check_reportable(day: date) -> None:
    if not is_reportable(day):
        raise ValueError(f"no reporting period holds {day.isoformat()}: years run from 1000 to 9998")


def periods_of(day: date) -> dict[str, str]:
    """The period of every type that contains `day`; ValueError outside the years periods can name."""
    _check_reportable(day)
    iso_year, iso_week, _ = day.isocalendar()
    quarter = ((day.month - 4) % 12) // 3 + 1  # Q1 is April to June
    return {
        "week": f"{iso_year}-W{iso_week:02d}",
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{financial_year(day)}-Q{quarter}",
        "financial-year": financial_year(day),
    }


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_bounds(period_type: str, period: str) -> tuple[date, date]:
    """The first and last day (inclusive) of a period; ValueError for a malformed name or one
    outside the years periods can name."""
    try:
        first, last = _bounds(period_type, period)
    except OverflowError:
        raise ValueError(f"not a {period_type} period this code can compute: {period!r}") from None
    if not (is_reportable(first) and is_reportable(last)):
        raise ValueError(f"not a {period_type} period this code can compute: {period!r}")
    return first, last


def _bounds(period_type: str, period: str) -> tuple[date, date]:
    if period_type == "week" and (m := re.fullmatch(r"(\d{4})-W(\d{2})", period)):
        first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return first, first + timedelta(days=6)
    if period_type == "month" and (m := re.fullmatch(r"(\d{4})-(\d{2})", period)):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), _month_end(year, month)
    if period_type == "quarter" and (m := re.fullmatch(r"(\d{4})-\d{2}-Q([1-4])", period)):
        year, quarter = int(m[1]), int(m[2])
        first_month = 4 + 3 * (quarter - 1)
        year, first_month = (year + 1, first_month - 12) if first_month > 12 else (year, first_month)
        last_month = first_month + 2
        return date(year, first_month, 1), _month_end(year, last_month)
    if period_type == "financial-year" and (m := re.fullmatch(r"(\d{4})-\d{2}", period)):
        year = int(m[1])
        return date(year, 4, 1), date(year + 1, 3, 31)
    raise ValueError(f"not a {period_type} period: {period!r}")


def is_period(period_type: str, period: str) -> bool:
    """True when `period` is a well-formed name of a period of that type."""
    try:
        first, _ = period_bounds(period_type, period)
    except ValueError:
        return False
    return periods_of(first)[period_type] == period


def periods_overlapping(first: date, last: date, types: tuple[str, ...] = PERIOD_TYPES) -> set[Period]:
    """Every period of the given types that shares at least one day with [first, last]."""
    return set(_periods_overlapping(first, last, types))


@lru_cache(maxsize=4096)
def _periods_overlapping(first: date, last: date, types: tuple[str, ...]) -> frozenset[Period]:
    # Asked again and again with the same days (an open case spans up to today): kept.
    found: set[Period] = set()
    for period_type in types:
        day = first
        while day <= last:
            period = periods_of(day)[period_type]
            found.add((period_type, period))
            day = period_bounds(period_type, period)[1] + timedelta(days=1)
    return frozenset(found)


def has_ended(period_type: str, period: str, today: date) -> bool:
    """True once the last day of the period is over."""
    return period_bounds(period_type, period)[1] < today
