"""Handlers of the reporting service.

Event handlers run inside the consumer's unit of work (which records the event id and
commits): they fold the event into the hub's facts and mark the periods it can change as
stale. After each batch, and when idle, the stale periods' figures are computed again from
the facts; a period whose figures changed gets a new report version, suppressed, in the
outbox to the national topic. A throttled check closes periods that have ended: their
final version is sent even if nothing changed, and again whenever a late event corrects it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from hubs.reporting.adapters.metrics import PERIODS_COMPUTED, REPORTS_QUEUED, STALE_PERIODS
from hubs.reporting.domain.activities import ACTIVITY_EVENTS, SICKNESS_ABSENCE, activity_of, newer
from hubs.reporting.domain.case_facts import CASE_EVENTS, LOCAL_TIME, apply_case_event, case_days, has_open_state
from hubs.reporting.domain.dataset import DatasetRules, period_figures
from hubs.reporting.domain.periods import (
    has_ended,
    is_period,
    period_bounds,
    periods_of,
    periods_overlapping,
)
from hubs.reporting.domain.suppression import suppress_all
from hubs.runtime.consumer import PoisonMessage

Clock = Callable[[], datetime]


def record_case_event(event: Mapping[str, Any], uow, today: date) -> None:
    """Fold an event about a case into the case's facts; its periods become stale."""
    case_id = str(event["case_id"])
    before = uow.cases.get(case_id) or {}
    after = apply_case_event(before, event)
    days_after = case_days(after)
    days = days_after + case_days(before)
    if not days:
        return
    first, last = min(days), max(days)
    open_state = has_open_state(after)
    uow.cases.put(case_id, after, min(days_after), max(days_after), open_state)
    if open_state:
        # A wait, a treatment or monitoring may last past the case's last event, and later
        # periods count it (with the case's demographics): every period up to today may change.
        last = max(last, today)
    uow.figures.mark_stale(periods_overlapping(first, last))


def record_activity(event: Mapping[str, Any], uow) -> None:
    """Keep an activity or an import; the periods containing it become stale."""
    activity = activity_of(event)
    if activity is None or not newer(activity, uow.activities.get(activity.key)):
        return
    uow.activities.put(activity)
    if activity.kind == SICKNESS_ABSENCE:
        first, last = period_bounds(activity.record["period_type"], activity.record["period"])
        # Returns are monthly: they count in months, quarters and years, never in weeks.
        uow.figures.mark_stale(periods_overlapping(first, last, ("month", "quarter", "financial-year")))
    else:
        uow.figures.mark_stale(periods_of(activity.day).items())


def hub_event_handlers(clock: Clock) -> dict[str, Callable[[Mapping[str, Any], Any], None]]:
    """Every hub event the data set is built from, with its handler."""

    def case_event(event: Mapping[str, Any], uow) -> None:
        record_case_event(event, uow, clock().astimezone(LOCAL_TIME).date())

    handlers: dict[str, Callable[[Mapping[str, Any], Any], None]] = dict.fromkeys(CASE_EVENTS, case_event)
    handlers.update(dict.fromkeys([*ACTIVITY_EVENTS, "SicknessAbsenceImported"], record_activity))
    return handlers


def refresh_figures(uow_factory: Callable[[], Any], rules: DatasetRules, limit: int = 200) -> int:
    """Compute the stale periods' figures again from the facts; returns how many were computed."""
    with uow_factory() as uow:
        stale = uow.figures.stale(limit)
        STALE_PERIODS.set(len(stale))
        if not stale:
            return 0
        bounds = {(s.period_type, s.period): period_bounds(s.period_type, s.period) for s in stale}
        cases = uow.cases.overlapping(min(f for f, _ in bounds.values()), max(last for _, last in bounds.values()))
        activities = uow.activities.all()
        for period_type, period, _ in stale:
            first, last = bounds[(period_type, period)]
            relevant = [c.facts for c in cases if c.first_day <= last and (c.last_day >= first or c.open_wait)]
            uow.figures.replace(period_type, period, period_figures(period_type, period, relevant, activities, rules))
            PERIODS_COMPUTED.labels(period_type).inc()
        uow.figures.fresh(stale)
        uow.commit()
    return len(stale)


