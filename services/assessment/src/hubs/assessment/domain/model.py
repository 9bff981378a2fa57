"""Assessments and follow-ups. Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from hubs.assessment.domain import events
from hubs.assessment.domain.measures import MeasureSet
from hubs.assessment.domain.outcomes import Outcomes, Totals, outcomes
from hubs.contracts import codes

RISK_ORDER = (codes.RiskLevel.LOW, codes.RiskLevel.MODERATE, codes.RiskLevel.HIGH)
# How far another service's clock (or a client's) may run ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


class Refused(Exception):
    """The hub's rules refuse this change; `errors` says which fields and why."""

    def __init__(self, errors: dict[str, list[str]], *, conflict: bool = False):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
        self.conflict = conflict  # True: the request is fine but the case is not in a state for it


@dataclass(frozen=True)
class Practitioner:
    """A hub clinician who took part, by pseudonymous staff id and discipline."""

    practitioner_id: str
    discipline: codes.Discipline


@dataclass(frozen=True)
class WorkSituation:
    """At work, at work with adjustments or off sick (and then whether for mental health)."""

    situation: codes.WorkSituation
    off_sick_for_mental_health: bool | None = None

    def check(self) -> None:
        off_sick = self.situation is codes.WorkSituation.OFF_SICK
        if off_sick and self.off_sick_for_mental_health is None:
            raise Refused({"work_situation": ["say whether the sickness is for mental health reasons"]})
        if not off_sick and self.off_sick_for_mental_health is not None:
            raise Refused({"work_situation": ["sickness reasons apply only to a person off sick"]})


@dataclass(frozen=True)
class Demographics:
    """The person's answers to the equality questions: codes only, each None when not answered.
    A "not stated" code is an answer: the person preferred not to say."""

    ethnic_category: codes.EthnicCategory | None = None
    sexual_orientation: codes.SexualOrientation | None = None
    gender_identity: codes.GenderIdentity | None = None
    gender_same_as_at_birth: codes.GenderSameAsAtBirth | None = None
    age_band: codes.AgeBand | None = None
    disability: codes.Disability | None = None

    CODES: ClassVar[dict[str, type]] = codes.DEMOGRAPHIC_CODE_LISTS

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Demographics:
        """The answers among `values` (codes or their values); anything else is left out."""
        return cls(**{q: enum(values[q]) for q, enum in cls.CODES.items() if values.get(q)})

    def answered(self) -> dict[str, Any]:
        """The questions answered, by name, with their codes."""
        return {q: getattr(self, q) for q in self.CODES if getattr(self, q) is not None}


@dataclass(frozen=True)
class ClinicianRisk:
    """The assessing clinician's judgement of risk, and where a raised risk was escalated."""

    level: codes.RiskLevel = codes.RiskLevel.LOW
    risk_to_self: bool = False
    risk_to_others: bool = False
    route: codes.EscalationRoute | None = None


@dataclass(frozen=True)
class Risk:
    """Risk after the measures are taken into account: never lower than the clinician said."""

    level: codes.RiskLevel
    risk_to_self: bool
    risk_to_others: bool
    route: codes.EscalationRoute | None

    @property
    def raised(self) -> bool:
        return self.level is not codes.RiskLevel.LOW or self.risk_to_self or self.risk_to_others


def judge_risk(judgement: ClinicianRisk, measures: MeasureSet) -> Risk:
    """PHQ-9 item 9 above zero raises risk to at least moderate, with risk to self; a raised
    risk must say where it was escalated, so that it can never be dropped silently."""
    level, to_self = judgement.level, judgement.risk_to_self
    if measures.phq9 is not None and measures.phq9.item9_positive:
        to_self = True
        level = max(level, codes.RiskLevel.MODERATE, key=RISK_ORDER.index)
    if (judgement.risk_to_self or judgement.risk_to_others) and level is codes.RiskLevel.LOW:
        level = codes.RiskLevel.MODERATE
    risk = Risk(level, to_self, judgement.risk_to_others, judgement.route)
    if risk.raised and risk.route is None:
        raise Refused({"risk": ["a raised risk (PHQ-9 item 9 or the clinician's judgement) needs an escalation route"]})
    return risk


