"""The person's own answers to the risk questions: sealed with the referral's account (never in the
clear, never in an event), shown to clinicians on the audited read of the referral, apart from the
consent, carried in a transfer for the receiving hub alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.transfer_seal import TransferKeys, generate_key_pair
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.service_layer import handlers, transfers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Principal

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CLINICIAN = Principal("clin-1", "hub-a", frozenset({"clinician"}))


def context(hub_id: str = "hub-a", keys: TransferKeys | None = None) -> ReferralContext:
    return ReferralContext(hub_id=hub_id, vault=PersonalDataVault([Fernet.generate_key().decode()]), transfer_keys=keys)


def self_referral(screen: RiskScreen) -> commands.ReceiveReferral:
    return commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Person Q7T", email="person.q7t@example.org"),
        risk_screen=screen,
        consent=commands.Consent(given_by="self", given_at=NOW.isoformat(), method="online"),
        source=codes.ReferralSource.SELF,
    )


def test_the_answers_are_sealed_with_the_account_and_shown_on_the_audited_read_apart_from_the_consent(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(self_referral(RiskScreen(True, False)), uow, ctx, now=NOW)
    _, _, sealed_account = uow.referrals.stored[0]
    assert b"thoughts_of_self_harm" not in sealed_account
    assert "thoughts_of_self_harm" not in repr(uow.outbox.events)

    found = handlers.read_personal_details(intake.referral.referral_id, uow, ctx, CLINICIAN, "first-contact")

    assert found["risk_screen"] == {"thoughts_of_self_harm": True, "risk_to_others": False}
    assert "risk_screen" not in found["consent"]
    assert [a["action"] for a in uow.referrals.audits] == ["read-personal-details"]


def test_a_referral_received_before_the_answers_were_kept_reads_as_none(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(self_referral(RiskScreen(False, False)), uow, ctx, now=NOW)
    referral_id = intake.referral.referral_id
    sealed_personal, sealed_account = uow.referrals.sealed[referral_id]
    account = ctx.vault.open(sealed_account)
    del account["risk_screen"]  # as an account sealed by an earlier release
    uow.referrals.sealed[referral_id] = (sealed_personal, ctx.vault.seal(account))
    found = handlers.read_personal_details(referral_id, uow, ctx, CLINICIAN, "first-contact")
    assert found["risk_screen"] is None and found["consent"]["given_by"] == "self"


def test_the_answers_go_with_a_transfer_sealed_for_the_receiving_hub(tmp_path: Path, new_uow):
    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    a = context("hub-a", TransferKeys.from_settings("hub-a", {
        "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "a.key"), "HUBS_NEIGHBOUR_HUBS": f"hub-b={tmp_path / 'b.pub'}",
    }))  # fmt: skip
    b = context("hub-b", TransferKeys.from_settings("hub-b", {
        "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "b.key"), "HUBS_NEIGHBOUR_HUBS": f"hub-a={tmp_path / 'a.pub'}",
    }))  # fmt: skip
    uow_a = new_uow()
    sent = handlers.receive_referral(self_referral(RiskScreen(False, True)), uow_a, a, now=NOW).referral
    transfers.transfer_referral(
        commands.TransferReferral(sent.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW, "verbal"),
        uow_a, a, CLINICIAN, now=NOW + timedelta(hours=1),
    )  # fmt: skip
    uow_b = new_uow()
    uow_b.consume(transfers.receive_transfer, {"hub_id": "hub-a", "data": dict(uow_a.outbox.events[-2][1])}, b)
    [received] = uow_b.referrals.rows.values()
    found = handlers.read_personal_details(received.referral_id, uow_b, b, CLINICIAN, "transfer")
    assert found["risk_screen"] == {"thoughts_of_self_harm": False, "risk_to_others": True}
