"""Storing and loading assessments."""

from __future__ import annotations

import uuid
from datetime import UTC

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hubs.assessment.adapters.orm import assessments
from hubs.assessment.domain.model import Assessment
from hubs.contracts import codes


class AssessmentRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, assessment: Assessment) -> None:
        self._session.execute(
            insert(assessments).values(
                assessment_id=assessment.assessment_id,
                case_id=assessment.case_id,
                urgency=assessment.urgency.value,
                referred_at=assessment.referred_at,
                status=assessment.status,
            )
        )

    def for_case(self, case_id: uuid.UUID) -> Assessment | None:
        row = self._session.execute(select(assessments).where(assessments.c.case_id == case_id)).first()
        return _to_assessment(row) if row else None

    def with_status(self, status: str) -> list[Assessment]:
        rows = self._session.execute(
            select(assessments).where(assessments.c.status == status).order_by(assessments.c.referred_at)
        ).all()
        return [_to_assessment(r) for r in rows]


def _to_assessment(row) -> Assessment:
    referred_at = row.referred_at if row.referred_at.tzinfo else row.referred_at.replace(tzinfo=UTC)
    return Assessment(row.assessment_id, row.case_id, codes.Urgency(row.urgency), referred_at, row.status)
