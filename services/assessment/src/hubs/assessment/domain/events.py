"""Domain events of the assessment service, as the contracts name them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hubs.assessment.domain.outcomes import Outcomes

if TYPE_CHECKING:
    from hubs.assessment.domain.model import Assessment, FollowUp, Risk


@dataclass
class AssessmentCompleted:
    """Domain event: an assessment was completed and signed off."""

    data: dict[str, Any]

    event_type = "AssessmentCompleted"

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentCompleted:
        c, risk = assessment.completion, assessment.risk
        assert c is not None and risk is not None
        disciplines = sorted({p.discipline for p in c.practitioners})
        return cls(
            {
                "assessment_id": assessment.assessment_id,
                # Assessments made before referral ids were kept fall back to the case id.
                "referral_id": assessment.referral_id or assessment.case_id,
                "completed_at": c.completed_at,
                "multidisciplinary": len(disciplines) > 1,
                "disciplines": disciplines,
                "measures": c.measures.to_data(),
                "risk_level": risk.level,
                "work_situation": c.work_situation.situation,
                "off_sick_for_mental_health": c.work_situation.off_sick_for_mental_health,
                "outcome_decisions": list(c.outcome.decisions),
                "refer_on_to": list(c.outcome.refer_on_to),
                "signpost_to": list(c.outcome.signpost_to),
                "transfer_to_hub_id": c.outcome.transfer_to_hub_id,
                "monitoring_review_interval_days": c.outcome.monitoring_review_interval_days,
                "occupational_health_consent": c.occupational_health_consent_recorded_at is not None,
                "occupational_health_consent_recorded_at": c.occupational_health_consent_recorded_at,
                # Codes only, and only when a question was answered at assessment.
                "demographics": c.demographics.answered() or None,
            }
        )

    def to_data(self) -> dict[str, Any]:
        return self.data


@dataclass
class RiskEscalated:
    """Domain event: a raised risk was escalated; the case is on the urgent path."""

    risk_escalation_id: uuid.UUID
    escalated_at: datetime
    risk: Risk
    assessment_id: uuid.UUID | None

    event_type = "RiskEscalated"

    def to_data(self) -> dict[str, Any]:
        return {
            "risk_escalation_id": self.risk_escalation_id,
            "escalated_at": self.escalated_at,
            "risk_level": self.risk.level,
            "risk_to_self": self.risk.risk_to_self,
            "risk_to_others": self.risk.risk_to_others,
            "route": self.risk.route,
            "assessment_id": self.assessment_id,
        }


@dataclass
class FollowUpMeasured:
    """Domain event: follow-up measures were taken, with the case's outcomes so far."""

    follow_up: FollowUp
    assessment_id: uuid.UUID
    outcomes: Outcomes | None

    event_type = "FollowUpMeasured"

    def to_data(self) -> dict[str, Any]:
        f = self.follow_up
        assert f.measures is not None
        return {
            "follow_up_id": f.follow_up_id,
            "assessment_id": self.assessment_id,
            "measured_at": f.measured_at,
            "measures": f.measures.to_data(),
            "work_situation": f.work_situation,
            "outcomes": self.outcomes.to_data() if self.outcomes else None,
        }
