"""Storing and loading training sessions, their feedback and stakeholder engagement."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.outreach.adapters.orm import stakeholder_engagements, training_feedback, training_sessions
from hubs.outreach.adapters.repository import plain
from hubs.outreach.domain.engagement import Pathway, StakeholderEngagement, StakeholderType
from hubs.outreach.domain.training import TrainingFeedback, TrainingSession


class TrainingRepository:
    """Training sessions and attendees' feedback on them."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, training: TrainingSession) -> None:
        values = {k: plain(v) for k, v in vars(training).items() if k != "events"}
        self._session.execute(insert(training_sessions).values(values))

    def get(self, training_session_id: uuid.UUID) -> TrainingSession | None:
        query = select(training_sessions).where(training_sessions.c.training_session_id == training_session_id)
        row = self._session.execute(query).first()
        return _session(row) if row else None

    def all(self) -> list[TrainingSession]:
        query = select(training_sessions).order_by(training_sessions.c.delivered_on)
        return [_session(r) for r in self._session.execute(query).all()]

    def add_feedback(self, feedback: TrainingFeedback) -> None:
        values = {k: plain(v) for k, v in vars(feedback).items() if k != "events"}
        self._session.execute(insert(training_feedback).values(values))

    def feedback(self, training_session_id: uuid.UUID | None = None) -> list[TrainingFeedback]:
        query = select(training_feedback)
        if training_session_id is not None:
            query = query.where(training_feedback.c.training_session_id == training_session_id)
        return [
            TrainingFeedback(
                r.feedback_id,
                r.training_session_id,
                r.given_on,
                r.useful,
                r.confidence_before,
                r.confidence_after,
                r.comment,
            )
            for r in self._session.execute(query).all()
        ]


def _session(row) -> TrainingSession:
    return TrainingSession(
        row.training_session_id,
        row.delivered_on,
        codes.TrainingAudience(row.audience),
        codes.TrainingTopic(row.topic),
        row.attendance,
        row.duration_minutes,
        codes.DeliveryMode(row.delivery_mode),
        [codes.StaffGroup(g) for g in row.staff_groups],
        list(row.organisations),
        row.campaign_id,
    )


class EngagementRepository:
    """Meetings with stakeholders that promoted referral pathways."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, engagement: StakeholderEngagement) -> None:
        values = {k: plain(v) for k, v in vars(engagement).items() if k != "events"}
        self._session.execute(insert(stakeholder_engagements).values(values))

    def all(self) -> list[StakeholderEngagement]:
        query = select(stakeholder_engagements).order_by(stakeholder_engagements.c.held_on)
        return [
            StakeholderEngagement(
                r.engagement_id,
                r.stakeholder,
                StakeholderType(r.stakeholder_type),
                r.held_on,
                [Pathway(p) for p in r.pathways],
                r.agreed,
                r.follow_up_on,
                r.campaign_id,
            )
            for r in self._session.execute(query).all()
        ]
