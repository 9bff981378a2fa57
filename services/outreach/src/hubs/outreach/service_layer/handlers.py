"""Handlers of the outreach service."""

from __future__ import annotations

from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.model import OutreachEvent


def record_outreach_event(
    kind: codes.OutreachEventType,
    held_on: date,
    attendance: int,
    staff_groups: list[codes.StaffGroup],
    at_risk_groups: list[codes.AtRiskFactor],
    uow,
) -> OutreachEvent:
    """Record an event the hub held and emit OutreachEventHeld."""
    held = OutreachEvent.record_held(kind, held_on, attendance, staff_groups, at_risk_groups)
    with uow:
        uow.outreach_events.add(held)
        for domain_event in held.events:
            uow.outbox.add(domain_event.event_type, domain_event.to_data(), aggregate_id=str(held.outreach_event_id))
        uow.commit()
    return held
