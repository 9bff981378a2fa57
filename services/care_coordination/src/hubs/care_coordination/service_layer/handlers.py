"""Handlers of the care-coordination service."""

from __future__ import annotations

import uuid
from datetime import date

from hubs.care_coordination.domain.model import OnwardReferral
from hubs.contracts import codes
from hubs.runtime.unit_of_work import emit_all


def make_onward_referral(case_id: uuid.UUID, service_type: codes.ServiceType, made_on: date, uow) -> OnwardReferral:
    """Record an onward referral and emit OnwardReferralMade."""
    referral = OnwardReferral.make(case_id, service_type, made_on)
    with uow:
        uow.onward_referrals.add(referral)
        emit_all(uow.outbox, referral.events, case_id=case_id)
        uow.commit()
    return referral


EVENT_HANDLERS: dict = {}
