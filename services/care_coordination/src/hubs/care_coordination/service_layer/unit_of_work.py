"""The care-coordination service's unit of work."""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.repository import (
    ActivityRepository,
    CaseRepository,
    DirectoryRepository,
    FeedbackRepository,
    MonitoringPlanRepository,
    OnwardReferralRepository,
)
from hubs.runtime.unit_of_work import Outbox, UnitOfWork


@runtime_checkable
class CareUow(Protocol):
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept."""

    cases: CaseRepository
    onward_referrals: OnwardReferralRepository
    directory: DirectoryRepository
    monitoring_plans: MonitoringPlanRepository
    activities: ActivityRepository
    feedback: FeedbackRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


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
