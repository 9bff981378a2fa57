"""Handlers of the reporting service.

Event handlers run inside the consumer's unit of work (which records the event id and
commits): they fold the event into the hub's facts and mark the periods it can change as
stale. After each batch, and when idle, the stale periods' figures are computed again from
the facts; a period whose figures changed gets a new report version, exact counts, in the
outbox to the national topic. A throttled check closes periods that have ended: their
final version is sent even if nothing changed, and again whenever a late event corrects it.

One bad date must never stop a hub's reporting: an event whose dates cannot be placed in the
hub's periods, and a period whose figures cannot be computed, are quarantined with their
reason (hub leads see them, an alert fires) and everything else goes on.

A period's report is final once every month of it is: signed off by the hub lead, or left
unsigned for the hub's days to sign off after it ended (`domain/sign_off.py`). Until then an
ended period is sent as not final, as an open one is."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from hubs.reporting.adapters.metrics import (
    EVENTS_QUARANTINED,
    PERIODS_COMPUTED,
    PERIODS_QUARANTINED,
    QUARANTINED,
    REPORTS_QUEUED,
    STALE_PERIODS,
)
from hubs.reporting.domain.activities import ACTIVITY_EVENTS, SICKNESS_ABSENCE, activity_of, newer
from hubs.reporting.domain.case_facts import CASE_EVENTS, LOCAL_TIME, apply_case_event, case_days, has_open_state
from hubs.reporting.domain.contributions import CaseSpan, change_of_facts, figures_from_totals, period_totals
from hubs.reporting.domain.dataset import DatasetRules
from hubs.reporting.domain.periods import (
    PERIOD_TYPES,
    Period,
    is_period,
    is_reportable,
    period_bounds,
    periods_of,
    periods_overlapping,
)
from hubs.reporting.domain.provenance import DEFAULT_VERSION_STEP, MALFORMED, RejectedReport, check_version
from hubs.reporting.domain.quarantine import (
    DATE_UNPLACEABLE,
    FIGURES_FAILED,
    PERIOD_UNPLACEABLE,
    SetAside,
    misplaced_date,
)
from hubs.reporting.domain.sign_off import DEFAULT_SIGN_OFF_DAYS, finality
from hubs.runtime.schema_fields import DATE_SKEW, PLANNING_HORIZON
from hubs.runtime.settings import DEFAULT_RECORDS_START

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def quarantine_event(event: Mapping[str, Any], uow, why: SetAside, now: datetime) -> None:
    """Set an event aside: nothing of it is folded in, and the rest of its batch applies."""
    uow.quarantine.event(str(event["event_id"]), event["event_type"], why, now)
    EVENTS_QUARANTINED.labels(why.reason).inc()
    log.warning(
        "event quarantined",
        extra={"event_type": event["event_type"], "event_id": str(event["event_id"]), "reason": why.reason},
    )


def quarantine_period(period_type: str, period: str, uow, why: SetAside, now: datetime) -> None:
    """Set a period aside: its figures and report stay as they were; the other periods go on."""
    uow.quarantine.period(period_type, period, why, now)
    PERIODS_QUARANTINED.labels(period_type if period_type in PERIOD_TYPES else "unknown", why.reason).inc()
    log.warning("period quarantined", extra={"period_type": period_type, "period": period, "reason": why.reason})


def record_case_event(event: Mapping[str, Any], uow, today: date) -> None:
    """Fold an event about a case into the case's facts; its periods become stale."""
    case_id = str(event["case_id"])
    before = uow.cases.get(case_id) or {}
    after = apply_case_event(before, event)
    days_after = case_days(after)
    # The days before: the span stored with the facts holds their first and last (walking the
    # facts again was a tenth of a rebuild), unless it reaches past the days periods can hold.
    span = uow.cases.span(case_id)
    days_before = list(span) if span is not None and all(map(is_reportable, span)) else case_days(before)
    # Days folded in before periods had four-digit years cannot be placed: they mark nothing.
    days = [d for d in days_after + days_before if is_reportable(d)]
    if not days:
        return
    first, last = min(days), max(days)
    open_state = has_open_state(after)
    if open_state:
        # A wait, a treatment or monitoring may last past the case's last event, and later
        # periods count it (with the case's demographics): every period up to today may change.
        last = max(last, today)
    stale = periods_overlapping(first, last)
    uow.cases.put(case_id, after, min(days_after), max(days_after), open_state)
    uow.figures.mark_stale(stale)


