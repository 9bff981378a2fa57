"""Storing and loading campaigns, outreach events, their feedback and referral attributions."""

from __future__ import annotations

import uuid
from collections import Counter
from enum import Enum

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.outreach.adapters.orm import campaigns, outreach_events, outreach_feedback, referral_attributions
from hubs.outreach.domain.attribution import Attribution, CodeOwner
from hubs.outreach.domain.outreach import HELD, Campaign, OutreachEvent, OutreachFeedback


def plain(value):
    """The stored form of a domain value: enum members become their codes, lists element-wise."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class CampaignRepository:
    """Campaigns of this hub."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, campaign: Campaign) -> None:
        self._session.execute(insert(campaigns).values({k: plain(v) for k, v in vars(campaign).items()}))

    def get(self, campaign_id: uuid.UUID) -> Campaign | None:
        row = self._session.execute(select(campaigns).where(campaigns.c.campaign_id == campaign_id)).first()
        return _campaign(row) if row else None

    def all(self) -> list[Campaign]:
        return [_campaign(r) for r in self._session.execute(select(campaigns).order_by(campaigns.c.starts_on)).all()]


def _campaign(row) -> Campaign:
    return Campaign(
        row.campaign_id,
        row.code,
        row.name,
        row.starts_on,
        row.ends_on,
        [codes.AtRiskFactor(g) for g in row.target_at_risk_groups],
        list(row.target_employers),
    )


class OutreachEventRepository:
    """Outreach and inreach events, planned and held."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, event: OutreachEvent) -> None:
        values = {k: plain(v) for k, v in vars(event).items() if k != "events"}
        self._session.execute(insert(outreach_events).values(values))

    def save(self, event: OutreachEvent) -> None:
        self._session.execute(
            update(outreach_events)
            .where(outreach_events.c.outreach_event_id == event.outreach_event_id)
            .values(status=event.status, held_on=event.held_on, attendance=event.attendance)
        )

    def get(self, outreach_event_id: uuid.UUID) -> OutreachEvent | None:
        query = select(outreach_events).where(outreach_events.c.outreach_event_id == outreach_event_id)
        row = self._session.execute(query).first()
        return _event(row) if row else None

    def all(self, campaign_id: uuid.UUID | None = None) -> list[OutreachEvent]:
        query = select(outreach_events).order_by(outreach_events.c.held_on, outreach_events.c.code)
        if campaign_id is not None:
            query = query.where(outreach_events.c.campaign_id == campaign_id)
        return [_event(r) for r in self._session.execute(query).all()]


def _event(row) -> OutreachEvent:
    return OutreachEvent(
        outreach_event_id=row.outreach_event_id,
        code=row.code,
        kind=codes.OutreachEventType(row.kind),
        held_on=row.held_on,
        status=row.status or HELD,
        attendance=row.attendance,
        staff_groups=[codes.StaffGroup(g) for g in row.staff_groups],
        at_risk_groups=[codes.AtRiskFactor(g) for g in row.at_risk_groups],
        organisations=list(row.organisations or []),
        campaign_id=row.campaign_id,
        delivery_mode=codes.DeliveryMode(row.delivery_mode) if row.delivery_mode else None,
    )


class OutreachFeedbackRepository:
    """Attendees' feedback on events (anonymous; comments stay here)."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, feedback: OutreachFeedback) -> None:
        values = {k: plain(v) for k, v in vars(feedback).items() if k != "events"}
        self._session.execute(insert(outreach_feedback).values(values))

    def all(self, outreach_event_id: uuid.UUID | None = None) -> list[OutreachFeedback]:
        query = select(outreach_feedback)
        if outreach_event_id is not None:
            query = query.where(outreach_feedback.c.outreach_event_id == outreach_event_id)
        return [
            OutreachFeedback(
                r.feedback_id, r.outreach_event_id, r.given_on, r.useful, r.more_likely_to_seek_help, r.comment
            )
            for r in self._session.execute(query).all()
        ]


class PublicCodes:
    """Which public codes are in use and what each belongs to."""

    def __init__(self, session: Session):
        self._session = session

    def in_use(self, code: str) -> bool:
        """Whether a code was already issued to an event or a campaign."""
        return self.owner(code) is not None

    def owner(self, code: str) -> CodeOwner | None:
        """The event or campaign a code was issued to, if any."""
        event = self._session.execute(
            select(outreach_events.c.outreach_event_id, outreach_events.c.campaign_id).where(
                outreach_events.c.code == code
            )
        ).first()
        if event:
            return CodeOwner(event.campaign_id, event.outreach_event_id)
        campaign_id = self._session.execute(select(campaigns.c.campaign_id).where(campaigns.c.code == code)).scalar()
        return CodeOwner(campaign_id, None) if campaign_id else None


class AttributionRepository:
    """Referrals credited to outreach."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, attribution: Attribution) -> None:
        exists = select(func.count()).where(referral_attributions.c.referral_id == attribution.referral_id)
        if not self._session.execute(exists).scalar():
            self._session.execute(insert(referral_attributions).values(vars(attribution)))

    def referrals_by_campaign(self) -> Counter:
        """Referrals credited to each campaign, directly or through one of its events."""
        rows = self._session.execute(
            select(referral_attributions.c.campaign_id, func.count())
            .where(referral_attributions.c.campaign_id.is_not(None))
            .group_by(referral_attributions.c.campaign_id)
        ).all()
        return Counter(dict(rows))

    def referrals_by_event(self) -> Counter:
        """Referrals credited to each event."""
        rows = self._session.execute(
            select(referral_attributions.c.outreach_event_id, func.count())
            .where(referral_attributions.c.outreach_event_id.is_not(None))
            .group_by(referral_attributions.c.outreach_event_id)
        ).all()
        return Counter(dict(rows))
