"""Figures the hub reads about its proactive work: attendance, feedback scores, confidence
before and after training, whom outreach has not reached lately, and which outreach brings
referrals in. Pure functions of the records, so the same records always give the same figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.outreach import OutreachEvent, OutreachFeedback
from hubs.outreach.domain.training import TrainingFeedback, TrainingSession
from hubs.outreach.domain.workforce import HubStaffCheckIn, SupervisionSession, SurveyResponse


def mean(values: Iterable[int | None]) -> float | None:
    """The mean of the answers given (unanswered ones left out), to two places; None if none."""
    given = [v for v in values if v is not None]
    return round(sum(given) / len(given), 2) if given else None


def outreach_feedback_summary(feedback: list[OutreachFeedback]) -> dict:
    """How many rated an event and their mean scores."""
    return {
        "responses": len(feedback),
        "mean_useful": mean(f.useful for f in feedback),
        "mean_more_likely_to_seek_help": mean(f.more_likely_to_seek_help for f in feedback),
    }


def training_feedback_summary(feedback: list[TrainingFeedback]) -> dict:
    """How many rated a session, their mean scores and how their confidence changed."""
    rated = [f for f in feedback if f.confidence_change is not None]
    return {
        "responses": len(feedback),
        "mean_useful": mean(f.useful for f in feedback),
        "mean_confidence_before": mean(f.confidence_before for f in rated),
        "mean_confidence_after": mean(f.confidence_after for f in rated),
        "mean_confidence_change": mean(f.confidence_change for f in rated),
        "more_confident": sum(1 for f in rated if (f.confidence_change or 0) > 0),
    }


def survey_summary(responses: list[SurveyResponse], minimum: int) -> dict:
    """Scores of a staff survey; withheld while fewer than `minimum` have answered, so that a
    small team's answers cannot be told apart."""
    shown = len(responses) >= minimum
    return {
        "responses": len(responses),
        "withheld": not shown,
        "mean_wellbeing": mean(r.answers.wellbeing for r in responses) if shown else None,
        "mean_workload_manageable": mean(r.answers.workload_manageable for r in responses) if shown else None,
        "mean_feel_supported": mean(r.answers.feel_supported for r in responses) if shown else None,
        "mean_supervision_helpful": mean(r.answers.supervision_helpful for r in responses) if shown else None,
    }


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    starts_on: date
    ends_on: date

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def activity_summary(
    period: Period,
    events: list[OutreachEvent],
    event_feedback: list[OutreachFeedback],
    sessions: list[TrainingSession],
    training_feedback: list[TrainingFeedback],
    supervision: list[SupervisionSession],
    check_ins: list[HubStaffCheckIn],
    survey_responses_released: int,
) -> dict:
    """The hub's proactive work in a period, as the hub lead reads it."""
    held = [e for e in events if e.held and e.held_on in period]
    planned = [e for e in events if not e.held and e.held_on in period]
    delivered = [s for s in sessions if s.delivered_on in period]
    sessions_held = [s for s in supervision if s.held_on in period]
    check_ins_held = [c for c in check_ins if c.held_on in period]
    return {
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "outreach": {
            "events_held": len(held),
            "events_planned": len(planned),
            "attendance": sum(e.attendance for e in held),
            "by_kind": dict(Counter(e.kind.value for e in held)),
            "feedback": outreach_feedback_summary([f for f in event_feedback if f.given_on in period]),
        },
        "training": {
            "sessions_delivered": len(delivered),
            "attendance": sum(s.attendance for s in delivered),
            "by_audience": dict(Counter(s.audience.value for s in delivered)),
            "feedback": training_feedback_summary([f for f in training_feedback if f.given_on in period]),
        },
        "workforce": {
            "supervision_sessions": len(sessions_held),
            "supervision_by_type": dict(Counter(s.supervision_type.value for s in sessions_held)),
            "check_ins": len(check_ins_held),
            "check_ins_by_format": dict(Counter(c.format.value for c in check_ins_held)),
            "staff_feedback_responses_released": survey_responses_released,
        },
    }


def reach(
    since: date,
    events: list[OutreachEvent],
    sessions: list[TrainingSession],
    known_employers: Iterable[str],
) -> dict:
    """Which at-risk groups and which employers the hub has not reached since `since`.

    An at-risk group is reached by a held event aimed at it; an employer by a held event or a
    training session with its staff. Every at-risk group of the code list is considered, and
    every employer the hub has named in a campaign, an event, a session or a meeting."""
    last_group: dict[codes.AtRiskFactor, date] = {}
    last_employer: dict[str, tuple[str, date]] = {}

    def employer_reached(name: str, day: date) -> None:
        key = name.casefold()
        if key not in last_employer or last_employer[key][1] < day:
            last_employer[key] = (name, day)

    for event in (e for e in events if e.held):
        for group in event.at_risk_groups:
            last_group[group] = max(event.held_on, last_group.get(group, event.held_on))
        for name in event.organisations:
            employer_reached(name, event.held_on)
    for session in sessions:
        for name in session.organisations:
            employer_reached(name, session.delivered_on)
    employers = {name.casefold(): name for name in known_employers}
    employers.update({key: name for key, (name, _) in last_employer.items()})

    groups = [{"at_risk_group": g.value, "last_reached_on": last_group.get(g)} for g in codes.AtRiskFactor]
    orgs = [
        {"employer": name, "last_reached_on": last_employer[key][1] if key in last_employer else None}
        for key, name in sorted(employers.items())
    ]
    return {
        "since": since,
        "at_risk_groups_not_reached": [g for g in groups if not g["last_reached_on"] or g["last_reached_on"] < since],
        "employers_not_reached": [o for o in orgs if not o["last_reached_on"] or o["last_reached_on"] < since],
        "at_risk_groups": groups,
        "employers": orgs,
    }
