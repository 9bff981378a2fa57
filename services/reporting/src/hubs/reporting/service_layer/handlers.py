"""Handlers of the reporting service. Event handlers run inside the consumer's unit of
work, which records the event id so that a redelivered event is never counted twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hubs.reporting.domain.figures import contributions
from hubs.reporting.domain.periods import periods_of
from hubs.reporting.domain.suppression import suppress_all


def count_event(event: Mapping[str, Any], uow) -> None:
    """Add an event's contributions to the figures of every period containing it."""
    moved = contributions(event)
    if moved is None:
        return
    day, increments = moved
    for period_type, period in periods_of(day).items():
        for figure, delta in increments.items():
            uow.figures.add(period_type, period, figure, delta)


def publish_due_reports(uow_factory: Callable[[], Any]) -> int:
    """Send a new version of every report whose figures changed: counts only, suppressed."""
    with uow_factory() as uow:
        s = uow.settings
        due = uow.figures.pending_reports()
        for period_type, period, last_version in due:
            figures = uow.figures.figures(period_type, period)
            report = {
                "hub_id": s.hub_id,
                "region": s.region,
                "period_type": period_type,
                "period": period,
                "report_version": last_version + 1,
                "figures": suppress_all(figures),
            }
            uow.outbox.add("HubPeriodReport", report, national=True, aggregate_id=f"{s.hub_id}:{period_type}:{period}")
            uow.figures.report_sent(period_type, period, last_version + 1)
        uow.commit()
    return len(due)


def keep_hub_report(event: Mapping[str, Any], uow) -> None:
    """National mode: keep a hub's report unless a newer version is already kept."""
    data = dict(event["data"])
    data["region"] = data["region"].value
    uow.national.keep_if_newer(data)


HUB_EVENT_HANDLERS = dict.fromkeys(("ReferralReceived", "OnwardReferralMade", "OutreachEventHeld"), count_event)
NATIONAL_EVENT_HANDLERS = {"HubPeriodReport": keep_hub_report}
