"""Onward referrals. Pure domain code: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes


@dataclass
class OnwardReferralMade:
    """Domain event: the hub referred the person on."""

    onward_referral_id: uuid.UUID
    service_type: codes.ServiceType
    made_on: date

    event_type = "OnwardReferralMade"

    def to_data(self) -> dict:
        return {
            "onward_referral_id": self.onward_referral_id,
            "service_type": self.service_type,
            "made_on": self.made_on,
        }


@dataclass
class OnwardReferral:
    """A referral from the hub to another service, tracked until treatment starts and ends."""

    onward_referral_id: uuid.UUID
    case_id: uuid.UUID
    service_type: codes.ServiceType
    made_on: date
    status: str = "awaiting-response"
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def make(cls, case_id: uuid.UUID, service_type: codes.ServiceType, made_on: date) -> OnwardReferral:
        referral = cls(uuid.uuid4(), case_id, service_type, made_on)
        referral.events.append(OnwardReferralMade(referral.onward_referral_id, service_type, made_on))
        return referral
