"""A referral closed in the referral service closes the care episode, through the handlers with
fakes: with the same reason, monitoring ended and no more follow-ups, EpisodeClosed once, and an
episode already closed (by care itself, whose EpisodeClosed closed the referral) left alone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hubs.care_coordination.domain import commands
from hubs.care_coordination.service_layer import handlers, reactions
from hubs.contracts import codes as C
from hubs.runtime.consumer import PoisonMessage

CLOSED_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
POLICY = handlers.CarePolicy()
ON_ASSESSMENT = reactions.make_on_assessment_completed(POLICY)


def received(uow) -> uuid.UUID:
    case_id = uuid.uuid4()
    data = {"received_at": CLOSED_AT - timedelta(days=30), "urgency": C.Urgency.ROUTINE}
    reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
    return case_id


def referral_closed(case_id: uuid.UUID, reason=C.ClosureReason.UNCONTACTABLE, at: datetime = CLOSED_AT) -> dict:
    """ReferralClosed as the worker hands it over (a new event id each time it is made)."""
    return {
        "event_id": uuid.uuid4(),
        "case_id": case_id,
        "occurred_at": at,
        "data": {"referral_id": uuid.uuid4(), "closed_at": at, "reason": reason},
    }


def assessment_completed(case_id: uuid.UUID, completed_at: datetime) -> dict:
    return {
        "case_id": case_id,
        "occurred_at": completed_at,
        "data": {
            "assessment_id": uuid.uuid4(),
            "completed_at": completed_at,
            "outcome_decisions": [C.OutcomeDecision.MONITOR],
            "measures": {},
            "risk_level": C.RiskLevel.LOW,
            "occupational_health_consent": False,
            "occupational_health_consent_recorded_at": None,
            "refer_on_to": [],
            "signpost_to": [],
            "monitoring_review_interval_days": None,
        },
    }


def monitored(uow) -> tuple[uuid.UUID, uuid.UUID]:
    case_id = received(uow)
    plan = handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 3), 14), uow)
    uow.outbox.events.clear()
    return case_id, plan.monitoring_plan_id


@pytest.mark.parametrize(
    "reason",
    [r for r in C.ClosureReason if r not in (C.ClosureReason.WITHDRAWN, C.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB)],
)
def test_a_closed_referral_closes_the_episode_with_its_reason_and_ends_monitoring(uow, reason):
    case_id, plan_id = monitored(uow)

    reactions.on_referral_closed(referral_closed(case_id, reason), uow)

    case = uow.cases.get(case_id)
    assert (case.status, case.closure_reason, case.closed_at) == ("closed", reason, CLOSED_AT)
    assert uow.monitoring_plans.get(plan_id).ended_on == date(2026, 11, 20)
    assert uow.types() == ["MonitoringEnded", "EpisodeClosed"]
    assert uow.of_type("EpisodeClosed") == [{"closed_at": CLOSED_AT, "reason": reason}]


def test_a_case_closed_by_its_referral_raises_no_more_follow_ups(uow):
    case_id, _ = monitored(uow)
    reactions.on_referral_closed(referral_closed(case_id), uow)
    uow.outbox.events.clear()

    assert reactions.check_due(uow, date(2027, 6, 1), POLICY) == {"waits_escalated": 0, "follow_ups_asked": 0}
    assert uow.outbox.events == []


def test_a_redelivered_or_repeated_referral_closure_emits_episode_closed_once(uow):
    case_id, _ = monitored(uow)
    event = referral_closed(case_id)

    reactions.on_referral_closed(event, uow)
    reactions.on_referral_closed(event, uow)  # the same event again
    reactions.on_referral_closed(referral_closed(case_id, C.ClosureReason.OTHER, CLOSED_AT + timedelta(hours=1)), uow)

    assert uow.types().count("EpisodeClosed") == 1
    case = uow.cases.get(case_id)
    assert (case.closure_reason, case.closed_at) == (C.ClosureReason.UNCONTACTABLE, CLOSED_AT)


def test_an_episode_closed_in_care_ignores_the_referral_closure_it_caused_so_there_is_no_loop(uow):
    # Care closes the episode (EpisodeClosed); the referral service closes the referral on it
    # (ReferralClosed); that closure reaches care and must not close anything again.
    case_id = received(uow)
    handlers.close_episode(commands.CloseEpisode(case_id, C.ClosureReason.CARE_COMPLETED), uow, now=CLOSED_AT)
    assert uow.types() == ["EpisodeClosed"]

    reactions.on_referral_closed(referral_closed(case_id, C.ClosureReason.CARE_COMPLETED), uow)

    assert uow.types() == ["EpisodeClosed"]
    assert uow.cases.get(case_id).closed_at == CLOSED_AT


def test_a_closure_of_a_case_never_seen_or_moved_to_another_hub_does_nothing(uow):
    moved = received(uow)
    reactions.on_referral_transferred_out({"case_id": moved, "data": {}}, uow)

    reactions.on_referral_closed(referral_closed(uuid.uuid4()), uow)
    reactions.on_referral_closed(referral_closed(moved, C.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB), uow)

    assert uow.outbox.events == []
    assert uow.cases.get(moved).status == "transferred-out"


def test_a_referral_closed_as_withdrawn_is_a_withdrawal_that_calls_off_waiting_onward_referrals(uow):
    case_id = received(uow)
    onward = handlers.refer_on(uow, uow.cases.get(case_id), C.ServiceType.PEER_SUPPORT, date(2026, 11, 2))
    uow.outbox.events.clear()

    reactions.on_referral_closed(referral_closed(case_id, C.ClosureReason.WITHDRAWN), uow)

    assert uow.onward_referrals.get(onward.onward_referral_id).status == "withdrawn"
    assert uow.types() == ["OnwardReferralDeclined", "EpisodeClosed"]
    assert uow.cases.get(case_id).closure_reason is C.ClosureReason.WITHDRAWN


def test_an_assessment_the_closure_overtook_is_not_acted_on_and_is_not_a_fault(uow):
    case_id = received(uow)
    reactions.on_referral_closed(referral_closed(case_id), uow)
    uow.outbox.events.clear()

    ON_ASSESSMENT(assessment_completed(case_id, CLOSED_AT - timedelta(hours=2)), uow)  # no PoisonMessage

    assert uow.outbox.events == [] and uow.monitoring_plans.for_case(case_id) == []


def test_an_assessment_completed_after_the_episode_closed_can_never_be_applied(uow):
    case_id = received(uow)
    reactions.on_referral_closed(referral_closed(case_id), uow)
    with pytest.raises(PoisonMessage):
        ON_ASSESSMENT(assessment_completed(case_id, CLOSED_AT + timedelta(hours=2)), uow)


def test_the_worker_hands_referral_closures_to_care():
    assert reactions.event_handlers(POLICY)["ReferralClosed"] is reactions.on_referral_closed
