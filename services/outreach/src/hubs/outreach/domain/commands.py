"""Commands the outreach service accepts (verbs; handlers carry them out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.engagement import Pathway, StakeholderType
from hubs.outreach.domain.workforce import Answers

# Outreach and inreach


@dataclass(frozen=True)
class LaunchCampaign:
    """Start a campaign aimed at at-risk groups and employers; it is given a public code."""

    name: str
    starts_on: date
    ends_on: date | None = None
    target_at_risk_groups: list[codes.AtRiskFactor] = field(default_factory=list)
    target_employers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanOutreachEvent:
    """An outreach or inreach event the hub means to hold; it is given a public code."""

    kind: codes.OutreachEventType
    planned_on: date
    staff_groups: list[codes.StaffGroup] = field(default_factory=list)
    at_risk_groups: list[codes.AtRiskFactor] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # kept in the hub, never in an event
    campaign_id: uuid.UUID | None = None
    delivery_mode: codes.DeliveryMode | None = None


@dataclass(frozen=True)
class RecordOutreachEvent:
    """An outreach or inreach event the hub has already held, with how many came."""

    kind: codes.OutreachEventType
    held_on: date
    attendance: int
    staff_groups: list[codes.StaffGroup] = field(default_factory=list)
    at_risk_groups: list[codes.AtRiskFactor] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # kept in the hub, never in an event
    campaign_id: uuid.UUID | None = None
    delivery_mode: codes.DeliveryMode | None = None


@dataclass(frozen=True)
class HoldOutreachEvent:
    """A planned event took place: when, and how many came."""

    outreach_event_id: uuid.UUID
    held_on: date
    attendance: int


@dataclass(frozen=True)
class GiveOutreachFeedback:
    """An attendee's anonymous feedback on an event that was held."""

    outreach_event_id: uuid.UUID
    given_on: date
    useful: int
    more_likely_to_seek_help: int | None = None
    comment: str | None = None  # kept in the hub, never in an event


# Training and stakeholder engagement


@dataclass(frozen=True)
class DeliverTraining:
    """A training session the hub delivered to employers, managers or teams."""

    delivered_on: date
    audience: codes.TrainingAudience
    topic: codes.TrainingTopic
    attendance: int
    duration_minutes: int
    delivery_mode: codes.DeliveryMode
    staff_groups: list[codes.StaffGroup] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # kept in the hub, never in an event
    campaign_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GiveTrainingFeedback:
    """An attendee's anonymous feedback on a session, with their confidence before and after."""

    training_session_id: uuid.UUID
    given_on: date
    useful: int
    confidence_before: int | None = None
    confidence_after: int | None = None
    comment: str | None = None  # kept in the hub, never in an event


@dataclass(frozen=True)
class RecordEngagement:
    """A meeting with a stakeholder that promoted the hub's referral pathways."""

    stakeholder: str
    stakeholder_type: StakeholderType
    held_on: date
    pathways: list[Pathway]
    agreed: str
    follow_up_on: date | None = None
    campaign_id: uuid.UUID | None = None


# The hub's own workforce


@dataclass(frozen=True)
class RecordSupervision:
    """A clinical (group or one-to-one) or line-management supervision session of hub staff."""

    held_on: date
    supervision_type: codes.SupervisionType
    attendees: int  # hub staff supervised, not counting the supervisor
    duration_minutes: int
    wellbeing_discussed: bool = True


@dataclass(frozen=True)
class RecordCheckIn:
    """A team or one-to-one wellbeing check-in of hub staff."""

    held_on: date
    format: codes.CheckInFormat
    attendees: int


@dataclass(frozen=True)
class OpenStaffSurvey:
    """Open an anonymous feedback survey of the hub's staff, taking answers from `opens_on` to `closes_on`."""

    title: str
    opens_on: date
    closes_on: date


@dataclass(frozen=True)
class AnswerStaffSurvey:
    """A member of staff's answers to a survey. It holds the answers only: who gives them is known to
    the handler just long enough to take them once."""

    survey_id: uuid.UUID
    answers: Answers
    comment: str | None = None  # shown to hub leads only once enough have answered


@dataclass(frozen=True)
class CloseStaffSurvey:
    """Close a survey and release its answers for the hub's figures."""

    survey_id: uuid.UUID


# The hub's clinical team (kept in the hub: no events)


@dataclass(frozen=True)
class AddTeamMember:
    """A practitioner joins the hub's team, named in assessments by their staff id."""

    staff_id: str
    name: str
    discipline: codes.Discipline
    subject: str | None = None  # their sign-in subject, when they can hold cases
    active: bool = True


@dataclass(frozen=True)
class ChangeTeamMember:
    """Correct a team member's details, or mark them as having left (not active)."""

    member_id: uuid.UUID
    staff_id: str
    name: str
    discipline: codes.Discipline
    subject: str | None = None
    active: bool = True
