"""What the care-coordination integration tests share."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from hubs.care_coordination.service_layer import reactions
from hubs.contracts import codes


@pytest.fixture
def assess():
    """Complete an assessment of a case as the worker takes AssessmentCompleted (the person is
    signposted to self-help): a case is referred on only once assessed. Returns the assessment id."""

    def assess(service, case_id, completed_at: datetime | None = None) -> uuid.UUID:
        assessment_id = uuid.uuid4()
        event = {
            "case_id": uuid.UUID(str(case_id)),
            "occurred_at": completed_at or datetime.now(UTC),
            "data": {
                "assessment_id": assessment_id,
                "completed_at": completed_at or datetime.now(UTC),
                "outcome_decisions": [codes.OutcomeDecision.SIGNPOST],
                "measures": {},
                "risk_level": codes.RiskLevel.LOW,
                "occupational_health_consent": False,
                "occupational_health_consent_recorded_at": None,
                "refer_on_to": [],
                "signpost_to": [codes.ServiceType.SELF_HELP],
                "monitoring_review_interval_days": None,
            },
        }
        with service.wiring.uow_factory() as uow:
            reactions.make_on_assessment_completed(service.wiring.extras["policy"])(event, uow)
            uow.commit()
        return assessment_id

    return assess
