"""Whether every registered hub reports, and on time (national mode).

A month's report is due, final, `grace_days` days after the month ends
(HUBS_NATIONAL_REPORT_GRACE_DAYS; by default the hubs' days to sign off, HUBS_REPORT_SIGN_OFF_DAYS,
after which a hub sends its month final whether signed off or not). The gauges follow the last
month due: a hub is late from that month's deadline until its final report of it is taken. A
report whose hub does not say whether it is final counts as in."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from hubs.reporting.adapters.metrics import NATIONAL_HUB_SILENT, NATIONAL_REPORT_LATE
from hubs.reporting.domain.periods import period_bounds
from hubs.runtime.settings import Settings

MONTH = "month"


def grace_days(settings: Settings, sign_off_days: int) -> int:
    """HUBS_NATIONAL_REPORT_GRACE_DAYS: days after a month ends that its final report may take."""
    text = settings.extra.get("HUBS_NATIONAL_REPORT_GRACE_DAYS", str(sign_off_days)).strip()
    if not text.isdigit() or int(text) > 366:
        raise ValueError("HUBS_NATIONAL_REPORT_GRACE_DAYS must be a whole number of days from 0 to 366")
    return int(text)


def report_due_at(month: str, grace: int) -> datetime:
    """When a month's final report is due: the start of the day `grace` days after the month."""
    _, last = period_bounds(MONTH, month)
    due = last + timedelta(days=1 + grace)
    return datetime(due.year, due.month, due.day, tzinfo=UTC)


def _month_before(month: str) -> str:
    first, _ = period_bounds(MONTH, month)
    before = first - timedelta(days=1)
    return f"{before.year:04d}-{before.month:02d}"


def last_month_due(now: datetime, grace: int) -> str:
    """The newest month whose report is due by `now`."""
    month = _month_before(f"{now.year:04d}-{now.month:02d}")
    while report_due_at(month, grace) > now:
        month = _month_before(month)
    return month


def seconds_late(now: datetime, month: str, grace: int, final: bool | None, reported: bool) -> float:
    """How long the hub's final report of `month` is overdue (0 once it is in)."""
    if reported and final is not False:
        return 0.0
    return max(0.0, (now - report_due_at(month, grace)).total_seconds())


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives the stored UTC time back naive


class HubTimeliness:
    """Sets the two gauges of every registered hub from what the national service has kept,
    at most every `every` seconds (called while the worker is idle and after each batch)."""

    def __init__(
        self,
        hubs: Mapping[str, str],
        uow_factory: Callable[[], object],
        clock: Callable[[], datetime],
        grace: int,
        every: float = 60.0,
    ):
        self.hubs = dict(hubs)  # hub id -> region, from the registry
        self.uow_factory = uow_factory
        self.clock = clock
        self.grace = grace
        self.every = every
        self._next = 0.0

    def __call__(self) -> None:
        if time.monotonic() >= self._next:
            self.refresh()

    def after_batch(self, caught_up: bool) -> None:
        self()

    def refresh(self) -> None:
        self._next = time.monotonic() + self.every
        now = self.clock()
        month = last_month_due(now, self.grace)
        with self.uow_factory() as uow:
            last = uow.national.last_received()  # type: ignore[attr-defined]
            finality = uow.national.finality_for(MONTH, month)  # type: ignore[attr-defined]
        for hub_id, region in self.hubs.items():
            at = last.get(hub_id)
            # A registered hub that has never reported is as silent as can be.
            silent = max(0.0, (now - _aware(at)).total_seconds()) if at else float("inf")
            NATIONAL_HUB_SILENT.labels(hub_id, region).set(silent)
            late = seconds_late(now, month, self.grace, finality.get(hub_id), hub_id in finality)
            NATIONAL_REPORT_LATE.labels(hub_id, region).set(late)
