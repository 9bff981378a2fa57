"""Assessments. Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hubs.contracts import codes


@dataclass
class Assessment:
    """A rapid assessment of one case; it starts as 'to-do' when a referral arrives."""

    assessment_id: uuid.UUID
    case_id: uuid.UUID
    urgency: codes.Urgency
    referred_at: datetime
    status: str = "to-do"

    @classmethod
    def to_do(cls, case_id: uuid.UUID, urgency: codes.Urgency, referred_at: datetime) -> Assessment:
        """An assessment the hub has yet to carry out for a newly referred case."""
        return cls(assessment_id=uuid.uuid4(), case_id=case_id, urgency=urgency, referred_at=referred_at)
