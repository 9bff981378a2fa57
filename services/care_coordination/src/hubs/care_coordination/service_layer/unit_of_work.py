"""The care-coordination service's unit of work, and what its handlers may ask of one (`CareUow`:
the database's, or the in-memory one of the unit tests).

An aggregate's new events are written to the outbox when the aggregate is handed to its repository
(added or saved), in the same transaction: one command or event changes several aggregates (an
episode closing ends its monitoring first) and writes events of no aggregate between them
(Signposted, FollowUpDue), and its events go out in the order the changes were made. An aggregate
changed and never handed back has its events written at commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, Self, runtime_checkable

from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.repository import (
    ActivityRepository,
    CaseRepository,
    DirectoryRepository,
    FeedbackLinkRepository,
    FeedbackRepository,
    MonitoringPlanRepository,
    OnwardReferralRepository,
)
from hubs.runtime.unit_of_work import Outbox, UnitOfWork, aggregates_in

# The repositories whose aggregates (cases, onward referrals, monitoring plans) raise events.
WITH_EVENTS = ("cases", "onward_referrals", "monitoring_plans")


@runtime_checkable
class CareUow(Protocol):
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept.
    The one list of what a care unit of work holds: the database's one takes it from here."""

    cases: CaseRepository
    onward_referrals: OnwardReferralRepository
    directory: DirectoryRepository
    monitoring_plans: MonitoringPlanRepository
    activities: ActivityRepository
    feedback: FeedbackRepository
    feedback_links: FeedbackLinkRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


def write_new_events(outbox: Any, aggregates: Iterable[Any]) -> None:
    """Write the aggregates' new events to the outbox, each taken off its aggregate (written once)."""
    for aggregate in aggregates:
        while aggregate.events:
            event = aggregate.events.pop(0)
            outbox.add(event.event_type, event.to_data(), case_id=aggregate.case_id)


class WrittenWhenHandedBack:
    """A repository whose aggregates' new events are written as soon as an aggregate is handed to it."""

    def __init__(self, repository: Any, write: Callable[[list[Any]], None]):
        object.__setattr__(self, "_repository", repository)
        object.__setattr__(self, "_write", write)

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._repository, name)
        if not callable(found):
            return found

        def handed(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            self._write([aggregate for value in (*args, *kwargs.values()) for aggregate in aggregates_in(value)])
            return result

        return handed

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._repository, name, value)


class CareUnitOfWork(UnitOfWork, CareUow):
    def _open(self, session: Session) -> None:
        self.cases = self._with_events(CaseRepository(session))
        self.onward_referrals = self._with_events(OnwardReferralRepository(session))
        self.directory = DirectoryRepository(session)
        self.monitoring_plans = self._with_events(MonitoringPlanRepository(session))
        self.activities = ActivityRepository(session)
        self.feedback = FeedbackRepository(session)
        self.feedback_links = FeedbackLinkRepository(session)

    def _with_events(self, repository: Any) -> Any:
        return WrittenWhenHandedBack(
            self.track(repository), lambda aggregates: write_new_events(self.outbox, aggregates)
        )