def record_activity(event: Mapping[str, Any], uow) -> None:
    """Keep an activity or an import; the periods containing it become stale."""
    activity = activity_of(event)
    if activity is None or not newer(activity, uow.activities.get(activity.key)):
        return
    if activity.kind == SICKNESS_ABSENCE:
        first, last = period_bounds(activity.record["period_type"], activity.record["period"])
        # Returns are monthly: they count in months, quarters and years, never in weeks.
        stale = periods_overlapping(first, last, ("month", "quarter", "financial-year"))
    else:
        stale = set(periods_of(activity.day).items())
    uow.activities.put(activity)
    uow.figures.mark_stale(stale)


def hub_event_handlers(
    clock: Clock, records_start: date = DEFAULT_RECORDS_START
) -> dict[str, Callable[[Mapping[str, Any], Any], None]]:
    """Every hub event the data set is built from, with its handler.

    An event with a date before the hub's records start, further ahead than a plan can be,
    or outside the years periods hold, is quarantined instead of folded in: it would stop
    the periods it touches (or, by hundreds of years, fill the national topic with them)."""

    def placed(fold: Callable[[Mapping[str, Any], Any, date], None]):
        def handler(event: Mapping[str, Any], uow) -> None:
            now = clock()
            today = now.astimezone(LOCAL_TIME).date()
            why = misplaced_date(event["data"], records_start, today + PLANNING_HORIZON + DATE_SKEW)
            if why is None and event["event_type"] == "SicknessAbsenceImported":
                why = _misplaced_period(event["data"], records_start, today)
            if why is not None:
                quarantine_event(event, uow, why, now)
                return
            try:
                fold(event, uow, today)
            except (ValueError, OverflowError) as exc:
                # Checked above; this is the last line, before anything of the event is stored.
                quarantine_event(event, uow, SetAside(DATE_UNPLACEABLE, f"{type(exc).__name__}: {exc}"), now)

        return handler

    case_event = placed(record_case_event)
    activity = placed(lambda event, uow, today: record_activity(event, uow))
    handlers: dict[str, Callable[[Mapping[str, Any], Any], None]] = dict.fromkeys(CASE_EVENTS, case_event)
    handlers.update(dict.fromkeys([*ACTIVITY_EVENTS, "SicknessAbsenceImported"], activity))
    return handlers


def _misplaced_period(data: Mapping[str, Any], records_start: date, today: date) -> SetAside | None:
    """A sickness absence import's period: a real period, within the hub's records, not ahead."""
    period_type = getattr(data["period_type"], "value", data["period_type"])
    period = data["period"]
    if not is_period(period_type, period):
        return SetAside(PERIOD_UNPLACEABLE, f"period: {period!r} is not a {period_type} period", "period")
    first, last = period_bounds(period_type, period)
    if last < records_start or first > today + DATE_SKEW:
        return SetAside(PERIOD_UNPLACEABLE, f"period: {period} is outside the hub's records", "period")
    return None


def refresh_figures(uow_factory: Callable[[], Any], rules: DatasetRules, limit: int = 200, clock: Clock = _now) -> int:
    """Compute the stale periods' figures again; returns how many were taken.

    Kept periods' totals first change by every case's change of facts since they were counted;
    a stale period not kept yet is computed from every case it counts, and kept from then on.
    Its figures are made from its totals and activities. A period that cannot be computed is
    quarantined and no longer stale; the others are computed."""
    with uow_factory() as uow:
        stale = uow.figures.stale(limit)
        STALE_PERIODS.set(len(stale))
        if not stale:
            return 0
        bounds: dict[tuple[str, str], tuple[date, date]] = {}
        for s in stale:
            try:
                bounds[(s.period_type, s.period)] = period_bounds(s.period_type, s.period)
            except ValueError as exc:
                quarantine_period(s.period_type, s.period, uow, SetAside(PERIOD_UNPLACEABLE, str(exc)), clock())
        if bounds and not uow.totals.lock():
            return 0  # another replica is computing: it takes these periods too, and this one folds events
        computed = []
        if bounds:
            uow.figures.load(bounds)
            kept = count_changes_of_facts(uow, rules, clock)
            totals = uow.totals.totals_of(p for p in bounds if p in kept)
            totals.update(keep_new_periods(uow, {p: b for p, b in bounds.items() if p not in kept}, rules, clock))
            activities = uow.activities.all()
            for (period_type, period), period_totals in totals.items():
                try:
                    figures = figures_from_totals(period_type, period, period_totals, activities)
                except Exception as exc:  # a pure computation: one period's failure is its own
                    why = SetAside(FIGURES_FAILED, f"{type(exc).__name__}: {exc}")
                    quarantine_period(period_type, period, uow, why, clock())
                    continue
                uow.figures.replace(period_type, period, figures)
                computed.append((period_type, period))
                PERIODS_COMPUTED.labels(period_type).inc()
        uow.quarantine.release_periods(computed)
        uow.figures.fresh(stale)
        uow.commit()
    return len(stale)


