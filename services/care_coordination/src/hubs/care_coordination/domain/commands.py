"""Commands the care-coordination service accepts (verbs; handlers carry them out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from hubs.care_coordination.domain.directory import Competency
from hubs.contracts import codes

# Onward referrals and their steps


@dataclass(frozen=True)
class MakeOnwardReferral:
    """A clinician refers an assessed case on to a service type, and to a directory service if named."""

    case_id: uuid.UUID
    service_type: codes.ServiceType
    made_on: date
    directory_service_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AcceptOnwardReferral:
    """The service accepted the onward referral, perhaps saying when treatment is expected to start."""

    onward_referral_id: uuid.UUID
    accepted_on: date
    expected_start_on: date | None = None


@dataclass(frozen=True)
class DeclineOnwardReferral:
    """The service declined the onward referral, with a reason: the hub must find another route."""

    onward_referral_id: uuid.UUID
    declined_on: date
    reason: codes.OnwardReferralDeclineReason


@dataclass(frozen=True)
class StartTreatment:
    """Treatment started with the service: the wait ends."""

    onward_referral_id: uuid.UUID
    started_on: date


@dataclass(frozen=True)
class EndTreatment:
    """Treatment with the service ended, with a reason: the person is followed up."""

    onward_referral_id: uuid.UUID
    ended_on: date
    reason: codes.TreatmentEndReason


# The case


@dataclass(frozen=True)
class Signpost:
    """A clinician signposts the person to service types (self-help, peer support, third sector)."""

    case_id: uuid.UUID
    signposted_on: date
    service_types: list[codes.ServiceType]


@dataclass(frozen=True)
class LiaiseWithOccupationalHealth:
    """A clinician liaised with Occupational Health, with the person's consent."""

    case_id: uuid.UUID
    liaised_on: date
    advice: str | None = None  # kept with the case's activity, never in an event


@dataclass(frozen=True)
class StartMonitoring:
    """Monitor the case at a review interval; a follow-up falls due at each review."""

    case_id: uuid.UUID
    started_on: date
    review_interval_days: int
    measures: tuple[codes.Measure, ...] = ()
    planned_end_on: date | None = None


@dataclass(frozen=True)
class EndMonitoring:
    """A clinician ends a monitoring plan."""

    monitoring_plan_id: uuid.UUID
    ended_on: date


@dataclass(frozen=True)
class CloseEpisode:
    """Close the episode of care with a reason; its monitoring ends with it."""

    case_id: uuid.UUID
    reason: codes.ClosureReason


@dataclass(frozen=True)
class GiveFeedbackLink:
    """Give the person a one-use feedback link for an episode that closed without one."""

    case_id: uuid.UUID


# Service-user feedback: anonymous, the scores reported, the comment kept in the hub


@dataclass(frozen=True)
class GiveFeedback:
    """A service user's feedback, entered by the hub."""

    given_on: date
    stage: codes.FeedbackStage
    overall_experience: codes.FeedbackRating
    felt_listened_to: int | None = None
    easy_to_access: int | None = None
    helped: int | None = None
    confidentiality_trusted: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class GiveFeedbackByLink:
    """The person's own feedback through the one-use link given at closure: given the day it comes,
    at closure. The token only unlocks the answer; nothing of it is kept with the feedback."""

    token: str
    overall_experience: codes.FeedbackRating
    felt_listened_to: int | None = None
    easy_to_access: int | None = None
    helped: int | None = None
    confidentiality_trusted: int | None = None
    comment: str | None = None


# The hub's service directory


@dataclass(frozen=True)
class AddDirectoryService:
    """Add a local service the hub refers or signposts to."""

    name: str
    service_type: codes.ServiceType
    target_wait_days: int
    how_to_refer: str
    competencies: frozenset[Competency] = frozenset()
    languages: tuple[str, ...] = ()  # ISO 639 codes besides English
    active: bool = True
    contact: str | None = None  # the service's public referral contact, never a person's


@dataclass(frozen=True)
class UpdateDirectoryService:
    """Replace what the directory says of a service (set active false to stop referring to it)."""

    directory_service_id: uuid.UUID
    name: str
    service_type: codes.ServiceType
    target_wait_days: int
    how_to_refer: str
    competencies: frozenset[Competency] = frozenset()
    languages: tuple[str, ...] = ()
    active: bool = True
    contact: str | None = None
