"""Care co-ordination through its handlers with fakes: outcome decisions carried out,
onward referrals tracked, waits escalated, follow-ups asked for, closure and feedback."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hubs.care_coordination.domain import commands
from hubs.care_coordination.domain.directory import Competency, DirectoryQuery, DirectoryService, best_match
from hubs.care_coordination.domain.model import MonitoringPlan, Refused
from hubs.care_coordination.service_layer import handlers, reactions
from hubs.contracts import codes as C
from hubs.runtime.consumer import PoisonMessage

POLICY = handlers.CarePolicy(wait_contingency=C.ContingencyAction.NEIGHBOURING_HUB, monitoring_review_days=14)
COMPLETED_AT = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
ON_ASSESSMENT = reactions.make_on_assessment_completed(POLICY)


def received(uow, **demographics) -> uuid.UUID:
    case_id = uuid.uuid4()
    data = {"received_at": COMPLETED_AT - timedelta(days=3), "urgency": C.Urgency.ROUTINE, **demographics}
    reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
    return case_id


def completed(case_id, *decisions, **data) -> dict:
    return {
        "case_id": case_id,
        "occurred_at": COMPLETED_AT,
        "data": {
            "assessment_id": uuid.uuid4(),
            "completed_at": COMPLETED_AT,
            "outcome_decisions": list(decisions),
            "measures": {"phq9": {"total": 12}, "gad7": {"total": 9}, "wsas": {"total": 14}},
            "risk_level": C.RiskLevel.LOW,
            "occupational_health_consent": False,
            "occupational_health_consent_recorded_at": None,
            "refer_on_to": [],
            "signpost_to": [],
            "monitoring_review_interval_days": None,
            **data,
        },
    }


def assessed(uow, **demographics) -> uuid.UUID:
    """A case assessed on COMPLETED_AT, what the assessment itself set off left aside."""
    case_id = received(uow, **demographics)
    ON_ASSESSMENT(completed(case_id, C.OutcomeDecision.SIGNPOST, signpost_to=[C.ServiceType.SELF_HELP]), uow)
    uow.outbox.events.clear()
    return case_id


def directory_entry(uow, service_type=C.ServiceType.TALKING_THERAPIES, name="Talking Therapies North", **extra):
    service = DirectoryService.add(
        name=name, service_type=service_type, target_wait_days=extra.pop("target_wait_days", 21),
        how_to_refer="Secure email to the referral hub", **extra,
    )  # fmt: skip
    uow.directory.add(service)
    return service


def test_referring_on_from_the_assessment_picks_the_most_competent_service_and_its_target(uow):
    case_id = received(uow, ethnic_category=C.EthnicCategory.BLACK_AFRICAN)
    directory_entry(uow, name="A generic service", target_wait_days=14)
    culturally = directory_entry(uow, name="Culturally competent", competencies=frozenset({Competency.BAME}))
    ON_ASSESSMENT(completed(case_id, C.OutcomeDecision.REFER_ON, refer_on_to=[C.ServiceType.TALKING_THERAPIES]), uow)
    [made] = uow.of_type("OnwardReferralMade")
    assert made["directory_service_id"] == culturally.directory_service_id
    assert made["made_on"] == COMPLETED_AT.date() and made["urgency"] is C.Urgency.ROUTINE
    [referral] = uow.onward_referrals.for_case(case_id)
    assert referral.target_wait_days == 21


def test_a_service_type_without_a_directory_entry_uses_the_default_target(uow):
    case_id = received(uow)
    ON_ASSESSMENT(completed(case_id, C.OutcomeDecision.REFER_ON, refer_on_to=[C.ServiceType.TALKING_THERAPIES]), uow)
    assert uow.onward_referrals.for_case(case_id)[0].target_wait_days == 42  # the six-week standard


def test_signpost_monitor_and_no_further_action_decisions_are_carried_out(uow):
    case_id = received(uow)
    ON_ASSESSMENT(
        completed(case_id, C.OutcomeDecision.SIGNPOST, C.OutcomeDecision.MONITOR,
                  signpost_to=[C.ServiceType.PEER_SUPPORT, C.ServiceType.DEBT_ADVICE]),
        uow,
    )  # fmt: skip
    assert uow.types() == ["Signposted", "MonitoringStarted"]
    started = uow.of_type("MonitoringStarted")[0]
    assert started["review_interval_days"] == 14 and started["measures"] == [C.Measure.PHQ_9, C.Measure.GAD_7]

    other = received(uow)
    ON_ASSESSMENT(completed(other, C.OutcomeDecision.NO_FURTHER_ACTION), uow)
    assert uow.of_type("EpisodeClosed")[0]["reason"] is C.ClosureReason.NO_FURTHER_ACTION


def test_a_high_risk_assessment_refers_on_urgently(uow):
    case_id = received(uow)
    event = completed(case_id, C.OutcomeDecision.REFER_ON, refer_on_to=[C.ServiceType.SECONDARY_CARE_MENTAL_HEALTH],
                      risk_level=C.RiskLevel.HIGH)  # fmt: skip
    ON_ASSESSMENT(event, uow)
    assert uow.of_type("OnwardReferralMade")[0]["urgency"] is C.Urgency.URGENT


def test_risk_escalated_puts_the_case_on_the_urgent_path(uow):
    case_id = received(uow)
    reactions.on_risk_escalated({"case_id": case_id, "occurred_at": COMPLETED_AT, "data": {}}, uow)
    assert uow.cases.get(case_id).urgency is C.Urgency.URGENT


def test_an_onward_referral_is_tracked_to_treatment_and_its_end_asks_for_a_follow_up(uow):
    case_id = assessed(uow)
    referral = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.TALKING_THERAPIES, date(2026, 11, 2)), uow
    )
    rid = referral.onward_referral_id
    handlers.accept_onward_referral(commands.AcceptOnwardReferral(rid, date(2026, 11, 4)), uow)
    handlers.start_treatment(commands.StartTreatment(rid, date(2026, 11, 20)), uow)
    ended = handlers.end_treatment(commands.EndTreatment(rid, date(2027, 2, 1), C.TreatmentEndReason.COMPLETED), uow)
    assert uow.types() == [
        "OnwardReferralMade", "OnwardReferralAccepted", "TreatmentStarted", "TreatmentEnded", "FollowUpDue",
    ]  # fmt: skip
    assert ended.waited_days(date(2027, 3, 1)) == 18  # the wait ended when treatment started
    assert uow.of_type("FollowUpDue")[0]["due_on"] == date(2027, 2, 1)


def test_steps_out_of_order_are_conflicts(uow):
    case_id = assessed(uow)
    rid = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 11, 2)), uow
    ).onward_referral_id
    with pytest.raises(handlers.Refused) as refused:
        handlers.end_treatment(commands.EndTreatment(rid, date(2026, 12, 1), C.TreatmentEndReason.COMPLETED), uow)
    assert refused.value.conflict
    before_it_was_made = commands.AcceptOnwardReferral(rid, date(2026, 10, 1))
    with pytest.raises(handlers.Refused):
        handlers.accept_onward_referral(before_it_was_made, uow)


def test_a_case_not_yet_assessed_cannot_be_referred_on(uow):
    case_id = received(uow)
    with pytest.raises(handlers.Refused) as refused:
        handlers.make_onward_referral(
            commands.MakeOnwardReferral(case_id, C.ServiceType.TALKING_THERAPIES, COMPLETED_AT.date()), uow
        )
    assert refused.value.conflict and "case_id" in refused.value.errors
    assert uow.onward_referrals.all() == [] and uow.outbox.events == []


def test_an_onward_referral_cannot_be_dated_before_the_assessment(uow):
    case_id = assessed(uow)
    for made_on in (COMPLETED_AT.date() - timedelta(days=1), date(2020, 11, 2)):
        with pytest.raises(handlers.Refused) as refused:
            handlers.make_onward_referral(
                commands.MakeOnwardReferral(case_id, C.ServiceType.TALKING_THERAPIES, made_on), uow
            )
        assert not refused.value.conflict and "made_on" in refused.value.errors
    assert uow.onward_referrals.all() == [] and uow.outbox.events == []
    handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.TALKING_THERAPIES, COMPLETED_AT.date()), uow
    )
    assert uow.types() == ["OnwardReferralMade"]


def test_the_latest_assessment_sets_the_earliest_day_of_an_onward_referral(uow):
    case_id = assessed(uow)
    reassessed = completed(case_id, C.OutcomeDecision.SIGNPOST, signpost_to=[C.ServiceType.SELF_HELP])
    reassessed["data"]["completed_at"] = COMPLETED_AT + timedelta(days=20)
    ON_ASSESSMENT(reassessed, uow)
    with pytest.raises(handlers.Refused):
        handlers.make_onward_referral(
            commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, COMPLETED_AT.date()), uow
        )
    made = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 11, 22)), uow
    )
    assert made.assessment_id == reassessed["data"]["assessment_id"]


def test_a_case_assessed_before_the_day_was_kept_is_checked_against_its_opening(uow):
    case_id = received(uow)  # opened three days before COMPLETED_AT
    case = uow.cases.get(case_id)
    case.assessment_id = uuid.uuid4()
    uow.cases.save(case)
    with pytest.raises(handlers.Refused) as refused:
        handlers.make_onward_referral(
            commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 10, 29)), uow
        )
    assert "made_on" in refused.value.errors
    handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 10, 30)), uow
    )


def test_treatment_cannot_start_be_declined_or_be_expected_before_the_service_accepted(uow):
    case_id = assessed(uow)
    rid = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 11, 2)), uow
    ).onward_referral_id
    with pytest.raises(handlers.Refused) as refused:
        handlers.accept_onward_referral(commands.AcceptOnwardReferral(rid, date(2026, 11, 9), date(2026, 11, 8)), uow)
    assert "expected_start_on" in refused.value.errors
    handlers.accept_onward_referral(commands.AcceptOnwardReferral(rid, date(2026, 11, 9)), uow)
    for step, cmd, field in (
        (handlers.start_treatment, commands.StartTreatment(rid, date(2026, 11, 5)), "started_on"),
        (handlers.decline_onward_referral, commands.DeclineOnwardReferral(
            rid, date(2026, 11, 5), C.OnwardReferralDeclineReason.PERSON_DECLINED), "declined_on"),
    ):  # fmt: skip
        with pytest.raises(handlers.Refused) as refused:
            step(cmd, uow)
        assert not refused.value.conflict and field in refused.value.errors
    assert uow.onward_referrals.get(rid).status == "accepted" and uow.types() == [
        "OnwardReferralMade", "OnwardReferralAccepted",
    ]  # fmt: skip


def test_treatment_cannot_end_before_it_started(uow):
    case_id = assessed(uow)
    rid = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 11, 2)), uow
    ).onward_referral_id
    handlers.start_treatment(commands.StartTreatment(rid, date(2026, 11, 10)), uow)
    with pytest.raises(handlers.Refused) as refused:
        handlers.end_treatment(commands.EndTreatment(rid, date(2026, 11, 9), C.TreatmentEndReason.COMPLETED), uow)
    assert "ended_on" in refused.value.errors and uow.onward_referrals.get(rid).status == "in-treatment"


def test_monitoring_cannot_be_ended_before_it_started(uow):
    case_id = received(uow)
    plan = handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 2), 14), uow)
    with pytest.raises(handlers.Refused) as refused:
        handlers.end_monitoring(commands.EndMonitoring(plan.monitoring_plan_id, date(2026, 11, 1)), uow)
    assert not refused.value.conflict and "ended_on" in refused.value.errors
    assert uow.monitoring_plans.get(plan.monitoring_plan_id).active and "MonitoringEnded" not in uow.types()
    the_same_day = commands.EndMonitoring(plan.monitoring_plan_id, date(2026, 11, 2))  # will do
    ended = handlers.end_monitoring(the_same_day, uow)
    assert ended.ended_on == date(2026, 11, 2)


def test_monitoring_a_clinician_ends_stays_ended_and_is_announced(uow):
    case_id = received(uow)
    plan = handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 2), 14), uow)
    handlers.end_monitoring(commands.EndMonitoring(plan.monitoring_plan_id, date(2026, 11, 20)), uow)
    assert uow.monitoring_plans.get(plan.monitoring_plan_id).ended_on == date(2026, 11, 20)
    assert uow.of_type("MonitoringEnded") == [
        {"monitoring_plan_id": plan.monitoring_plan_id, "ended_on": date(2026, 11, 20)}
    ]
    assert reactions.check_due(uow, date(2026, 12, 30), POLICY)["follow_ups_asked"] == 0  # no more follow-ups


def test_a_service_added_to_the_directory_and_changed_is_found_as_changed(uow):
    entry = {"name": "Peer Support East", "service_type": C.ServiceType.PEER_SUPPORT, "target_wait_days": 10,
             "how_to_refer": "Phone the hub line"}  # fmt: skip
    added = handlers.add_directory_service(commands.AddDirectoryService(**entry), uow)
    peer_support = DirectoryQuery(service_type=C.ServiceType.PEER_SUPPORT)
    assert [s.directory_service_id for s in handlers.search_directory(peer_support, uow)] == [
        added.directory_service_id
    ]

    entry |= {"target_wait_days": 7}
    handlers.update_directory_service(commands.UpdateDirectoryService(added.directory_service_id, **entry), uow)
    [found] = handlers.search_directory(peer_support, uow)
    assert found.target_wait_days == 7
    entry |= {"active": False}
    handlers.update_directory_service(commands.UpdateDirectoryService(added.directory_service_id, **entry), uow)
    assert handlers.search_directory(peer_support, uow) == []


def test_a_monitoring_plan_must_end_after_it_starts():
    with pytest.raises(Refused) as refused:
        MonitoringPlan.start(uuid.uuid4(), date(2026, 11, 2), 14, planned_end_on=date(2026, 11, 2))
    assert "planned_end_on" in refused.value.errors


def test_an_unknown_case_or_onward_referral_does_not_exist(uow):
    with pytest.raises(handlers.CaseNotFound):
        handlers.make_onward_referral(
            commands.MakeOnwardReferral(uuid.uuid4(), C.ServiceType.PEER_SUPPORT, date(2026, 11, 2)), uow
        )
    with pytest.raises(handlers.CaseNotFound):
        handlers.accept_onward_referral(commands.AcceptOnwardReferral(uuid.uuid4(), date(2026, 11, 2)), uow)


def test_a_transferred_case_does_not_exist_here_any_more(uow):
    case_id = received(uow)
    reactions.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    with pytest.raises(handlers.CaseNotFound):
        handlers.case_record(case_id, uow)


def test_a_wait_past_target_is_escalated_once_with_the_hubs_contingency(uow):
    case_id = assessed(uow)
    directory = directory_entry(uow, target_wait_days=14)
    referral = handlers.make_onward_referral(
        commands.MakeOnwardReferral(
            case_id, C.ServiceType.TALKING_THERAPIES, date(2026, 11, 2), directory.directory_service_id
        ),
        uow,
    )
    assert reactions.check_due(uow, date(2026, 11, 16), POLICY)["waits_escalated"] == 0  # 14 days: on target
    assert reactions.check_due(uow, date(2026, 11, 17), POLICY)["waits_escalated"] == 1
    assert reactions.check_due(uow, date(2026, 11, 30), POLICY)["waits_escalated"] == 0
    [escalated] = uow.of_type("WaitEscalated")
    assert escalated == {
        "onward_referral_id": referral.onward_referral_id, "escalated_on": date(2026, 11, 17), "waited_days": 15,
        "threshold_days": 14, "contingency": C.ContingencyAction.NEIGHBOURING_HUB,
    }  # fmt: skip
    [(wait, days)] = handlers.waits(uow, date(2026, 11, 30), over_target_only=True)
    assert wait.onward_referral_id == referral.onward_referral_id and days == 28


def test_treatment_started_in_time_is_never_escalated(uow):
    case_id = assessed(uow)
    rid = handlers.make_onward_referral(
        commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 11, 2)), uow
    ).onward_referral_id
    handlers.start_treatment(commands.StartTreatment(rid, date(2026, 11, 10)), uow)
    assert reactions.check_due(uow, date(2027, 6, 1), POLICY)["waits_escalated"] == 0
    assert handlers.waits(uow, date(2027, 6, 1)) == []


def test_monitoring_asks_for_a_follow_up_at_every_review_point_once_and_ends_on_plan(uow):
    case_id = received(uow)
    plan = handlers.start_monitoring(
        commands.StartMonitoring(case_id, date(2026, 11, 2), 14, planned_end_on=date(2026, 12, 14)), uow
    )
    assert reactions.check_due(uow, date(2026, 11, 15), POLICY)["follow_ups_asked"] == 0
    assert reactions.check_due(uow, date(2026, 11, 30), POLICY)["follow_ups_asked"] == 2  # 16th and 30th
    assert reactions.check_due(uow, date(2026, 11, 30), POLICY)["follow_ups_asked"] == 0
    assert reactions.check_due(uow, date(2026, 12, 20), POLICY)["follow_ups_asked"] == 1  # 14 December
    assert [d["due_on"] for d in uow.of_type("FollowUpDue")] == [date(2026, 11, 16), date(2026, 11, 30),
                                                                 date(2026, 12, 14)]  # fmt: skip
    assert uow.of_type("MonitoringEnded") == [{"monitoring_plan_id": plan.monitoring_plan_id,
                                               "ended_on": date(2026, 12, 14)}]  # fmt: skip


def test_an_episode_closed_is_kept_and_announced_only_when_its_transaction_commits(uow, monkeypatch):
    case_id = received(uow)
    handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 2), 28), uow)
    sent = list(uow.outbox.events)

    def commit_fails():
        raise ConnectionError("the database went away")

    monkeypatch.setattr(uow, "commit", commit_fails)
    with pytest.raises(ConnectionError):
        handlers.close_episode(
            commands.CloseEpisode(case_id, C.ClosureReason.CARE_COMPLETED), uow, now=COMPLETED_AT + timedelta(days=60)
        )

    assert uow.cases.get(case_id).closed_at is None and uow.outbox.events == sent
    assert [p.ended_on for p in uow.monitoring_plans.for_case(case_id)] == [None]


def test_monitoring_plan_rejects_an_impossible_interval():
    with pytest.raises(Refused):
        MonitoringPlan.start(uuid.uuid4(), date(2026, 11, 2), 0)


def test_closing_an_episode_ends_its_monitoring_and_stops_further_change(uow):
    case_id = received(uow)
    handlers.start_monitoring(commands.StartMonitoring(case_id, date(2026, 11, 2), 28), uow)
    handlers.close_episode(
        commands.CloseEpisode(case_id, C.ClosureReason.CARE_COMPLETED), uow, now=COMPLETED_AT + timedelta(days=60)
    )
    assert uow.types()[-2:] == ["MonitoringEnded", "EpisodeClosed"]
    with pytest.raises(handlers.Refused) as refused:
        handlers.close_episode(commands.CloseEpisode(case_id, C.ClosureReason.CARE_COMPLETED), uow)
    assert refused.value.conflict
    with pytest.raises(handlers.Refused):
        handlers.make_onward_referral(
            commands.MakeOnwardReferral(case_id, C.ServiceType.PEER_SUPPORT, date(2026, 12, 2)), uow
        )
    after_closure = COMPLETED_AT + timedelta(days=61)
    with pytest.raises(PoisonMessage):
        ON_ASSESSMENT(completed(case_id, C.OutcomeDecision.MONITOR, completed_at=after_closure), uow)


def test_occupational_health_liaison_needs_the_recorded_consent(uow):
    case_id = received(uow)
    ON_ASSESSMENT(completed(case_id, C.OutcomeDecision.MONITOR), uow)
    with pytest.raises(handlers.Refused):
        handlers.liaise_with_occupational_health(commands.LiaiseWithOccupationalHealth(case_id, date(2026, 11, 3)), uow)
    consenting = received(uow)
    ON_ASSESSMENT(
        completed(consenting, C.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH, occupational_health_consent=True,
                  occupational_health_consent_recorded_at=COMPLETED_AT),
        uow,
    )  # fmt: skip
    liaison = handlers.liaise_with_occupational_health(
        commands.LiaiseWithOccupationalHealth(consenting, date(2026, 11, 3)), uow
    )
    assert liaison.data["consent_recorded_at"] == COMPLETED_AT
    assert uow.types()[-1] == "OccupationalHealthLiaised"


def test_feedback_goes_out_anonymous_and_the_comment_stays_in_the_hub(uow):
    handlers.give_feedback(
        commands.GiveFeedback(given_on=date(2027, 2, 1), stage=C.FeedbackStage.AT_CLOSURE,
                              overall_experience=C.FeedbackRating.GOOD, helped=5,
                              comment="Canary comment Q7X: thank you"),
        uow,
    )  # fmt: skip
    [(event_type, data, case_id)] = uow.outbox.events
    assert event_type == "ServiceUserFeedbackGiven" and case_id is None
    assert data["helped"] == 5 and "Canary" not in repr(data)
    assert uow.feedback.rows[0]["comment"].startswith("Canary")


def test_best_match_prefers_competence_then_the_shortest_target():
    a = DirectoryService.add(name="A", service_type=C.ServiceType.BEREAVEMENT, target_wait_days=7, how_to_refer="x")
    b = DirectoryService.add(name="B", service_type=C.ServiceType.BEREAVEMENT, target_wait_days=30, how_to_refer="x",
                             competencies=frozenset({Competency.FAITH}))  # fmt: skip
    closed = DirectoryService.add(name="C", service_type=C.ServiceType.BEREAVEMENT, target_wait_days=1,
                                  how_to_refer="x", active=False)  # fmt: skip
    assert best_match([a, b, closed], C.ServiceType.BEREAVEMENT, []) is a
    assert best_match([a, b, closed], C.ServiceType.BEREAVEMENT, [Competency.FAITH]) is b
    assert best_match([a, b], C.ServiceType.DEBT_ADVICE, []) is None


def test_the_due_check_runs_at_most_once_per_interval():
    calls, clock = [], iter([0.0, 0.5, 59.9, 60.0, 61.0])
    throttled = reactions.Throttled(lambda: calls.append(1), 60, clock=lambda: next(clock))
    for _ in range(5):
        throttled()
    assert len(calls) == 2


def test_a_clinician_signposts_naming_the_directorys_best_service_for_the_person(uow):
    case_id = received(uow, sexual_orientation=C.SexualOrientation.BISEXUAL)
    directory_entry(uow, C.ServiceType.DOMESTIC_ABUSE, name="General domestic abuse line")
    inclusive = directory_entry(
        uow,
        C.ServiceType.DOMESTIC_ABUSE,
        name="LGBT+ inclusive service",
        competencies=frozenset({Competency.LGBT_PLUS}),
    )
    signposting = commands.Signpost(case_id, date(2026, 11, 3), [C.ServiceType.DOMESTIC_ABUSE, C.ServiceType.SELF_HELP])
    handlers.signpost_case(signposting, uow)
    [signposted] = uow.of_type("Signposted")
    assert signposted["service_types"] == [C.ServiceType.DOMESTIC_ABUSE, C.ServiceType.SELF_HELP]
    assert signposted["directory_service_ids"] == [inclusive.directory_service_id]
