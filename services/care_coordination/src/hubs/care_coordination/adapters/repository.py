"""Storing and loading onward referrals."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.orm import onward_referrals
from hubs.care_coordination.domain.model import OnwardReferral
from hubs.contracts import codes


class OnwardReferralRepository:
    def __init__(self, session: Session):
        self._session = session

    def add(self, referral: OnwardReferral) -> None:
        self._session.execute(
            insert(onward_referrals).values(
                onward_referral_id=referral.onward_referral_id,
                case_id=referral.case_id,
                service_type=referral.service_type.value,
                made_on=referral.made_on,
                status=referral.status,
            )
        )

    def for_case(self, case_id: uuid.UUID) -> list[OnwardReferral]:
        rows = self._session.execute(
            select(onward_referrals).where(onward_referrals.c.case_id == case_id).order_by(onward_referrals.c.made_on)
        ).all()
        return [
            OnwardReferral(r.onward_referral_id, r.case_id, codes.ServiceType(r.service_type), r.made_on, r.status)
            for r in rows
        ]
