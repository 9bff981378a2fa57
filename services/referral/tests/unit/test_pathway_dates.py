"""Dates at the door and in the pathway's order: no date from before the hub's records or from the
future, a four-digit year, and nothing recorded on a referral dated before the referral itself.
A refusal names its field and stores nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from marshmallow import ValidationError

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.transfer_seal import TransferKeys, generate_key_pair
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.entrypoints.schemas import (
    AuditQuerySchema,
    ContactAttemptSchema,
    SelfReferralSchema,
    ThirdPartyReferralSchema,
    TransferSchema,
)
from hubs.referral.service_layer import handlers, transfers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Principal
from hubs.runtime.refusals import Refusal
from hubs.runtime.settings import Settings

CLINICIAN = Principal("clin-1", "hub-a", frozenset({"clinician"}))
NOW = datetime.now(UTC)
TOMORROW_NOON = (NOW + timedelta(days=1)).replace(hour=12).isoformat()
TYPED_YEAR_0026 = "0026-11-26T10:00:00+00:00"
BEFORE_THE_HUBS = "2019-06-01T10:00:00+00:00"
PERSON = {
    "name": "P",
    "email": "p@example.org",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
}


def third_party(**consent) -> dict:
    given = {"given_by": "the person referred", "given_at": NOW.isoformat(), "method": "verbal", **consent}
    return {**PERSON, "source": "gp", "referrer": {"name": "Dr R"}, "consent": given}


def refused(schema, data) -> dict:
    with pytest.raises(ValidationError) as error:
        schema.load(data)
    return error.value.messages


@pytest.fixture
def hub(tmp_path: Path) -> ReferralContext:
    """A hub with a neighbour, so that a transfer gets as far as the pathway's order rules."""
    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    keys = TransferKeys.from_settings(
        "hub-a",
        {
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "a.key"),
            "HUBS_NEIGHBOUR_HUBS": f"hub-b={tmp_path / 'b.pub'}",
        },
    )
    return ReferralContext(
        hub_id="hub-a", vault=PersonalDataVault([Fernet.generate_key().decode()]), transfer_keys=keys
    )


def refer(uow, ctx, at: datetime):
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="P", email="p@example.org"),
        risk_screen=RiskScreen(False, False),
        consent=commands.Consent("self", at.isoformat(), "online-form"),
    )
    return handlers.receive_referral(cmd, uow, ctx, now=at).referral


# At the door: the range of every date.


@pytest.mark.parametrize("when", [TOMORROW_NOON, TYPED_YEAR_0026, BEFORE_THE_HUBS])
def test_a_contact_attempt_is_dated_from_the_hubs_records_to_now(when):
    attempt = {"channel": "phone", "outcome": "contacted"}
    assert list(refused(ContactAttemptSchema(), {**attempt, "attempted_at": when})) == ["attempted_at"]
    assert ContactAttemptSchema().load({**attempt, "attempted_at": NOW.isoformat()})["attempted_at"] == NOW


@pytest.mark.parametrize("when", [TOMORROW_NOON, TYPED_YEAR_0026, BEFORE_THE_HUBS])
def test_a_consent_to_be_referred_is_dated_from_the_hubs_records_to_now(when):
    errors = refused(ThirdPartyReferralSchema(), third_party(given_at=when))
    assert list(errors) == ["consent"] and list(errors["consent"]) == ["given_at"]
    assert ThirdPartyReferralSchema().load(third_party())["consent"]["given_at"] == NOW


@pytest.mark.parametrize("when", [TOMORROW_NOON, TYPED_YEAR_0026])
def test_a_consent_to_a_transfer_is_not_in_the_future_nor_out_of_range(when):
    body = {"to_hub_id": "hub-b", "reason": "shorter-wait", "consent": {"recorded_at": when, "method": "verbal"}}
    assert list(refused(TransferSchema(), body)["consent"]) == ["recorded_at"]


@pytest.mark.parametrize(
    "born", ["0026-03-15", "1899-12-31", "2019-12-31", (date.today() + timedelta(days=3)).isoformat()]
)
def test_a_date_of_birth_is_a_real_day_from_1900_to_sixteen_years_ago(born):
    person = {**PERSON, "consent_to_contact": True}
    assert list(refused(SelfReferralSchema(), {**person, "date_of_birth": born})) == ["date_of_birth"]
    assert SelfReferralSchema().load({**person, "date_of_birth": "1984-03-15"})["date_of_birth"] == date(1984, 3, 15)


