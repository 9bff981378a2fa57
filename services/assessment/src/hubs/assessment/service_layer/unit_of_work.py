"""The assessment service's unit of work, and what its handlers may ask of one (`AssessmentUow`:
the database's, or the in-memory one of the unit tests)."""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

from sqlalchemy.orm import Session

from hubs.assessment.adapters.clinical_notes import vault_from_settings
from hubs.assessment.adapters.repository import (
    AssessmentRepository,
    CaseNotesRepository,
    FollowUpRepository,
    OutcomeReasonsRepository,
    RiskEscalationsRepository,
)
from hubs.runtime.unit_of_work import Outbox, UnitOfWork


@runtime_checkable
class AssessmentUow(Protocol):
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept.
    The one list of what an assessment unit of work holds: the database's one takes it from here."""

    assessments: AssessmentRepository
    follow_ups: FollowUpRepository
    reasons: OutcomeReasonsRepository
    notes: CaseNotesRepository
    risk_escalations: RiskEscalationsRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class AssessmentUnitOfWork(UnitOfWork, AssessmentUow):
    def _open(self, session: Session) -> None:
        self.assessments = self.track(AssessmentRepository(session))
        self.follow_ups = FollowUpRepository(session)
        self.reasons = OutcomeReasonsRepository(session, lambda: vault_from_settings(self.settings))
        self.notes = CaseNotesRepository(session, lambda: vault_from_settings(self.settings))
        self.risk_escalations = RiskEscalationsRepository(session)
