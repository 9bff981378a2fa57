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
from hubs.outreach.adapters.training_repository import EngagementRepository, TrainingRepository
from hubs.outreach.adapters.workforce_repository import CheckInRepository, SupervisionRepository, SurveyRepository
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
    """`with uow: ... uow.commit()` over the service's repositories; nothing uncommitted is kept."""

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
    anonymous_outbox: DayOnlyOutbox

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class OutreachUnitOfWork(UnitOfWork):
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
    anonymous_outbox: DayOnlyOutbox

    def _open(self, session: Session) -> None:
        self.campaigns = CampaignRepository(session)
        self.outreach_events = OutreachEventRepository(session)
        self.outreach_feedback = OutreachFeedbackRepository(session)
        self.public_codes = PublicCodes(session)
        self.attributions = AttributionRepository(session)
        self.training = TrainingRepository(session)
        self.engagements = EngagementRepository(session)
        self.supervision = SupervisionRepository(session)
        self.check_ins = CheckInRepository(session)
        self.surveys = SurveyRepository(session)
        self.anonymous_outbox = DayOnlyOutbox(session, self._outbox_table, self.settings)