@dataclass(frozen=True)
class OutcomeDecision:
    """What the assessment decided, with its reasons (kept in the hub, sealed, never in an event;
    None in a record loaded from storage, where they are read only through an audited read)."""

    decisions: tuple[codes.OutcomeDecision, ...]
    reasons: str | None
    refer_on_to: tuple[codes.ServiceType, ...] = ()
    signpost_to: tuple[codes.ServiceType, ...] = ()
    transfer_to_hub_id: str | None = None
    monitoring_review_interval_days: int | None = None

    def check(self, risk: Risk, occupational_health_consent: bool) -> None:
        d, errors = set(self.decisions), {}
        if not d:
            errors["decisions"] = ["at least one decision is needed"]
        if codes.OutcomeDecision.NO_FURTHER_ACTION in d and len(d) > 1:
            errors["decisions"] = ["no further action cannot be combined with another decision"]
        if codes.OutcomeDecision.NO_FURTHER_ACTION in d and risk.raised:
            errors["decisions"] = ["a raised risk cannot end in no further action"]
        if (codes.OutcomeDecision.REFER_ON in d) != bool(self.refer_on_to):
            errors["refer_on_to"] = ["referring on needs the service types, and service types need that decision"]
        if (codes.OutcomeDecision.SIGNPOST in d) != bool(self.signpost_to):
            errors["signpost_to"] = ["signposting needs the service types, and service types need that decision"]
        if (codes.OutcomeDecision.TRANSFER_TO_ANOTHER_HUB in d) != bool(self.transfer_to_hub_id):
            errors["transfer_to_hub_id"] = ["a transfer needs the hub, and a hub needs the transfer decision"]
        if self.monitoring_review_interval_days is not None and codes.OutcomeDecision.MONITOR not in d:
            errors["monitoring_review_interval_days"] = ["a review interval needs the monitor decision"]
        if codes.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH in d and not occupational_health_consent:
            errors["occupational_health_consent"] = ["liaising with Occupational Health needs the person's consent"]
        if errors:
            raise Refused(errors)


@dataclass(frozen=True)
class Completion:
    """What a clinician records to complete and sign off an assessment."""

    practitioners: tuple[Practitioner, ...]
    measures: MeasureSet
    clinician_risk: ClinicianRisk
    work_situation: WorkSituation
    outcome: OutcomeDecision
    signed_off_by: str
    completed_at: datetime
    occupational_health_consent_recorded_at: datetime | None = None  # None: no consent
    # Equality answers given or corrected at assessment; the referral's stand for the rest.
    demographics: Demographics = field(default_factory=Demographics)


@dataclass
class FollowUp:
    """Follow-up measures of a case: due (asked for by care co-ordination) or measured."""

    follow_up_id: uuid.UUID
    case_id: uuid.UUID
    due_on: date | None
    measures_due: tuple[codes.Measure, ...]
    monitoring_plan_id: uuid.UUID | None = None
    measured_at: datetime | None = None
    measures: MeasureSet | None = None
    work_situation: codes.WorkSituation | None = None

    @property
    def status(self) -> str:
        return "measured" if self.measured_at else "due"


