"""The referral service's unit of work: referrals plus the runtime's outbox. A referral's new
events are written to the outbox with the change that raised them: at commit, or at the end of
the savepoint they were raised in (kept or undone with it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, Self, runtime_checkable

from sqlalchemy.orm import Session

from hubs.referral.adapters.repository import ReferralRepository
from hubs.runtime.unit_of_work import Outbox, UnitOfWork


@runtime_checkable
class ReferralUow(Protocol):
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept.
    The one list of what a referral unit of work holds: the database's one takes it from here."""

    referrals: ReferralRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def savepoint(self, *, keep: bool) -> AbstractContextManager[None]: ...


class ReferralUnitOfWork(UnitOfWork, ReferralUow):
    def _open(self, session: Session) -> None:
        self.referrals = self.track(ReferralRepository(session))

    @contextmanager
    def savepoint(self, *, keep: bool) -> Iterator[None]:
        """Writes made inside are kept, or undone, when the block ends: either way after the same
        statements reached the database (the intake writes both outcomes and keeps one). The new
        events raised so far are written inside, so they go, or not, with the writes."""
        nested = self.session.begin_nested()
        written = len(self.outbox.written)
        try:
            yield
            self.emit_new_events()
        except BaseException:
            nested.rollback()
            raise
        if keep:
            nested.commit()
        else:
            nested.rollback()
            del self.outbox.written[written:]
