"""The assessment service's unit of work."""

from sqlalchemy.orm import Session

from hubs.assessment.adapters.repository import AssessmentRepository
from hubs.runtime.unit_of_work import UnitOfWork


class AssessmentUnitOfWork(UnitOfWork):
    assessments: AssessmentRepository

    def _open(self, session: Session) -> None:
        self.assessments = AssessmentRepository(session)
