"""The referral service's unit of work: referrals plus the runtime's outbox."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from hubs.referral.adapters.repository import ReferralRepository
from hubs.runtime.unit_of_work import UnitOfWork


class ReferralUnitOfWork(UnitOfWork):
    referrals: ReferralRepository

    def _open(self, session: Session) -> None:
        self.referrals = ReferralRepository(session)

    @contextmanager
    def savepoint(self, *, keep: bool) -> Iterator[None]:
        """Writes made inside are kept, or undone, when the block ends: either way after the same
        statements reached the database (the intake writes both outcomes and keeps one)."""
        nested = self.session.begin_nested()
        written = len(self.outbox.written)
        try:
            yield
        except BaseException:
            nested.rollback()
            raise
        if keep:
            nested.commit()
        else:
            nested.rollback()
            del self.outbox.written[written:]
