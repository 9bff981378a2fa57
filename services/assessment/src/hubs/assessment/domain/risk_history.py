"""A case's risk history: every escalation of a raised risk, at assessment, at a follow-up or
between sittings, kept as it was made. Pure domain code.

The `RiskEscalated` event carries codes only; who escalated (their sign-in subject and the name
the hub's staff know them by) is kept here, in the service, for the clinicians who read the case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hubs.assessment.domain.events import RiskEscalated
from hubs.contracts import codes


class Occasion(StrEnum):
    """When in the pathway the risk was escalated."""

    ASSESSMENT = "assessment"
    FOLLOW_UP = "follow-up"
    BETWEEN_SITTINGS = "between-sittings"


@dataclass(frozen=True)
class RiskEscalation:
    """One escalation of a raised risk: when, how raised, where to, and who escalated it."""

    risk_escalation_id: uuid.UUID  # the id its RiskEscalated event carries
    case_id: uuid.UUID
    escalated_at: datetime
    level: codes.RiskLevel
    risk_to_self: bool
    risk_to_others: bool
    route: codes.EscalationRoute
    occasion: Occasion
    escalated_by: str  # the clinician's sign-in subject
    escalated_by_name: str  # their name as the hub's staff know them

    @classmethod
    def of(
        cls, event: RiskEscalated, case_id: uuid.UUID, occasion: Occasion, *, by: str, by_name: str | None
    ) -> RiskEscalation:
        """The escalation an event announces, with who made it (the subject when no name is given)."""
        risk = event.risk
        assert risk.route is not None  # a raised risk is never escalated without its route
        return cls(
            risk_escalation_id=event.risk_escalation_id,
            case_id=case_id,
            escalated_at=event.escalated_at,
            level=risk.level,
            risk_to_self=risk.risk_to_self,
            risk_to_others=risk.risk_to_others,
            route=risk.route,
            occasion=occasion,
            escalated_by=by,
            escalated_by_name=by_name or by,
        )
