"""Referrals: what a person (or a referrer, with their consent) tells the hub.
Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hubs.contracts import codes


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
    heard_of_hub_via: str | None

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
            "heard_of_hub_via": self.heard_of_hub_via,
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
    heard_of_hub_via: str | None
    status: str = "awaiting-first-contact"
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
    ) -> Referral:
        """A new referral, triaged by its risk screen, with its ReferralReceived event."""
        referral = cls(
            referral_id=uuid.uuid4(),
            case_id=uuid.uuid4(),
            source=source,
            received_at=received_at,
            urgency=risk_screen.urgency,
            staff_group=staff_group,
            employment_type=employment_type,
            at_risk_factors=sorted(set(at_risk_factors or [])),
            demographics=demographics or Demographics(),
            heard_of_hub_via=heard_of_hub_via,
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
                heard_of_hub_via,
            )
        )
        return referral