@dataclass
class Assessment:
    """A rapid assessment of one case; it starts as 'to-do' when a referral arrives."""

    assessment_id: uuid.UUID
    case_id: uuid.UUID
    urgency: codes.Urgency
    referred_at: datetime
    status: str = "to-do"
    referral_id: uuid.UUID | None = None
    completion: Completion | None = None
    risk: Risk | None = None
    first_contact_at: datetime | None = None  # when the referral service first reached the person
    closed_at: datetime | None = None  # when the case was withdrawn or closed, status "closed"
    closure_reason: codes.ClosureReason | None = None
    # The equality answers the referral recorded, shown to the assessing clinician; None when this
    # service has not heard them (a case received before it kept them).
    referral_demographics: Demographics | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def to_do(
        cls,
        case_id: uuid.UUID,
        urgency: codes.Urgency,
        referred_at: datetime,
        referral_id: uuid.UUID | None = None,
        referral_demographics: Demographics | None = None,
    ) -> Assessment:
        """An assessment the hub has yet to carry out for a newly referred case."""
        return cls(
            uuid.uuid4(),
            case_id,
            urgency,
            referred_at,
            referral_id=referral_id,
            referral_demographics=referral_demographics or Demographics(),
        )

    def record_first_contact(self, contacted_at: datetime) -> None:
        """The hub reached the person: the pathway goes on to the assessment. The earliest
        contact counts, however often (or in whatever order) it is told."""
        if self.first_contact_at is None or contacted_at < self.first_contact_at:
            self.first_contact_at = contacted_at

    def close_case(self, reason: codes.ClosureReason, at: datetime) -> bool:
        """The case was withdrawn or closed: it leaves the to-do list and its follow-ups stop being
        due. A completed assessment keeps its record. True if this closed it (once only)."""
        if self.status not in ("to-do", "completed"):
            return False
        self.status, self.closed_at, self.closure_reason = "closed", at, reason
        return True

    def _expect_case_open(self) -> None:
        if self.status == "closed":
            reason = self.closure_reason.value if self.closure_reason else "closed"
            raise Refused(
                {"case": [f"The case is closed ({reason}): nothing more is assessed or followed up on it."]},
                conflict=True,
            )

    def complete(self, completion: Completion) -> None:
        """Score, judge risk, check the decision, sign off; emits AssessmentCompleted (and RiskEscalated)."""
        self._expect_case_open()
        if self.status != "to-do":
            raise Refused({"status": [f"the assessment is {self.status}"]}, conflict=True)
        if self.first_contact_at is None:
            raise Refused(
                {"first_contact": ["First contact with the person must be recorded before the assessment."]},
                conflict=True,
            )
        if completion.completed_at + CLOCK_SKEW < self.first_contact_at:
            contacted = _when(self.first_contact_at)
            raise Refused(
                {"first_contact": [f"The assessment cannot come before first contact ({contacted})."]}, conflict=True
            )
        if not completion.practitioners:
            raise Refused({"practitioners": ["at least one practitioner carries out the assessment"]})
        if completion.measures.phq9 is None or completion.measures.gad7 is None:
            raise Refused({"measures": ["PHQ-9 and GAD-7 are taken at every assessment"]})
        completion.work_situation.check()
        risk = judge_risk(completion.clinician_risk, completion.measures)
        consent = completion.occupational_health_consent_recorded_at is not None
        completion.outcome.check(risk, consent)
        self.completion, self.risk, self.status = completion, risk, "completed"
        if risk.raised:
            self._escalate(risk, completion.completed_at)
        self.events.append(events.AssessmentCompleted.of(self))

    def escalate_risk(self, judgement: ClinicianRisk, at: datetime) -> None:
        """A clinician's judgement of risk between assessment and follow-up."""
        risk = judge_risk(judgement, MeasureSet())
        if not risk.raised:
            raise Refused({"level": ["only a raised risk is escalated"]})
        self._escalate(risk, at)

    def _escalate(self, risk: Risk, at: datetime) -> None:
        # A raised risk puts the case on the urgent path, and stays there.
        self.urgency = codes.Urgency.URGENT
        assessment_id = self.assessment_id if self.completion is not None else None
        self.events.append(events.RiskEscalated(uuid.uuid4(), at, risk, assessment_id))

    def record_follow_up(
        self,
        follow_up: FollowUp,
        measures: MeasureSet,
        measured_at: datetime,
        work_situation: codes.WorkSituation | None,
        judgement: ClinicianRisk,
        *,
        now: datetime,
    ) -> None:
        """Take follow-up measures against this assessment; emits FollowUpMeasured (and RiskEscalated)."""
        self._expect_case_open()
        if self.status != "completed":
            raise Refused({"status": ["follow-up measures come after the assessment"]}, conflict=True)
        if follow_up.measured_at is not None:
            raise Refused({"follow_up_id": ["this follow-up was already measured"]}, conflict=True)
        # The outcomes compare the assessment with the latest follow-up: one dated before the
        # assessment, or ahead of today, would report a recovery that never happened.
        if measured_at > now + CLOCK_SKEW:
            raise Refused({"measured_at": ["Must not be in the future."]})
        if measured_at < self.completion.completed_at:
            raise Refused(
                {"measured_at": [f"Must be on or after the assessment ({_when(self.completion.completed_at)})."]}
            )
        missing = [m for m in follow_up.measures_due if m in MeasureSet.FIELDS and m not in measures.taken]
        if missing:
            raise Refused({"measures": [f"due and not taken: {', '.join(missing)}"]})
        if not measures.taken:
            raise Refused({"measures": ["at least one measure is taken at a follow-up"]})
        risk = judge_risk(judgement, measures)
        follow_up.measured_at, follow_up.measures, follow_up.work_situation = measured_at, measures, work_situation
        if risk.raised:
            self._escalate(risk, measured_at)
        self.events.append(events.FollowUpMeasured(follow_up, self.assessment_id, self.outcomes_against(measures)))

    def outcomes_against(self, latest: MeasureSet) -> Outcomes | None:
        """Talking Therapies outcomes of the first (assessment) and `latest` measures, if both have PHQ-9 and GAD-7."""
        first = self.completion.measures if self.completion else None
        if first is None or not _has_totals(first) or not _has_totals(latest):
            return None
        return outcomes(Totals(first.phq9.total, first.gad7.total), Totals(latest.phq9.total, latest.gad7.total))


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _has_totals(measures: MeasureSet) -> bool:
    return measures.phq9 is not None and measures.gad7 is not None
