"""Handlers of outreach, training and stakeholder engagement: plain functions that carry out
one command (`domain.commands`) in one unit of work, the change and its events committed together."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from hubs.outreach.domain import commands
from hubs.outreach.domain.attribution import attribute
from hubs.outreach.domain.engagement import StakeholderEngagement
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


def launch_campaign(cmd: commands.LaunchCampaign, uow: OutreachUow) -> Campaign:
    """Start a campaign and issue its public code (campaigns stay in the hub: no event)."""
    with uow:
        campaign = Campaign.launch(
            code=_fresh_code(uow),
            name=cmd.name,
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
            target_at_risk_groups=cmd.target_at_risk_groups,
            target_employers=cmd.target_employers,
        )
        uow.campaigns.add(campaign)
        uow.commit()
    return campaign


def plan_outreach_event(cmd: commands.PlanOutreachEvent, uow: OutreachUow) -> OutreachEvent:
    """Plan an event and issue its public code; it is announced once it is held."""
    with uow:
        _check_campaign(uow, cmd.campaign_id)
        event = OutreachEvent.plan(
            code=_fresh_code(uow),
            kind=cmd.kind,
            planned_on=cmd.planned_on,
            staff_groups=cmd.staff_groups,
            at_risk_groups=cmd.at_risk_groups,
            organisations=cmd.organisations,
            campaign_id=cmd.campaign_id,
            delivery_mode=cmd.delivery_mode,
        )
        uow.outreach_events.add(event)
        uow.commit()
    return event


def record_outreach_event(cmd: commands.RecordOutreachEvent, uow: OutreachUow) -> OutreachEvent:
    """Record an event the hub held and emit OutreachEventHeld."""
    with uow:
        _check_campaign(uow, cmd.campaign_id)
        event = OutreachEvent.record_held(
            code=_fresh_code(uow),
            kind=cmd.kind,
            held_on=cmd.held_on,
            attendance=cmd.attendance,
            staff_groups=cmd.staff_groups,
            at_risk_groups=cmd.at_risk_groups,
            organisations=cmd.organisations,
            campaign_id=cmd.campaign_id,
            delivery_mode=cmd.delivery_mode,
        )
        uow.outreach_events.add(event)
        uow.commit()
    return event


def hold_outreach_event(cmd: commands.HoldOutreachEvent, uow: OutreachUow) -> OutreachEvent:
    """A planned event took place: record its attendance and emit OutreachEventHeld."""
    with uow:
        event = uow.outreach_events.get(cmd.outreach_event_id)
        if event is None:
            raise NotFound("outreach event")
        event.hold(cmd.held_on, cmd.attendance)
        uow.outreach_events.save(event)
        uow.commit()
    return event


def give_outreach_feedback(cmd: commands.GiveOutreachFeedback, uow: OutreachUow) -> OutreachFeedback:
    """Keep an attendee's feedback (comment in the hub) and emit OutreachFeedbackGiven, anonymously."""
    with uow:
        event = uow.outreach_events.get(cmd.outreach_event_id)
        if event is None:
            raise NotFound("outreach event")
        feedback = OutreachFeedback.give(
            event,
            given_on=cmd.given_on,
            useful=cmd.useful,
            more_likely_to_seek_help=cmd.more_likely_to_seek_help,
            comment=cmd.comment,
        )
        uow.outreach_feedback.add(feedback)
        uow.commit()
    return feedback


def deliver_training(cmd: commands.DeliverTraining, uow: OutreachUow) -> TrainingSession:
    """Record a training session and emit TrainingDelivered."""
    with uow:
        _check_campaign(uow, cmd.campaign_id)
        session = TrainingSession.deliver(
            delivered_on=cmd.delivered_on,
            audience=cmd.audience,
            topic=cmd.topic,
            attendance=cmd.attendance,
            duration_minutes=cmd.duration_minutes,
            delivery_mode=cmd.delivery_mode,
            staff_groups=cmd.staff_groups,
            organisations=cmd.organisations,
            campaign_id=cmd.campaign_id,
        )
        uow.training.add(session)
        uow.commit()
    return session


def give_training_feedback(cmd: commands.GiveTrainingFeedback, uow: OutreachUow) -> TrainingFeedback:
    """Keep an attendee's feedback (comment in the hub) and emit TrainingFeedbackGiven, anonymously."""
    with uow:
        session = uow.training.get(cmd.training_session_id)
        if session is None:
            raise NotFound("training session")
        feedback = TrainingFeedback.give(
            session,
            given_on=cmd.given_on,
            useful=cmd.useful,
            confidence_before=cmd.confidence_before,
            confidence_after=cmd.confidence_after,
            comment=cmd.comment,
        )
        uow.training.add_feedback(feedback)
        uow.commit()
    return feedback


def record_engagement(cmd: commands.RecordEngagement, uow: OutreachUow) -> StakeholderEngagement:
    """Record a meeting that promoted referral pathways (kept in the hub: no event)."""
    with uow:
        _check_campaign(uow, cmd.campaign_id)
        engagement = StakeholderEngagement.record(
            stakeholder=cmd.stakeholder,
            stakeholder_type=cmd.stakeholder_type,
            held_on=cmd.held_on,
            pathways=cmd.pathways,
            agreed=cmd.agreed,
            follow_up_on=cmd.follow_up_on,
            campaign_id=cmd.campaign_id,
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
