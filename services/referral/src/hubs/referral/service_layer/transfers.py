"""Transfers between hubs, at the person's request: sealed for the receiving hub alone on the
way out; opened, re-sealed with this hub's keys and queued with the original referral date on
the way in."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from hubs.contracts import codes
from hubs.referral.adapters.repository import DEMOGRAPHIC_CODES
from hubs.referral.adapters.transfer_seal import CannotOpenTransfer, key_id, open_sealed, seal_for
from hubs.referral.domain import commands, events
from hubs.referral.domain.model import Demographics, OutOfOrder, Referral, ReferralNotOpen, RiskScreen
from hubs.referral.service_layer.context import ReferralContext
from hubs.referral.service_layer.handlers import _audit, not_found, not_open, out_of_order
from hubs.referral.service_layer.unit_of_work import ReferralUow
from hubs.runtime.auth import Principal
from hubs.runtime.consumer import PoisonMessage
from hubs.runtime.refusals import Refused


def transfer_referral(
    cmd: commands.TransferReferral,
    uow: ReferralUow,
    ctx: ReferralContext,
    actor: Principal,
    now: datetime | None = None,
) -> uuid.UUID:
    """Seal the referral for a neighbouring hub, record the transfer and close the case here."""
    keys = ctx.transfer_keys
    public_key = keys.neighbours.get(cmd.to_hub_id) if keys else None
    if public_key is None:
        # The request is well formed; this hub is just not set up to send to that hub.
        raise Refused(
            "That hub is not a neighbour this hub can transfer to.",
            errors={"to_hub_id": ["Not a configured neighbouring hub."]},
            conflict=True,
            code="not-a-neighbour",
        )
    at = now or datetime.now(UTC)
    transfer_id = uuid.uuid4()
    with uow:
        referral = uow.referrals.get(cmd.referral_id, for_update=True)
        if referral is None:
            raise not_found()
        sealed_personal, sealed_consent = uow.referrals.sealed_personal(referral.referral_id)
        if sealed_personal is None:
            raise Refused("The personal data of this referral was erased.", conflict=True, code="erased")
        content = {
            "referral": _categories(referral),
            # With the person's own words of how they heard of the hub, which the receiving hub seals too.
            "personal": ctx.vault.open(sealed_personal),
            "consent": ctx.vault.open(sealed_consent) if sealed_consent else None,
            "transfer_consent": {"recorded_at": cmd.consent_recorded_at.isoformat(), "method": cmd.consent_method},
        }
        sealed = seal_for(public_key, content, transfer_id=str(transfer_id), from_hub=ctx.hub_id, to_hub=cmd.to_hub_id)
        try:
            referral.transfer_out(
                transfer_id=transfer_id,
                to_hub_id=cmd.to_hub_id,
                reason=cmd.reason,
                consent_recorded_at=cmd.consent_recorded_at,
                sealing_key_id=key_id(cmd.to_hub_id, public_key),
                sealed=sealed,
                at=at,
            )
        except ReferralNotOpen as exc:
            raise not_open(exc) from exc
        except OutOfOrder as exc:
            raise out_of_order(exc) from exc
        uow.referrals.save(referral)
        uow.referrals.record_transfer(
            transfer_id=transfer_id, referral_id=referral.referral_id, direction="out", other_hub_id=cmd.to_hub_id,
            reason=cmd.reason.value, consent_recorded_at=cmd.consent_recorded_at, recorded_at=at,
            recorded_by=actor.subject,
        )  # fmt: skip
        _audit(uow, actor, referral, "transfer-personal-details", "transfer")
        uow.commit()
    return transfer_id


def _categories(referral: Referral) -> dict[str, Any]:
    return {
        "received_at": referral.received_at.isoformat(),
        "source": referral.source.value,
        "urgency": referral.urgency.value,
        "staff_group": referral.staff_group and referral.staff_group.value,
        "employment_type": referral.employment_type and referral.employment_type.value,
        "at_risk_factors": [f.value for f in referral.at_risk_factors],
        "demographics": {k: v and v.value for k, v in asdict(referral.demographics).items()},
        # The outreach code alone: a hub of an earlier release keeps this field in plaintext.
        "heard_of_hub_via": referral.outreach_code,
    }


def receive_transfer(envelope: Mapping[str, Any], uow: ReferralUow, ctx: ReferralContext) -> None:
    """Worker handler (open uow, no commit): take over a referral a neighbour sealed for this hub."""
    data = envelope["data"]
    if data["to_hub_id"] != ctx.hub_id:
        return  # a transfer to another of the sender's neighbours: not ours to open
    if uow.referrals.transfer_known(data["transfer_id"]):
        return
    if ctx.transfer_keys is None or ctx.transfer_keys.private_key is None:
        raise PoisonMessage("this hub has no transfer key to open the referral with")
    try:
        content = open_sealed(
            ctx.transfer_keys.private_key,
            data["sealed_personal_details"],
            transfer_id=str(data["transfer_id"]),
            from_hub=envelope["hub_id"],
            to_hub=ctx.hub_id,
        )
        categories = content["referral"]
        received_at = datetime.fromisoformat(categories["received_at"])
        referral = Referral.receive(
            source=codes.ReferralSource.OTHER_HUB,
            received_at=received_at,
            risk_screen=RiskScreen(False, False),
            urgency=codes.Urgency(categories["urgency"]),
            staff_group=categories["staff_group"] and codes.StaffGroup(categories["staff_group"]),
            employment_type=categories["employment_type"] and codes.EmploymentType(categories["employment_type"]),
            at_risk_factors=[codes.AtRiskFactor(f) for f in categories["at_risk_factors"]],
            demographics=_demographics(categories["demographics"]),
            heard_of_hub_via=categories["heard_of_hub_via"],
        )
    except (CannotOpenTransfer, KeyError, ValueError, TypeError) as exc:
        raise PoisonMessage(f"the transferred referral cannot be opened: {type(exc).__name__}") from exc
    at = datetime.now(UTC)
    referral.transferred_from_hub = envelope["hub_id"]
    referral.triage(ctx.calendar, ctx.standard, at)
    referral.events.insert(
        0, events.ReferralTransferredIn(data["transfer_id"], envelope["hub_id"], referral.referral_id, at)
    )
    personal = content["personal"]
    # A hub of an earlier release sends the person's words among the categories: sealed here.
    personal.setdefault("heard_of_hub_via", categories["heard_of_hub_via"])
    consent = {**(content.get("consent") or {}), "transfer": content["transfer_consent"]}
    person_keys = ctx.vault.person_keys(personal.get("email"), personal.get("phone"))
    # A referral of the same person made here at this moment then links to this one, not beside it.
    uow.referrals.hold_person(person_keys)
    uow.referrals.add(referral, ctx.vault.seal(personal), ctx.vault.seal(consent), person_keys)
    uow.referrals.record_transfer(
        transfer_id=data["transfer_id"], referral_id=referral.referral_id, direction="in",
        other_hub_id=envelope["hub_id"], reason=data["reason"].value,
        consent_recorded_at=data["consent_recorded_at"], recorded_at=at, recorded_by=None,
    )  # fmt: skip


def _demographics(values: Mapping[str, Any]) -> Demographics:
    return Demographics(
        **{k: DEMOGRAPHIC_CODES[k](v) if v else None for k, v in values.items() if k in DEMOGRAPHIC_CODES}
    )
