"""The assessment service's unit of work."""

from sqlalchemy.orm import Session

from hubs.assessment.adapters.clinical_notes import vault_from_settings
from hubs.assessment.adapters.repository import AssessmentRepository, FollowUpRepository, OutcomeReasonsRepository
from hubs.runtime.unit_of_work import UnitOfWork


class AssessmentUnitOfWork(UnitOfWork):
    assessments: AssessmentRepository
    follow_ups: FollowUpRepository
    reasons: OutcomeReasonsRepository

    def _open(self, session: Session) -> None:
        self.assessments = self.track(AssessmentRepository(session))
        self.follow_ups = FollowUpRepository(session)
        self.reasons = OutcomeReasonsRepository(session, lambda: vault_from_settings(self.settings))
