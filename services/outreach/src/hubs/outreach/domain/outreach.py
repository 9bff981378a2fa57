"""Outreach campaigns, outreach and inreach events and their feedback. Pure domain code:
no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.refusals import Refused

PLANNED, HELD = "planned", "held"


def _names(organisations: list[str]) -> list[str]:
    """Organisation names, trimmed and de-duplicated (case-insensitively), in a stable order."""
    seen: dict[str, str] = {}
    for name in organisations:
        cleaned = " ".join(name.split())
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return sorted(seen.values(), key=str.casefold)


@dataclass
class Campaign:
    """A planned push of outreach aimed at at-risk groups and employers of the ICS/STP."""

    campaign_id: uuid.UUID
    code: str
    name: str
    starts_on: date
    ends_on: date | None
    target_at_risk_groups: list[codes.AtRiskFactor]
    target_employers: list[str]

    @classmethod
    def launch(
        cls,
        *,
        code: str,
        name: str,
        starts_on: date,
        ends_on: date | None = None,
        target_at_risk_groups: list[codes.AtRiskFactor] | None = None,
        target_employers: list[str] | None = None,
    ) -> Campaign:
        """A new campaign with its public code."""
        if ends_on is not None and ends_on < starts_on:
            raise Refused("A campaign cannot end before it starts.", "ends_on")
        groups = sorted(set(target_at_risk_groups or []))
        employers = _names(target_employers or [])
        if not groups and not employers:
            raise Refused(
                "Name at least one at-risk group or employer the campaign is aimed at.", "target_at_risk_groups"
            )
        return cls(uuid.uuid4(), code, name.strip(), starts_on, ends_on, groups, employers)


@dataclass
class OutreachEventHeld:
    """Domain event: the hub held an outreach or inreach event."""

    outreach_event_id: uuid.UUID
    kind: codes.OutreachEventType
    held_on: date
    attendance: int
    staff_groups: list[codes.StaffGroup]
    at_risk_groups: list[codes.AtRiskFactor]
    campaign_id: uuid.UUID | None
    delivery_mode: codes.DeliveryMode | None

    event_type = "OutreachEventHeld"

    @property
    def aggregate_id(self) -> str:
        return str(self.outreach_event_id)

    def to_data(self) -> dict:
        return {
            "outreach_event_id": self.outreach_event_id,
            "event_type": self.kind,
            "held_on": self.held_on,
            "attendance": self.attendance,
            "staff_groups": self.staff_groups,
            "at_risk_groups": self.at_risk_groups,
            "campaign_id": self.campaign_id,
            "delivery_mode": self.delivery_mode,
        }


@dataclass
class OutreachEvent:
    """An event where the hub went out to staff (outreach) or brought them in (inreach).

    Planned first (optionally), then held once, with its attendance; only holding it is news
    for the data set. Organisation names stay in the hub: events carry codes only."""

    outreach_event_id: uuid.UUID
    code: str
    kind: codes.OutreachEventType
    held_on: date  # the day it was held, or for a planned event the day it is planned for
    status: str
    attendance: int
    staff_groups: list[codes.StaffGroup]
    at_risk_groups: list[codes.AtRiskFactor]
    organisations: list[str] = field(default_factory=list)
    campaign_id: uuid.UUID | None = None
    delivery_mode: codes.DeliveryMode | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def plan(
        cls,
        *,
        code: str,
        kind: codes.OutreachEventType,
        planned_on: date,
        staff_groups: list[codes.StaffGroup] | None = None,
        at_risk_groups: list[codes.AtRiskFactor] | None = None,
        organisations: list[str] | None = None,
        campaign_id: uuid.UUID | None = None,
        delivery_mode: codes.DeliveryMode | None = None,
    ) -> OutreachEvent:
        """An event the hub means to hold; nothing is announced until it is held."""
        return cls(
            uuid.uuid4(),
            code,
            kind,
            planned_on,
            PLANNED,
            0,
            sorted(set(staff_groups or [])),
            sorted(set(at_risk_groups or [])),
            _names(organisations or []),
            campaign_id,
            delivery_mode,
        )

    @classmethod
    def record_held(cls, *, held_on: date, attendance: int, **planned) -> OutreachEvent:
        """An event recorded after it was held, announced with OutreachEventHeld."""
        event = cls.plan(planned_on=held_on, **planned)
        event.hold(held_on, attendance)
        return event

    @property
    def held(self) -> bool:
        return self.status == HELD

    def hold(self, held_on: date, attendance: int) -> None:
        """The planned event took place, on `held_on`, with `attendance` people."""
        if self.held:
            raise Refused("This event has already been recorded as held.", "attendance", conflict=True)
        if attendance < 0:
            raise Refused("Attendance cannot be negative.", "attendance")
        self.status, self.held_on, self.attendance = HELD, held_on, attendance
        self.events.append(
            OutreachEventHeld(
                self.outreach_event_id,
                self.kind,
                held_on,
                attendance,
                self.staff_groups,
                self.at_risk_groups,
                self.campaign_id,
                self.delivery_mode,
            )
        )


@dataclass
class OutreachFeedbackGiven:
    """Domain event: an attendee rated an event (anonymous, scores only)."""

    feedback_id: uuid.UUID
    outreach_event_id: uuid.UUID
    given_on: date
    useful: int
    more_likely_to_seek_help: int | None

    event_type = "OutreachFeedbackGiven"

    @property
    def aggregate_id(self) -> str:
        return str(self.outreach_event_id)

    def to_data(self) -> dict:
        return {
            "feedback_id": self.feedback_id,
            "outreach_event_id": self.outreach_event_id,
            "given_on": self.given_on,
            "useful": self.useful,
            "more_likely_to_seek_help": self.more_likely_to_seek_help,
        }


@dataclass
class OutreachFeedback:
    """One attendee's anonymous answers about an event; the comment stays in the hub."""

    feedback_id: uuid.UUID
    outreach_event_id: uuid.UUID
    given_on: date
    useful: int
    more_likely_to_seek_help: int | None
    comment: str | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def give(
        cls,
        event: OutreachEvent,
        *,
        given_on: date,
        useful: int,
        more_likely_to_seek_help: int | None = None,
        comment: str | None = None,
    ) -> OutreachFeedback:
        """Feedback on an event that has been held, announced without the comment."""
        if not event.held:
            raise Refused(
                "Feedback can only be given on an event that has been held.", "outreach_event_id", conflict=True
            )
        if given_on < event.held_on:
            raise Refused("Feedback cannot be given before the event was held.", "given_on")
        feedback = cls(uuid.uuid4(), event.outreach_event_id, given_on, useful, more_likely_to_seek_help, comment)
        feedback.events.append(
            OutreachFeedbackGiven(
                feedback.feedback_id, event.outreach_event_id, given_on, useful, more_likely_to_seek_help
            )
        )
        return feedback
