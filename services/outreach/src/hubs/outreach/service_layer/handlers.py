"""Handlers of outreach, training and stakeholder engagement: plain functions that carry out
one command in one unit of work, the change and its events committed together."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.outreach.domain.attribution import attribute
from hubs.outreach.domain.engagement import Pathway, StakeholderEngagement, StakeholderType
from hubs.outreach.domain.outreach import Campaign, OutreachEvent, OutreachFeedback
from hubs.outreach.domain.public_codes import new_public_code
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.training import TrainingFeedback, TrainingSession
from hubs.outreach.service_layer.unit_of_work import OutreachUow


def _fresh_code(uow: OutreachUow) -> str:
    while True:
        code = new_public_code()
        if not uow.public_codes.in_use(code):
            return code


def _check_campaign(uow: OutreachUow, campaign_id: uuid.UUID | None) -> None:
    if campaign_id is not None and uow.campaigns.get(campaign_id) is None:
        raise Refused("There is no such campaign in this hub.", "campaign_id")


def launch_campaign(uow: OutreachUow, **details: Any) -> Campaign:
    """Start a campaign and issue its public code (campaigns stay in the hub: no event)."""
    with uow:
        campaign = Campaign.launch(code=_fresh_code(uow), **details)
        uow.campaigns.add(campaign)
        uow.commit()
    return campaign


def plan_outreach_event(
    uow: OutreachUow, *, kind: codes.OutreachEventType, planned_on: date, **details: Any
) -> OutreachEvent:
    """Plan an event and issue its public code; it is announced once it is held."""
    with uow:
        _check_campaign(uow, details.get("campaign_id"))
        event = OutreachEvent.plan(code=_fresh_code(uow), kind=kind, planned_on=planned_on, **details)
        uow.outreach_events.add(event)
        uow.commit()
    return event


def record_outreach_event(
    uow: OutreachUow, *, kind: codes.OutreachEventType, held_on: date, attendance: int, **details: Any
) -> OutreachEvent:
    """Record an event the hub held and emit OutreachEventHeld."""
    with uow:
        _check_campaign(uow, details.get("campaign_id"))
        event = OutreachEvent.record_held(
            code=_fresh_code(uow), kind=kind, held_on=held_on, attendance=attendance, **details
        )
        uow.outreach_events.add(event)
        uow.commit()
    return event


def hold_outreach_event(
    uow: OutreachUow, outreach_event_id: uuid.UUID, *, held_on: date, attendance: int
) -> OutreachEvent:
    """A planned event took place: record its attendance and emit OutreachEventHeld."""
    with uow:
        event = uow.outreach_events.get(outreach_event_id)
        if event is None:
            raise NotFound("outreach event")
        event.hold(held_on, attendance)
        uow.outreach_events.save(event)
        uow.commit()
    return event


def give_outreach_feedback(uow: OutreachUow, outreach_event_id: uuid.UUID, **answers: Any) -> OutreachFeedback:
    """Keep an attendee's feedback (comment in the hub) and emit OutreachFeedbackGiven, anonymously."""
    with uow:
        event = uow.outreach_events.get(outreach_event_id)
        if event is None:
            raise NotFound("outreach event")
        feedback = OutreachFeedback.give(event, **answers)
        uow.outreach_feedback.add(feedback)
        uow.commit()
    return feedback


def deliver_training(uow: OutreachUow, **details: Any) -> TrainingSession:
    """Record a training session and emit TrainingDelivered."""
    with uow:
        _check_campaign(uow, details.get("campaign_id"))
        session = TrainingSession.deliver(**details)
        uow.training.add(session)
        uow.commit()
    return session


def give_training_feedback(uow: OutreachUow, training_session_id: uuid.UUID, **answers: Any) -> TrainingFeedback:
    """Keep an attendee's feedback (comment in the hub) and emit TrainingFeedbackGiven, anonymously."""
    with uow:
        session = uow.training.get(training_session_id)
        if session is None:
            raise NotFound("training session")
        feedback = TrainingFeedback.give(session, **answers)
        uow.training.add_feedback(feedback)
        uow.commit()
    return feedback


def record_engagement(
    uow: OutreachUow,
    *,
    stakeholder: str,
    stakeholder_type: StakeholderType,
    held_on: date,
    pathways: list[Pathway],
    agreed: str,
    follow_up_on: date | None = None,
    campaign_id: uuid.UUID | None = None,
) -> StakeholderEngagement:
    """Record a meeting that promoted referral pathways (kept in the hub: no event)."""
    with uow:
        _check_campaign(uow, campaign_id)
        engagement = StakeholderEngagement.record(
            stakeholder=stakeholder,
            stakeholder_type=stakeholder_type,
            held_on=held_on,
            pathways=pathways,
            agreed=agreed,
            follow_up_on=follow_up_on,
            campaign_id=campaign_id,
        )
        uow.engagements.add(engagement)
        uow.commit()
    return engagement


def credit_referral_to_outreach(event: Mapping[str, Any], uow: OutreachUow) -> None:
    """ReferralReceived: credit the referral to the event or campaign whose code it names.

    Runs inside the consumer's unit of work (which commits); a referral naming no code of this
    hub is simply not credited."""
    data = event["data"]
    credited = attribute(
        data["referral_id"], data["received_at"].date(), data.get("heard_of_hub_via"), uow.public_codes.owner
    )
    if credited is not None:
        uow.attributions.add(credited)


REFERRAL_EVENT_HANDLERS = {"ReferralReceived": credit_referral_to_outreach}
