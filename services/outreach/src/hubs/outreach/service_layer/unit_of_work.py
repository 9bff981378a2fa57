"""The outreach service's unit of work, with an outbox for anonymous feedback that keeps
nothing finer than a day."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, Protocol, Self, runtime_checkable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hubs.contracts import new_envelope, spec_for
from hubs.contracts.topics import hub_topic
from hubs.outreach.adapters.repository import (
    AttributionRepository,
    CampaignRepository,
    OutreachEventRepository,
    OutreachFeedbackRepository,
    PublicCodes,
)
from hubs.outreach.adapters.team_repository import TeamRepository
from hubs.outreach.adapters.training_repository import EngagementRepository, TrainingRepository
from hubs.outreach.adapters.workforce_repository import CheckInRepository, SupervisionRepository, SurveyRepository
from hubs.outreach.domain.outreach import OutreachFeedback
from hubs.outreach.domain.training import TrainingFeedback
from hubs.outreach.domain.workforce import StaffSurvey
from hubs.runtime.unit_of_work import Outbox, UnitOfWork


class DayOnlyOutbox(Outbox):
    """An outbox for anonymous feedback: the envelope says only the day it happened (midnight
    UTC) and carries no correlation id, so that neither can be matched with a request, a log
    line or a sign-in to find out who gave it."""

    def add(
        self,
        event_type: str,
        data: Mapping[str, Any],
        *,
        case_id: uuid.UUID | str | None = None,
        aggregate_id: str | None = None,
        national: bool = False,
        on: date | None = None,
    ) -> dict[str, Any]:
        if case_id is not None or national:
            raise ValueError("anonymous feedback is never about a case and never leaves the hub as it is")
        s = self._settings
        day = on or datetime.now(UTC).date()
        envelope = new_envelope(
            event_type,
            data,
            hub_id=s.hub_id,
            producer=s.producer_name,
            occurred_at=datetime.combine(day, time.min, tzinfo=UTC),
        )
        spec = spec_for(event_type)
        self._session.execute(
            insert(self._table).values(
                event_id=uuid.UUID(envelope["event_id"]),
                aggregate_type=spec.service,
                aggregate_id=aggregate_id or s.hub_id,
                event_type=event_type,
                topic=hub_topic(s.hub_id, spec.service, prefix=s.topic_prefix),
                payload=envelope,
                occurred_at=datetime.fromisoformat(envelope["occurred_at"]),
            )
        )
        self.written.append(envelope)
        return envelope


@runtime_checkable
class OutreachUow(Protocol):
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept.
    The one list of what an outreach unit of work holds: the database's one takes it from here."""

    campaigns: CampaignRepository
    outreach_events: OutreachEventRepository
    outreach_feedback: OutreachFeedbackRepository
    public_codes: PublicCodes
    attributions: AttributionRepository
    training: TrainingRepository
    engagements: EngagementRepository
    supervision: SupervisionRepository
    check_ins: CheckInRepository
    surveys: SurveyRepository
    team: TeamRepository
    outbox: Outbox
    anonymous_outbox: DayOnlyOutbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


def anonymous_day(aggregate: Any) -> date | None:
    """The day an aggregate's events are stamped with when they are anonymous feedback (None: they
    are not, and go out as any other): the day feedback was given; for a survey's answers, the day
    they were released, so that the batch says nothing about when each was given."""
    if isinstance(aggregate, OutreachFeedback | TrainingFeedback):
        return aggregate.given_on
    if isinstance(aggregate, StaffSurvey):
        return aggregate.released_on
    return None


class OutreachUnitOfWork(UnitOfWork, OutreachUow):
    """The database's unit of work: its aggregates' new events are written at commit, anonymous
    feedback through the day-only outbox."""

    def _open(self, session: Session) -> None:
        self.campaigns = CampaignRepository(session)
        self.outreach_events = self.track(OutreachEventRepository(session))
        self.outreach_feedback = self.track(OutreachFeedbackRepository(session))
        self.public_codes = PublicCodes(session)
        self.attributions = AttributionRepository(session)
        self.training = self.track(TrainingRepository(session))
        self.engagements = EngagementRepository(session)
        self.supervision = self.track(SupervisionRepository(session))
        self.check_ins = self.track(CheckInRepository(session))
        self.surveys = self.track(SurveyRepository(session))
        self.team = TeamRepository(session)  # staff data: never announced
        self.anonymous_outbox = DayOnlyOutbox(session, self._outbox_table, self.settings)

    def emit_new_events(self) -> None:
        for aggregate, event in self.collect_new_events():
            day, key = anonymous_day(aggregate), getattr(event, "aggregate_id", None)
            if day is None:
                self.outbox.add(event.event_type, event.to_data(), aggregate_id=key)
            else:
                self.anonymous_outbox.add(event.event_type, event.to_data(), aggregate_id=key, on=day)
