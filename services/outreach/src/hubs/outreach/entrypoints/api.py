"""HTTP API of the outreach service: campaigns, outreach and inreach events, training,
stakeholder engagement, and what outreach brings in. Management is for hub leads."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.outreach.domain import commands
from hubs.outreach.domain.summaries import Period
from hubs.outreach.entrypoints.schemas import (
    AttributionSchema,
    CampaignDetailSchema,
    CampaignSchema,
    EngagementSchema,
    HoldEventSchema,
    OutreachEventSchema,
    OutreachFeedbackSchema,
    PeriodQuerySchema,
    ReachQuerySchema,
    ReachSchema,
    SummarySchema,
    TrainingFeedbackSchema,
    TrainingSessionSchema,
)
from hubs.outreach.service_layer import handlers, views
from hubs.runtime.auth import Role, requires

blp = Blueprint("outreach-events", __name__, url_prefix="/v1", description="Outreach, training and engagement")


def uow():
    """A fresh unit of work of this service."""
    return current_app.extensions["hubs_wiring"].uow_factory()


def setting(name: str, default: int) -> int:
    """A whole-number HUBS_OUTREACH_* setting."""
    return int(current_app.extensions["hubs_wiring"].settings.extra.get(name, default))


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.arguments(CampaignSchema())
    @blp.response(201, CampaignSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Launch a campaign aimed at at-risk groups and employers; it gets a public code."""
        launched = handlers.launch_campaign(commands.LaunchCampaign(**body), uow())
        return views.campaign(uow(), launched.campaign_id)

    @blp.response(200, CampaignSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Campaigns, with events planned and held, attendance and referrals brought in."""
        return views.campaigns(uow())


@blp.route("/campaigns/<uuid:campaign_id>")
class CampaignDetail(MethodView):
    @blp.response(200, CampaignDetailSchema)
    @requires(Role.HUB_LEAD)
    def get(self, campaign_id: uuid.UUID):
        """One campaign and its events."""
        return views.campaign(uow(), campaign_id)


@blp.route("/outreach-events")
class OutreachEvents(MethodView):
    @blp.arguments(OutreachEventSchema())
    @blp.response(201, OutreachEventSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Record an event the hub held (with its attendance), or plan one (without)."""
        attendance = body.pop("attendance")
        if attendance is None:
            planned = commands.PlanOutreachEvent(planned_on=body.pop("held_on"), **body)
            event = handlers.plan_outreach_event(planned, uow())
        else:
            event = handlers.record_outreach_event(commands.RecordOutreachEvent(attendance=attendance, **body), uow())
        return views.outreach_event(uow(), event.outreach_event_id)

    @blp.response(200, OutreachEventSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Outreach and inreach events, planned and held, oldest first, with feedback and referrals."""
        return views.outreach_events(uow())


@blp.route("/outreach-events/<uuid:outreach_event_id>")
class OutreachEventDetail(MethodView):
    @blp.response(200, OutreachEventSchema)
    @requires(Role.HUB_LEAD)
    def get(self, outreach_event_id: uuid.UUID):
        """One event with its feedback scores and referrals brought in."""
        return views.outreach_event(uow(), outreach_event_id)


@blp.route("/outreach-events/<uuid:outreach_event_id>/held")
class HoldOutreachEvent(MethodView):
    @blp.arguments(HoldEventSchema())
    @blp.response(200, OutreachEventSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict, outreach_event_id: uuid.UUID):
        """A planned event took place: record when and how many came."""
        handlers.hold_outreach_event(commands.HoldOutreachEvent(outreach_event_id, **body), uow())
        return views.outreach_event(uow(), outreach_event_id)


@blp.route("/outreach-events/<uuid:outreach_event_id>/feedback")
class OutreachEventFeedback(MethodView):
    @blp.arguments(OutreachFeedbackSchema())
    @blp.response(201, OutreachFeedbackSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict, outreach_event_id: uuid.UUID):
        """Enter an attendee's anonymous feedback (the comment stays in the hub)."""
        return handlers.give_outreach_feedback(commands.GiveOutreachFeedback(outreach_event_id, **body), uow())


@blp.route("/training-sessions")
class TrainingSessions(MethodView):
    @blp.arguments(TrainingSessionSchema())
    @blp.response(201, TrainingSessionSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Record a training session delivered to employers, managers or teams."""
        session = handlers.deliver_training(commands.DeliverTraining(**body), uow())
        return views.training_session(uow(), session.training_session_id)

    @blp.response(200, TrainingSessionSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Training sessions, oldest first, with feedback and confidence before and after."""
        return views.training_sessions(uow())


@blp.route("/training-sessions/<uuid:training_session_id>")
class TrainingSessionDetail(MethodView):
    @blp.response(200, TrainingSessionSchema)
    @requires(Role.HUB_LEAD)
    def get(self, training_session_id: uuid.UUID):
        """One training session with its feedback summary."""
        return views.training_session(uow(), training_session_id)


@blp.route("/training-sessions/<uuid:training_session_id>/feedback")
class TrainingSessionFeedback(MethodView):
    @blp.arguments(TrainingFeedbackSchema())
    @blp.response(201, TrainingFeedbackSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict, training_session_id: uuid.UUID):
        """Enter an attendee's anonymous feedback, with confidence before and after."""
        return handlers.give_training_feedback(commands.GiveTrainingFeedback(training_session_id, **body), uow())


@blp.route("/stakeholder-engagements")
class StakeholderEngagements(MethodView):
    @blp.arguments(EngagementSchema())
    @blp.response(201, EngagementSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Record a meeting that promoted referral pathways: who, when, what was agreed."""
        return handlers.record_engagement(commands.RecordEngagement(**body), uow())

    @blp.response(200, EngagementSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Stakeholder engagement, oldest first."""
        with uow() as work:
            return work.engagements.all()


@blp.route("/outreach/attribution")
class Attribution(MethodView):
    @blp.response(200, AttributionSchema)
    @requires(Role.HUB_LEAD)
    def get(self):
        """Referrals brought in by each campaign and event (their code named by the referral)."""
        return views.attribution(uow())


@blp.route("/outreach/not-reached")
class NotReached(MethodView):
    @blp.arguments(ReachQuerySchema(), location="query")
    @blp.response(200, ReachSchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """At-risk groups and employers the hub has not reached lately."""
        days = setting("HUBS_OUTREACH_REACH_DAYS", 90)
        since = query["since"] or datetime.now(UTC).date() - timedelta(days=days)
        return views.not_reached(uow(), since)


@blp.route("/outreach/summary")
class Summary(MethodView):
    @blp.arguments(PeriodQuerySchema(), location="query")
    @blp.response(200, SummarySchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """Attendance and feedback scores of outreach and training, and support of hub staff."""
        today = datetime.now(UTC).date()
        starts_on: date = query["starts_on"] or today.replace(day=1)
        ends_on: date = query["ends_on"] or max(today, starts_on)
        return views.summary(uow(), Period(starts_on, ends_on))
