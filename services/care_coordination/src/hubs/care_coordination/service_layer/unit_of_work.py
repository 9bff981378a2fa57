"""The care-coordination service's unit of work."""

from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.repository import (
    ActivityRepository,
    CaseRepository,
    DirectoryRepository,
    FeedbackRepository,
    MonitoringPlanRepository,
    OnwardReferralRepository,
)
from hubs.runtime.unit_of_work import UnitOfWork


class CareUnitOfWork(UnitOfWork):
    cases: CaseRepository
    onward_referrals: OnwardReferralRepository
    directory: DirectoryRepository
    monitoring_plans: MonitoringPlanRepository
    activities: ActivityRepository
    feedback: FeedbackRepository

    def _open(self, session: Session) -> None:
        self.cases = CaseRepository(session)
        self.onward_referrals = OnwardReferralRepository(session)
        self.directory = DirectoryRepository(session)
        self.monitoring_plans = MonitoringPlanRepository(session)
        self.activities = ActivityRepository(session)
        self.feedback = FeedbackRepository(session)
