"""Transfers between hubs (sealed for the receiving hub alone), audited reads of personal data,
fitness-to-practise concerns, retention and erasure."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.transfer_seal import (
    CannotOpenTransfer,
    TransferKeys,
    generate_key_pair,
    open_sealed,
    seal_for,
)
from hubs.referral.bootstrap import DEFINITION
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.service_layer import handlers, transfers
from hubs.runtime.auth import Principal
from hubs.runtime.consumer import PoisonMessage
from hubs.runtime.refusals import Refusal
from hubs.runtime.settings import Settings

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CLINICIAN = Principal("clin-1", "hub-a", frozenset({"clinician"}))
LEAD = Principal("lead-1", "hub-a", frozenset({"hub-lead"}))


def vault() -> PersonalDataVault:
    return PersonalDataVault([Fernet.generate_key().decode()])


@pytest.fixture
def hubs(tmp_path: Path):
    """Hub A and its neighbour hub B, each with a transfer key pair; A knows B's public key."""
    from hubs.referral.service_layer.context import ReferralContext

    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    a = ReferralContext(
        hub_id="hub-a",
        vault=vault(),
        transfer_keys=TransferKeys.from_settings(
            "hub-a",
            {
                "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "a.key"),
                "HUBS_NEIGHBOUR_HUBS": f"hub-b={tmp_path / 'b.pub'}",
            },
        ),
    )
    b = ReferralContext(
        hub_id="hub-b",
        vault=vault(),
        transfer_keys=TransferKeys.from_settings(
            "hub-b",
            {
                "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "b.key"),
                "HUBS_NEIGHBOUR_HUBS": f"hub-a={tmp_path / 'a.pub'}",
            },
        ),
    )
    return a, b


def refer(uow, ctx, at=NOW, urgent=False):
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Canary Transfer-T9", email="canary.t9@example.org"),
        risk_screen=RiskScreen(urgent, False),
        consent=commands.Consent("self", at.isoformat(), "online-form"),
        staff_group=codes.StaffGroup.PHARMACY,
    )
    return handlers.receive_referral(cmd, uow, ctx, now=at).referral


def test_a_sealed_referral_opens_only_with_the_receiving_hubs_key_and_its_own_transfer():
    receiver, stranger = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    sealed = seal_for(receiver.public_key(), {"name": "X"}, transfer_id="t1", from_hub="a", to_hub="b")
    assert open_sealed(receiver, sealed, transfer_id="t1", from_hub="a", to_hub="b") == {"name": "X"}
    for key, tid, to in ((stranger, "t1", "b"), (receiver, "t2", "b"), (receiver, "t1", "c")):
        with pytest.raises(CannotOpenTransfer):
            open_sealed(key, sealed, transfer_id=tid, from_hub="a", to_hub=to)
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(CannotOpenTransfer):
        open_sealed(receiver, tampered, transfer_id="t1", from_hub="a", to_hub="b")


