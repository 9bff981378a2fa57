"""Receiving referrals: triage by the risk screen, consent, sealing of personal details, linking
a second open referral of the same person, and the events other services see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.repository import person_lock_key
from hubs.referral.domain import commands
from hubs.referral.domain.model import Referral, RiskScreen
from hubs.referral.service_layer import handlers
from hubs.referral.service_layer.context import ReferralContext

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # a Thursday


def context() -> ReferralContext:
    return ReferralContext(hub_id="hub-a", vault=PersonalDataVault([Fernet.generate_key().decode()]))


def command(self_harm: bool = False, email: str = "canary.q7x@example.org", **kw) -> commands.ReceiveReferral:
    return commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Canary Person-Q7X", email=email, phone="07700 900123"),
        risk_screen=RiskScreen(thoughts_of_self_harm=self_harm, risk_to_others=False),
        consent=commands.Consent(given_by="self", given_at=NOW.isoformat(), method="online-form"),
        staff_group=codes.StaffGroup.AMBULANCE,
        **kw,
    )


def test_any_yes_on_the_risk_screen_makes_a_referral_urgent():
    assert RiskScreen(thoughts_of_self_harm=True, risk_to_others=False).urgency is codes.Urgency.URGENT
    assert RiskScreen(thoughts_of_self_harm=False, risk_to_others=True).urgency is codes.Urgency.URGENT
    assert RiskScreen(thoughts_of_self_harm=False, risk_to_others=False).urgency is codes.Urgency.ROUTINE


def test_a_new_referral_gets_a_pseudonymous_case_id_and_one_received_event():
    referral = Referral.receive(source=codes.ReferralSource.SELF, received_at=NOW, risk_screen=RiskScreen(False, False))
    assert referral.case_id != referral.referral_id
    assert [e.event_type for e in referral.events] == ["ReferralReceived"]


def test_self_referral_is_stored_sealed_triaged_and_announced_with_codes_only(new_uow):
    uow, ctx = new_uow(), context()
    intake = handlers.receive_referral(command(self_harm=True), uow, ctx, now=NOW)

    assert uow.committed and not intake.linked
    stored, sealed_personal, sealed_consent = uow.referrals.stored[0]
    assert stored.referral_id == intake.referral.referral_id
    assert b"Canary" not in sealed_personal
    assert ctx.vault.open(sealed_personal)["name"] == "Canary Person-Q7X"
    assert ctx.vault.open(sealed_consent)["method"] == "online-form"
    assert uow.outbox.types() == ["ReferralReceived", "ReferralTriaged"]
    received, triaged = (e[1] for e in uow.outbox.events)
    assert received["urgency"] is codes.Urgency.URGENT
    assert triaged["first_contact_due_by"] == datetime(2026, 11, 26, 13, 30, tzinfo=UTC)  # four working hours
    assert all(
        "Canary" not in repr(e) and "example.org" not in repr(e) and "900123" not in repr(e) for e in uow.outbox.events
    )


def test_routine_referral_is_due_in_two_working_days_over_a_weekend(new_uow):
    uow = new_uow()
    friday = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    intake = handlers.receive_referral(command(), uow, context(), now=friday)
    assert intake.referral.first_contact_due_by == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_third_party_referral_records_source_referrer_and_consent(new_uow):
    uow, ctx = new_uow(), context()
    cmd = command(
        source=codes.ReferralSource.OCCUPATIONAL_HEALTH,
        referrer={"name": "OH Nurse", "organisation": "Trust OH"},
    )
    intake = handlers.receive_referral(cmd, uow, ctx, now=NOW)
    assert intake.referral.source is codes.ReferralSource.OCCUPATIONAL_HEALTH
    consent = ctx.vault.open(uow.referrals.stored[0][2])
    assert consent["given_by"] == "self" and consent["referrer"]["organisation"] == "Trust OH"
    assert uow.outbox.events[0][1]["source"] is codes.ReferralSource.OCCUPATIONAL_HEALTH


def test_a_second_open_referral_of_the_same_person_links_to_the_first(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(command(), uow, ctx, now=NOW)
    # same person, email in another case, from their GP
    second = handlers.receive_referral(
        command(email="Canary.Q7X@Example.org ", source=codes.ReferralSource.GP), uow, ctx, now=NOW
    )
    assert second.linked and second.referral.referral_id == first.referral.referral_id
    assert len(uow.referrals.rows) == 1
    assert [(r, s) for r, s, _, _ in uow.referrals.links] == [(first.referral.referral_id, codes.ReferralSource.GP)]
    assert uow.outbox.types() == ["ReferralReceived", "ReferralTriaged"]


def test_the_person_is_held_before_their_open_referral_is_looked_up(new_uow):
    uow, ctx = new_uow(), context()
    handlers.receive_referral(command(), uow, ctx, now=NOW)
    handlers.receive_referral(command(source=codes.ReferralSource.GP), uow, ctx, now=NOW)
    keys = ctx.vault.person_keys("canary.q7x@example.org", "07700 900123")
    assert uow.referrals.held == [keys, keys]
    assert uow.referrals.looked_up_after_hold == [True, True]


def test_the_lock_of_a_person_is_a_stable_signed_64_bit_key_of_their_keyed_hash():
    vault = PersonalDataVault([Fernet.generate_key().decode()])
    email_key, phone_key = vault.person_keys("a@b.org", "07700 900123")
    lock = person_lock_key(email_key)
    assert -(2**63) <= lock < 2**63 and lock == person_lock_key(email_key)
    assert lock != person_lock_key(phone_key)
    assert person_lock_key("f" * 64) == -1 and person_lock_key("7" + "f" * 63) == 2**63 - 1


def test_a_person_whose_referral_closed_can_be_referred_again(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(command(), uow, ctx, now=NOW)
    handlers.close_referral(commands.CloseReferral(first.referral.referral_id, codes.ClosureReason.SIGNPOSTED), uow)
    again = handlers.receive_referral(command(), uow, ctx, now=NOW)
    assert not again.linked and again.referral.referral_id != first.referral.referral_id


def test_a_closed_referral_is_kept_and_announced_only_when_its_transaction_commits(new_uow, monkeypatch):
    uow, ctx = new_uow(), context()
    referral = handlers.receive_referral(command(), uow, ctx, now=NOW).referral
    sent = list(uow.outbox.events)

    def commit_fails():
        raise ConnectionError("the database went away")

    monkeypatch.setattr(uow, "commit", commit_fails)
    with pytest.raises(ConnectionError):
        handlers.close_referral(commands.CloseReferral(referral.referral_id, codes.ClosureReason.SIGNPOSTED), uow)

    assert uow.referrals.get(referral.referral_id).is_open and uow.outbox.events == sent


def test_the_same_phone_number_written_differently_is_the_same_person():
    vault = context().vault
    assert vault.person_keys(None, "07700 900123") == vault.person_keys(None, "+44 7700 900123")
    assert vault.person_keys(None, "07700 900123") != vault.person_keys(None, "07700 900124")


def test_personal_data_sealed_with_an_old_key_opens_after_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = PersonalDataVault([old]).seal({"name": "A"})
    rotated_vault = PersonalDataVault([new, old])
    assert rotated_vault.open(sealed) == {"name": "A"}
    assert PersonalDataVault([new]).open(rotated_vault.rotate(sealed)) == {"name": "A"}
    # the person index survives adding a newer key
    assert PersonalDataVault([old]).person_keys("a@b.org", None) == rotated_vault.person_keys("a@b.org", None)


def test_a_linked_referral_that_screens_urgent_makes_the_open_one_urgent(new_uow):
    uow, ctx = new_uow(), context()
    first = handlers.receive_referral(command(), uow, ctx, now=NOW)
    later = NOW.replace(hour=11)
    handlers.receive_referral(command(self_harm=True), uow, ctx, now=later)
    stored = uow.referrals.rows[first.referral.referral_id]
    assert stored.urgency is codes.Urgency.URGENT
    assert stored.first_contact_due_by == later.replace(hour=15)  # four working hours from the urgent screen
    assert uow.outbox.types() == ["ReferralReceived", "ReferralTriaged", "ReferralTriaged"]
    assert uow.referrals.received[-1].urgency_of.referral_id == first.referral.referral_id


def test_only_an_outreach_code_of_how_they_heard_of_the_hub_leaves_the_service():
    said = Referral.receive(
        source=codes.ReferralSource.SELF,
        received_at=NOW,
        risk_screen=RiskScreen(False, False),
        heard_of_hub_via="my manager Jane Canary gave me leaflet out-7kq2",
    )
    unsaid = Referral.receive(
        source=codes.ReferralSource.SELF,
        received_at=NOW,
        risk_screen=RiskScreen(False, False),
        heard_of_hub_via="Jane Canary told me",
    )
    assert said.events[0].to_data()["heard_of_hub_via"] == "OUT-7KQ2"
    assert unsaid.events[0].to_data()["heard_of_hub_via"] is None
    # The referral, stored in plaintext, keeps the code alone; the words are sealed with the person.
    assert (said.outreach_code, unsaid.outreach_code) == ("OUT-7KQ2", None)
    assert "Canary" not in repr(said)
