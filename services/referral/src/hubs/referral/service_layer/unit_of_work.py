"""The referral service's unit of work: referrals plus the runtime's outbox. A referral's new
events are written to the outbox with the change that raised them: at commit, or, for an intake,
in the intake's own statement (`event_rows`), kept or not with the outcome they belong to."""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

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
    def event_rows(self, aggregate: Any) -> list[dict[str, Any]]: ...


class ReferralUnitOfWork(UnitOfWork, ReferralUow):
    def _open(self, session: Session) -> None:
        self.referrals = self.track(ReferralRepository(session, self._outbox_table))
