"""Contact attempts and first contact: the first success fixes the time to first contact, in
calendar and working hours; the queue orders by urgency and time left and flags breaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.contracts.working_time import HubHolidays, WorkingCalendar
from hubs.referral.adapters import metrics
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.entrypoints.api import ordered_queue, queue_entry
from hubs.referral.service_layer import handlers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.refusals import Refusal

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def ctx() -> ReferralContext:
    return ReferralContext(
        hub_id="hub-a",
        vault=PersonalDataVault([Fernet.generate_key().decode()]),
        calendar=WorkingCalendar(bank_holidays=HubHolidays()),
    )


def refer(uow, ctx, at=THURSDAY, urgent=False, email=None):
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name="P", email=email),
        risk_screen=RiskScreen(urgent, False),
        consent=commands.Consent("self", at.isoformat(), "online-form"),
    )
    return handlers.receive_referral(cmd, uow, ctx, now=at).referral


def attempt(uow, ctx, referral, at, outcome=codes.ContactOutcome.NO_ANSWER):
    return handlers.record_contact_attempt(
        commands.RecordContactAttempt(referral.referral_id, at, codes.ContactChannel.PHONE, outcome), uow, ctx
    )


def test_every_attempt_is_recorded_and_the_first_success_fixes_first_contact(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx)
    attempt(uow, ctx, referral, THURSDAY + timedelta(hours=2))
    recorded = attempt(uow, ctx, referral, THURSDAY + timedelta(hours=26), codes.ContactOutcome.CONTACTED)
    assert recorded.first_contact and recorded.referral.first_contacted_at == THURSDAY + timedelta(hours=26)
    assert (recorded.hours_to_first_contact, recorded.working_hours_to_first_contact) == (26.0, 10.0)
    facts = uow.referrals.facts[referral.referral_id]
    assert facts["hours_to_first_contact"] == 26.0
    # Thu 10:00-17:00 (7h) and Fri 09:00-12:00 (3h) in London (GMT in November)
    assert facts["working_hours_to_first_contact"] == 10.0
    assert uow.outbox.types()[2:] == ["ContactAttempted", "ContactAttempted", "FirstContactMade"]
    attempted = [e[1] for e in uow.outbox.events if e[0] == "ContactAttempted"]
    assert [a["attempt_number"] for a in attempted] == [1, 2]
    [first_contact] = [e[1] for e in uow.outbox.events if e[0] == "FirstContactMade"]
    assert first_contact["working_hours"] == 10.0  # reporting counts the same working time


def test_a_later_success_does_not_move_first_contact(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx)
    attempt(uow, ctx, referral, THURSDAY + timedelta(hours=1), codes.ContactOutcome.CONTACTED)
    again = attempt(uow, ctx, referral, THURSDAY + timedelta(hours=5), codes.ContactOutcome.CONTACTED)
    assert not again.first_contact and again.referral.first_contacted_at == THURSDAY + timedelta(hours=1)
    assert uow.outbox.types().count("FirstContactMade") == 1


def test_contact_after_the_standard_is_a_breach(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx, urgent=True)  # due Thursday 14:00: four working hours
    late = attempt(uow, ctx, referral, THURSDAY + timedelta(hours=4, minutes=1), codes.ContactOutcome.CONTACTED)
    assert late.referral.breached()
    on_time = refer(new_uow(), ctx, urgent=True)
    assert not on_time.breached()


def test_an_attempt_before_the_referral_or_on_a_closed_referral_is_refused(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx)
    with pytest.raises(Refusal) as before:
        attempt(uow, ctx, referral, THURSDAY - timedelta(minutes=1))
    assert before.value.status == 422
    handlers.withdraw_referral(
        commands.WithdrawReferral(referral.referral_id, codes.WithdrawalReason.PERSON_ASKED), uow
    )
    with pytest.raises(Refusal) as closed:
        attempt(uow, ctx, referral, THURSDAY + timedelta(hours=1))
    assert closed.value.status == 409


def test_withdrawal_closes_the_referral_with_its_reason(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx)
    withdrawn = handlers.withdraw_referral(
        commands.WithdrawReferral(referral.referral_id, codes.WithdrawalReason.SUPPORT_FOUND_ELSEWHERE), uow
    )
    assert withdrawn.status == "withdrawn" and withdrawn.closure_reason is codes.ClosureReason.WITHDRAWN
    assert uow.outbox.types()[-2:] == ["ReferralWithdrawn", "ReferralClosed"]
    with pytest.raises(Refusal):
        handlers.close_referral(commands.CloseReferral(referral.referral_id, codes.ClosureReason.OTHER), uow)


def test_closing_as_transferred_needs_a_transfer(ctx, new_uow):
    uow = new_uow()
    referral = refer(uow, ctx)
    with pytest.raises(Refusal) as refused:
        handlers.close_referral(
            commands.CloseReferral(referral.referral_id, codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB), uow
        )
    assert refused.value.status == 422


def test_an_unknown_referral_is_404(ctx, new_uow):
    import uuid

    with pytest.raises(Refusal) as missing:
        handlers.withdraw_referral(commands.WithdrawReferral(uuid.uuid4(), codes.WithdrawalReason.OTHER), new_uow())
    assert missing.value.status == 404


def test_urgent_referrals_top_the_queue_then_least_time_left(ctx, new_uow):
    uow = new_uow()
    old_routine = refer(uow, ctx, at=THURSDAY - timedelta(days=3), email="a@x.org")
    new_routine = refer(uow, ctx, at=THURSDAY, email="b@x.org")
    urgent = refer(uow, ctx, at=THURSDAY + timedelta(hours=1), urgent=True, email="c@x.org")
    queue = ordered_queue(uow.referrals.awaiting_first_contact())
    assert [r.referral_id for r in queue] == [urgent.referral_id, old_routine.referral_id, new_routine.referral_id]


def test_the_queue_says_which_referrals_breach_today(ctx, new_uow):
    uow = new_uow()
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    due_today = refer(uow, ctx, at=monday, email="a@x.org")  # routine: due Wednesday 09:00
    due_later = refer(uow, ctx, at=monday + timedelta(days=1), email="b@x.org")  # due Thursday
    wednesday_morning = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    entries = {e["referral_id"]: e for e in (queue_entry(r, wednesday_morning, ctx) for r in (due_today, due_later))}
    assert entries[due_today.referral_id]["breaches_today"] and not entries[due_today.referral_id]["breached"]
    assert entries[due_today.referral_id]["hours_left"] == 2.0
    assert not entries[due_later.referral_id]["breaches_today"]


def test_waiting_referrals_are_counted_on_time_due_today_or_breached(ctx, new_uow):
    uow = new_uow()
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    refer(uow, ctx, at=monday, urgent=True, email="a@x.org")  # due Monday 13:00
    refer(uow, ctx, at=monday, email="b@x.org")  # due Wednesday 09:00
    refer(uow, ctx, at=monday + timedelta(days=1), email="c@x.org")  # due Thursday 09:00
    counts = handlers.count_waiting(uow, ctx, now=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    assert counts[("urgent", "breached")] == 1
    assert counts[("routine", "due-today")] == 1
    assert counts[("routine", "on-time")] == 1


def test_referrals_past_their_first_contact_due_time_are_shown_overdue_by_urgency(ctx, new_uow):
    uow = new_uow()
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    refer(uow, ctx, at=monday, urgent=True, email="a@x.org")  # due Monday 13:00
    refer(uow, ctx, at=monday, email="b@x.org")  # due Wednesday 09:00
    handlers.count_waiting(uow, ctx, now=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    assert metrics.FIRST_CONTACT_OVERDUE.labels("referral", "urgent")._value.get() == 1
    assert metrics.FIRST_CONTACT_OVERDUE.labels("referral", "routine")._value.get() == 0
