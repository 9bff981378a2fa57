"""What the hub lead reads: summaries computed here from the service's own records; and what a
member of the hub's staff reads of a survey before answering it."""

from __future__ import annotations

import uuid
from datetime import date

from hubs.outreach.domain.outreach import Campaign, OutreachEvent
from hubs.outreach.domain.refusals import NotFound
from hubs.outreach.domain.summaries import (
    Period,
    activity_summary,
    outreach_feedback_summary,
    reach,
    survey_summary,
    training_feedback_summary,
)
from hubs.outreach.domain.workforce import STATEMENTS
from hubs.outreach.service_layer.unit_of_work import OutreachUow


def _event_view(event: OutreachEvent, feedback: list, referrals: int) -> dict:
    return {**vars(event), "referrals": referrals, "feedback": outreach_feedback_summary(feedback)}


def outreach_events(uow: OutreachUow) -> list[dict]:
    """Every event, oldest first, with its feedback scores and the referrals it brought in."""
    with uow:
        referrals = uow.attributions.referrals_by_event()
        feedback = uow.outreach_feedback.all()
        return [
            _event_view(
                e, [f for f in feedback if f.outreach_event_id == e.outreach_event_id], referrals[e.outreach_event_id]
            )
            for e in uow.outreach_events.all()
        ]


def outreach_event(uow: OutreachUow, outreach_event_id: uuid.UUID) -> dict:
    """One event with its feedback scores and the referrals it brought in."""
    with uow:
        event = uow.outreach_events.get(outreach_event_id)
        if event is None:
            raise NotFound("outreach event")
        referrals = uow.attributions.referrals_by_event()[outreach_event_id]
        return _event_view(event, uow.outreach_feedback.all(outreach_event_id), referrals)


def _campaign_view(campaign: Campaign, events: list[OutreachEvent], referrals: int) -> dict:
    held = [e for e in events if e.held]
    return {
        **vars(campaign),
        "events_planned": sum(1 for e in events if not e.held),
        "events_held": len(held),
        "attendance": sum(e.attendance for e in held),
        "referrals": referrals,
    }


def campaigns(uow: OutreachUow) -> list[dict]:
    """Every campaign with its planned and held events, attendance and referrals brought in."""
    with uow:
        referrals = uow.attributions.referrals_by_campaign()
        events = uow.outreach_events.all()
        return [
            _campaign_view(c, [e for e in events if e.campaign_id == c.campaign_id], referrals[c.campaign_id])
            for c in uow.campaigns.all()
        ]


def campaign(uow: OutreachUow, campaign_id: uuid.UUID) -> dict:
    """One campaign with its events and the referrals it brought in."""
    with uow:
        found = uow.campaigns.get(campaign_id)
        if found is None:
            raise NotFound("campaign")
        events = uow.outreach_events.all(campaign_id)
        view = _campaign_view(found, events, uow.attributions.referrals_by_campaign()[campaign_id])
        return {**view, "events": events}


def attribution(uow: OutreachUow) -> dict:
    """Referrals brought in by each campaign and event: which outreach works."""
    with uow:
        by_campaign = uow.attributions.referrals_by_campaign()
        by_event = uow.attributions.referrals_by_event()
        return {
            "campaigns": [
                {"campaign_id": c.campaign_id, "code": c.code, "name": c.name, "referrals": by_campaign[c.campaign_id]}
                for c in uow.campaigns.all()
            ],
            "outreach_events": [
                {
                    "outreach_event_id": e.outreach_event_id,
                    "code": e.code,
                    "campaign_id": e.campaign_id,
                    "held_on": e.held_on,
                    "referrals": by_event[e.outreach_event_id],
                }
                for e in uow.outreach_events.all()
            ],
        }


def training_sessions(uow: OutreachUow) -> list[dict]:
    """Every training session, oldest first, with its feedback summary."""
    with uow:
        feedback = uow.training.feedback()
        return [
            {
                **vars(s),
                "feedback": training_feedback_summary(
                    [f for f in feedback if f.training_session_id == s.training_session_id]
                ),
            }
            for s in uow.training.all()
        ]


def training_session(uow: OutreachUow, training_session_id: uuid.UUID) -> dict:
    """One training session with its feedback summary."""
    with uow:
        session = uow.training.get(training_session_id)
        if session is None:
            raise NotFound("training session")
        return {**vars(session), "feedback": training_feedback_summary(uow.training.feedback(training_session_id))}


def not_reached(uow: OutreachUow, since: date) -> dict:
    """At-risk groups and employers the hub has not reached since `since`."""
    with uow:
        employers = [name for c in uow.campaigns.all() for name in c.target_employers]
        employers += [e.stakeholder for e in uow.engagements.all()]
        return reach(since, uow.outreach_events.all(), uow.training.all(), employers)


def summary(uow: OutreachUow, period: Period) -> dict:
    """Attendance and feedback scores of outreach and training, and workforce support, in a period."""
    with uow:
        released = [r for r in uow.surveys.released_responses() if r.given_on in period]
        return activity_summary(
            period,
            uow.outreach_events.all(),
            uow.outreach_feedback.all(),
            uow.training.all(),
            uow.training.feedback(),
            uow.supervision.all(),
            uow.check_ins.all(),
            len(released),
        )


def staff_survey(uow: OutreachUow, survey_id: uuid.UUID, minimum: int) -> dict:
    """A survey's summary; comments shown only once enough have answered, in a stable shuffled order."""
    with uow:
        survey = uow.surveys.get(survey_id)
        if survey is None:
            raise NotFound("staff survey")
        responses = uow.surveys.responses(survey_id)
    scores = survey_summary(responses, minimum)
    # Sorted by the random response id: neither the order of answering nor the storage order shows.
    comments = [r.comment for r in sorted(responses, key=lambda r: r.response_id.hex) if r.comment]
    return {
        "survey_id": survey.survey_id,
        "title": survey.title,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "status": survey.status,
        "released_on": survey.released_on,
        **scores,
        "comments": [] if scores["withheld"] else comments,
    }


def staff_surveys(uow: OutreachUow, minimum: int) -> list[dict]:
    """Every staff survey with its scores (withheld while too few have answered)."""
    with uow:
        ids = [s.survey_id for s in uow.surveys.all()]
    return [staff_survey(uow, survey_id, minimum) for survey_id in ids]


def staff_survey_questions(uow: OutreachUow, survey_id: uuid.UUID, today: date) -> dict:
    """A survey as its respondents see it: title, dates, state and statements; never answers or scores."""
    with uow:
        survey = uow.surveys.get(survey_id)
        if survey is None:
            raise NotFound("staff survey")
    return {
        "survey_id": survey.survey_id,
        "title": survey.title,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "state": survey.state_on(today),
        "questions": [{"name": n, "statement": text, "required": required} for n, text, required in STATEMENTS],
    }