def test_transfer_out_seals_for_the_neighbour_closes_here_and_is_audited(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    transfer_id = transfers.transfer_referral(
        commands.TransferReferral(referral.referral_id, "hub-b", codes.TransferReason.CONFIDENTIALITY, NOW, "verbal"),
        uow, a, CLINICIAN, now=NOW + timedelta(hours=1),
    )  # fmt: skip
    assert uow.outbox.types()[-2:] == ["ReferralTransferredOut", "ReferralClosed"]
    out = uow.outbox.events[-2][1]
    assert out["to_hub_id"] == "hub-b" and out["sealing_key_id"].startswith("hub-b:")
    assert "Canary" not in repr(uow.outbox.events) and "example.org" not in repr(uow.outbox.events)
    stored = uow.referrals.rows[referral.referral_id]
    assert stored.status == "transferred-out"
    assert stored.closure_reason is codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB
    assert uow.referrals.transfers[0]["transfer_id"] == transfer_id and uow.referrals.transfers[0]["direction"] == "out"
    assert uow.referrals.audits[-1]["purpose"] == "transfer" and uow.referrals.audits[-1]["subject"] == "clin-1"


def test_transfer_only_to_a_configured_neighbour(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    with pytest.raises(Refusal) as refused:
        transfers.transfer_referral(
            commands.TransferReferral(referral.referral_id, "hub-z", codes.TransferReason.SHORTER_WAIT, NOW, "verbal"),
            uow, a, CLINICIAN,
        )  # fmt: skip
    assert refused.value.status == 409


def _transfer(a, uow, urgent=False):
    referral = refer(uow, a, urgent=urgent)
    transfers.transfer_referral(
        commands.TransferReferral(referral.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW, "written"),
        uow, a, CLINICIAN, now=NOW + timedelta(days=3),
    )  # fmt: skip
    data = dict(uow.outbox.events[-2][1])
    return referral, {"hub_id": "hub-a", "data": data}


def test_the_receiving_hub_queues_the_case_with_its_original_referral_date(hubs, new_uow):
    a, b = hubs
    sent, envelope = _transfer(a, new_uow(), urgent=True)
    uow_b = new_uow()
    uow_b.consume(transfers.receive_transfer, envelope, b)
    [received] = uow_b.referrals.rows.values()
    assert received.received_at == NOW and received.urgency is codes.Urgency.URGENT
    assert received.source is codes.ReferralSource.OTHER_HUB and received.transferred_from_hub == "hub-a"
    assert received.case_id != sent.case_id
    assert b.vault.open(uow_b.referrals.sealed[received.referral_id][0])["name"] == "Canary Transfer-T9"
    assert uow_b.outbox.types() == ["ReferralTransferredIn", "ReferralReceived", "ReferralTriaged"]
    assert uow_b.commits == 1  # the worker's, with the event id: the handler leaves the commit to it
    # the same event again has no second effect
    uow_b.consume(transfers.receive_transfer, envelope, b)
    assert len(uow_b.referrals.rows) == 1


def test_a_transfer_to_another_hub_is_ignored_and_a_damaged_one_is_poison(hubs, new_uow):
    a, b = hubs
    _, envelope = _transfer(a, new_uow())
    other = {"hub_id": "hub-a", "data": {**envelope["data"], "to_hub_id": "hub-c"}}
    uow_b = new_uow()
    uow_b.consume(transfers.receive_transfer, other, b)
    assert not uow_b.referrals.rows
    damaged = {"hub_id": "hub-a", "data": {**envelope["data"], "transfer_id": uuid.uuid4()}}
    with pytest.raises(PoisonMessage):
        uow_b.consume(transfers.receive_transfer, damaged, b)


def test_every_read_of_personal_data_is_audited_with_its_purpose(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    found = handlers.read_personal_details(referral.referral_id, uow, a, CLINICIAN, "first-contact")
    assert found["personal"]["email"] == "canary.t9@example.org"
    [record] = uow.referrals.audits
    expected = {"subject": "clin-1", "roles": "clinician", "hub_id": "hub-a", "purpose": "first-contact"}
    assert record == {**record, **expected, "referral_id": referral.referral_id, "case_id": referral.case_id}
    handlers.access_audit(uow, LEAD)
    assert uow.referrals.audits[-1]["action"] == "read-access-audit"


def test_rotating_keys_reseals_every_personal_value_with_the_newest_key_and_is_audited(hubs, new_uow):
    older, newest = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    a = replace(hubs[0], vault=PersonalDataVault([older]))
    uow = new_uow()
    referral = refer(uow, a)
    rotated = replace(a, vault=PersonalDataVault([newest, older]))

    assert handlers.rotate_keys(uow, rotated, LEAD) == 2  # the person's details and their consent

    only_the_newest = replace(a, vault=PersonalDataVault([newest]))
    found = handlers.read_personal_details(referral.referral_id, uow, only_the_newest, LEAD, "first-contact")
    assert found["personal"]["email"] == "canary.t9@example.org"
    assert [r["action"] for r in uow.referrals.audits] == ["rotate-personal-data-keys", "read-personal-details"]


def test_a_fitness_to_practise_concern_is_sealed_and_its_reading_audited(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    handlers.raise_concern(
        commands.RaiseFitnessToPractiseConcern(referral.referral_id, "Concern text"), uow, a, CLINICIAN
    )
    assert b"Concern text" not in uow.referrals.concerns[0]["sealed"]
    [concern] = handlers.read_concerns(referral.referral_id, uow, a, LEAD)
    assert concern["concern"] == "Concern text"
    assert [r["purpose"] for r in uow.referrals.audits] == ["fitness-to-practise", "fitness-to-practise"]


def test_personal_data_is_erased_after_retention_and_pseudonymous_facts_stay(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    old = refer(uow, a, at=NOW - a.retention - timedelta(days=1000))
    handlers.close_referral(
        commands.CloseReferral(old.referral_id, codes.ClosureReason.CARE_COMPLETED),
        uow,
        now=NOW - a.retention - timedelta(days=1),
    )
    recent = refer(uow, a)
    assert handlers.erase_expired(uow, a, now=NOW) == 1
    assert uow.referrals.sealed[old.referral_id] == (None, None)
    assert uow.referrals.rows[old.referral_id].staff_group is codes.StaffGroup.PHARMACY
    assert uow.referrals.sealed[recent.referral_id][0] is not None
    assert handlers.erase_expired(uow, a, now=NOW) == 0


def test_erasure_on_request_removes_personal_data_now(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    handlers.erase_on_request(commands.EraseReferral(referral.referral_id), uow, LEAD)
    found = handlers.read_personal_details(referral.referral_id, uow, a, LEAD, "erasure-request")
    assert found["personal"] is None and found["consent"] is None
    assert uow.referrals.audits[0]["action"] == "erase-personal-data"


def erasures(uow) -> list[tuple[dict, uuid.UUID]]:
    """The PersonalDataErased events queued, with their case ids."""
    return [(data, case_id) for event_type, data, case_id in uow.outbox.events if event_type == "PersonalDataErased"]


def test_erasure_on_request_tells_the_hubs_other_services_with_codes_only(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    referral = refer(uow, a)
    handlers.erase_on_request(commands.EraseReferral(referral.referral_id), uow, LEAD, now=NOW)
    [(data, case_id)] = erasures(uow)
    assert case_id == referral.case_id
    assert data == {
        "referral_id": referral.referral_id, "erased_at": NOW, "reason": codes.ErasureReason.PERSON_REQUESTED,
    }  # fmt: skip
    assert "canary" not in repr(data).lower()


def test_erasure_once_retention_has_passed_tells_the_hubs_other_services_once(hubs, new_uow):
    a, _ = hubs
    uow = new_uow()
    old = refer(uow, a, at=NOW - a.retention - timedelta(days=1000))
    handlers.close_referral(
        commands.CloseReferral(old.referral_id, codes.ClosureReason.CARE_COMPLETED),
        uow,
        now=NOW - a.retention - timedelta(days=1),
    )
    refer(uow, a)
    handlers.erase_expired(uow, a, now=NOW)
    handlers.erase_expired(uow, a, now=NOW + timedelta(days=1))
    assert erasures(uow) == [
        ({"referral_id": old.referral_id, "erased_at": NOW, "reason": codes.ErasureReason.RETENTION}, old.case_id)
    ]


def test_the_referral_worker_takes_transfers_from_referral_topics_and_closures_from_its_care_topic(tmp_path: Path):
    # Of care's events only EpisodeClosed reaches a referral handler (OnwardReferralDeclined,
    # MonitoringEnded... do not), and it closes only a referral still open: see test_episode_closed.
    settings = replace(
        Settings.from_env("referral"),
        database_url=f"sqlite:///{tmp_path}/referral.db",
        topic_prefix="",
        extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()},
    )
    wiring = DEFINITION.bootstrap(settings)
    try:
        specs = DEFINITION.consumers(wiring)
        assert [(spec.name, set(spec.handlers)) for spec in specs] == [
            ("transfers-in", {"ReferralTransferredOut"}),
            ("care", {"EpisodeClosed"}),
        ]
        transfers_in, care = specs
        assert all(topic.endswith(".referral.events.v1") for topic in transfers_in.topics)
        assert care.topics == [f"hub.{settings.hub_id}.care.events.v1"]  # this hub's own care topic
    finally:
        wiring.engine.dispose()
