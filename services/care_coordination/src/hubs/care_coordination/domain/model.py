"""Cases in care co-ordination: onward referrals tracked until treatment starts and ends,
waits against their targets, monitoring with follow-ups, and closure. Pure domain code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hubs.care_coordination.domain.directory import Competency
from hubs.care_coordination.domain.events import CareEvent
from hubs.contracts import codes

# Measures asked for at a follow-up: the two the clinical outcomes are defined on.
OUTCOME_MEASURES = (codes.Measure.PHQ_9, codes.Measure.GAD_7)


class Refused(Exception):
    """The hub's rules refuse this change; `errors` says which fields and why."""

    def __init__(self, errors: dict[str, list[str]], *, conflict: bool = False):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
        self.conflict = conflict


@dataclass
class OnwardReferral:
    """A referral from the hub to another service, tracked until treatment starts and ends."""

    onward_referral_id: uuid.UUID
    case_id: uuid.UUID
    service_type: codes.ServiceType
    made_on: date
    status: str = "awaiting-response"
    target_wait_days: int = 28
    directory_service_id: uuid.UUID | None = None
    assessment_id: uuid.UUID | None = None
    urgency: codes.Urgency | None = None
    accepted_on: date | None = None
    expected_start_on: date | None = None
    declined_on: date | None = None
    decline_reason: codes.OnwardReferralDeclineReason | None = None
    started_on: date | None = None
    ended_on: date | None = None
    end_reason: codes.TreatmentEndReason | None = None
    escalated_on: date | None = None
    contingency: codes.ContingencyAction | None = None
    events: list = field(default_factory=list, repr=False)

    WAITING = ("awaiting-response", "accepted")

    @classmethod
    def make(
        cls,
        case_id: uuid.UUID,
        service_type: codes.ServiceType,
        made_on: date,
        *,
        target_wait_days: int = 28,
        directory_service_id: uuid.UUID | None = None,
        assessment_id: uuid.UUID | None = None,
        urgency: codes.Urgency | None = None,
    ) -> OnwardReferral:
        """A new onward referral, with its OnwardReferralMade event."""
        referral = cls(
            uuid.uuid4(),
            case_id,
            service_type,
            made_on,
            target_wait_days=target_wait_days,
            directory_service_id=directory_service_id,
            assessment_id=assessment_id,
            urgency=urgency,
        )
        referral._emit(
            "OnwardReferralMade",
            service_type=service_type,
            directory_service_id=directory_service_id,
            made_on=made_on,
            assessment_id=assessment_id,
            urgency=urgency,
        )
        return referral

    def _emit(self, event_type: str, **data: Any) -> None:
        self.events.append(CareEvent(event_type, {"onward_referral_id": self.onward_referral_id, **data}))

    def _expect(self, *statuses: str, doing: str) -> None:
        if self.status not in statuses:
            raise Refused({"status": [f"cannot {doing}: the onward referral is {self.status}"]}, conflict=True)

    def _not_before_made(self, on: date, name: str) -> None:
        if on < self.made_on:
            raise Refused({name: ["cannot be before the referral was made"]})

    def accept(self, accepted_on: date, expected_start_on: date | None = None) -> None:
        """The service accepted the referral."""
        self._expect("awaiting-response", doing="accept")
        self._not_before_made(accepted_on, "accepted_on")
        if expected_start_on is not None and expected_start_on < accepted_on:
            raise Refused({"expected_start_on": ["cannot be before the service accepted the referral"]})
        self.status, self.accepted_on, self.expected_start_on = "accepted", accepted_on, expected_start_on
        self._emit("OnwardReferralAccepted", accepted_on=accepted_on, expected_start_on=expected_start_on)

    def decline(self, declined_on: date, reason: codes.OnwardReferralDeclineReason) -> None:
        """The service declined the referral: the hub must find another route."""
        self._expect("awaiting-response", "accepted", doing="decline")
        self._not_before_made(declined_on, "declined_on")
        self._not_before_accepted(declined_on, "declined_on")
        self.status, self.declined_on, self.decline_reason = "declined", declined_on, reason
        self._emit("OnwardReferralDeclined", declined_on=declined_on, reason=reason)

    def _not_before_accepted(self, on: date, name: str) -> None:
        if self.accepted_on is not None and on < self.accepted_on:
            raise Refused({name: ["cannot be before the service accepted the referral"]})

    def start_treatment(self, started_on: date) -> None:
        """Treatment started: the wait for treatment ends."""
        self._expect("awaiting-response", "accepted", doing="start treatment")
        self._not_before_made(started_on, "started_on")
        self._not_before_accepted(started_on, "started_on")
        self.status, self.started_on = "in-treatment", started_on
        self.accepted_on = self.accepted_on or started_on
        self._emit("TreatmentStarted", service_type=self.service_type, started_on=started_on)

    def end_treatment(self, ended_on: date, reason: codes.TreatmentEndReason) -> None:
        """Treatment ended; the hub follows the person up (a FollowUpDue is raised by the case)."""
        self._expect("in-treatment", doing="end treatment")
        assert self.started_on is not None
        if ended_on < self.started_on:
            raise Refused({"ended_on": ["cannot be before treatment started"]})
        self.status, self.ended_on, self.end_reason = "treatment-ended", ended_on, reason
        self._emit("TreatmentEnded", ended_on=ended_on, reason=reason)

    def withdraw(self, on: date) -> bool:
        """The person withdrew from the hub: a referral still waiting (not yet in treatment) is called
        off, as declined by the person (OnwardReferralDeclined, person-declined). Treatment already
        under way is the person's own with that service, so it is left as it stands. True if withdrawn."""
        if not self.waiting:
            return False
        declined_on = max(on, self.made_on)
        self.status, self.declined_on = "withdrawn", declined_on
        self.decline_reason = codes.OnwardReferralDeclineReason.PERSON_DECLINED
        self._emit("OnwardReferralDeclined", declined_on=declined_on, reason=self.decline_reason)
        return True

    @property
    def waiting(self) -> bool:
        return self.status in self.WAITING

    def waited_days(self, today: date) -> int:
        """Days from referral to treatment starting (or to today while still waiting)."""
        until = self.started_on or (today if self.waiting else self.declined_on or today)
        return max((until - self.made_on).days, 0)

    def over_target(self, today: date) -> bool:
        return self.waiting and self.waited_days(today) > self.target_wait_days

    def escalate_if_over_target(self, today: date, contingency: codes.ContingencyAction) -> bool:
        """Past its target and not yet escalated: trigger the contingency (WaitEscalated), once."""
        if not self.over_target(today) or self.escalated_on is not None:
            return False
        self.escalated_on, self.contingency = today, contingency
        self._emit(
            "WaitEscalated",
            escalated_on=today,
            waited_days=self.waited_days(today),
            threshold_days=self.target_wait_days,
            contingency=contingency,
        )
        return True


