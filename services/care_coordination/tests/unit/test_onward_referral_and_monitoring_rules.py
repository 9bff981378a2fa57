"""The rules of care co-ordination as clinicians and the hub's figures rely on them: what each step of
an onward referral records and announces, how long a person has waited against the target, when
follow-ups are asked for, which services suit the person, and which answer a refusal names."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hubs.care_coordination.domain.directory import (
    Competency,
    DirectoryQuery,
    DirectoryService,
    best_match,
    default_target_wait,
)
from hubs.care_coordination.domain.model import (
    Case,
    FollowUpAsked,
    MonitoringPlan,
    OnwardReferral,
    Refused,
    competencies_for,
)
from hubs.contracts import codes

CASE = uuid.uuid4()
MADE = date(2026, 3, 2)
TALKING = codes.ServiceType.TALKING_THERAPIES


def onward(target: int = 28) -> OnwardReferral:
    return OnwardReferral.make(CASE, TALKING, MADE, target_wait_days=target, urgency=codes.Urgency.URGENT)


def refusal(excinfo) -> tuple[dict, bool]:
    return excinfo.value.errors, excinfo.value.conflict


def test_an_onward_referral_announces_what_was_made_and_waits_for_a_response():
    assessment, listed = uuid.uuid4(), uuid.uuid4()
    r = OnwardReferral.make(CASE, TALKING, MADE, directory_service_id=listed, assessment_id=assessment)
    assert (r.status, r.target_wait_days, r.waiting) == ("awaiting-response", 28, True)
    [made] = r.events
    assert made.event_type == "OnwardReferralMade"
    assert made.to_data() == {
        "onward_referral_id": r.onward_referral_id,
        "service_type": TALKING,
        "directory_service_id": listed,
        "made_on": MADE,
        "assessment_id": assessment,
        "urgency": None,
    }


def test_acceptance_records_the_day_and_expected_start_and_announces_them():
    r = onward()
    r.accept(MADE, expected_start_on=MADE)  # the same day is allowed for both
    assert (r.status, r.accepted_on, r.expected_start_on, r.waiting) == ("accepted", MADE, MADE, True)
    assert r.events[-1].event_type == "OnwardReferralAccepted"
    assert r.events[-1].data == {
        "onward_referral_id": r.onward_referral_id,
        "accepted_on": MADE,
        "expected_start_on": MADE,
    }


def test_each_date_refused_names_its_own_answer_and_says_why():
    with pytest.raises(Refused) as e:
        onward().accept(MADE - timedelta(days=1))
    assert refusal(e) == ({"accepted_on": ["cannot be before the referral was made"]}, False)
    with pytest.raises(Refused) as e:
        onward().accept(MADE, expected_start_on=MADE - timedelta(days=1))
    assert refusal(e) == ({"expected_start_on": ["cannot be before the service accepted the referral"]}, False)
    with pytest.raises(Refused) as e:
        onward().decline(MADE - timedelta(days=1), codes.OnwardReferralDeclineReason.NO_CAPACITY)
    assert refusal(e) == ({"declined_on": ["cannot be before the referral was made"]}, False)
    with pytest.raises(Refused) as e:
        onward().start_treatment(MADE - timedelta(days=1))
    assert refusal(e) == ({"started_on": ["cannot be before the referral was made"]}, False)
    accepted = onward()
    accepted.accept(MADE + timedelta(days=3))
    with pytest.raises(Refused) as e:
        accepted.start_treatment(MADE + timedelta(days=2))
    assert refusal(e) == ({"started_on": ["cannot be before the service accepted the referral"]}, False)
    with pytest.raises(Refused) as e:
        accepted.decline(MADE + timedelta(days=2), codes.OnwardReferralDeclineReason.NO_CAPACITY)
    assert refusal(e) == ({"declined_on": ["cannot be before the service accepted the referral"]}, False)


def test_a_step_the_referrals_state_does_not_allow_is_a_conflict_naming_its_status():
    r = onward()
    r.decline(MADE, codes.OnwardReferralDeclineReason.NO_CAPACITY)
    with pytest.raises(Refused) as e:
        r.accept(MADE)
    assert refusal(e) == ({"status": ["cannot accept: the onward referral is declined"]}, True)
    with pytest.raises(Refused) as e:
        onward().end_treatment(MADE, codes.TreatmentEndReason.COMPLETED)
    assert refusal(e) == ({"status": ["cannot end treatment: the onward referral is awaiting-response"]}, True)
    started = onward()
    started.start_treatment(MADE)
    with pytest.raises(Refused) as e:
        started.decline(MADE, codes.OnwardReferralDeclineReason.OTHER)
    assert refusal(e) == ({"status": ["cannot decline: the onward referral is in-treatment"]}, True)
    with pytest.raises(Refused) as e:
        started.start_treatment(MADE)
    assert refusal(e)[1] is True


def test_a_decline_records_the_reason_and_the_hub_must_find_another_route():
    r = onward()
    r.accept(MADE)
    r.decline(MADE + timedelta(days=1), codes.OnwardReferralDeclineReason.DIFFERENT_SERVICE_NEEDED)
    assert (r.status, r.declined_on, r.decline_reason, r.waiting) == (
        "declined",
        MADE + timedelta(days=1),
        codes.OnwardReferralDeclineReason.DIFFERENT_SERVICE_NEEDED,
        False,
    )
    assert r.events[-1].event_type == "OnwardReferralDeclined"
    assert r.events[-1].data["reason"] is codes.OnwardReferralDeclineReason.DIFFERENT_SERVICE_NEEDED


def test_treatment_started_without_an_acceptance_counts_as_accepted_that_day():
    r = onward()
    r.start_treatment(MADE + timedelta(days=5))
    assert (r.status, r.started_on, r.accepted_on, r.waiting) == (
        "in-treatment",
        MADE + timedelta(days=5),
        MADE + timedelta(days=5),
        False,
    )
    assert r.events[-1].event_type == "TreatmentStarted"
    assert r.events[-1].data["service_type"] is TALKING
    assert r.events[-1].data["started_on"] == MADE + timedelta(days=5)


def test_treatment_can_end_the_day_it_started_but_not_before():
    r = onward()
    r.accept(MADE + timedelta(days=1))
    r.start_treatment(MADE + timedelta(days=4))
    assert r.accepted_on == MADE + timedelta(days=1)  # kept as the service said
    with pytest.raises(Refused) as e:
        r.end_treatment(MADE + timedelta(days=3), codes.TreatmentEndReason.COMPLETED)
    assert refusal(e) == ({"ended_on": ["cannot be before treatment started"]}, False)
    r.end_treatment(MADE + timedelta(days=4), codes.TreatmentEndReason.ENDED_EARLY_BY_PERSON)
    assert (r.status, r.ended_on, r.end_reason) == (
        "treatment-ended",
        MADE + timedelta(days=4),
        codes.TreatmentEndReason.ENDED_EARLY_BY_PERSON,
    )
    assert r.events[-1].event_type == "TreatmentEnded"
    assert r.events[-1].data["reason"] is codes.TreatmentEndReason.ENDED_EARLY_BY_PERSON


def test_a_withdrawal_calls_off_a_waiting_referral_as_declined_by_the_person_but_not_treatment():
    waiting = onward()
    assert waiting.withdraw(MADE + timedelta(days=2)) is True
    assert (waiting.status, waiting.declined_on, waiting.decline_reason) == (
        "withdrawn",
        MADE + timedelta(days=2),
        codes.OnwardReferralDeclineReason.PERSON_DECLINED,
    )
    assert waiting.events[-1].event_type == "OnwardReferralDeclined"
    assert waiting.events[-1].data["declined_on"] == MADE + timedelta(days=2)
    in_treatment = onward()
    in_treatment.start_treatment(MADE)
    assert in_treatment.withdraw(MADE + timedelta(days=2)) is False
    assert in_treatment.status == "in-treatment"


def test_the_wait_is_counted_to_treatment_or_today_and_never_below_zero():
    r = onward()
    assert r.waited_days(MADE + timedelta(days=10)) == 10
    assert r.waited_days(MADE - timedelta(days=3)) == 0
    r.start_treatment(MADE + timedelta(days=7))
    assert r.waited_days(MADE + timedelta(days=30)) == 7
    declined = onward()
    declined.decline(MADE + timedelta(days=4), codes.OnwardReferralDeclineReason.NO_CAPACITY)
    assert declined.waited_days(MADE + timedelta(days=30)) == 4


def test_a_wait_is_over_target_only_past_its_last_day_and_escalation_tells_the_figures():
    r = onward(target=28)
    assert not r.over_target(MADE + timedelta(days=28))
    assert r.over_target(MADE + timedelta(days=29))
    contingency = codes.ContingencyAction.NEIGHBOURING_HUB
    assert r.escalate_if_over_target(MADE + timedelta(days=28), contingency) is False
    assert r.escalate_if_over_target(MADE + timedelta(days=30), contingency) is True
    assert (r.escalated_on, r.contingency) == (MADE + timedelta(days=30), contingency)
    assert r.events[-1].event_type == "WaitEscalated"
    assert r.events[-1].data == {
        "onward_referral_id": r.onward_referral_id,
        "escalated_on": MADE + timedelta(days=30),
        "waited_days": 30,
        "threshold_days": 28,
        "contingency": contingency,
    }
    assert r.escalate_if_over_target(MADE + timedelta(days=31), contingency) is False


def test_a_monitoring_plan_asks_at_every_review_interval_from_one_day_to_a_year():
    for interval in (1, 365):
        plan = MonitoringPlan.start(CASE, MADE, interval)
        assert plan.next_due_on == MADE + timedelta(days=interval)
    for interval in (0, 366):
        with pytest.raises(Refused) as e:
            MonitoringPlan.start(CASE, MADE, interval)
        assert refusal(e) == ({"review_interval_days": ["must be from 1 to 365 days"]}, False)
    with pytest.raises(Refused) as e:
        MonitoringPlan.start(CASE, MADE, 14, planned_end_on=MADE)
    assert refusal(e) == ({"planned_end_on": ["must be after the start"]}, False)


def test_a_new_plan_announces_its_measures_once_each_defaulting_to_phq9_and_gad7():
    plan = MonitoringPlan.start(CASE, MADE, 14, measures=(codes.Measure.PHQ_9, codes.Measure.PHQ_9))
    assert plan.measures == (codes.Measure.PHQ_9,)
    assert MonitoringPlan.start(CASE, MADE, 14, measures=()).measures == (codes.Measure.PHQ_9, codes.Measure.GAD_7)
    planned = MonitoringPlan.start(CASE, MADE, 14, planned_end_on=MADE + timedelta(days=1))
    [started] = planned.events
    assert started.event_type == "MonitoringStarted"
    assert started.data == {
        "monitoring_plan_id": planned.monitoring_plan_id,
        "started_on": MADE,
        "review_interval_days": 14,
        "measures": [codes.Measure.PHQ_9, codes.Measure.GAD_7],
        "planned_end_on": MADE + timedelta(days=1),
    }


def test_follow_ups_are_asked_on_each_review_day_up_to_the_planned_end_then_monitoring_ends():
    plan = MonitoringPlan.start(CASE, MADE, 7, planned_end_on=MADE + timedelta(days=14))
    assert plan.follow_ups_due(MADE + timedelta(days=6)) == []
    [first] = plan.follow_ups_due(MADE + timedelta(days=7))
    assert (first.case_id, first.due_on, first.monitoring_plan_id) == (
        CASE,
        MADE + timedelta(7),
        plan.monitoring_plan_id,
    )
    assert first.measures_due == (codes.Measure.PHQ_9, codes.Measure.GAD_7)
    [second] = plan.follow_ups_due(MADE + timedelta(days=40))
    assert second.due_on == MADE + timedelta(days=14)
    assert (plan.active, plan.ended_on) == (False, MADE + timedelta(days=14))
    assert plan.events[-1].event_type == "MonitoringEnded"
    assert plan.events[-1].data == {"monitoring_plan_id": plan.monitoring_plan_id, "ended_on": MADE + timedelta(14)}
    assert plan.follow_ups_due(MADE + timedelta(days=80)) == []


def test_monitoring_goes_on_on_the_planned_end_day_until_its_last_follow_up_is_asked():
    plan = MonitoringPlan.start(CASE, MADE, 10, planned_end_on=MADE + timedelta(days=15))
    plan.follow_ups_due(MADE + timedelta(days=14))
    assert plan.active
    plan.follow_ups_due(MADE + timedelta(days=15))
    assert plan.ended_on == MADE + timedelta(days=15)


def test_monitoring_ends_once_and_never_before_it_started():
    plan = MonitoringPlan.start(CASE, MADE, 7)
    with pytest.raises(Refused) as e:
        plan.end_as_recorded(MADE - timedelta(days=1))
    assert refusal(e) == ({"ended_on": ["cannot be before monitoring started"]}, False)
    plan.end(MADE - timedelta(days=5))  # a closure dated by the clock: taken as the start
    assert plan.ended_on == MADE
    with pytest.raises(Refused) as e:
        plan.end_as_recorded(MADE + timedelta(days=1))
    assert refusal(e) == ({"status": ["monitoring already ended"]}, True)


def test_a_follow_up_due_tells_assessment_what_to_measure_and_when():
    plan_id = uuid.uuid4()
    asked = FollowUpAsked.ask(CASE, MADE, monitoring_plan_id=plan_id)
    event = asked.event()
    assert event.event_type == "FollowUpDue"
    assert event.data == {
        "follow_up_id": asked.follow_up_id,
        "due_on": MADE,
        "measures_due": [codes.Measure.PHQ_9, codes.Measure.GAD_7],
        "monitoring_plan_id": plan_id,
    }


def test_an_onward_referral_waits_for_the_assessment_and_cannot_predate_it():
    case = Case(CASE, datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(Refused) as e:
        case.expect_assessed_by(MADE, MADE)
    assert e.value.conflict and list(e.value.errors) == ["case_id"]
    case.assessment_id = uuid.uuid4()
    with pytest.raises(Refused) as e:
        case.expect_assessed_by(MADE, None)
    assert e.value.conflict
    with pytest.raises(Refused) as e:
        case.expect_assessed_by(MADE - timedelta(days=1), MADE)
    assert refusal(e) == ({"made_on": ["cannot be before the case was assessed (2026-03-02)"]}, False)
    case.expect_assessed_by(MADE, MADE)


def test_a_closed_case_refuses_change_naming_its_state_and_its_active_plans_end_with_it():
    case = Case(CASE, datetime(2026, 3, 1, tzinfo=UTC))
    active, ended = MonitoringPlan.start(CASE, MADE, 7), MonitoringPlan.start(CASE, MADE, 7)
    ended.end(MADE + timedelta(days=1))
    at = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    case.close(codes.ClosureReason.CARE_COMPLETED, at, [active, ended])
    assert (case.open, case.status, case.closed_at, case.closure_reason) == (
        False,
        "closed",
        at,
        codes.ClosureReason.CARE_COMPLETED,
    )
    assert active.ended_on == date(2026, 3, 20) and ended.ended_on == MADE + timedelta(days=1)
    assert case.events[-1].event_type == "EpisodeClosed"
    assert case.events[-1].data == {"closed_at": at, "reason": codes.ClosureReason.CARE_COMPLETED}
    with pytest.raises(Refused) as e:
        case.expect_open()
    assert refusal(e) == ({"case": ["the episode is closed"]}, True)


def test_occupational_health_liaison_carries_the_consent_it_rests_on():
    consented = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    case = Case(CASE, datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(Refused) as e:
        case.liaise_with_occupational_health(MADE)
    assert refusal(e) == ({"consent": ["the person has not consented to liaison with Occupational Health"]}, True)
    case.occupational_health_consent_recorded_at = consented
    liaison = case.liaise_with_occupational_health(MADE)
    assert liaison.event_type == "OccupationalHealthLiaised"
    assert liaison.data["liaised_on"] == MADE and liaison.data["consent_recorded_at"] == consented
    assert case.events == [liaison]


def test_an_escalated_case_is_urgent():
    case = Case(CASE, datetime(2026, 3, 1, tzinfo=UTC))
    assert case.urgency is codes.Urgency.ROUTINE
    case.escalate()
    assert case.urgency is codes.Urgency.URGENT


@pytest.mark.parametrize(
    ("answers", "wanted"),
    [
        ({}, set()),
        ({"ethnic_category": codes.EthnicCategory.WHITE_IRISH}, set()),
        ({"ethnic_category": codes.EthnicCategory.NOT_STATED}, set()),
        ({"ethnic_category": codes.EthnicCategory.ASIAN_INDIAN}, {Competency.BAME}),
        ({"sexual_orientation": codes.SexualOrientation.BISEXUAL}, {Competency.LGBT_PLUS}),
        ({"sexual_orientation": codes.SexualOrientation.OTHER}, {Competency.LGBT_PLUS}),
        ({"sexual_orientation": codes.SexualOrientation.GAY_OR_LESBIAN}, {Competency.LGBT_PLUS}),
        ({"sexual_orientation": codes.SexualOrientation.UNSURE}, set()),
        ({"gender_same_as_at_birth": codes.GenderSameAsAtBirth.NO}, {Competency.LGBT_PLUS}),
        ({"gender_same_as_at_birth": codes.GenderSameAsAtBirth.YES}, set()),
        ({"disability": codes.Disability.YES}, {Competency.DISABILITY}),
        ({"disability": codes.Disability.NOT_STATED}, set()),
    ],
)
def test_a_persons_own_answers_say_which_competencies_a_service_should_have(answers, wanted):
    assert competencies_for(answers) == frozenset(wanted)


def service(name, kind=TALKING, wait=28, competencies=(), languages=(), active=True) -> DirectoryService:
    return DirectoryService.add(
        name=name,
        service_type=kind,
        target_wait_days=wait,
        how_to_refer="online form",
        competencies=frozenset(competencies),
        languages=tuple(languages),
        active=active,
    )


def test_talking_therapies_wait_six_weeks_by_default_and_everything_else_four():
    assert default_target_wait(TALKING) == 42
    assert default_target_wait(codes.ServiceType.PEER_SUPPORT) == 28


def test_a_directory_search_finds_active_services_of_the_type_with_every_competency_and_the_language():
    welsh_lgbt = service("Cymorth", competencies=[Competency.LGBT_PLUS, Competency.BAME], languages=["cy"])
    assert DirectoryQuery().matches(welsh_lgbt)
    assert DirectoryQuery(service_type=TALKING, competencies=frozenset({Competency.LGBT_PLUS}), language="cy").matches(
        welsh_lgbt
    )
    assert not DirectoryQuery(service_type=codes.ServiceType.PEER_SUPPORT).matches(welsh_lgbt)
    assert not DirectoryQuery(competencies=frozenset({Competency.DISABILITY})).matches(welsh_lgbt)
    assert not DirectoryQuery(language="pl").matches(welsh_lgbt)
    assert not DirectoryQuery().matches(service("Closed", active=False))


def test_the_best_match_is_the_most_competent_active_service_then_the_shortest_wait_then_by_name():
    wanted = {Competency.BAME, Competency.LGBT_PLUS}
    one = service("B one", wait=10, competencies=[Competency.BAME])
    two_slow = service("Z two slow", wait=40, competencies=wanted)
    two_fast = service("Y two fast", wait=20, competencies=wanted)
    two_fast_a = service("A two fast", wait=20, competencies=wanted)
    closed = service("Closed", wait=1, competencies=wanted, active=False)
    other = service("Other type", kind=codes.ServiceType.PEER_SUPPORT, competencies=wanted)
    assert best_match([one, two_slow, two_fast, two_fast_a, closed, other], TALKING, wanted) is two_fast_a
    assert best_match([one, two_slow], TALKING, set()) is one
    assert best_match([closed, other], TALKING, wanted) is None
    assert two_slow.serves([Competency.BAME, Competency.FAITH]) == 1


def test_a_refusal_reads_as_each_answer_named_with_what_is_wrong_with_it():
    refused = Refused({"made_on": ["cannot be before", "the assessment"], "case": ["is closed"]})
    assert str(refused) == "made_on: cannot be before the assessment; case: is closed"
    assert refused.conflict is False
