"""A withdrawn referral through the handlers with fakes: the episode closes as withdrawn, onward
referrals still waiting are called off, monitoring stops, and a redelivery changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hubs.care_coordination.domain import commands
from hubs.care_coordination.service_layer import handlers, reactions
from hubs.contracts import codes as C
from hubs.contracts import spec_for

WITHDRAWN_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
POLICY = handlers.CarePolicy()


def received(uow) -> uuid.UUID:
    case_id = uuid.uuid4()
    data = {"received_at": WITHDRAWN_AT - timedelta(days=30), "urgency": C.Urgency.ROUTINE}
    reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
    return case_id


def withdrawn(case_id: uuid.UUID, at: datetime = WITHDRAWN_AT) -> dict:
    """ReferralWithdrawn as the worker hands it over (a new event id each time it is made)."""
    return {
        "event_id": uuid.uuid4(),
        "case_id": case_id,
        "occurred_at": at,
        "data": {"referral_id": uuid.uuid4(), "withdrawn_at": at, "reason": C.WithdrawalReason.PERSON_ASKED},
    }


def in_care(uow) -> tuple[uuid.UUID, dict[str, uuid.UUID], uuid.UUID]:
    """A case referred on three times (waiting, accepted, in treatment) and monitored."""
    case_id = received(uow)
    case = uow.cases.get(case_id)
    made = {
        status: handlers.refer_on(uow, case, service_type, date(2026, 11, 2)).onward_referral_id
        for status, service_type in (
            ("waiting", C.ServiceType.TALKING_THERAPIES),
            ("accepted", C.ServiceType.BEREAVEMENT),
            ("in-treatment", C.ServiceType.DEBT_ADVICE),
        )
    }
    handlers.accept_onward_referral(commands.AcceptOnwardReferral(made["accepted"], date(2026, 11, 5)), uow)
    handlers.start_treatment(commands.StartTreatment(made["in-treatment"], date(2026, 11, 9)), uow)
    plan = handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 3), 14), uow)
    uow.outbox.events.clear()
    return case_id, made, plan.monitoring_plan_id


def test_a_withdrawn_referral_closes_the_episode_calls_off_waiting_onward_referrals_and_stops_monitoring(uow):
    case_id, made, plan_id = in_care(uow)

    reactions.on_referral_withdrawn(withdrawn(case_id), uow)

    case = uow.cases.get(case_id)
    assert (case.status, case.closure_reason, case.closed_at) == ("closed", C.ClosureReason.WITHDRAWN, WITHDRAWN_AT)
    status = {name: uow.onward_referrals.get(rid).status for name, rid in made.items()}
    assert status == {"waiting": "withdrawn", "accepted": "withdrawn", "in-treatment": "in-treatment"}
    assert uow.monitoring_plans.get(plan_id).ended_on == date(2026, 11, 20)
    assert uow.types() == ["OnwardReferralDeclined", "OnwardReferralDeclined", "MonitoringEnded", "EpisodeClosed"]
    declined = uow.of_type("OnwardReferralDeclined")
    assert {d["onward_referral_id"] for d in declined} == {made["waiting"], made["accepted"]}
    assert {(d["declined_on"], d["reason"]) for d in declined} == {
        (date(2026, 11, 20), C.OnwardReferralDeclineReason.PERSON_DECLINED)
    }
    assert uow.of_type("EpisodeClosed") == [{"closed_at": WITHDRAWN_AT, "reason": C.ClosureReason.WITHDRAWN}]
    # nothing called off is left on the hub's list of waits, or escalated by the due check
    assert handlers.waits(uow, date(2027, 3, 1)) == []
    assert reactions.check_due(uow, date(2027, 3, 1), POLICY) == {"waits_escalated": 0, "follow_ups_asked": 0}


def test_a_redelivered_withdrawal_changes_nothing(uow):
    case_id, _, _ = in_care(uow)
    event = withdrawn(case_id)
    reactions.on_referral_withdrawn(event, uow)
    emitted = list(uow.outbox.events)

    reactions.on_referral_withdrawn(event, uow)  # the same event again
    reactions.on_referral_withdrawn(withdrawn(case_id, WITHDRAWN_AT + timedelta(hours=1)), uow)  # a copy of it

    assert uow.outbox.events == emitted
    assert uow.cases.get(case_id).closed_at == WITHDRAWN_AT


def test_what_care_emits_on_a_withdrawal_stays_on_the_care_topic(uow):
    # Of these the referral service reads EpisodeClosed alone, and closes only a referral still open
    # (its own unit tests pin that): this one is withdrawn already, so there is no loop.
    case_id, _, _ = in_care(uow)
    reactions.on_referral_withdrawn(withdrawn(case_id), uow)
    assert uow.types() and {spec_for(t).service for t in uow.types()} == {"care"}
    assert not {"ReferralWithdrawn", "ReferralClosed"} & set(uow.types())


def test_a_withdrawal_of_an_episode_already_closed_or_of_an_unknown_case_does_nothing(uow):
    case_id = received(uow)
    handlers.close_episode(
        commands.CloseEpisode(case_id, C.ClosureReason.NO_FURTHER_ACTION), uow, now=WITHDRAWN_AT - timedelta(days=2)
    )
    uow.outbox.events.clear()

    reactions.on_referral_withdrawn(withdrawn(case_id), uow)
    reactions.on_referral_withdrawn(withdrawn(uuid.uuid4()), uow)

    assert uow.outbox.events == []
    assert uow.cases.get(case_id).closure_reason is C.ClosureReason.NO_FURTHER_ACTION


def test_an_assessment_arriving_after_the_withdrawal_is_not_acted_on(uow):
    case_id = received(uow)
    reactions.on_referral_withdrawn(withdrawn(case_id), uow)
    uow.outbox.events.clear()
    assessment = {
        "case_id": case_id,
        "occurred_at": WITHDRAWN_AT - timedelta(hours=2),
        "data": {
            "assessment_id": uuid.uuid4(),
            "completed_at": WITHDRAWN_AT - timedelta(hours=2),
            "outcome_decisions": [C.OutcomeDecision.REFER_ON, C.OutcomeDecision.MONITOR],
            "measures": {"phq9": {"total": 12}},
            "risk_level": C.RiskLevel.LOW,
            "occupational_health_consent": False,
            "occupational_health_consent_recorded_at": None,
            "refer_on_to": [C.ServiceType.TALKING_THERAPIES],
            "signpost_to": [],
            "monitoring_review_interval_days": None,
        },
    }

    reactions.make_on_assessment_completed(POLICY)(assessment, uow)  # no PoisonMessage: not a fault

    assert uow.outbox.events == [] and uow.onward_referrals.for_case(case_id) == []
    assert uow.monitoring_plans.for_case(case_id) == []


def test_a_withdrawal_dated_before_an_onward_referral_is_called_off_on_the_day_it_was_made(uow):
    case_id = received(uow)
    onward = handlers.refer_on(uow, uow.cases.get(case_id), C.ServiceType.PEER_SUPPORT, date(2026, 11, 21))
    uow.outbox.events.clear()
    reactions.on_referral_withdrawn(withdrawn(case_id), uow)  # withdrawn on 20 November
    [declined] = uow.of_type("OnwardReferralDeclined")
    assert declined["onward_referral_id"] == onward.onward_referral_id
    assert declined["declined_on"] == date(2026, 11, 21)
