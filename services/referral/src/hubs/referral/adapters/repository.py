"""Storing and loading referrals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.referral.adapters.orm import consents, personal_details, referrals
from hubs.referral.domain.model import Demographics, Referral


class ReferralRepository:
    """Referrals of this hub, with their sealed personal details."""

    def __init__(self, session: Session):
        self._session = session
        self.seen: list[Referral] = []

    def add(self, referral: Referral, sealed_personal: bytes, sealed_consent: bytes) -> None:
        d = referral.demographics
        self._session.execute(
            insert(referrals).values(
                referral_id=referral.referral_id,
                case_id=referral.case_id,
                source=referral.source.value,
                received_at=referral.received_at,
                urgency=referral.urgency.value,
                status=referral.status,
                staff_group=referral.staff_group and referral.staff_group.value,
                employment_type=referral.employment_type and referral.employment_type.value,
                at_risk_factors=[f.value for f in referral.at_risk_factors],
                demographics={k: (v.value if v is not None else None) for k, v in vars(d).items()},
                heard_of_hub_via=referral.heard_of_hub_via,
            )
        )
        self._session.execute(insert(personal_details).values(referral_id=referral.referral_id, sealed=sealed_personal))
        self._session.execute(
            insert(consents).values(
                referral_id=referral.referral_id, sealed=sealed_consent, recorded_at=datetime.now(UTC)
            )
        )
        self.seen.append(referral)

    def get(self, referral_id: uuid.UUID) -> Referral | None:
        row = self._session.execute(select(referrals).where(referrals.c.referral_id == referral_id)).first()
        return _to_referral(row) if row else None

    def awaiting_first_contact(self) -> list[Referral]:
        rows = self._session.execute(
            select(referrals).where(referrals.c.status == "awaiting-first-contact").order_by(referrals.c.received_at)
        ).all()
        return [_to_referral(r) for r in rows]


def _to_referral(row) -> Referral:
    demo = row.demographics or {}
    enums = {
        "ethnic_category": codes.EthnicCategory,
        "sexual_orientation": codes.SexualOrientation,
        "gender_identity": codes.GenderIdentity,
        "gender_same_as_at_birth": codes.GenderSameAsAtBirth,
        "age_band": codes.AgeBand,
        "disability": codes.Disability,
    }
    received_at = row.received_at if row.received_at.tzinfo else row.received_at.replace(tzinfo=UTC)
    return Referral(
        referral_id=row.referral_id,
        case_id=row.case_id,
        source=codes.ReferralSource(row.source),
        received_at=received_at,
        urgency=codes.Urgency(row.urgency),
        staff_group=codes.StaffGroup(row.staff_group) if row.staff_group else None,
        employment_type=codes.EmploymentType(row.employment_type) if row.employment_type else None,
        at_risk_factors=[codes.AtRiskFactor(f) for f in row.at_risk_factors],
        demographics=Demographics(**{k: enums[k](v) if v else None for k, v in demo.items() if k in enums}),
        heard_of_hub_via=row.heard_of_hub_via,
        status=row.status,
    )
