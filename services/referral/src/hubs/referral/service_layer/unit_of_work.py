"""The referral service's unit of work: referrals plus the runtime's outbox."""

from sqlalchemy.orm import Session

from hubs.referral.adapters.repository import ReferralRepository
from hubs.runtime.unit_of_work import UnitOfWork


class ReferralUnitOfWork(UnitOfWork):
    referrals: ReferralRepository

    def _open(self, session: Session) -> None:
        self.referrals = ReferralRepository(session)
