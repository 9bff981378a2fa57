"""Training that builds capacity in employers, managers and teams, and its feedback.
Pure domain code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.outreach import _names
from hubs.outreach.domain.refusals import Refused


@dataclass
class TrainingDelivered:
    """Domain event: a training session took place."""

    session: TrainingSession

    event_type = "TrainingDelivered"

    @property
    def aggregate_id(self) -> str:
        return str(self.session.training_session_id)

    def to_data(self) -> dict:
        s = self.session
        return {
            "training_session_id": s.training_session_id,
            "delivered_on": s.delivered_on,
            "audience": s.audience,
            "topic": s.topic,
            "attendance": s.attendance,
            "duration_minutes": s.duration_minutes,
            "delivery_mode": s.delivery_mode,
            "staff_groups": s.staff_groups,
        }


@dataclass
class TrainingSession:
    """A session delivered to line managers, teams, Occupational Health or others."""

    training_session_id: uuid.UUID
    delivered_on: date
    audience: codes.TrainingAudience
    topic: codes.TrainingTopic
    attendance: int
    duration_minutes: int
    delivery_mode: codes.DeliveryMode
    staff_groups: list[codes.StaffGroup]
    organisations: list[str] = field(default_factory=list)
    campaign_id: uuid.UUID | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def deliver(
        cls,
        *,
        delivered_on: date,
        audience: codes.TrainingAudience,
        topic: codes.TrainingTopic,
        attendance: int,
        duration_minutes: int,
        delivery_mode: codes.DeliveryMode,
        staff_groups: list[codes.StaffGroup] | None = None,
        organisations: list[str] | None = None,
        campaign_id: uuid.UUID | None = None,
    ) -> TrainingSession:
        """Record a session that took place, announced with TrainingDelivered."""
        if attendance < 0:
            raise Refused("Attendance cannot be negative.", "attendance")
        if duration_minutes < 1:
            raise Refused("A session lasts at least a minute.", "duration_minutes")
        session = cls(
            uuid.uuid4(),
            delivered_on,
            audience,
            topic,
            attendance,
            duration_minutes,
            delivery_mode,
            sorted(set(staff_groups or [])),
            _names(organisations or []),
            campaign_id,
        )
        session.events.append(TrainingDelivered(session))
        return session


@dataclass
class TrainingFeedbackGiven:
    """Domain event: an attendee rated a session (anonymous, scores only)."""

    feedback: TrainingFeedback

    event_type = "TrainingFeedbackGiven"

    @property
    def aggregate_id(self) -> str:
        return str(self.feedback.training_session_id)

    def to_data(self) -> dict:
        f = self.feedback
        return {
            "feedback_id": f.feedback_id,
            "training_session_id": f.training_session_id,
            "given_on": f.given_on,
            "useful": f.useful,
            "confidence_before": f.confidence_before,
            "confidence_after": f.confidence_after,
        }


@dataclass
class TrainingFeedback:
    """One attendee's anonymous answers, with how confident they felt to support staff before
    and after the session; the comment stays in the hub."""

    feedback_id: uuid.UUID
    training_session_id: uuid.UUID
    given_on: date
    useful: int
    confidence_before: int | None
    confidence_after: int | None
    comment: str | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def give(
        cls,
        session: TrainingSession,
        *,
        given_on: date,
        useful: int,
        confidence_before: int | None = None,
        confidence_after: int | None = None,
        comment: str | None = None,
    ) -> TrainingFeedback:
        """Feedback on a session, announced without the comment."""
        if given_on < session.delivered_on:
            raise Refused("Feedback cannot be given before the session was delivered.", "given_on")
        if (confidence_before is None) != (confidence_after is None):
            raise Refused("Give the confidence rating both before and after, or neither.", "confidence_after")
        feedback = cls(
            uuid.uuid4(), session.training_session_id, given_on, useful, confidence_before, confidence_after, comment
        )
        feedback.events.append(TrainingFeedbackGiven(feedback))
        return feedback

    @property
    def confidence_change(self) -> int | None:
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return self.confidence_after - self.confidence_before
