"""Stakeholder engagement that promotes the hub's referral pathways. Pure domain code.

Kept in the hub only: it names organisations and what was agreed with them, and the
national data set has no item for it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from hubs.outreach.domain.refusals import Refused


class StakeholderType(StrEnum):
    """Who the hub met to promote its referral pathways."""

    OCCUPATIONAL_HEALTH = "occupational-health"
    HR = "hr"
    HEALTH_AND_WELLBEING_TEAM = "health-and-wellbeing-team"
    GP_PRACTICE = "gp-practice"
    EMPLOYER_LEADERSHIP = "employer-leadership"
    STAFF_NETWORK = "staff-network"
    TRADE_UNION = "trade-union"
    MENTAL_HEALTH_SERVICE = "mental-health-service"
    THIRD_SECTOR = "third-sector"
    SOCIAL_CARE_PROVIDER = "social-care-provider"
    NEIGHBOURING_HUB = "neighbouring-hub"
    OTHER = "other"


class Pathway(StrEnum):
    """Which way into the hub was promoted."""

    SELF_REFERRAL = "self-referral"
    OCCUPATIONAL_HEALTH_REFERRAL = "occupational-health-referral"
    MANAGER_REFERRAL = "manager-referral"
    GP_REFERRAL = "gp-referral"
    HR_OR_WELLBEING_REFERRAL = "hr-or-wellbeing-referral"
    ONWARD_REFERRAL_FROM_HUB = "onward-referral-from-hub"


@dataclass
class StakeholderEngagement:
    """A meeting with a stakeholder: who, when, which pathways, what was agreed."""

    engagement_id: uuid.UUID
    stakeholder: str
    stakeholder_type: StakeholderType
    held_on: date
    pathways: list[Pathway]
    agreed: str
    follow_up_on: date | None = None
    campaign_id: uuid.UUID | None = None
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def record(
        cls,
        *,
        stakeholder: str,
        stakeholder_type: StakeholderType,
        held_on: date,
        pathways: list[Pathway],
        agreed: str,
        follow_up_on: date | None = None,
        campaign_id: uuid.UUID | None = None,
    ) -> StakeholderEngagement:
        """Record a meeting that took place."""
        if not pathways:
            raise Refused("Name at least one referral pathway that was promoted.", "pathways")
        if follow_up_on is not None and follow_up_on < held_on:
            raise Refused("A follow-up cannot come before the meeting.", "follow_up_on")
        return cls(
            uuid.uuid4(),
            " ".join(stakeholder.split()),
            stakeholder_type,
            held_on,
            sorted(set(pathways)),
            agreed.strip(),
            follow_up_on,
            campaign_id,
        )
