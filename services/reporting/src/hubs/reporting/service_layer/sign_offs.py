"""The hub lead signs off an ended month; the months' states for the data set page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from hubs.reporting.domain.periods import periods_of
from hubs.reporting.domain.sign_off import (
    SignOffRefused,
    check_sign_off,
    final_without_sign_off_on,
    finality,
    month_state,
)
from hubs.reporting.service_layer.unit_of_work import ReportingUow

RECENT_MONTHS = 12


def sign_off_month(
    uow_factory: Callable[[], Any], period_type: str, period: str, by: str, now: datetime, today: date, days: int
) -> dict[str, Any]:
    """Record the hub lead's sign-off of an ended month. Raises SignOffRefused; nothing is kept then.

    The worker's period check (every HUBS_PERIOD_CLOSE_CHECK_SECONDS) then sends the final version
    of the month and of every period it completes. Only the worker writes report versions: a
    rebuilt instance learns the versions already published before it writes any."""
    with uow_factory() as uow:
        signed_off = uow.sign_offs.months()
        check_sign_off(period_type, period, today, signed_off, days)
        if not uow.sign_offs.sign_off(period_type, period, by, now):
            # Another request signed it off between the check and now.
            raise SignOffRefused(f"{period} is already signed off", conflict=True)
        uow.commit()
    return month_sign_off(period, today, signed_off | {period}, days, {"signed_off_by": by, "signed_off_at": now})


def month_sign_off(
    month: str, today: date, signed_off: set[str], days: int, who: dict[str, Any] | None
) -> dict[str, Any]:
    """A month's state, with who signed it off and when (if it was)."""
    return {
        "period_type": "month",
        "period": month,
        "state": month_state(month, today, signed_off, days),
        "final_without_sign_off_on": final_without_sign_off_on(month, days),
        **(who or {"signed_off_by": None, "signed_off_at": None}),
    }


def recent_months(uow_factory: Callable[[], Any], today: date, records_start: date, days: int) -> list[dict[str, Any]]:
    """The last ended months (newest first, from the hub's records start), each with its state."""
    months = []
    day = today.replace(day=1) - timedelta(days=1)  # the last day of last month
    while len(months) < RECENT_MONTHS and day >= records_start:
        months.append(periods_of(day)["month"])
        day = day.replace(day=1) - timedelta(days=1)
    with uow_factory() as uow:
        signed_off = uow.sign_offs.months()
        who = uow.sign_offs.of_months(months)
    return [month_sign_off(m, today, signed_off, days, who.get(m)) for m in months]


def period_state(period_type: str, period: str, today: date, uow: ReportingUow, days: int) -> dict[str, Any]:
    """A period's state, and whether its report is signed off, for the hub's data set."""
    state = finality(period_type, period, today, uow.sign_offs.months(), days)
    return {"state": state.state, "signed_off": state.signed_off}
