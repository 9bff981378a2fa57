"""Commands the referral service accepts (verbs; handlers carry them out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hubs.contracts import codes
from hubs.referral.domain.model import Demographics, RiskScreen


@dataclass(frozen=True)
class PersonalDetails:
    """Direct identifiers: stored encrypted in this service only, never in an event."""

    name: str
    email: str | None = None
    phone: str | None = None
    employer: str | None = None
    job_role: str | None = None
    date_of_birth: str | None = None
    preferred_contact: str | None = None
    # Whether the hub may leave a voicemail, or send a text, that others might see or hear; None: not asked.
    voicemail_ok: bool | None = None
    text_ok: bool | None = None


@dataclass(frozen=True)
class Consent:
    """The person's consent to be referred: who gave it, when and how."""

    given_by: str
    given_at: str
    method: str


@dataclass(frozen=True)
class ReceiveReferral:
    """A referral: from the person themself (source `self`) or, with their consent, a referrer."""

    personal: PersonalDetails
    risk_screen: RiskScreen
    consent: Consent
    source: codes.ReferralSource = codes.ReferralSource.SELF
    referrer: dict | None = None  # who referred (a referrer's name, organisation, contact): sealed
    reason: str | None = None  # why they referred, in the referrer's words: sealed, like the referrer
    staff_group: codes.StaffGroup | None = None
    employment_type: codes.EmploymentType | None = None
    at_risk_factors: list[codes.AtRiskFactor] = field(default_factory=list)
    demographics: Demographics = field(default_factory=Demographics)
    heard_of_hub_via: str | None = None


@dataclass(frozen=True)
class RecordContactAttempt:
    referral_id: uuid.UUID
    attempted_at: datetime
    channel: codes.ContactChannel
    outcome: codes.ContactOutcome


@dataclass(frozen=True)
class TransferReferral:
    """The person asked to move to a neighbouring hub, and agreed to their details going there."""

    referral_id: uuid.UUID
    to_hub_id: str
    reason: codes.TransferReason
    consent_recorded_at: datetime
    consent_method: str


@dataclass(frozen=True)
class WithdrawReferral:
    referral_id: uuid.UUID
    reason: codes.WithdrawalReason


@dataclass(frozen=True)
class CloseReferral:
    referral_id: uuid.UUID
    reason: codes.ClosureReason


@dataclass(frozen=True)
class RaiseFitnessToPractiseConcern:
    referral_id: uuid.UUID
    concern: str


@dataclass(frozen=True)
class EraseReferral:
    """Erase a person's personal data on their request; pseudonymous facts stay."""

    referral_id: uuid.UUID


@dataclass(frozen=True)
class AssignCase:
    """Give the case to a clinician (their sign-in subject and display name); from another
    clinician only with a reason."""

    referral_id: uuid.UUID
    clinician: str
    name: str | None
    reason: codes.AssignmentReason | None = None


@dataclass(frozen=True)
class HandBackCase:
    referral_id: uuid.UUID
