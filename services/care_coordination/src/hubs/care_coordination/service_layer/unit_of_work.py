"""The care-coordination service's unit of work."""

from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.repository import OnwardReferralRepository
from hubs.runtime.unit_of_work import UnitOfWork


class CareUnitOfWork(UnitOfWork):
    onward_referrals: OnwardReferralRepository

    def _open(self, session: Session) -> None:
        self.onward_referrals = OnwardReferralRepository(session)
