"""An episode of care closed in care co-ordination closes the referral, through the handler with
fakes: with the episode's reason and time, once, and never a referral that is no longer open (care's
closure may itself come from the referral's, so that is how the two services stay out of a loop)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.model import CLOSED, TRANSFERRED_OUT, WITHDRAWN, Referral, RiskScreen
from hubs.referral.service_layer import handlers, reactions
from hubs.referral.service_layer.context import ReferralContext

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CLOSED_AT = NOW + timedelta(days=40)
# Every reason but the two the referral service carries out itself (a withdrawal, a transfer).
CLOSED_AS_SUCH = [
    r
    for r in codes.ClosureReason
    if r not in (codes.ClosureReason.WITHDRAWN, codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB)
]


def referred(uow) -> Referral:
    ctx = ReferralContext(hub_id="hub-a", vault=PersonalDataVault([Fernet.generate_key().decode()]))
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="Canary Person-E5C", email="canary.e5c@example.org", phone=None),
        risk_screen=RiskScreen(thoughts_of_self_harm=False, risk_to_others=False),
        consent=commands.Consent(given_by="self", given_at=NOW.isoformat(), method="online-form"),
    )
    referral = handlers.receive_referral(cmd, uow, ctx, now=NOW).referral
    uow.outbox.events.clear()
    uow.committed = False
    return referral


def episode_closed(case_id: uuid.UUID, reason=codes.ClosureReason.CARE_COMPLETED, at: datetime = CLOSED_AT) -> dict:
    """EpisodeClosed as the worker hands it over (a new event id each time it is made)."""
    return {
        "event_id": uuid.uuid4(),
        "case_id": case_id,
        "occurred_at": at,
        "data": {"closed_at": at, "reason": reason},
    }


@pytest.mark.parametrize("reason", CLOSED_AS_SUCH)
def test_an_episode_closed_in_care_closes_the_referral_with_its_reason_and_time(new_uow, reason):
    uow = new_uow()
    referral = referred(uow)

    uow.consume(reactions.on_episode_closed, episode_closed(referral.case_id, reason))

    stored = uow.referrals.get(referral.referral_id)
    assert (stored.status, stored.closure_reason, stored.closed_at) == (CLOSED, reason, CLOSED_AT)
    assert uow.outbox.events == [
        ("ReferralClosed", {"referral_id": referral.referral_id, "closed_at": CLOSED_AT, "reason": reason},
         referral.case_id),
    ]  # fmt: skip
    assert uow.commits == 1  # the consumer's, with the event id: the handler leaves the commit to it


def test_an_episode_closed_as_withdrawn_withdraws_the_referral(new_uow):
    uow = new_uow()
    referral = referred(uow)

    uow.consume(reactions.on_episode_closed, episode_closed(referral.case_id, codes.ClosureReason.WITHDRAWN))

    stored = uow.referrals.get(referral.referral_id)
    assert (stored.status, stored.closure_reason) == (WITHDRAWN, codes.ClosureReason.WITHDRAWN)
    assert uow.outbox.types() == ["ReferralWithdrawn", "ReferralClosed"]
    assert uow.outbox.events[0][1]["reason"] is codes.WithdrawalReason.OTHER


def test_an_episode_closed_as_transferred_leaves_the_referral_open_for_the_transfer_to_close(new_uow):
    uow = new_uow()
    referral = referred(uow)

    uow.consume(
        reactions.on_episode_closed, episode_closed(referral.case_id, codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB)
    )

    assert uow.referrals.get(referral.referral_id).is_open and uow.outbox.events == []


def test_a_redelivered_or_repeated_episode_closure_closes_the_referral_once(new_uow):
    uow = new_uow()
    referral = referred(uow)
    event = episode_closed(referral.case_id)

    uow.consume(reactions.on_episode_closed, event)
    uow.consume(reactions.on_episode_closed, event)
    reactions.on_episode_closed(
        episode_closed(referral.case_id, codes.ClosureReason.OTHER, CLOSED_AT + timedelta(1)), uow
    )

    assert uow.outbox.types() == ["ReferralClosed"]
    assert uow.referrals.get(referral.referral_id).closed_at == CLOSED_AT


@pytest.mark.parametrize("how", ["closed", "withdrawn"])
def test_a_referral_no_longer_open_ignores_the_episode_closure_its_own_closure_caused(new_uow, how):
    # The referral closes (ReferralClosed, and ReferralWithdrawn for a withdrawal); care closes the
    # episode on it (EpisodeClosed); that closure reaches the referral service and must change nothing.
    uow = new_uow()
    referral = referred(uow)
    if how == "closed":
        handlers.close_referral(commands.CloseReferral(referral.referral_id, codes.ClosureReason.UNCONTACTABLE), uow,
                                now=NOW + timedelta(days=3))  # fmt: skip
    else:
        handlers.withdraw_referral(commands.WithdrawReferral(referral.referral_id, codes.WithdrawalReason.PERSON_ASKED),
                                   uow, now=NOW + timedelta(days=3))  # fmt: skip
    said = list(uow.outbox.events)
    reason = codes.ClosureReason.UNCONTACTABLE if how == "closed" else codes.ClosureReason.WITHDRAWN

    uow.consume(reactions.on_episode_closed, episode_closed(referral.case_id, reason, NOW + timedelta(days=3)))

    assert uow.outbox.events == said
    assert uow.referrals.get(referral.referral_id).status == (CLOSED if how == "closed" else WITHDRAWN)


def test_an_episode_closure_of_a_case_transferred_away_or_unknown_here_changes_nothing(new_uow):
    uow = new_uow()
    referral = referred(uow)
    moved = uow.referrals.get(referral.referral_id)
    moved.status = TRANSFERRED_OUT
    uow.referrals.save(moved)

    uow.consume(reactions.on_episode_closed, episode_closed(referral.case_id))
    uow.consume(reactions.on_episode_closed, episode_closed(uuid.uuid4()))

    assert uow.outbox.events == [] and uow.referrals.get(referral.referral_id).status == TRANSFERRED_OUT
