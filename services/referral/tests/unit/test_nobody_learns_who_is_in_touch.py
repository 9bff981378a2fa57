"""What a submission tells whoever sent it: its own reference, never another referral's; the same
writes whether or not the person was in touch; a clinician's look-up audited. And how the person
heard of the hub, in their own words, kept sealed with their details, transfers included."""

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
WORDS = "Jane Canary-W5T on ward 9 gave me a leaflet, OUT-7KQ2"


def context(hub_id: str = "hub-a", **kw) -> ReferralContext:
    return ReferralContext(hub_id=hub_id, vault=PersonalDataVault([Fernet.generate_key().decode()]), **kw)


def submission(email: str | None = None, phone: str | None = None, urgent: bool = False, **kw):
    return commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Anyone", email=email, phone=phone),
        risk_screen=RiskScreen(urgent, False),
        consent=commands.Consent("self", NOW.isoformat(), "online-form"),
        **kw,
    )


def test_a_linked_submission_has_an_id_of_its_own_for_its_reference(new_uow):
    uow, ctx = new_uow(), context()
    colleague = handlers.receive_referral(submission("colleague@example.org", "07700 900461"), uow, ctx, now=NOW)
    by_email = handlers.receive_referral(submission(email="colleague@example.org"), uow, ctx, now=NOW)
    by_phone = handlers.receive_referral(submission(phone="07700 900461"), uow, ctx, now=NOW)

    assert by_email.linked and by_phone.linked
    ids = {colleague.submission_id, by_email.submission_id, by_phone.submission_id}
    assert len(ids) == 3 and colleague.submission_id == colleague.referral.referral_id
    # The hub keeps each later one by the id its reference was made from.
    assert [link["link_id"] for link in uow.referrals.linked(colleague.referral.referral_id)] == [
        by_email.submission_id,
        by_phone.submission_id,
    ]


class Recorder:
    """The writes an intake makes, by kind, in order, with the events it offers whether kept or
    not: what its time depends on."""

    def __init__(self, uow):
        self.uow, self.writes = uow, []
        self._wrap(uow.referrals, "hold_and_find")
        self._wrap(
            uow.referrals, "receive", lambda args: f"receive {[r['event_type'] for r, _ in args[0].outbox_rows]}"
        )

    def _wrap(self, target, name, label=lambda _args: None):
        real = getattr(target, name)

        def recorded(*args, **kw):
            self.writes.append(label(args) or name)
            return real(*args, **kw)

        setattr(target, name, recorded)


def test_the_intake_writes_the_same_either_way_and_keeps_what_applies(new_uow):
    for urgent in (False, True):
        ctx = context()
        known, unknown = new_uow(), new_uow()
        handlers.receive_referral(submission("colleague@example.org"), known, ctx, now=NOW)
        handlers.receive_referral(submission("someone@example.org"), unknown, ctx, now=NOW)
        in_touch, not_in_touch = Recorder(known), Recorder(unknown)

        linked = handlers.receive_referral(submission("colleague@example.org", urgent=urgent), known, ctx, now=NOW)
        new = handlers.receive_referral(submission("nobody@example.org", urgent=urgent), unknown, ctx, now=NOW)

        assert linked.linked and not new.linked
        assert in_touch.writes == not_in_touch.writes
        # Both outcomes offered; the link kept for one (and the open referral made urgent by an
        # urgent screen), the new referral for the other.
        kept_known = [kept for _, kept in known.referrals.received[-1].outbox_rows]
        kept_unknown = [kept for _, kept in unknown.referrals.received[-1].outbox_rows]
        assert kept_known == ([False, False, True] if urgent else [False, False])
        assert kept_unknown == ([True, True, False] if urgent else [True, True])
        assert len(known.referrals.rows) == 1 and len(unknown.referrals.rows) == 2
        assert len(known.referrals.links) == 1 and not unknown.referrals.links


def test_a_clinician_told_whether_the_person_was_in_touch_leaves_an_audit_record(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(submission("colleague@example.org"), uow, ctx, now=NOW)
    assert uow.referrals.audits == []  # a self-referral is told nothing
    found = handlers.receive_referral(submission("colleague@example.org"), uow, ctx, now=NOW, told_to=CLINICIAN)
    new = handlers.receive_referral(submission("someone@example.org"), uow, ctx, now=NOW, told_to=CLINICIAN)

    assert [(a["subject"], a["action"], a["purpose"], a["referral_id"]) for a in uow.referrals.audits] == [
        ("clin-1", "look-up-person-found", "referral", first.referral.referral_id),
        ("clin-1", "look-up-person-not-found", "referral", new.referral.referral_id),
    ]
    assert found.linked and uow.referrals.audits[0]["case_id"] == first.referral.case_id


def test_how_they_heard_of_the_hub_is_sealed_read_on_the_audited_read_and_erased(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(submission("a@example.org", heard_of_hub_via=WORDS), uow, ctx, now=NOW)
    stored, sealed_personal, _ = uow.referrals.stored[0]
    assert "Canary" not in repr(stored) and stored.outreach_code == "OUT-7KQ2"
    assert b"Canary" not in sealed_personal

    found = handlers.read_personal_details(intake.referral.referral_id, uow, ctx, CLINICIAN, "first-contact")
    assert found["heard_of_hub_via"] == WORDS and "heard_of_hub_via" not in found["personal"]
    assert uow.referrals.audits[-1]["action"] == "read-personal-details"

    handlers.erase_on_request(commands.EraseReferral(intake.referral.referral_id), uow, CLINICIAN, now=NOW)
    erased = handlers.read_personal_details(intake.referral.referral_id, uow, ctx, CLINICIAN, "erasure-request")
    assert erased["heard_of_hub_via"] is None


def test_how_they_heard_of_the_hub_goes_with_a_transfer_sealed_and_the_code_alone_in_the_open(new_uow, tmp_path: Path):
    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    keys = {"a": ("b", tmp_path / "b.pub"), "b": ("a", tmp_path / "a.pub")}
    a, b = (
        context(
            f"hub-{name}",
            transfer_keys=TransferKeys.from_settings(
                f"hub-{name}",
                {
                    "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / f"{name}.key"),
                    "HUBS_NEIGHBOUR_HUBS": f"hub-{keys[name][0]}={keys[name][1]}",
                },
            ),
        )
        for name in ("a", "b")
    )
    uow_a, uow_b = new_uow(), new_uow()
    sent = handlers.receive_referral(submission("t@example.org", heard_of_hub_via=WORDS), uow_a, a, now=NOW).referral
    transfers.transfer_referral(
        commands.TransferReferral(sent.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW, "written"),
        uow_a, a, CLINICIAN, now=NOW + timedelta(days=1),
    )  # fmt: skip
    uow_b.consume(transfers.receive_transfer, {"hub_id": "hub-a", "data": dict(uow_a.outbox.events[-2][1])}, b)

    [received] = uow_b.referrals.rows.values()
    assert received.outreach_code == "OUT-7KQ2" and "Canary" not in repr(received)
    assert b.vault.open(uow_b.referrals.sealed[received.referral_id][0])["heard_of_hub_via"] == WORDS
    assert [e[1]["heard_of_hub_via"] for e in uow_b.outbox.events if e[0] == "ReferralReceived"] == ["OUT-7KQ2"]