@dataclass
class MonitoringPlan:
    """Regular follow-up of a person after assessment, at a review interval."""

    monitoring_plan_id: uuid.UUID
    case_id: uuid.UUID
    started_on: date
    review_interval_days: int
    measures: tuple[codes.Measure, ...]
    next_due_on: date
    planned_end_on: date | None = None
    ended_on: date | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def start(
        cls,
        case_id: uuid.UUID,
        started_on: date,
        review_interval_days: int,
        measures: tuple[codes.Measure, ...] = OUTCOME_MEASURES,
        planned_end_on: date | None = None,
    ) -> MonitoringPlan:
        """A new plan, with its MonitoringStarted event; the first follow-up is one interval on."""
        if not 1 <= review_interval_days <= 365:
            raise Refused({"review_interval_days": ["must be from 1 to 365 days"]})
        if planned_end_on is not None and planned_end_on <= started_on:
            raise Refused({"planned_end_on": ["must be after the start"]})
        plan = cls(
            uuid.uuid4(),
            case_id,
            started_on,
            review_interval_days,
            tuple(dict.fromkeys(measures or OUTCOME_MEASURES)),
            next_due_on=started_on + timedelta(days=review_interval_days),
            planned_end_on=planned_end_on,
        )
        plan.events.append(
            CareEvent(
                "MonitoringStarted",
                {
                    "monitoring_plan_id": plan.monitoring_plan_id,
                    "started_on": started_on,
                    "review_interval_days": review_interval_days,
                    "measures": list(plan.measures),
                    "planned_end_on": planned_end_on,
                },
            )
        )
        return plan

    @property
    def active(self) -> bool:
        return self.ended_on is None

    def follow_ups_due(self, today: date) -> list[FollowUpAsked]:
        """Every review point reached by `today` asks for a follow-up (FollowUpDue), once each;
        past the planned end, monitoring ends."""
        asked = []
        end = self.planned_end_on
        while self.active and self.next_due_on <= today and (end is None or self.next_due_on <= end):
            asked.append(FollowUpAsked.ask(self.case_id, self.next_due_on, self.measures, self.monitoring_plan_id))
            self.next_due_on += timedelta(days=self.review_interval_days)
        if self.active and end is not None and today >= end and self.next_due_on > end:
            self.end(end)
        return asked

    def end_as_recorded(self, ended_on: date) -> None:
        """A clinician ended monitoring on a day, which cannot be before it started."""
        if self.active and ended_on < self.started_on:
            raise Refused({"ended_on": ["cannot be before monitoring started"]})
        self.end(ended_on)

    def end(self, ended_on: date) -> None:
        """Monitoring ended (MonitoringEnded); an end before the start (a closure dated by the
        clock, say) is taken as the start."""
        if not self.active:
            raise Refused({"status": ["monitoring already ended"]}, conflict=True)
        self.ended_on = max(ended_on, self.started_on)
        self.events.append(
            CareEvent("MonitoringEnded", {"monitoring_plan_id": self.monitoring_plan_id, "ended_on": self.ended_on})
        )


