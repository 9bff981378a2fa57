"""Referrals: what a person (or a referrer, with their consent) tells the hub.
Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hubs.contracts import codes
from hubs.contracts.outreach_codes import find_outreach_code
from hubs.referral.domain import events
from hubs.referral.domain.working_days import FirstContactStandard, WorkingCalendar

AWAITING_FIRST_CONTACT = "awaiting-first-contact"
CONTACTED = "contacted"
WITHDRAWN = "withdrawn"
CLOSED = "closed"
TRANSFERRED_OUT = "transferred-out"
OPEN_STATUSES = (AWAITING_FIRST_CONTACT, CONTACTED)


# How a referral awaiting first contact stands against its standard (the waiting gauges' states).
WAITING_STATES = ("on-time", "due-today", "breached")


def waiting_state(due: datetime | None, now: datetime, end_of_day: datetime) -> str:
    """On time (due after today, or no deadline), due today, or breached (due by now)."""
    if due is None or due > end_of_day:
        return "on-time"
    return "breached" if due <= now else "due-today"


@dataclass(frozen=True)
class CaseloadFilter:
    """Which open cases to list: by stage, by who holds them (a clinician's subject, or nobody),
    whose record someone opened, urgency, raised risk, how they stand against the first-contact
    standard (`waiting`, at `now` with today ending at `end_of_day`), reference, or among `case_ids`."""

    statuses: tuple[str, ...] = (AWAITING_FIRST_CONTACT, CONTACTED)
    assigned_to: str | None = None
    unassigned: bool = False
    opened_by: str | None = None
    urgency: codes.Urgency | None = None
    raised_risk: bool = False
    waiting: str | None = None
    now: datetime | None = None
    end_of_day: datetime | None = None
    reference: str | None = None
    # Only these cases (a list another service keeps: follow-ups due, people waiting for a service).
    case_ids: tuple[uuid.UUID, ...] | None = None


class ReferralNotOpen(Exception):
    """The referral is withdrawn, closed or transferred: nothing more can happen to it."""


class OutOfOrder(ValueError):
    """A date that the pathway's order forbids; `field` names the answer that is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class ReasonNeeded(OutOfOrder):
    """A case held by one clinician goes to another only with a reason."""

    def __init__(self):
        super().__init__("reason", "Say why the case goes to another clinician.")


class NotAssigned(Exception):
    """Nobody holds the case, so there is nothing to hand back."""


class ContactBeforeReferral(OutOfOrder):
    """A contact attempt (and so first contact) cannot come before the referral was received."""

    def __init__(self):
        super().__init__("attempted_at", "A contact attempt cannot come before the referral was received.")


class ConsentBeforeReferral(OutOfOrder):
    """The person's agreement to a transfer is about this referral, so it cannot be older than it."""

    def __init__(self):
        super().__init__("consent.recorded_at", "The person's agreement cannot come before the referral was received.")


@dataclass(frozen=True)
class ContactAttempt:
    """One try at reaching the person: when, how and what came of it."""

    contact_attempt_id: uuid.UUID
    attempted_at: datetime
    channel: codes.ContactChannel
    outcome: codes.ContactOutcome
    attempt_number: int


@dataclass(frozen=True)
class RiskScreen:
    """The short risk screen asked at referral; any 'yes' makes the referral urgent."""

    thoughts_of_self_harm: bool
    risk_to_others: bool

    @property
    def urgency(self) -> codes.Urgency:
        if self.thoughts_of_self_harm or self.risk_to_others:
            return codes.Urgency.URGENT
        return codes.Urgency.ROUTINE


@dataclass(frozen=True)
class Demographics:
    """Codes only; every field may be left unstated."""

    ethnic_category: codes.EthnicCategory | None = None
    sexual_orientation: codes.SexualOrientation | None = None
    gender_identity: codes.GenderIdentity | None = None
    gender_same_as_at_birth: codes.GenderSameAsAtBirth | None = None
    age_band: codes.AgeBand | None = None
    disability: codes.Disability | None = None


@dataclass
class ReferralReceived:
    """Domain event: a referral was accepted by the hub."""

    referral_id: uuid.UUID
    received_at: datetime
    source: codes.ReferralSource
    urgency: codes.Urgency
    staff_group: codes.StaffGroup | None
    employment_type: codes.EmploymentType | None
    at_risk_factors: list[codes.AtRiskFactor]
    demographics: Demographics
    outreach_code: str | None

    event_type = "ReferralReceived"

    def to_data(self) -> dict:
        d = self.demographics
        return {
            "referral_id": self.referral_id,
            "received_at": self.received_at,
            "source": self.source,
            "urgency": self.urgency,
            "staff_group": self.staff_group,
            "employment_type": self.employment_type,
            "at_risk_factors": sorted(self.at_risk_factors),
            "ethnic_category": d.ethnic_category,
            "sexual_orientation": d.sexual_orientation,
            "gender_identity": d.gender_identity,
            "gender_same_as_at_birth": d.gender_same_as_at_birth,
            "age_band": d.age_band,
            "disability": d.disability,
            # Only an outreach code leaves the service: the person's own words stay here, sealed.
            "heard_of_hub_via": self.outreach_code,
        }


@dataclass
class Referral:
    """A referral to the hub; `case_id` is the pseudonym every other service knows it by."""

    referral_id: uuid.UUID
    case_id: uuid.UUID
    source: codes.ReferralSource
    received_at: datetime
    urgency: codes.Urgency
    staff_group: codes.StaffGroup | None
    employment_type: codes.EmploymentType | None
    at_risk_factors: list[codes.AtRiskFactor]
    demographics: Demographics
    # The outreach code named in how the person heard of the hub; their own words are personal
    # and kept sealed with their details, never here.
    outreach_code: str | None = None
    status: str = AWAITING_FIRST_CONTACT
    first_contact_due_by: datetime | None = None
    first_contacted_at: datetime | None = None
    contact_attempts: list[ContactAttempt] = field(default_factory=list)
    closed_at: datetime | None = None
    closure_reason: codes.ClosureReason | None = None
    transferred_from_hub: str | None = None
    erased_at: datetime | None = None
    # Who holds the case: the clinician's sign-in subject and display name (staff data, kept here).
    assigned_to: str | None = None
    assigned_to_name: str | None = None
    assigned_at: datetime | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def receive(
        cls,
        *,
        source: codes.ReferralSource,
        received_at: datetime,
        risk_screen: RiskScreen,
        staff_group: codes.StaffGroup | None = None,
        employment_type: codes.EmploymentType | None = None,
        at_risk_factors: list[codes.AtRiskFactor] | None = None,
        demographics: Demographics | None = None,
        heard_of_hub_via: str | None = None,
        urgency: codes.Urgency | None = None,
    ) -> Referral:
        """A new referral, triaged by its risk screen, with its ReferralReceived event. Of how the
        person heard of the hub, only the outreach code it names is kept on the referral."""
        referral = cls(
            referral_id=uuid.uuid4(),
            case_id=uuid.uuid4(),
            source=source,
            received_at=received_at,
            urgency=urgency or risk_screen.urgency,
            staff_group=staff_group,
            employment_type=employment_type,
            at_risk_factors=sorted(set(at_risk_factors or [])),
            demographics=demographics or Demographics(),
            outreach_code=find_outreach_code(heard_of_hub_via),
        )
        referral.events.append(
            ReferralReceived(
                referral.referral_id,
                received_at,
                source,
                referral.urgency,
                staff_group,
                employment_type,
                referral.at_risk_factors,
                referral.demographics,
                referral.outreach_code,
            )
        )
        return referral

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _require_open(self) -> None:
        if not self.is_open:
            raise ReferralNotOpen(self.status)

    def triage(self, calendar: WorkingCalendar, standard: FirstContactStandard, at: datetime) -> None:
        """Set when first contact is due: urgent in working hours, routine in working days from receipt."""
        urgent = self.urgency is codes.Urgency.URGENT
        self.first_contact_due_by = standard.due_by(calendar, self.received_at, urgent)
        self.events.append(
            events.ReferralTriaged(
                self.referral_id, at, codes.TriageDecision.ACCEPTED, self.urgency, self.first_contact_due_by
            )
        )

    def escalate(self, calendar: WorkingCalendar, standard: FirstContactStandard, at: datetime) -> bool:
        """A later risk screen said "yes": the open referral becomes urgent, due from now."""
        if self.urgency is codes.Urgency.URGENT or self.status != AWAITING_FIRST_CONTACT:
            return False
        self.urgency = codes.Urgency.URGENT
        due = standard.due_by(calendar, at, urgent=True)
        self.first_contact_due_by = min(due, self.first_contact_due_by or due)
        self.events.append(
            events.ReferralTriaged(
                self.referral_id, at, codes.TriageDecision.ACCEPTED, self.urgency, self.first_contact_due_by
            )
        )
        return True

    def record_contact_attempt(
        self,
        attempted_at: datetime,
        channel: codes.ContactChannel,
        outcome: codes.ContactOutcome,
        attempt_id: uuid.UUID | None = None,
    ) -> ContactAttempt:
        """Record a try at reaching the person; the first success fixes the time to first contact."""
        self._require_open()
        if attempted_at < self.received_at:
            raise ContactBeforeReferral()
        attempt = ContactAttempt(
            attempt_id or uuid.uuid4(), attempted_at, channel, outcome, len(self.contact_attempts) + 1
        )
        self.contact_attempts.append(attempt)
        self.events.append(
            events.ContactAttempted(
                attempt.contact_attempt_id, self.referral_id, attempted_at, attempt.attempt_number, channel, outcome
            )
        )
        if outcome is codes.ContactOutcome.CONTACTED and self.first_contacted_at is None:
            self.first_contacted_at = attempted_at
            self.status = CONTACTED
            self.events.append(
                events.FirstContactMade(
                    self.referral_id, attempt.contact_attempt_id, self.received_at, attempted_at, channel
                )
            )
        return attempt

    def breached(self) -> bool:
        """First contact came (or is still to come) after it was due."""
        if self.first_contact_due_by is None:
            return False
        return self.first_contacted_at is not None and self.first_contacted_at > self.first_contact_due_by

    def withdraw(self, reason: codes.WithdrawalReason, at: datetime) -> None:
        """The person (or their withdrawn consent) ends the referral; it closes as withdrawn."""
        self._require_open()
        self.events.append(events.ReferralWithdrawn(self.referral_id, at, reason))
        self._close(codes.ClosureReason.WITHDRAWN, at)
        self.status = WITHDRAWN

    def close(self, reason: codes.ClosureReason, at: datetime) -> None:
        """Close the referral with a reason; its retention period starts now."""
        self._require_open()
        self._close(reason, at)

    def _close(self, reason: codes.ClosureReason, at: datetime) -> None:
        self.status = CLOSED
        self.closed_at = at
        self.closure_reason = reason
        self.events.append(events.ReferralClosed(self.referral_id, at, reason))

    def assign(
        self, clinician: str, name: str | None, at: datetime, reason: codes.AssignmentReason | None = None
    ) -> bool:
        """A clinician holds the case from now. Taking it from another clinician is a re-assignment,
        which needs a reason; giving it to whoever holds it already changes nothing (False)."""
        self._require_open()
        if clinician == self.assigned_to:
            return False
        reassignment = self.assigned_to is not None
        if reassignment and reason is None:
            raise ReasonNeeded()
        self.assigned_to, self.assigned_to_name, self.assigned_at = clinician, name, at
        self.events.append(
            events.CaseAssigned(self.referral_id, at, True, reassignment, reason if reassignment else None)
        )
        return True

    def hand_back(self, at: datetime) -> None:
        """The clinician who holds the case gives it up: nobody holds it until someone takes it."""
        self._require_open()
        if self.assigned_to is None:
            raise NotAssigned()
        self.assigned_to = self.assigned_to_name = self.assigned_at = None
        self.events.append(events.CaseAssigned(self.referral_id, at, False, False, None))

    def personal_data_erased(self, at: datetime, reason: codes.ErasureReason) -> None:
        """The person's details were erased (the pseudonymous facts stay): the hub's other services
        are told, so that they erase their own free text of the case too."""
        self.erased_at = at
        self.events.append(events.PersonalDataErased(self.referral_id, at, reason))

    def transfer_out(
        self,
        *,
        transfer_id: uuid.UUID,
        to_hub_id: str,
        reason: codes.TransferReason,
        consent_recorded_at: datetime,
        sealing_key_id: str,
        sealed: str,
        at: datetime,
    ) -> None:
        """Hand the referral to another hub, sealed for it alone; this hub closes it as transferred."""
        self._require_open()
        if consent_recorded_at < self.received_at:
            raise ConsentBeforeReferral()
        self.events.append(
            events.ReferralTransferredOut(
                transfer_id, self.referral_id, to_hub_id, at, reason, consent_recorded_at, sealing_key_id, sealed
            )
        )
        self._close(codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB, at)
        self.status = TRANSFERRED_OUT
