"""Storing and loading outreach events."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.outreach.adapters.orm import outreach_events
from hubs.outreach.domain.model import OutreachEvent


class OutreachEventRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, held: OutreachEvent) -> None:
        self._session.execute(
            insert(outreach_events).values(
                outreach_event_id=held.outreach_event_id,
                kind=held.kind.value,
                held_on=held.held_on,
                attendance=held.attendance,
                staff_groups=[g.value for g in held.staff_groups],
                at_risk_groups=[g.value for g in held.at_risk_groups],
            )
        )

    def all(self) -> list[OutreachEvent]:
        rows = self._session.execute(select(outreach_events).order_by(outreach_events.c.held_on)).all()
        return [
            OutreachEvent(
                r.outreach_event_id,
                codes.OutreachEventType(r.kind),
                r.held_on,
                r.attendance,
                [codes.StaffGroup(g) for g in r.staff_groups],
                [codes.AtRiskFactor(g) for g in r.at_risk_groups],
            )
            for r in rows
        ]
