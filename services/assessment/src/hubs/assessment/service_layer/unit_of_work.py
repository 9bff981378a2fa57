"""The assessment service's unit of work."""

from sqlalchemy.orm import Session

from hubs.assessment.adapters.repository import AssessmentRepository, FollowUpRepository
from hubs.runtime.unit_of_work import UnitOfWork


class AssessmentUnitOfWork(UnitOfWork):
    assessments: AssessmentRepository
    follow_ups: FollowUpRepository

    def _open(self, session: Session) -> None:
        self.assessments = AssessmentRepository(session)
        self.follow_ups = FollowUpRepository(session)
