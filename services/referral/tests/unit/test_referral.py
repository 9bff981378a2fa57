"""Receiving a self-referral: triage by the risk screen, sealing of personal details,
and the event other services see."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.model import Referral, RiskScreen
from hubs.referral.service_layer import handlers

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


class FakeReferrals:
    def __init__(self):
        self.stored = []

    def add(self, referral, sealed_personal, sealed_consent):
        self.stored.append((referral, sealed_personal, sealed_consent))


class FakeOutbox:
    def __init__(self):
        self.events = []

    def add(self, event_type, data, *, case_id=None, aggregate_id=None, national=False):
        self.events.append((event_type, data, case_id))


class FakeUnitOfWork:
    def __init__(self):
        self.referrals = FakeReferrals()
        self.outbox = FakeOutbox()
        self.committed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def commit(self):
        self.committed = True


def command(self_harm: bool = False) -> commands.ReceiveSelfReferral:
    return commands.ReceiveSelfReferral(
        personal=commands.PersonalDetails(name="Canary Person-Q7X", email="canary.q7x@example.org"),
        risk_screen=RiskScreen(thoughts_of_self_harm=self_harm, risk_to_others=False),
        consent=commands.Consent(given_by="self", given_at="at-referral", method="online-form"),
        staff_group=codes.StaffGroup.AMBULANCE,
    )


def test_any_yes_on_the_risk_screen_makes_a_referral_urgent():
    assert RiskScreen(thoughts_of_self_harm=True, risk_to_others=False).urgency is codes.Urgency.URGENT
    assert RiskScreen(thoughts_of_self_harm=False, risk_to_others=True).urgency is codes.Urgency.URGENT
    assert RiskScreen(thoughts_of_self_harm=False, risk_to_others=False).urgency is codes.Urgency.ROUTINE


def test_a_new_referral_gets_a_pseudonymous_case_id_and_one_received_event():
    referral = Referral.receive(source=codes.ReferralSource.SELF, received_at=NOW, risk_screen=RiskScreen(False, False))
    assert referral.case_id != referral.referral_id
    assert [e.event_type for e in referral.events] == ["ReferralReceived"]


def test_self_referral_is_stored_sealed_and_announced_with_codes_only():
    uow = FakeUnitOfWork()
    vault = PersonalDataVault([Fernet.generate_key().decode()])
    referral = handlers.receive_self_referral(command(self_harm=True), uow, vault, now=NOW)

    assert uow.committed
    stored, sealed_personal, _ = uow.referrals.stored[0]
    assert stored is referral
    assert b"Canary" not in sealed_personal
    assert vault.open(sealed_personal)["name"] == "Canary Person-Q7X"
    [(event_type, data, case_id)] = uow.outbox.events
    assert event_type == "ReferralReceived"
    assert case_id == referral.case_id
    assert data["urgency"] is codes.Urgency.URGENT
    assert "Canary" not in repr(data) and "example.org" not in repr(data)


def test_personal_data_sealed_with_an_old_key_opens_after_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = PersonalDataVault([old]).seal({"name": "A"})
    rotated_vault = PersonalDataVault([new, old])
    assert rotated_vault.open(sealed) == {"name": "A"}
    assert PersonalDataVault([new]).open(rotated_vault.rotate(sealed)) == {"name": "A"}