def test_the_access_audit_is_asked_from_a_moment_in_the_hubs_records():
    assert list(refused(AuditQuerySchema(), {"since": TYPED_YEAR_0026})) == ["since"]
    assert AuditQuerySchema().load({"since": NOW.isoformat()})["since"] == NOW


# In the pathway's order: against the referral as stored.


def test_a_contact_attempt_before_the_referral_is_refused_on_its_field_and_nothing_is_recorded(hub, new_uow):
    uow = new_uow()
    referral = refer(uow, hub, NOW - timedelta(hours=3))
    events_before = list(uow.outbox.events)
    with pytest.raises(Refusal) as error:
        handlers.record_contact_attempt(
            commands.RecordContactAttempt(
                referral.referral_id,
                NOW - timedelta(hours=4),
                codes.ContactChannel.PHONE,
                codes.ContactOutcome.CONTACTED,
            ),
            uow,
            hub,
        )
    assert error.value.status == 422 and list(error.value.errors) == ["attempted_at"]
    # Nor was first contact made before the referral: the referral still waits for it.
    stored = uow.referrals.rows[referral.referral_id]
    assert stored.contact_attempts == [] and stored.first_contacted_at is None
    assert stored.status == "awaiting-first-contact" and uow.outbox.events == events_before


def test_a_consent_to_a_transfer_before_the_referral_is_refused_on_its_field_and_nothing_moves(hub, new_uow):
    uow = new_uow()
    referral = refer(uow, hub, NOW - timedelta(days=2))
    events_before = list(uow.outbox.events)
    with pytest.raises(Refusal) as error:
        transfers.transfer_referral(
            commands.TransferReferral(
                referral.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW - timedelta(days=3), "verbal"
            ),
            uow,
            hub,
            CLINICIAN,
            now=NOW,
        )
    assert error.value.status == 422
    assert error.value.errors == {
        "consent": {"recorded_at": ["The person's agreement cannot come before the referral was received."]}
    }
    assert uow.referrals.rows[referral.referral_id].status == "awaiting-first-contact"
    assert uow.referrals.transfers == [] and uow.referrals.audits == [] and uow.outbox.events == events_before
    # Agreed the day after the referral: it moves.
    transfers.transfer_referral(
        commands.TransferReferral(
            referral.referral_id, "hub-b", codes.TransferReason.SHORTER_WAIT, NOW - timedelta(days=1), "verbal"
        ),
        uow,
        hub,
        CLINICIAN,
        now=NOW,
    )
    assert uow.referrals.rows[referral.referral_id].status == "transferred-out"


# Retention.


def _closed_at(uow, ctx, closed: datetime):
    referral = refer(uow, ctx, closed - timedelta(days=30))
    handlers.close_referral(
        commands.CloseReferral(referral.referral_id, codes.ClosureReason.CARE_COMPLETED), uow, now=closed
    )
    return referral


def test_personal_data_is_kept_twenty_years_after_closure_unless_the_hub_sets_otherwise(new_uow):
    ctx = _context({})
    closed = datetime(2021, 3, 1, 12, tzinfo=UTC)
    uow = new_uow()
    referral = _closed_at(uow, ctx, closed)
    # Nineteen years and eleven months on, and on the morning of the twentieth anniversary: still kept.
    assert handlers.erase_expired(uow, ctx, now=datetime(2041, 2, 1, tzinfo=UTC)) == 0
    assert handlers.erase_expired(uow, ctx, now=datetime(2041, 3, 1, 11, tzinfo=UTC)) == 0
    # Twenty calendar years and a day after closure: erased.
    assert handlers.erase_expired(uow, ctx, now=datetime(2041, 3, 2, 13, tzinfo=UTC)) == 1
    assert uow.referrals.sealed[referral.referral_id] == (None, None)
    # Still a setting: a hub may keep personal data longer (or, on its own advice, shorter).
    assert _context({"HUBS_RETENTION_DAYS": "10000"}).retention == timedelta(days=10000)


def _context(extra: dict[str, str]) -> ReferralContext:
    keys = {"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
    return ReferralContext.from_settings(Settings.from_env("referral", hub_id="hub-a", extra={**keys, **extra}))