def count_changes_of_facts(uow, rules: DatasetRules, clock: Clock) -> dict[Period, tuple[date, date]]:
    """Change every kept period's totals by each case's change of facts since they were counted
    (the new contribution less the old); returns the periods kept now.

    A period a case's facts cannot be counted in is no longer kept, and stale: computed from
    every case next, it is quarantined if it fails again."""
    kept = uow.totals.kept_periods()
    changed = uow.cases.changed_since_counted()
    if not changed:
        return kept
    changes: dict[Period, Counter] = {}
    for _, counted, facts in changed:
        try:
            found = change_of_facts(counted, facts, kept, rules)
        except Exception:
            found = {}
            for period, period_bounds_ in list(kept.items()):
                try:
                    found.update(change_of_facts(counted, facts, {period: period_bounds_}, rules))
                except Exception as exc:
                    log.warning("period no longer kept", extra={"period": period, "error": type(exc).__name__})
                    del kept[period]
                    changes.pop(period, None)
                    uow.totals.forget([period])
                    uow.figures.mark_stale([period])
        for period, change in found.items():
            if period in kept:
                changes.setdefault(period, Counter()).update(change)
    uow.totals.add(changes)
    uow.cases.counted((case_id, facts) for case_id, _, facts in changed)
    return kept


def keep_new_periods(
    uow, new: dict[Period, tuple[date, date]], rules: DatasetRules, clock: Clock
) -> dict[Period, Counter]:
    """Periods not kept yet: their totals from every case they count (the facts as counted), kept."""
    if not new:
        return {}
    cases = uow.cases.as_counted(min(f for f, _ in new.values()), max(last for _, last in new.values()))
    spans = [CaseSpan(c.facts, c.first_day, c.last_day) for c in cases]
    found: dict[Period, Counter] = {}
    for (period_type, period), (first, last) in new.items():
        counted = [s.facts for s in spans if s.counts_in(first, last)]
        try:
            totals = period_totals(period_type, period, counted, rules)
        except Exception as exc:  # a pure computation: one period's failure is its own
            why = SetAside(FIGURES_FAILED, f"{type(exc).__name__}: {exc}")
            quarantine_period(period_type, period, uow, why, clock())
            continue
        uow.totals.keep(period_type, period, first, last, totals)
        found[(period_type, period)] = totals
    return found


def close_ended_periods(
    uow_factory: Callable[[], Any],
    today: date,
    records_start: date = DEFAULT_RECORDS_START,
    sign_off_days: int = DEFAULT_SIGN_OFF_DAYS,
) -> int:
    """Make the final version of every period that is final now due, and today's periods fresh."""
    with uow_factory() as uow:
        starts = [d for d in (uow.cases.earliest_day(), uow.activities.earliest_day()) if d is not None]
        if not starts:
            return 0
        # Facts dated before the hub's records (folded in before events were checked) close nothing.
        first = max(min(starts), records_start)
        signed_off = uow.sign_offs.months()
        final_now = {
            (pt, p)
            for pt, p in periods_overlapping(first, max(first, today))
            if finality(pt, p, today, signed_off, sign_off_days).final
        }
        closing = final_now - uow.figures.final_periods()
        uow.figures.mark_stale(closing | set(periods_of(today).items()))
        uow.figures.mark_pending(closing)
        uow.commit()
    return len(closing)


