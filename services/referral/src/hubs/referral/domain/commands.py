"""Commands the referral service accepts (verbs; handlers carry them out)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Consent:
    """The person's consent to be referred: who gave it, when and how."""

    given_by: str
    given_at: str
    method: str


@dataclass(frozen=True)
class ReceiveSelfReferral:
    """A member of staff refers themself to the hub."""

    personal: PersonalDetails
    risk_screen: RiskScreen
    consent: Consent
    staff_group: codes.StaffGroup | None = None
    employment_type: codes.EmploymentType | None = None
    at_risk_factors: list[codes.AtRiskFactor] = field(default_factory=list)
    demographics: Demographics = field(default_factory=Demographics)
    heard_of_hub_via: str | None = None
