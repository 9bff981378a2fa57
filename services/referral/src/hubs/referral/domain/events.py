"""Domain events of a referral (past tense); each names the contract it is published under."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from hubs.contracts import codes


@dataclass
class _Event:
    event_type = ""

    def to_data(self) -> dict[str, Any]:
        # Its fields as they are (flat values: the envelope makes its JSON of them); asdict's
        # deep copy of every UUID and time was a twentieth of a self-referral's time.
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class ReferralTriaged(_Event):
    referral_id: uuid.UUID
    triaged_at: datetime
    decision: codes.TriageDecision
    urgency: codes.Urgency
    first_contact_due_by: datetime | None

    event_type = "ReferralTriaged"


@dataclass
class ContactAttempted(_Event):
    contact_attempt_id: uuid.UUID
    referral_id: uuid.UUID
    attempted_at: datetime
    attempt_number: int
    channel: codes.ContactChannel
    outcome: codes.ContactOutcome

    event_type = "ContactAttempted"


@dataclass
class FirstContactMade(_Event):
    referral_id: uuid.UUID
    contact_attempt_id: uuid.UUID
    referral_received_at: datetime
    contacted_at: datetime
    channel: codes.ContactChannel
    working_hours: float | None = None  # filled in by the service layer, which knows the hub's calendar

    event_type = "FirstContactMade"


@dataclass
class ReferralTransferredOut(_Event):
    transfer_id: uuid.UUID
    referral_id: uuid.UUID
    to_hub_id: str
    transferred_at: datetime
    reason: codes.TransferReason
    consent_recorded_at: datetime
    sealing_key_id: str
    sealed_personal_details: str

    event_type = "ReferralTransferredOut"


@dataclass
class ReferralTransferredIn(_Event):
    transfer_id: uuid.UUID
    from_hub_id: str
    referral_id: uuid.UUID
    received_at: datetime

    event_type = "ReferralTransferredIn"


@dataclass
class ReferralWithdrawn(_Event):
    referral_id: uuid.UUID
    withdrawn_at: datetime
    reason: codes.WithdrawalReason

    event_type = "ReferralWithdrawn"


@dataclass
class ReferralClosed(_Event):
    referral_id: uuid.UUID
    closed_at: datetime
    reason: codes.ClosureReason

    event_type = "ReferralClosed"


@dataclass
class PersonalDataErased(_Event):
    referral_id: uuid.UUID
    erased_at: datetime
    reason: codes.ErasureReason

    event_type = "PersonalDataErased"


@dataclass
class CaseAssigned(_Event):
    """Who holds the case changed; never who (staff data stays in this service)."""

    referral_id: uuid.UUID
    assigned_at: datetime
    assigned: bool
    reassignment: bool
    reason: codes.AssignmentReason | None

    event_type = "CaseAssigned"