def close_ended_periods(uow_factory: Callable[[], Any], today: date) -> int:
    """Make the final version of every ended period due, and today's periods fresh."""
    with uow_factory() as uow:
        starts = [d for d in (uow.cases.earliest_day(), uow.activities.earliest_day()) if d is not None]
        if not starts:
            return 0
        ended = {(pt, p) for pt, p in periods_overlapping(min(starts), today) if has_ended(pt, p, today)}
        closing = ended - uow.figures.final_periods()
        uow.figures.mark_stale(closing | set(periods_of(today).items()))
        uow.figures.mark_pending(closing)
        uow.commit()
    return len(closing)


def publish_due_reports(uow_factory: Callable[[], Any], today: date, version_floor: int = 1) -> int:
    """Send a new version of every report that is due: counts only, suppressed.

    `version_floor` lets a rebuilt instance start above the versions its predecessor sent."""
    with uow_factory() as uow:
        s = uow.settings
        due = uow.figures.pending_reports()
        for period_type, period, last_version in due:
            version = max(last_version + 1, version_floor)
            final = has_ended(period_type, period, today)
            report = {
                "hub_id": s.hub_id,
                "region": s.region,
                "period_type": period_type,
                "period": period,
                "report_version": version,
                "figures": suppress_all(uow.figures.figures(period_type, period)),
                "final": final,
            }
            uow.outbox.add("HubPeriodReport", report, national=True, aggregate_id=f"{s.hub_id}:{period_type}:{period}")
            uow.figures.report_sent(period_type, period, version, final)
            REPORTS_QUEUED.labels(period_type, str(final).lower()).inc()
        uow.commit()
    return len(due)


class ReportCycle:
    """What the hub's consumer does after each batch and when idle: compute the stale
    periods, close ended periods (at most every `close_every` seconds), send due reports.

    Once the consumer has caught up with its partitions, and when it is idle, the cycle runs
    after every batch: figures follow events as soon as they can. While a backlog is worked
    off (a rebuild, or a burst) it waits twice as long as the last cycle took, so computing
    figures takes at most about a third of the worker's time and events are folded in at
    nearly full speed."""

    def __init__(
        self,
        uow_factory: Callable[[], Any],
        rules: DatasetRules,
        clock: Clock,
        close_every: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        version_floor: int = 1,
        pause_ratio: float = 2.0,
        before_first: Callable[[], None] | None = None,
    ):
        self._uow_factory = uow_factory
        self._rules = rules
        self._clock = clock
        self._close_every = close_every
        self._monotonic = monotonic
        self._closed_at: float | None = None
        self._version_floor = version_floor
        self._pause_ratio = pause_ratio
        self._due_at = 0.0
        # Done once before anything is computed or sent (until it succeeds): a rebuilt instance
        # learns the report versions already published.
        self._before_first = before_first

    def after_batch(self, caught_up: bool = True) -> None:
        """Run the cycle, unless events are waiting and the last cycle ended too recently for its cost."""
        if caught_up or self._monotonic() >= self._due_at:
            self()

    def __call__(self) -> None:
        if self._before_first is not None:
            self._before_first()
            self._before_first = None
        started = self._monotonic()
        today = self._clock().astimezone(LOCAL_TIME).date()
        if self._closed_at is None or started - self._closed_at >= self._close_every:
            close_ended_periods(self._uow_factory, today)
            self._closed_at = started
        while refresh_figures(self._uow_factory, self._rules):
            pass
        publish_due_reports(self._uow_factory, today, self._version_floor)
        ended = self._monotonic()
        self._due_at = ended + self._pause_ratio * (ended - started)


def carry_on_versions(uow_factory: Callable[[], Any], published: Callable[[], dict]) -> None:
    """A rebuilt instance (fresh schema) continues every period's report versions above those
    already published, so that the national service takes its reports as the newest."""
    with uow_factory() as uow:
        if uow.figures.any_report_sent():
            return  # not a fresh start: the versions are known
        uow.figures.carry_on_from(published())
        uow.commit()


def load_cases_of(envelopes: list[Mapping[str, Any]], uow) -> None:
    """Before a batch: read the facts of every case it tells about, in one query."""
    uow.cases.load({str(e["case_id"]) for e in envelopes if e.get("case_id") is not None})


def keep_hub_report(event: Mapping[str, Any], uow) -> None:
    """National mode: keep a hub's report unless a newer version is already kept."""
    data = dict(event["data"])
    if data["hub_id"] != event["hub_id"]:
        raise PoisonMessage("a hub may only report for itself")
    if not is_period(data["period_type"], data["period"]):
        raise PoisonMessage("the period is not a period of its type")
    data["region"] = data["region"].value
    uow.national.keep_if_newer(data)


NATIONAL_EVENT_HANDLERS = {"HubPeriodReport": keep_hub_report}
