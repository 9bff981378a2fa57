"""The reason for referral a referrer gives: sealed with the referrer's account, shown only on the
audited read, kept for a referral linked to an open one, erased with the rest, carried in a
transfer for the receiving hub alone, and never in an event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.transfer_seal import TransferKeys, generate_key_pair
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.entrypoints.schemas import ThirdPartyReferralSchema
from hubs.referral.service_layer import handlers, transfers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Principal

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CLINICIAN = Principal("clin-1", "hub-a", frozenset({"clinician"}))
LEAD = Principal("lead-1", "hub-a", frozenset({"hub-lead"}))
REASON = "Canary worry R8W: tearful on shift since the ward's second wave, not sleeping."
LATER_REASON = "Canary GP note R8W: low mood, asked for help."


def context(hub_id: str = "hub-a", keys: TransferKeys | None = None) -> ReferralContext:
    return ReferralContext(hub_id=hub_id, vault=PersonalDataVault([Fernet.generate_key().decode()]), transfer_keys=keys)


def referral_by(source=codes.ReferralSource.LINE_MANAGER, reason: str | None = REASON) -> commands.ReceiveReferral:
    return commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Canary Person-R8W", email="canary.r8w@example.org"),
        risk_screen=RiskScreen(False, False),
        consent=commands.Consent(given_by="the person referred", given_at=NOW.isoformat(), method="verbal"),
        source=source,
        referrer={"name": "Canary Manager-R8W"},
        reason=reason,
        staff_group=codes.StaffGroup.NURSING_AND_MIDWIFERY,
    )


def test_the_reason_is_sealed_with_the_referrers_account_and_never_in_an_event(new_uow):
    uow, ctx = new_uow(), context()
    handlers.receive_referral(referral_by(), uow, ctx, now=NOW)
    _, sealed_personal, sealed_account = uow.referrals.stored[0]
    assert b"R8W" not in sealed_account and b"tearful" not in sealed_account
    assert ctx.vault.open(sealed_account)["reason"] == REASON
    assert "reason" not in ctx.vault.open(sealed_personal)
    assert uow.outbox.types() == ["ReferralReceived", "ReferralTriaged"]
    assert "R8W" not in repr(uow.outbox.events) and "tearful" not in repr(uow.outbox.events)


def test_the_audited_read_shows_the_reason_apart_from_the_consent(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(referral_by(), uow, ctx, now=NOW)
    found = handlers.read_personal_details(intake.referral.referral_id, uow, ctx, CLINICIAN, "first-contact")
    assert found["reason"] == REASON
    assert "reason" not in found["consent"] and found["consent"]["referrer"] == {"name": "Canary Manager-R8W"}
    assert [a["action"] for a in uow.referrals.audits] == ["read-personal-details"]


def test_a_referral_without_a_reason_reads_as_none(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(referral_by(reason=None), uow, ctx, now=NOW)
    found = handlers.read_personal_details(intake.referral.referral_id, uow, ctx, CLINICIAN, "first-contact")
    assert found["reason"] is None


def test_the_reason_of_a_second_referral_of_the_same_person_is_kept_with_its_link(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(referral_by(), uow, ctx, now=NOW)
    second = handlers.receive_referral(
        referral_by(codes.ReferralSource.GP, LATER_REASON), uow, ctx, now=NOW + timedelta(hours=2)
    )
    assert second.linked
    [(_, _, _, sealed)] = uow.referrals.links
    assert b"R8W" not in sealed
    found = handlers.read_personal_details(first.referral.referral_id, uow, ctx, LEAD, "care-coordination")
    assert found["reason"] == REASON
    assert [(link["source"], link["reason"]) for link in found["linked_referrals"]] == [("gp", LATER_REASON)]
    assert "R8W" not in repr(uow.outbox.events)


def test_erasure_on_request_removes_the_reason_and_the_linked_reasons(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(referral_by(), uow, ctx, now=NOW)
    handlers.receive_referral(referral_by(codes.ReferralSource.GP, LATER_REASON), uow, ctx, now=NOW)
    handlers.erase_on_request(commands.EraseReferral(first.referral.referral_id), uow, LEAD)
    found = handlers.read_personal_details(first.referral.referral_id, uow, ctx, LEAD, "erasure-request")
    assert found["reason"] is None and found["consent"] is None
    assert [(link["source"], link["reason"]) for link in found["linked_referrals"]] == [("gp", None)]


def test_the_reason_is_erased_when_retention_has_passed(new_uow):
    uow, ctx = new_uow(), context()
    old = handlers.receive_referral(referral_by(), uow, ctx, now=NOW - ctx.retention - timedelta(days=1000)).referral
    handlers.close_referral(
        commands.CloseReferral(old.referral_id, codes.ClosureReason.SIGNPOSTED),
        uow,
        now=NOW - ctx.retention - timedelta(days=1),
    )
    assert handlers.erase_expired(uow, ctx, now=NOW) == 1
    assert handlers.read_personal_details(old.referral_id, uow, ctx, LEAD, "erasure-request")["reason"] is None


def test_the_reason_goes_with_a_transfer_sealed_for_the_receiving_hub(tmp_path: Path, new_uow):
    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    a = context("hub-a", TransferKeys.from_settings("hub-a", {
        "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "a.key"), "HUBS_NEIGHBOUR_HUBS": f"hub-b={tmp_path / 'b.pub'}",
    }))  # fmt: skip
    b = context("hub-b", TransferKeys.from_settings("hub-b", {
        "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "b.key"), "HUBS_NEIGHBOUR_HUBS": f"hub-a={tmp_path / 'a.pub'}",
    }))  # fmt: skip
    uow_a = new_uow()
    sent = handlers.receive_referral(referral_by(), uow_a, a, now=NOW).referral
    transfers.transfer_referral(
        commands.TransferReferral(sent.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW, "verbal"),
        uow_a, a, CLINICIAN, now=NOW + timedelta(hours=1),
    )  # fmt: skip
    assert "R8W" not in repr(uow_a.outbox.events) and "tearful" not in repr(uow_a.outbox.events)
    uow_b = new_uow()
    uow_b.consume(transfers.receive_transfer, {"hub_id": "hub-a", "data": dict(uow_a.outbox.events[-2][1])}, b)
    [received] = uow_b.referrals.rows.values()
    found = handlers.read_personal_details(received.referral_id, uow_b, b, CLINICIAN, "transfer")
    assert found["reason"] == REASON


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_reason_is_accepted_as_no_reason(blank):
    assert ThirdPartyReferralSchema().validate({**_valid_body(), "reason": blank}) == {}


def test_a_reason_over_two_thousand_characters_is_refused_on_its_field():
    assert ThirdPartyReferralSchema().validate({**_valid_body(), "reason": "x" * 2000}) == {}
    errors = ThirdPartyReferralSchema().validate({**_valid_body(), "reason": "x" * 2001})
    assert errors == {"reason": ["The reason for referral must be 2,000 characters or fewer."]}


def test_a_reason_may_run_over_several_lines_but_has_no_other_control_characters():
    assert ThirdPartyReferralSchema().validate({**_valid_body(), "reason": "First line.\r\nSecond\tline."}) == {}
    assert set(ThirdPartyReferralSchema().validate({**_valid_body(), "reason": "bell\x07"})) == {"reason"}


def _valid_body() -> dict:
    return {
        "name": "Canary Person-R8W",
        "email": "canary.r8w@example.org",
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "source": "line-manager",
        "referrer": {"name": "Canary Manager-R8W"},
        "consent": {"given_by": "the person referred", "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
    }
