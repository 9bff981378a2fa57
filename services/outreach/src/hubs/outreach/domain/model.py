"""Outreach and inreach events. Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes


@dataclass
class OutreachEventHeld:
    """Domain event: the hub held an outreach or inreach event."""

    outreach_event_id: uuid.UUID
    kind: codes.OutreachEventType
    held_on: date
    attendance: int
    staff_groups: list[codes.StaffGroup]
    at_risk_groups: list[codes.AtRiskFactor]

    event_type = "OutreachEventHeld"

    def to_data(self) -> dict:
        return {
            "outreach_event_id": self.outreach_event_id,
            "event_type": self.kind,
            "held_on": self.held_on,
            "attendance": self.attendance,
            "staff_groups": self.staff_groups,
            "at_risk_groups": self.at_risk_groups,
        }


@dataclass
class OutreachEvent:
    """An event where the hub went out to staff (outreach) or brought them in (inreach)."""

    outreach_event_id: uuid.UUID
    kind: codes.OutreachEventType
    held_on: date
    attendance: int
    staff_groups: list[codes.StaffGroup]
    at_risk_groups: list[codes.AtRiskFactor]
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def record_held(
        cls,
        kind: codes.OutreachEventType,
        held_on: date,
        attendance: int,
        staff_groups: list[codes.StaffGroup],
        at_risk_groups: list[codes.AtRiskFactor],
    ) -> OutreachEvent:
        if attendance < 0:
            raise ValueError("attendance cannot be negative")
        held = cls(uuid.uuid4(), kind, held_on, attendance, sorted(set(staff_groups)), sorted(set(at_risk_groups)))
        held.events.append(
            OutreachEventHeld(held.outreach_event_id, kind, held_on, attendance, held.staff_groups, held.at_risk_groups)
        )
        return held