def publish_due_reports(
    uow_factory: Callable[[], Any],
    today: date,
    version_floor: int = 1,
    clock: Clock = _now,
    sign_off_days: int = DEFAULT_SIGN_OFF_DAYS,
) -> int:
    """Send a new version of every report that is due: the hub's exact aggregate counts, only
    to the national service (which suppresses small numbers where it publishes), saying whether
    it is final and whether the hub lead signed it off (never who, nor when).

    `version_floor` lets a rebuilt instance start above the versions its predecessor sent."""
    with uow_factory() as uow:
        s = uow.settings
        due = uow.figures.pending_reports()
        signed_off = uow.sign_offs.months() if due else set()
        uow.figures.load((period_type, period) for period_type, period, _ in due)
        reports = []
        for period_type, period, last_version in due:
            version = max(last_version + 1, version_floor)
            try:
                state = finality(period_type, period, today, signed_off, sign_off_days)
            except ValueError as exc:
                # Not a period the national team could read: set aside, and no longer due.
                quarantine_period(period_type, period, uow, SetAside(PERIOD_UNPLACEABLE, str(exc)), clock())
                uow.figures.report_sent(period_type, period, last_version, False)
                continue
            report = {
                "hub_id": s.hub_id,
                "region": s.region,
                "period_type": period_type,
                "period": period,
                "report_version": version,
                "figures": uow.figures.figures(period_type, period),
                "figures_exact": True,
                "final": state.final,
                "signed_off": state.signed_off,
            }
            key = f"{s.hub_id}:{period_type}:{period}"
            reports.append(uow.outbox.row("HubPeriodReport", report, national=True, aggregate_id=key))
            uow.figures.report_sent(period_type, period, version, state.final)
            REPORTS_QUEUED.labels(period_type, str(state.final).lower()).inc()
        uow.outbox.add_all(reports)
        uow.commit()
    return len(due)


class ReportCycle:
    """What the hub's consumer does after each batch and when idle: compute the stale
    periods, close ended periods (at most every `close_every` seconds), send due reports.

    Once the consumer has caught up with its partitions, and when it is idle, the cycle runs
    after every batch: figures follow events as soon as they can. While a backlog is worked
    off (a rebuild, or a burst) it runs at most every `backlog_every` seconds, or six times as
    long as the last cycle took if that is longer. A cycle counts each case changed since the
    last one, at about the cost of folding its events in again (a year's rebuild measured 2.9 s
    of cycle for 3.4 s of folding), so however they are paced, cycles during a backlog take about
    as long as the folding they follow: the fewer of them, the fewer times a case is counted, and
    a backlog shorter than `backlog_every` is counted once, when it is done.

    The hub's own figures follow every batch; its reports to the national service, a new version
    of each changed period, go at most every `send_every` seconds while events keep coming (each
    batch would otherwise send a version that the next one replaces) and at once when idle: a
    due report stays due until it is sent, so the newest figures always go."""

    def __init__(
        self,
        uow_factory: Callable[[], Any],
        rules: DatasetRules,
        clock: Clock,
        close_every: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        version_floor: int = 1,
        pause_ratio: float = 6.0,
        backlog_every: float = 30.0,
        before_first: Callable[[], None] | None = None,
        records_start: date = DEFAULT_RECORDS_START,
        sign_off_days: int = DEFAULT_SIGN_OFF_DAYS,
        send_every: float = 0.0,
    ):
        self._uow_factory = uow_factory
        self._send_every = send_every
        self._sent_at: float | None = None
        self._records_start = records_start
        self._sign_off_days = sign_off_days
        self._rules = rules
        self._clock = clock
        self._close_every = close_every
        self._monotonic = monotonic
        self._closed_at: float | None = None
        self._version_floor = version_floor
        self._pause_ratio = pause_ratio
        self._backlog_every = backlog_every
        # A worker starting behind (a rebuild, a restart after an outage) folds before it computes.
        self._due_at = monotonic() + backlog_every
        # Done once before anything is computed or sent (until it succeeds): a rebuilt instance
        # learns the report versions already published.
        self._before_first = before_first

    def after_batch(self, caught_up: bool = True) -> None:
        """Run the cycle, unless events are waiting and the last cycle ended too recently for its cost."""
        if caught_up or self._monotonic() >= self._due_at:
            self(send=self._sent_at is None or self._monotonic() - self._sent_at >= self._send_every)

    def __call__(self, send: bool = True) -> None:
        """One cycle; `send`: the due reports too (always when idle)."""
        if self._before_first is not None:
            self._before_first()
            self._before_first = None
        started = self._monotonic()
        today = self._clock().astimezone(LOCAL_TIME).date()
        if self._closed_at is None or started - self._closed_at >= self._close_every:
            close_ended_periods(self._uow_factory, today, self._records_start, self._sign_off_days)
            self._closed_at = started
            count_quarantined(self._uow_factory)
        while refresh_figures(self._uow_factory, self._rules, clock=self._clock):
            pass
        if send:
            publish_due_reports(
                self._uow_factory, today, self._version_floor, clock=self._clock, sign_off_days=self._sign_off_days
            )
            self._sent_at = self._monotonic()
        ended = self._monotonic()
        self._due_at = ended + max(self._pause_ratio * (ended - started), self._backlog_every)


