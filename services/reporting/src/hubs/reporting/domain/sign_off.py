"""Signing off a month: once a month has ended, the hub lead checks its figures and the gaps in
its records, and signs it off; its report then leaves the hub as final. A month nobody signs off
becomes final anyway once the hub's days to sign off have gone by, flagged as not signed off.

Every other period follows the months it spans: a quarter, a financial year or a week is final
once each of its months is, and signed off if each of them was. A week that runs into the next
month waits for that month too: its days are only checked when that month is."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from hubs.reporting.domain.periods import has_ended, period_bounds, periods_overlapping
from hubs.runtime.refusals import Refused

DEFAULT_SIGN_OFF_DAYS = 10
# The title this service's refusals of input have always had (RFC 9110's name for 422).
UNPROCESSABLE = "Unprocessable Content"

OPEN = "open"  # not ended yet
AWAITING_SIGN_OFF = "awaiting-sign-off"  # ended; not final yet
SIGNED_OFF = "signed-off"  # final: the hub lead signed off every month of it
FINAL_WITHOUT_SIGN_OFF = "final-without-sign-off"  # final: the days to sign off went by
STATES = (OPEN, AWAITING_SIGN_OFF, SIGNED_OFF, FINAL_WITHOUT_SIGN_OFF)


class SignOffRefused(Refused):
    """A sign-off that cannot be taken: `conflict` when the month's state forbids it (already
    final), otherwise the request itself is wrong (`field` names what to change)."""

    def __init__(self, message: str, field: str = "period", conflict: bool = False):
        code, title = ("conflict", None) if conflict else (None, UNPROCESSABLE)
        super().__init__(message, field=field, conflict=conflict, code=code, title=title)


@dataclass(frozen=True)
class Finality:
    """Whether a period's report is final now, and whether the hub lead signed it off."""

    state: str
    final: bool
    signed_off: bool


def months_of(period_type: str, period: str) -> list[str]:
    """The months a period spans, in order."""
    first, last = period_bounds(period_type, period)
    return sorted(p for _, p in periods_overlapping(first, last, ("month",)))


def final_without_sign_off_on(month: str, days: int) -> date:
    """The day a month not signed off becomes final anyway: `days` days after it ended."""
    _, last = period_bounds("month", month)
    return last + timedelta(days=1 + days)


def month_state(month: str, today: date, signed_off: Collection[str], days: int) -> str:
    if not has_ended("month", month, today):
        return OPEN
    if month in signed_off:
        return SIGNED_OFF
    if today >= final_without_sign_off_on(month, days):
        return FINAL_WITHOUT_SIGN_OFF
    return AWAITING_SIGN_OFF


def finality(period_type: str, period: str, today: date, signed_off: Collection[str], days: int) -> Finality:
    """A period's state from its months' (ValueError for a period that cannot be named)."""
    if not has_ended(period_type, period, today):
        return Finality(OPEN, False, False)
    states = {month_state(m, today, signed_off, days) for m in months_of(period_type, period)}
    if states == {SIGNED_OFF}:
        return Finality(SIGNED_OFF, True, True)
    if states <= {SIGNED_OFF, FINAL_WITHOUT_SIGN_OFF}:
        return Finality(FINAL_WITHOUT_SIGN_OFF, True, False)
    return Finality(AWAITING_SIGN_OFF, False, False)


def check_sign_off(period_type: str, period: str, today: date, signed_off: Collection[str], days: int) -> None:
    """Raise SignOffRefused unless `period` is an ended month waiting for its sign-off."""
    if period_type != "month":
        raise SignOffRefused("only a month is signed off: quarters, years and weeks follow their months", "period_type")
    state = month_state(period, today, signed_off, days)
    if state == OPEN:
        raise SignOffRefused(f"{period} has not ended yet: a month is signed off once it is over")
    if state == SIGNED_OFF:
        raise SignOffRefused(f"{period} is already signed off", conflict=True)
    if state == FINAL_WITHOUT_SIGN_OFF:
        on = final_without_sign_off_on(period, days).isoformat()
        raise SignOffRefused(f"{period} became final without sign-off on {on}", conflict=True)
