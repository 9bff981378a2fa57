"""Handlers: plain functions that carry out one command in one unit of work."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.model import Referral
from hubs.runtime.unit_of_work import emit_all


def receive_self_referral(
    cmd: commands.ReceiveSelfReferral, uow, vault: PersonalDataVault, now: datetime | None = None
) -> Referral:
    """Store a self-referral (personal details sealed) and emit ReferralReceived."""
    referral = Referral.receive(
        source=codes.ReferralSource.SELF,
        received_at=now or datetime.now(UTC),
        risk_screen=cmd.risk_screen,
        staff_group=cmd.staff_group,
        employment_type=cmd.employment_type,
        at_risk_factors=cmd.at_risk_factors,
        demographics=cmd.demographics,
        heard_of_hub_via=cmd.heard_of_hub_via,
    )
    with uow:
        uow.referrals.add(referral, vault.seal(asdict(cmd.personal)), vault.seal(asdict(cmd.consent)))
        emit_all(uow.outbox, referral.events, case_id=referral.case_id)
        uow.commit()
    return referral
