"""Handlers of the assessment service. Event handlers run inside the consumer's unit of
work (it records the event id and commits); they never commit themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hubs.assessment.domain.model import Assessment


def on_referral_received(event: Mapping[str, Any], uow) -> None:
    """A referral becomes an assessment to do (once per case)."""
    case_id = event["case_id"]
    if uow.assessments.for_case(case_id) is not None:
        return
    data = event["data"]
    uow.assessments.add(Assessment.to_do(case_id, data["urgency"], data["received_at"]))


EVENT_HANDLERS = {"ReferralReceived": on_referral_received}
