"""The rules of a rapid assessment as clinicians rely on them: a raised risk is never lowered and
never dropped without an escalation route; an outcome decision must be whole; the pathway's order
(first contact, assessment, follow-up) holds; and each refusal names the answer to change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hubs.assessment.domain.measures import score
from hubs.assessment.domain.model import (
    CLOCK_SKEW,
    Assessment,
    ClinicianRisk,
    Completion,
    Demographics,
    FollowUp,
    OutcomeDecision,
    Practitioner,
    Refused,
    Risk,
    WorkSituation,
    judge_risk,
)
from hubs.contracts import codes

C = codes
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
PHQ9_LOW = [0] * 9
PHQ9_ITEM9 = [0] * 8 + [1]
GAD7 = [1] * 7
NFA = OutcomeDecision((C.OutcomeDecision.NO_FURTHER_ACTION,), "coping")
NURSE = Practitioner("nurse-1", C.Discipline.NURSING)


def refusal(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as e:
        call(*args, **kwargs)
    return e.value


def measures(phq9=PHQ9_LOW, gad7=GAD7, **more):
    responses = {"gad7": gad7, **more}
    if phq9 is not None:
        responses["phq9"] = phq9
    return score(responses)


def completion(**changes) -> Completion:
    values = {
        "practitioners": (NURSE,),
        "measures": measures(),
        "clinician_risk": ClinicianRisk(),
        "work_situation": WorkSituation(C.WorkSituation.AT_WORK),
        "outcome": NFA,
        "signed_off_by": "nurse-1",
        "completed_at": NOW,
    }
    return Completion(**{**values, **changes})


def contacted(at=NOW - timedelta(hours=2)) -> Assessment:
    a = Assessment.to_do(uuid.uuid4(), C.Urgency.ROUTINE, NOW - timedelta(days=3), referral_id=uuid.uuid4())
    a.record_first_contact(at)
    return a


def test_a_refusal_reads_as_each_answer_named_with_what_is_wrong_with_it():
    refused = Refused({"risk": ["needs", "a route"], "decisions": ["at least one"]})
    assert str(refused) == "risk: needs a route; decisions: at least one"
    assert refused.conflict is False


def test_a_person_off_sick_says_whether_it_is_for_mental_health_and_nobody_else_does():
    WorkSituation(C.WorkSituation.OFF_SICK, True).check()
    WorkSituation(C.WorkSituation.AT_WORK).check()
    e = refusal(WorkSituation(C.WorkSituation.OFF_SICK).check)
    assert e.errors == {"work_situation": ["say whether the sickness is for mental health reasons"]}
    e = refusal(WorkSituation(C.WorkSituation.AT_WORK_WITH_ADJUSTMENTS, False).check)
    assert e.errors == {"work_situation": ["sickness reasons apply only to a person off sick"]}


def test_equality_answers_keep_only_the_questions_answered_as_codes():
    answers = Demographics.of({"ethnic_category": "H", "age_band": "", "disability": "not-stated", "other": "x"})
    assert answers == Demographics(ethnic_category=C.EthnicCategory.ASIAN_INDIAN, disability=C.Disability.NOT_STATED)
    assert answers.answered() == {
        "ethnic_category": C.EthnicCategory.ASIAN_INDIAN,
        "disability": C.Disability.NOT_STATED,
    }
    assert Demographics().answered() == {}


@pytest.mark.parametrize(
    ("judgement", "phq9", "level", "to_self"),
    [
        (ClinicianRisk(C.RiskLevel.LOW, route=C.EscalationRoute.GP), PHQ9_ITEM9, C.RiskLevel.MODERATE, True),
        (ClinicianRisk(C.RiskLevel.HIGH, route=C.EscalationRoute.GP), PHQ9_ITEM9, C.RiskLevel.HIGH, True),
        (
            ClinicianRisk(C.RiskLevel.LOW, risk_to_self=True, route=C.EscalationRoute.GP),
            None,
            C.RiskLevel.MODERATE,
            True,
        ),
        (
            ClinicianRisk(C.RiskLevel.LOW, risk_to_others=True, route=C.EscalationRoute.GP),
            None,
            C.RiskLevel.MODERATE,
            False,
        ),
        (
            ClinicianRisk(C.RiskLevel.HIGH, risk_to_others=True, route=C.EscalationRoute.GP),
            None,
            C.RiskLevel.HIGH,
            False,
        ),
        (ClinicianRisk(C.RiskLevel.LOW), PHQ9_LOW, C.RiskLevel.LOW, False),
    ],
)
def test_risk_is_never_lower_than_phq9_item_9_or_the_clinicians_judgement_says(judgement, phq9, level, to_self):
    risk = judge_risk(judgement, measures(phq9=phq9) if phq9 else measures(phq9=None))
    assert (risk.level, risk.risk_to_self) == (level, to_self)
    assert risk.risk_to_others is judgement.risk_to_others and risk.route is judgement.route


def test_a_raised_risk_without_an_escalation_route_is_refused():
    e = refusal(judge_risk, ClinicianRisk(C.RiskLevel.LOW), measures(phq9=PHQ9_ITEM9))
    assert e.errors == {"risk": ["a raised risk (PHQ-9 item 9 or the clinician's judgement) needs an escalation route"]}
    assert refusal(judge_risk, ClinicianRisk(C.RiskLevel.MODERATE), measures()).errors.keys() == {"risk"}


@pytest.mark.parametrize(
    ("risk", "raised"),
    [
        (Risk(C.RiskLevel.LOW, False, False, None), False),
        (Risk(C.RiskLevel.MODERATE, False, False, None), True),
        (Risk(C.RiskLevel.LOW, True, False, None), True),
        (Risk(C.RiskLevel.LOW, False, True, None), True),
    ],
)
def test_a_risk_is_raised_above_low_or_with_risk_to_self_or_others(risk, raised):
    assert risk.raised is raised


LOW = Risk(C.RiskLevel.LOW, False, False, None)
RAISED = Risk(C.RiskLevel.HIGH, True, False, C.EscalationRoute.CRISIS_TEAM)
D = C.OutcomeDecision


@pytest.mark.parametrize(
    ("decision", "risk", "consent", "errors"),
    [
        (OutcomeDecision((), "x"), LOW, False, {"decisions": ["at least one decision is needed"]}),
        (
            OutcomeDecision((D.NO_FURTHER_ACTION, D.MONITOR), "x"),
            LOW,
            False,
            {"decisions": ["no further action cannot be combined with another decision"]},
        ),
        (NFA, RAISED, False, {"decisions": ["a raised risk cannot end in no further action"]}),
        (
            OutcomeDecision((D.REFER_ON,), "x"),
            LOW,
            False,
            {"refer_on_to": ["referring on needs the service types, and service types need that decision"]},
        ),
        (
            OutcomeDecision((D.MONITOR,), "x", refer_on_to=(C.ServiceType.PEER_SUPPORT,)),
            LOW,
            False,
            {"refer_on_to": ["referring on needs the service types, and service types need that decision"]},
        ),
        (
            OutcomeDecision((D.SIGNPOST,), "x"),
            LOW,
            False,
            {"signpost_to": ["signposting needs the service types, and service types need that decision"]},
        ),
        (
            OutcomeDecision((D.TRANSFER_TO_ANOTHER_HUB,), "x"),
            LOW,
            False,
            {"transfer_to_hub_id": ["a transfer needs the hub, and a hub needs the transfer decision"]},
        ),
        (
            OutcomeDecision(
                (D.SIGNPOST,), "x", signpost_to=(C.ServiceType.SELF_HELP,), monitoring_review_interval_days=14
            ),
            LOW,
            False,
            {"monitoring_review_interval_days": ["a review interval needs the monitor decision"]},
        ),
        (
            OutcomeDecision((D.LIAISE_OCCUPATIONAL_HEALTH,), "x"),
            LOW,
            False,
            {"occupational_health_consent": ["liaising with Occupational Health needs the person's consent"]},
        ),
    ],
)
def test_an_outcome_decision_must_be_whole_and_say_what_is_missing(decision, risk, consent, errors):
    assert refusal(decision.check, risk, consent).errors == errors


def test_whole_outcome_decisions_are_taken():
    NFA.check(LOW, False)
    OutcomeDecision((D.LIAISE_OCCUPATIONAL_HEALTH,), "x").check(RAISED, True)
    OutcomeDecision(
        (D.REFER_ON, D.SIGNPOST, D.TRANSFER_TO_ANOTHER_HUB, D.MONITOR),
        "x",
        refer_on_to=(C.ServiceType.TALKING_THERAPIES,),
        signpost_to=(C.ServiceType.SELF_HELP,),
        transfer_to_hub_id="north-east",
        monitoring_review_interval_days=28,
    ).check(RAISED, False)


def test_the_earliest_first_contact_counts_however_it_is_told():
    a = contacted(NOW - timedelta(hours=2))
    a.record_first_contact(NOW - timedelta(hours=1))
    assert a.first_contact_at == NOW - timedelta(hours=2)
    a.record_first_contact(NOW - timedelta(hours=3))
    assert a.first_contact_at == NOW - timedelta(hours=3)


def test_an_assessment_waits_for_first_contact_and_cannot_come_before_it_beyond_the_clock_skew():
    a = Assessment.to_do(uuid.uuid4(), C.Urgency.ROUTINE, NOW - timedelta(days=3))
    e = refusal(a.complete, completion())
    assert (e.errors, e.conflict) == (
        {"first_contact": ["First contact with the person must be recorded before the assessment."]},
        True,
    )
    a.record_first_contact(NOW + CLOCK_SKEW + timedelta(minutes=1))
    e = refusal(a.complete, completion())
    assert (e.errors, e.conflict) == (
        {"first_contact": ["The assessment cannot come before first contact (2026-06-10T10:06+00:00)."]},
        True,
    )
    on_the_edge = contacted(NOW + CLOCK_SKEW)
    on_the_edge.complete(completion())
    assert on_the_edge.status == "completed"


def test_an_assessment_needs_a_practitioner_and_the_phq9_and_gad7():
    e = refusal(contacted().complete, completion(practitioners=()))
    assert e.errors == {"practitioners": ["at least one practitioner carries out the assessment"]}
    e = refusal(contacted().complete, completion(measures=measures(phq9=None)))
    assert e.errors == {"measures": ["PHQ-9 and GAD-7 are taken at every assessment"]}
    e = refusal(contacted().complete, completion(measures=score({"phq9": PHQ9_LOW})))
    assert e.errors == {"measures": ["PHQ-9 and GAD-7 are taken at every assessment"]}


def test_a_completed_assessment_is_announced_with_codes_and_a_raised_risk_escalates_the_case():
    a = contacted()
    a.complete(
        completion(
            practitioners=(
                NURSE,
                Practitioner("psy-1", C.Discipline.PSYCHOLOGY),
                Practitioner("n-2", C.Discipline.NURSING),
            ),
            measures=measures(phq9=PHQ9_ITEM9),
            clinician_risk=ClinicianRisk(C.RiskLevel.LOW, route=C.EscalationRoute.GP),
            outcome=OutcomeDecision((D.MONITOR,), "x", monitoring_review_interval_days=28),
            demographics=Demographics(age_band=C.AgeBand.FROM_25_TO_34),
        )
    )
    assert (a.status, a.urgency) == ("completed", C.Urgency.URGENT)
    escalated, completed = a.events
    assert escalated.event_type == "RiskEscalated"
    assert escalated.to_data()["risk_level"] is C.RiskLevel.MODERATE
    assert escalated.to_data()["assessment_id"] == a.assessment_id
    data = completed.to_data()
    assert completed.event_type == "AssessmentCompleted"
    assert data["multidisciplinary"] is True
    assert data["disciplines"] == [C.Discipline.NURSING, C.Discipline.PSYCHOLOGY]
    assert data["demographics"] == {"age_band": C.AgeBand.FROM_25_TO_34}
    assert data["occupational_health_consent"] is False
    e = refusal(a.complete, completion())
    assert (e.errors, e.conflict) == ({"status": ["the assessment is completed"]}, True)


def test_a_closed_case_is_neither_assessed_nor_followed_up_and_says_why():
    a = contacted()
    assert a.close_case(C.ClosureReason.WITHDRAWN, NOW) is True
    assert (a.status, a.closed_at, a.closure_reason) == ("closed", NOW, C.ClosureReason.WITHDRAWN)
    assert a.close_case(C.ClosureReason.OTHER, NOW) is False
    e = refusal(a.complete, completion())
    assert (e.errors, e.conflict) == (
        {"case": ["The case is closed (withdrawn): nothing more is assessed or followed up on it."]},
        True,
    )


def test_risk_escalated_between_appointments_must_be_raised_and_is_not_tied_to_an_assessment_yet():
    a = contacted()
    assert refusal(a.escalate_risk, ClinicianRisk(C.RiskLevel.LOW), NOW).errors == {
        "level": ["only a raised risk is escalated"]
    }
    a.escalate_risk(ClinicianRisk(C.RiskLevel.HIGH, route=C.EscalationRoute.CRISIS_TEAM), NOW)
    [escalated] = a.events
    assert a.urgency is C.Urgency.URGENT
    assert escalated.to_data()["assessment_id"] is None and escalated.to_data()["escalated_at"] == NOW


def assessed() -> Assessment:
    a = contacted()
    a.complete(completion(measures=measures(phq9=[2] * 8 + [0], gad7=[2] * 7)))
    return a


def follow_up(*due) -> FollowUp:
    return FollowUp(uuid.uuid4(), uuid.uuid4(), None, due or (C.Measure.PHQ_9, C.Measure.GAD_7))


def test_follow_up_measures_come_after_the_assessment_and_not_from_the_future():
    e = refusal(contacted().record_follow_up, follow_up(), measures(), NOW, None, ClinicianRisk(), now=NOW)
    assert (e.errors, e.conflict) == ({"status": ["follow-up measures come after the assessment"]}, True)
    a = assessed()
    e = refusal(a.record_follow_up, follow_up(), measures(), NOW - timedelta(minutes=1), None, ClinicianRisk(), now=NOW)
    assert e.errors == {"measured_at": ["Must be on or after the assessment (2026-06-10T10:00+00:00)."]}
    later = NOW + timedelta(days=30)
    ahead = later + CLOCK_SKEW + timedelta(seconds=1)
    e = refusal(a.record_follow_up, follow_up(), measures(), ahead, None, ClinicianRisk(), now=later)
    assert e.errors == {"measured_at": ["Must not be in the future."]}


def test_a_follow_up_takes_every_measure_due_once_and_reports_the_outcomes_so_far():
    a = assessed()
    later = NOW + timedelta(days=30)
    e = refusal(a.record_follow_up, follow_up(), score({"gad7": GAD7}), later, None, ClinicianRisk(), now=later)
    assert e.errors == {"measures": ["due and not taken: phq-9"]}
    e = refusal(a.record_follow_up, follow_up(C.Measure.WSAS), score({}), later, None, ClinicianRisk(), now=later)
    assert e.errors == {"measures": ["due and not taken: wsas"]}
    due = follow_up()
    a.record_follow_up(due, measures(), later + CLOCK_SKEW, C.WorkSituation.AT_WORK, ClinicianRisk(), now=later)
    assert (due.status, due.measured_at, due.work_situation) == (
        "measured",
        later + CLOCK_SKEW,
        C.WorkSituation.AT_WORK,
    )
    measured = a.events[-1]
    assert measured.event_type == "FollowUpMeasured"
    assert measured.to_data()["outcomes"] is not None and measured.to_data()["assessment_id"] == a.assessment_id
    e = refusal(a.record_follow_up, due, measures(), later, None, ClinicianRisk(), now=later)
    assert (e.errors, e.conflict) == ({"follow_up_id": ["this follow-up was already measured"]}, True)


def test_a_follow_up_without_the_phq9_and_gad7_has_no_outcomes_and_one_with_none_is_refused():
    a = assessed()
    later = NOW + timedelta(days=30)
    nothing_due = FollowUp(uuid.uuid4(), a.case_id, None, ())
    e = refusal(a.record_follow_up, nothing_due, score({}), later, None, ClinicianRisk(), now=later)
    assert e.errors == {"measures": ["at least one measure is taken at a follow-up"]}
    due = FollowUp(uuid.uuid4(), a.case_id, None, (C.Measure.GAD_7,))
    a.record_follow_up(due, score({"gad7": GAD7}), later, None, ClinicianRisk(), now=later)
    assert a.events[-1].to_data()["outcomes"] is None
    assert a.outcomes_against(measures()) is not None


def test_a_raised_risk_at_follow_up_escalates_the_case_when_it_was_measured():
    a = assessed()
    later = NOW + timedelta(days=30)
    judgement = ClinicianRisk(C.RiskLevel.HIGH, route=C.EscalationRoute.GP)
    a.record_follow_up(follow_up(), measures(), later, None, judgement, now=later)
    escalated = a.events[-2]
    assert escalated.event_type == "RiskEscalated" and escalated.to_data()["escalated_at"] == later
    assert escalated.to_data()["assessment_id"] == a.assessment_id


def test_no_outcomes_without_a_completed_assessment():
    assert contacted().outcomes_against(measures()) is None