def count_quarantined(uow_factory: Callable[[], Any]) -> dict[str, int]:
    """Show how many periods and events are set aside now (the alert fires while any are)."""
    with uow_factory() as uow:
        counts = uow.quarantine.counts()
    for kind, count in counts.items():
        QUARANTINED.labels(kind).set(count)
    return counts


def carry_on_versions(uow_factory: Callable[[], Any], published: Callable[[], Any]) -> None:
    """A rebuilt instance (fresh schema) continues every period's report versions above those
    already published, so that the national service takes its reports as the newest; months
    published as signed off stay signed off (a sign-off is no event: only the reports tell it)."""
    with uow_factory() as uow:
        if uow.figures.any_report_sent():
            return  # not a fresh start: the versions are known
        found = published()
        uow.figures.carry_on_from(found.versions)
        for month in sorted(found.signed_off_months):
            uow.sign_offs.sign_off("month", month, None, None)  # who and when were never published
        uow.commit()


def load_cases_of(envelopes: list[Mapping[str, Any]], uow) -> None:
    """Before a batch: read the facts of every case it tells about, and the records of every
    activity, in one query each."""
    uow.cases.load({str(e["case_id"]) for e in envelopes if e.get("case_id") is not None})
    keys = set()
    for e in envelopes:
        if e["event_type"] in ACTIVITY_EVENTS or e["event_type"] == "SicknessAbsenceImported":
            try:
                activity = activity_of(e)
            except (ValueError, OverflowError, KeyError, TypeError):
                continue  # its handler sets it aside
            if activity is not None:
                keys.add(activity.key)
    uow.activities.load(keys)


def load_reports_of(envelopes: list[Mapping[str, Any]], uow) -> None:
    """Before a batch (national mode): read the versions kept of every hub's period it reports, in one query."""
    uow.national.load(
        (e["hub_id"], e["data"]["period_type"], e["data"]["period"])
        for e in envelopes
        if e["event_type"] == "HubPeriodReport"
    )


def keep_hub_report(event: Mapping[str, Any], uow, version_step: int = DEFAULT_VERSION_STEP) -> None:
    """National mode: keep a hub's report if it is newer than the one kept, by a sane step.

    Its signature was checked before (`adapters/signing.py`); an older or equal version is
    ignored, a version too far ahead is refused (it would hide every later real report)."""
    data = dict(event["data"])
    if data["hub_id"] != event["hub_id"]:
        raise RejectedReport(MALFORMED, "a hub may only report for itself")
    if not is_period(data["period_type"], data["period"]):
        raise RejectedReport(MALFORMED, "the period is not a period of its type")
    data["region"] = data["region"].value
    last = uow.national.version_of(data["hub_id"], data["period_type"], data["period"])
    if not check_version(data["report_version"], last, version_step):
        log.info("older or repeated report version ignored", extra={"hub_id": data["hub_id"]})
        return
    uow.national.keep_if_newer(data)


def national_event_handlers(
    version_step: int = DEFAULT_VERSION_STEP,
) -> dict[str, Callable[[Mapping[str, Any], Any], None]]:
    """What the national service takes from the national topic: hubs' reports."""
    return {"HubPeriodReport": partial(keep_hub_report, version_step=version_step)}


NATIONAL_EVENT_HANDLERS = national_event_handlers()