@dataclass
class FollowUpAsked:
    """A follow-up the hub asked the assessment service to measure (FollowUpDue)."""

    follow_up_id: uuid.UUID
    case_id: uuid.UUID
    due_on: date
    measures_due: tuple[codes.Measure, ...]
    monitoring_plan_id: uuid.UUID | None = None

    @classmethod
    def ask(
        cls,
        case_id: uuid.UUID,
        due_on: date,
        measures: tuple[codes.Measure, ...] = OUTCOME_MEASURES,
        monitoring_plan_id: uuid.UUID | None = None,
    ) -> FollowUpAsked:
        return cls(uuid.uuid4(), case_id, due_on, tuple(measures), monitoring_plan_id)

    def event(self) -> CareEvent:
        return CareEvent(
            "FollowUpDue",
            {
                "follow_up_id": self.follow_up_id,
                "due_on": self.due_on,
                "measures_due": list(self.measures_due),
                "monitoring_plan_id": self.monitoring_plan_id,
            },
        )


@dataclass
class Case:
    """A case as care co-ordination knows it: open from referral until the episode closes."""

    case_id: uuid.UUID
    opened_at: datetime
    urgency: codes.Urgency = codes.Urgency.ROUTINE
    status: str = "open"
    competencies_wanted: frozenset[Competency] = frozenset()
    assessment_id: uuid.UUID | None = None
    measures_taken: tuple[codes.Measure, ...] = ()
    occupational_health_consent_recorded_at: datetime | None = None
    closed_at: datetime | None = None
    closure_reason: codes.ClosureReason | None = None
    # Whether the person was given a feedback link at closure (which link is never kept with the case).
    feedback_link_given: bool = False
    events: list = field(default_factory=list, repr=False)

    @property
    def open(self) -> bool:
        return self.status == "open"

    def expect_open(self) -> None:
        if not self.open:
            raise Refused({"case": [f"the episode is {self.status}"]}, conflict=True)

    def expect_assessed_by(self, made_on: date, assessed_on: date | None) -> None:
        """An onward referral follows the assessment: none before it, none without it."""
        if self.assessment_id is None or assessed_on is None:
            raise Refused(
                {"case_id": ["the case has no completed assessment: refer on once it has been assessed"]},
                conflict=True,
            )
        if made_on < assessed_on:
            raise Refused({"made_on": [f"cannot be before the case was assessed ({assessed_on.isoformat()})"]})

    def escalate(self) -> None:
        """A raised risk puts the case on the urgent path; it stays there."""
        self.urgency = codes.Urgency.URGENT

    def liaise_with_occupational_health(self, liaised_on: date) -> CareEvent:
        """Only with the person's recorded consent (guidance, section 3.6)."""
        self.expect_open()
        if self.occupational_health_consent_recorded_at is None:
            raise Refused(
                {"consent": ["the person has not consented to liaison with Occupational Health"]}, conflict=True
            )
        liaison = CareEvent(
            "OccupationalHealthLiaised",
            {
                "liaison_id": uuid.uuid4(),
                "liaised_on": liaised_on,
                "consent_recorded_at": self.occupational_health_consent_recorded_at,
            },
        )
        self.events.append(liaison)
        return liaison

    def close(self, reason: codes.ClosureReason, at: datetime, plans: list[MonitoringPlan]) -> None:
        """Close the episode with a reason; active monitoring ends with it (EpisodeClosed)."""
        self.expect_open()
        for plan in plans:
            if plan.active:
                plan.end(at.date())
        self.status, self.closed_at, self.closure_reason = "closed", at, reason
        self.events.append(CareEvent("EpisodeClosed", {"closed_at": at, "reason": reason}))


def competencies_for(referral: dict[str, Any]) -> frozenset[Competency]:
    """What a referral's demographics codes suggest a service should be competent in."""
    wanted = set()
    ethnic = referral.get("ethnic_category")
    white = {codes.EthnicCategory.WHITE_BRITISH, codes.EthnicCategory.WHITE_IRISH, codes.EthnicCategory.WHITE_OTHER}
    unknown = {codes.EthnicCategory.NOT_STATED, codes.EthnicCategory.NOT_KNOWN}
    if ethnic is not None and ethnic not in white | unknown:
        wanted.add(Competency.BAME)
    if (
        referral.get("sexual_orientation")
        in (
            codes.SexualOrientation.GAY_OR_LESBIAN,
            codes.SexualOrientation.BISEXUAL,
            codes.SexualOrientation.OTHER,
        )
        or referral.get("gender_same_as_at_birth") is codes.GenderSameAsAtBirth.NO
    ):
        wanted.add(Competency.LGBT_PLUS)
    if referral.get("disability") is codes.Disability.YES:
        wanted.add(Competency.DISABILITY)
    return frozenset(wanted)
