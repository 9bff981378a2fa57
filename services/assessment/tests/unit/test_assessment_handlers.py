"""Completing an assessment, risk, outcome decisions and follow-up, through the handlers
with fakes of the repositories, unit of work and outbox. Every event is checked against
its contract, as the real outbox does."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hubs.assessment.domain import commands
from hubs.assessment.domain.measures import ScoringRules
from hubs.assessment.domain.model import (
    Assessment,
    ClinicianRisk,
    Demographics,
    OutcomeDecision,
    Practitioner,
    WorkSituation,
)
from hubs.assessment.entrypoints import views
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes
from hubs.runtime import fakes
from hubs.runtime.auth import Principal
from hubs.runtime.consumer import PoisonMessage

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
RULES = ScoringRules()
C = codes


class FakeAssessments:
    def __init__(self):
        self.by_case: dict[uuid.UUID, Assessment] = {}

    def add(self, assessment):
        self.by_case[assessment.case_id] = assessment

    save = add

    def for_case(self, case_id):
        return self.by_case.get(case_id)

    def with_status(self, status):
        return [a for a in self.by_case.values() if a.status == status]


class FakeReasons:
    """Outcome reasons by case (the real repository seals them) and the audit of their reads."""

    def __init__(self):
        self.kept, self.erased_at, self.audits = {}, {}, []

    def keep(self, case_id, reasons):
        self.kept[case_id] = reasons

    def read(self, case_id):
        return self.kept.get(case_id), self.erased_at.get(case_id)

    def erase(self, case_ids, at):
        erased = [c for c in case_ids if self.kept.get(c) is not None]
        for case_id in erased:
            self.kept[case_id], self.erased_at[case_id] = None, at
        return len(erased)

    def audit(self, **values):
        self.audits.append(values)

    def audit_records(self, **filters):
        return list(self.audits)


class FakeNotes:
    """Case notes by id (the real repository seals their text)."""

    def __init__(self):
        self.by_id = {}

    def add(self, note):
        self.by_id[note.note_id] = note

    def get(self, note_id):
        return self.by_id.get(note_id)

    def for_case(self, case_id):
        found = [n for n in self.by_id.values() if n.case_id == case_id]
        return sorted(found, key=lambda n: n.written_at, reverse=True)

    def erase(self, case_ids, at):
        erased = [n for n in self.by_id.values() if n.case_id in case_ids and n.text is not None]
        for note in erased:
            self.by_id[note.note_id] = dataclasses.replace(note, text=None, erased_at=at)
        return len(erased)


class FakeRiskEscalations:
    """The risk history, only ever added to."""

    def __init__(self):
        self.kept = []

    def add(self, escalation):
        self.kept.append(escalation)

    def for_case(self, case_id):
        found = [e for e in self.kept if e.case_id == case_id]
        return sorted(found, key=lambda e: e.escalated_at, reverse=True)


class FakeFollowUps:
    def __init__(self):
        self.by_id = {}

    def add(self, follow_up):
        self.by_id[follow_up.follow_up_id] = follow_up

    save = add

    def get(self, follow_up_id):
        return self.by_id.get(follow_up_id)

    def for_case(self, case_id):
        found = [f for f in self.by_id.values() if f.case_id == case_id]
        return sorted(found, key=lambda f: (f.measured_at is None, f.measured_at or NOW))


class FakeOutbox(fakes.FakeOutbox):
    def entry(self, envelope, event_type, data, **about):
        return (event_type, data)


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    collects_events = True

    def __init__(self):
        super().__init__(
            FakeOutbox("test-hub", "assessment@test-hub"),
            assessments=FakeAssessments(),
            follow_ups=FakeFollowUps(),
            reasons=FakeReasons(),
            notes=FakeNotes(),
            risk_escalations=FakeRiskEscalations(),
        )

    def types(self):
        return self.outbox.types()


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def referred_case(uow):
    """A case referred two days ago, not yet contacted."""
    event = {
        "case_id": uuid.uuid4(),
        "data": {"urgency": C.Urgency.ROUTINE, "received_at": NOW - timedelta(days=2), "referral_id": uuid.uuid4()},
    }
    handlers.on_referral_received(event, uow)
    return event["case_id"]


def first_contact(uow, case_id, contacted_at=NOW - timedelta(days=1)):
    handlers.on_first_contact_made({"case_id": case_id, "data": {"contacted_at": contacted_at}}, uow)


@pytest.fixture
def case_id(uow, referred_case):
    """A case referred two days ago and contacted yesterday: ready to assess."""
    first_contact(uow, referred_case)
    return referred_case


def complete(case_id, *, phq9=(2, 2, 2, 2, 2, 1, 1, 0, 0), gad7=(2, 2, 2, 1, 1, 1, 1), risk=None, **outcome):
    consent = outcome.pop("consent", False)
    demographics = outcome.pop("demographics", Demographics())
    return commands.CompleteAssessment(
        case_id=case_id,
        practitioners=(Practitioner("staff-1", C.Discipline.PSYCHOLOGY), Practitioner("staff-2", C.Discipline.NURSING)),
        responses={"phq9": list(phq9), "gad7": list(gad7), "wsas": {"items": [4, 4, 2, 2, 2]}},
        clinician_risk=risk or ClinicianRisk(),
        work_situation=WorkSituation(C.WorkSituation.OFF_SICK, off_sick_for_mental_health=True),
        outcome=OutcomeDecision(
            decisions=outcome.pop("decisions", (C.OutcomeDecision.REFER_ON, C.OutcomeDecision.MONITOR)),
            reasons="Moderate depression and anxiety; wants talking therapy.",
            refer_on_to=outcome.pop("refer_on_to", (C.ServiceType.TALKING_THERAPIES,)),
            **outcome,
        ),
        signed_off_by="clinician-sub",
        occupational_health_consent=consent,
        demographics=demographics,
    )


def test_a_referral_becomes_one_assessment_to_do_with_its_referral_id(uow, case_id):
    assessment = uow.assessments.for_case(case_id)
    assert assessment.status == "to-do" and assessment.referral_id is not None


def test_assessment_completed_says_which_pcl5_rule_made_ptsd_provisional(uow, case_id):
    command = complete(case_id)
    #                            B: 1-5         C: 6-7  D: 8-14               E: 15-20
    command.responses["pcl5"] = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]
    handlers.complete_assessment(command, uow, RULES, now=NOW)
    [(_, data)] = uow.outbox.events
    assert data["measures"]["pcl5"] == {
        "total": 12,
        "provisional_ptsd": True,
        "cut_off_met": False,
        "dsm5_rule_met": True,
    }


def test_completing_an_assessment_scores_signs_off_and_announces_the_outcome(uow, case_id):
    assessment = handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    assert assessment.status == "completed" and uow.commits == 1
    [(event_type, data)] = uow.outbox.events
    assert event_type == "AssessmentCompleted"
    assert data["multidisciplinary"] and data["disciplines"] == [C.Discipline.NURSING, C.Discipline.PSYCHOLOGY]
    assert data["measures"]["phq9"] == {"total": 12, "band": C.Phq9Band.MODERATE, "item9_positive": False}
    assert data["measures"]["gad7"]["total"] == 10 and data["measures"]["wsas"]["total"] == 14
    assert data["refer_on_to"] == [C.ServiceType.TALKING_THERAPIES]
    assert data["off_sick_for_mental_health"] is True
    assert data["risk_level"] is C.RiskLevel.LOW
    assert "Moderate depression" not in repr(data)  # reasons stay in the hub
    assert assessment.completion.signed_off_by == "clinician-sub"


def test_a_completed_assessment_is_kept_and_announced_only_when_its_transaction_commits(uow, case_id, monkeypatch):
    def commit_fails():
        raise ConnectionError("the database went away")

    monkeypatch.setattr(uow, "commit", commit_fails)
    with pytest.raises(ConnectionError):
        handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)

    assert uow.assessments.for_case(case_id).status == "to-do" and uow.outbox.events == []
    assert uow.reasons.kept == {}


def test_equality_answers_given_at_assessment_travel_as_codes_on_assessment_completed(uow, case_id):
    answers = Demographics(
        ethnic_category=C.EthnicCategory.BLACK_AFRICAN,
        disability=C.Disability.YES,
        sexual_orientation=C.SexualOrientation.NOT_STATED,  # the person preferred not to say
    )
    assessment = handlers.complete_assessment(complete(case_id, demographics=answers), uow, RULES, now=NOW)
    [(_, data)] = uow.outbox.events
    assert data["demographics"] == {
        "ethnic_category": C.EthnicCategory.BLACK_AFRICAN,
        "sexual_orientation": C.SexualOrientation.NOT_STATED,
        "disability": C.Disability.YES,
    }
    assert assessment.completion.demographics == answers


def test_an_assessment_without_equality_answers_announces_none(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    [(_, data)] = uow.outbox.events
    assert data["demographics"] is None


def test_the_referrals_equality_answers_are_kept_to_show_at_assessment(uow):
    case_id = uuid.uuid4()
    data = {"urgency": C.Urgency.ROUTINE, "received_at": NOW, "referral_id": uuid.uuid4(),
            "age_band": C.AgeBand.FROM_35_TO_44, "disability": C.Disability.NOT_STATED, "ethnic_category": None,
            "staff_group": C.StaffGroup.AMBULANCE}  # fmt: skip
    handlers.on_referral_received({"case_id": case_id, "data": data}, uow)
    kept = uow.assessments.for_case(case_id).referral_demographics
    assert kept == Demographics(age_band=C.AgeBand.FROM_35_TO_44, disability=C.Disability.NOT_STATED)


def test_phq9_item9_above_zero_raises_risk_escalates_and_puts_the_case_on_the_urgent_path(uow, case_id):
    risky = complete(case_id, phq9=(1, 1, 1, 1, 1, 1, 1, 1, 1), risk=ClinicianRisk(route=C.EscalationRoute.CRISIS_TEAM))
    assessment = handlers.complete_assessment(risky, uow, RULES, now=NOW)
    assert uow.types() == ["RiskEscalated", "AssessmentCompleted"]
    escalated = uow.outbox.events[0][1]
    assert escalated["risk_level"] is C.RiskLevel.MODERATE and escalated["risk_to_self"]
    assert escalated["route"] is C.EscalationRoute.CRISIS_TEAM
    assert escalated["assessment_id"] == assessment.assessment_id
    assert assessment.urgency is C.Urgency.URGENT


def test_risk_is_never_dropped_silently_a_raised_risk_needs_a_route(uow, case_id):
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(case_id, phq9=(0,) * 8 + (2,)), uow, RULES, now=NOW)
    assert "risk" in refused.value.errors
    with pytest.raises(handlers.Refused):
        handlers.complete_assessment(complete(case_id, risk=ClinicianRisk(level=C.RiskLevel.HIGH)), uow, RULES, now=NOW)
    assert uow.outbox.events == [] and uow.assessments.for_case(case_id).status == "to-do"


def test_a_clinicians_judgement_cannot_lower_the_risk_the_phq9_flags(uow, case_id):
    judged_low = ClinicianRisk(level=C.RiskLevel.LOW, route=C.EscalationRoute.GP)
    assessment = handlers.complete_assessment(complete(case_id, phq9=(0,) * 8 + (1,), risk=judged_low), uow, RULES)
    assert assessment.risk.level is C.RiskLevel.MODERATE


def test_a_raised_risk_cannot_end_in_no_further_action(uow, case_id):
    cmd = complete(
        case_id,
        risk=ClinicianRisk(level=C.RiskLevel.HIGH, route=C.EscalationRoute.CRISIS_TEAM),
        decisions=(C.OutcomeDecision.NO_FURTHER_ACTION,),
        refer_on_to=(),
    )
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(cmd, uow, RULES)
    assert "decisions" in refused.value.errors


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        ({"decisions": (C.OutcomeDecision.REFER_ON,), "refer_on_to": ()}, "refer_on_to"),
        ({"decisions": (C.OutcomeDecision.SIGNPOST,), "refer_on_to": ()}, "signpost_to"),
        ({"decisions": (C.OutcomeDecision.TRANSFER_TO_ANOTHER_HUB,), "refer_on_to": ()}, "transfer_to_hub_id"),
        ({"decisions": (C.OutcomeDecision.NO_FURTHER_ACTION, C.OutcomeDecision.MONITOR), "refer_on_to": ()},
         "decisions"),
        ({"decisions": (C.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH,), "refer_on_to": ()},
         "occupational_health_consent"),
    ],
)  # fmt: skip
def test_an_outcome_decision_must_say_what_it_decides(uow, case_id, outcome, field):
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(case_id, **outcome), uow, RULES)
    assert field in refused.value.errors


def test_liaising_with_occupational_health_carries_the_recorded_consent(uow, case_id):
    cmd = complete(case_id, decisions=(C.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH,), refer_on_to=(), consent=True)
    handlers.complete_assessment(cmd, uow, RULES, now=NOW)
    data = uow.outbox.events[-1][1]
    assert data["occupational_health_consent"] and data["occupational_health_consent_recorded_at"] == NOW


def test_off_sick_must_say_whether_for_mental_health(uow, case_id):
    cmd = complete(case_id)
    cmd = commands.CompleteAssessment(**{**vars(cmd), "work_situation": WorkSituation(C.WorkSituation.OFF_SICK)})
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(cmd, uow, RULES)
    assert "work_situation" in refused.value.errors


def test_an_assessment_before_first_contact_is_refused_and_nothing_is_stored(uow, referred_case):
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(referred_case), uow, RULES, now=NOW)
    assert refused.value.conflict
    assert "must be recorded before the assessment" in refused.value.errors["first_contact"][0]
    assert uow.outbox.events == [] and uow.assessments.for_case(referred_case).status == "to-do"


def test_first_contact_lets_the_case_be_assessed_and_the_earliest_contact_counts(uow, referred_case):
    first_contact(uow, referred_case, NOW - timedelta(hours=3))
    first_contact(uow, referred_case, NOW - timedelta(hours=20))  # told late, or twice: the earliest stands
    first_contact(uow, referred_case, NOW - timedelta(hours=1))
    assert uow.assessments.for_case(referred_case).first_contact_at == NOW - timedelta(hours=20)
    assert handlers.complete_assessment(complete(referred_case), uow, RULES, now=NOW).status == "completed"


def test_an_assessment_cannot_come_before_the_first_contact_it_follows(uow, referred_case):
    first_contact(uow, referred_case, NOW + timedelta(hours=2))
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(referred_case), uow, RULES, now=NOW)
    assert refused.value.conflict and "before first contact" in refused.value.errors["first_contact"][0]
    assert uow.outbox.events == []


def test_first_contact_with_a_case_this_hub_never_received_can_never_be_applied(uow):
    with pytest.raises(PoisonMessage):
        first_contact(uow, uuid.uuid4())


def test_wrong_item_counts_are_refused_before_anything_is_stored(uow, case_id):
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(case_id, phq9=(1, 1)), uow, RULES)
    assert "phq9" in refused.value.errors["measures"]
    assert uow.assessments.for_case(case_id).status == "to-do"


def test_an_assessment_is_completed_once(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES)
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(case_id), uow, RULES)
    assert refused.value.conflict


def test_a_case_this_hub_does_not_know_is_not_found(uow):
    with pytest.raises(handlers.CaseNotFound):
        handlers.complete_assessment(complete(uuid.uuid4()), uow, RULES)


def test_a_due_follow_up_is_measured_with_the_cases_talking_therapies_outcomes(uow, case_id):
    handlers.complete_assessment(complete(case_id, phq9=(2, 2, 2, 2, 2, 2, 2, 2, 0)), uow, RULES, now=NOW)  # 16
    due = {"follow_up_id": uuid.uuid4(), "due_on": date(2027, 1, 1), "measures_due": [C.Measure.PHQ_9, C.Measure.GAD_7],
           "monitoring_plan_id": None}  # fmt: skip
    handlers.on_follow_up_due({"case_id": case_id, "data": due}, uow)
    cmd = commands.RecordFollowUp(case_id, {"phq9": [1, 1, 1, 1, 1, 0, 0, 0, 0], "gad7": [1, 1, 1, 1, 0, 0, 0]},
                                  follow_up_id=due["follow_up_id"], work_situation=C.WorkSituation.AT_WORK)  # fmt: skip
    follow_up = handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=40))
    assert follow_up.status == "measured"
    event_type, data = uow.outbox.events[-1]
    assert event_type == "FollowUpMeasured" and data["follow_up_id"] == due["follow_up_id"]
    assert data["outcomes"] == {
        "case_at_first": True, "case_at_latest": False, "reliable_improvement": True,
        "reliable_deterioration": False, "recovery": True, "reliable_recovery": True,
    }  # fmt: skip
    _, _, outcomes = handlers.case_outcomes(case_id, uow)
    assert outcomes.reliable_recovery


def test_a_follow_up_must_take_the_measures_that_are_due(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    due = {"follow_up_id": uuid.uuid4(), "due_on": date(2027, 1, 1), "measures_due": [C.Measure.PHQ_9, C.Measure.GAD_7],
           "monitoring_plan_id": None}  # fmt: skip
    handlers.on_follow_up_due({"case_id": case_id, "data": due}, uow)
    cmd = commands.RecordFollowUp(case_id, {"phq9": [0] * 9}, follow_up_id=due["follow_up_id"])
    with pytest.raises(handlers.Refused) as refused:
        handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=30))
    assert "gad-7" in refused.value.errors["measures"][0]


@pytest.mark.parametrize(
    "measured_at",
    [NOW - timedelta(days=365), NOW - timedelta(minutes=1), NOW + timedelta(days=30) + timedelta(days=3650)],
    ids=["a year before the assessment", "a minute before the assessment", "ten years ahead"],
)
def test_a_follow_up_is_dated_after_its_assessment_and_not_in_the_future(uow, case_id, measured_at):
    handlers.complete_assessment(complete(case_id, phq9=(2, 2, 2, 2, 2, 2, 2, 2, 0)), uow, RULES, now=NOW)
    events_before = list(uow.outbox.events)
    better = {"phq9": [0] * 9, "gad7": [0] * 7}  # would count as reliable recovery
    cmd = commands.RecordFollowUp(case_id, better, measured_at=measured_at)
    with pytest.raises(handlers.Refused) as refused:
        handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=30))
    assert list(refused.value.errors) == ["measured_at"] and not refused.value.conflict
    assert uow.outbox.events == events_before and uow.follow_ups.for_case(case_id) == []
    assert handlers.case_outcomes(case_id, uow)[2] is None


def test_a_follow_up_measured_now_follows_its_assessment(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    cmd = commands.RecordFollowUp(case_id, {"phq9": [0] * 9, "gad7": [0] * 7})
    follow_up = handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=30))
    assert follow_up.measured_at == NOW + timedelta(days=30)


def test_item9_at_follow_up_escalates_risk_again(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    cmd = commands.RecordFollowUp(
        case_id, {"phq9": [0] * 8 + [3]}, clinician_risk=ClinicianRisk(route=C.EscalationRoute.CRISIS_TEAM)
    )
    handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=30))
    assert uow.types()[-2:] == ["RiskEscalated", "FollowUpMeasured"]


def test_a_follow_up_due_for_an_unknown_case_can_never_be_applied(uow):
    due = {"follow_up_id": uuid.uuid4(), "due_on": date(2027, 1, 1), "measures_due": [C.Measure.PHQ_9],
           "monitoring_plan_id": None}  # fmt: skip
    with pytest.raises(PoisonMessage):
        handlers.on_follow_up_due({"case_id": uuid.uuid4(), "data": due}, uow)


def test_a_clinician_can_escalate_risk_between_sittings(uow, case_id):
    judgement = ClinicianRisk(level=C.RiskLevel.HIGH, risk_to_others=True, route=C.EscalationRoute.SAFEGUARDING)
    assessment = handlers.escalate_risk(commands.EscalateRisk(case_id, judgement, "clinician-sub"), uow, now=NOW)
    assert assessment.urgency is C.Urgency.URGENT
    assert uow.types() == ["RiskEscalated"] and uow.outbox.events[0][1]["assessment_id"] is None


def test_a_case_transferred_to_another_hub_no_longer_exists_here(uow, case_id):
    handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    with pytest.raises(handlers.CaseNotFound):
        handlers.assessment_of_case(case_id, uow)


def withdrawn(case_id, at=NOW):
    """ReferralWithdrawn as the worker hands it over."""
    data = {"referral_id": uuid.uuid4(), "withdrawn_at": at, "reason": C.WithdrawalReason.PERSON_ASKED}
    return {"event_type": "ReferralWithdrawn", "case_id": case_id, "data": data}


def referral_closed(case_id, reason=C.ClosureReason.UNCONTACTABLE, at=NOW):
    """ReferralClosed as the worker hands it over."""
    data = {"referral_id": uuid.uuid4(), "closed_at": at, "reason": reason}
    return {"event_type": "ReferralClosed", "case_id": case_id, "data": data}


def follow_up_due(case_id):
    data = {"follow_up_id": uuid.uuid4(), "due_on": date(2027, 1, 1), "measures_due": [C.Measure.PHQ_9],
            "monitoring_plan_id": None}  # fmt: skip
    return {"case_id": case_id, "data": data}


def apply(event, uow):
    """Apply an event as the worker's referral consumer does: by its type."""
    handlers.EVENT_HANDLERS[event["event_type"]](event, uow)


@pytest.mark.parametrize("closure", [withdrawn, referral_closed], ids=["withdrawn", "closed"])
def test_a_withdrawn_or_closed_case_leaves_the_to_do_list_and_is_refused_an_assessment(uow, case_id, closure):
    apply(closure(case_id), uow)

    assessment = uow.assessments.for_case(case_id)
    assert (assessment.status, assessment.closed_at) == ("closed", NOW)
    with pytest.raises(handlers.Refused) as refused:
        handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW + timedelta(hours=1))
    assert refused.value.conflict and list(refused.value.errors) == ["case"]
    assert refused.value.errors["case"][0].startswith("The case is closed")
    assert uow.outbox.events == [] and uow.assessments.for_case(case_id).completion is None


def test_a_case_closed_after_its_assessment_keeps_the_record_and_is_refused_follow_ups(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    handlers.on_follow_up_due(follow_up_due(case_id), uow)
    events_before = list(uow.outbox.events)

    apply(referral_closed(case_id, C.ClosureReason.CARE_COMPLETED, NOW + timedelta(days=60)), uow)

    assessment = uow.assessments.for_case(case_id)
    assert assessment.status == "closed" and assessment.closure_reason is C.ClosureReason.CARE_COMPLETED
    assert assessment.completion is not None  # what was assessed stays on the record
    cmd = commands.RecordFollowUp(case_id, {"phq9": [0] * 9})
    with pytest.raises(handlers.Refused) as refused:
        handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=61))
    assert refused.value.conflict and "(care-completed)" in refused.value.errors["case"][0]
    assert uow.outbox.events == events_before


def test_a_follow_up_asked_just_before_the_case_closed_is_not_due(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    apply(referral_closed(case_id), uow)
    handlers.on_follow_up_due(follow_up_due(case_id), uow)  # no PoisonMessage: the case is known
    assert uow.follow_ups.for_case(case_id) == []


def test_a_withdrawal_then_its_closure_and_redeliveries_close_the_case_once_as_withdrawn(uow, case_id):
    apply(withdrawn(case_id), uow)
    apply(referral_closed(case_id, C.ClosureReason.WITHDRAWN, NOW), uow)  # the withdrawal's own closure
    apply(withdrawn(case_id, NOW + timedelta(hours=1)), uow)
    apply(referral_closed(case_id, C.ClosureReason.OTHER, NOW + timedelta(hours=2)), uow)

    assessment = uow.assessments.for_case(case_id)
    assert (assessment.status, assessment.closure_reason, assessment.closed_at) == (
        "closed", C.ClosureReason.WITHDRAWN, NOW
    )  # fmt: skip


def test_a_closure_of_a_case_moved_to_another_hub_or_never_seen_changes_nothing(uow, case_id):
    handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    apply(referral_closed(case_id, C.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB), uow)
    apply(referral_closed(uuid.uuid4()), uow)
    assert uow.assessments.for_case(case_id).status == "transferred-out" and list(uow.assessments.by_case) == [case_id]


CLINICIAN = Principal("clinician-sub", "test-hub", frozenset({"clinician"}))
LEAD = Principal("lead-sub", "test-hub", frozenset({"hub-lead"}))
REASONS = "Moderate depression and anxiety; wants talking therapy."


def test_outcome_reasons_are_kept_apart_from_the_record_and_shown_only_with_an_audit_record(uow, case_id):
    assessment = handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    assert "reasons" not in views.assessment_record(assessment)["outcome"]
    assert uow.reasons.audits == []

    read = handlers.read_outcome_reasons(case_id, uow, CLINICIAN, "care-coordination")

    assert read == {"case_id": case_id, "reasons": REASONS, "erased_at": None}
    [audit] = uow.reasons.audits
    assert audit == {
        "subject": "clinician-sub", "roles": "clinician", "hub_id": "test-hub", "case_id": case_id,
        "action": "read-outcome-reasons", "purpose": "care-coordination",
    }  # fmt: skip


def test_looking_at_who_read_outcome_reasons_is_itself_audited(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    handlers.read_outcome_reasons(case_id, uow, CLINICIAN, "care-coordination")
    [shown] = handlers.reasons_access_audit(uow, LEAD)
    assert shown["action"] == "read-outcome-reasons"
    assert [(a["subject"], a["action"], a["purpose"]) for a in uow.reasons.audits] == [
        ("clinician-sub", "read-outcome-reasons", "care-coordination"),
        (LEAD.subject, "read-access-audit", "audit"),
    ]


def test_erasing_outcome_reasons_at_the_persons_request_leaves_the_coded_outcome(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    handlers.erase_outcome_reasons(case_id, uow, LEAD, now=NOW + timedelta(days=1))
    read = handlers.read_outcome_reasons(case_id, uow, LEAD, "erasure-request")
    assert read == {"case_id": case_id, "reasons": None, "erased_at": NOW + timedelta(days=1)}
    assert [a["action"] for a in uow.reasons.audits] == ["erase-outcome-reasons", "read-outcome-reasons"]
    assert uow.assessments.for_case(case_id).completion.outcome.decisions  # the codes stay


def test_outcome_reasons_of_a_case_closed_longer_than_the_retention_period_are_erased(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    apply(referral_closed(case_id, C.ClosureReason.CARE_COMPLETED, NOW + timedelta(days=30)), uow)
    retention = timedelta(days=365)
    assert handlers.erase_expired_reasons(uow, retention, now=NOW + timedelta(days=394)) == 0
    assert handlers.erase_expired_reasons(uow, retention, now=NOW + timedelta(days=396)) == 1
    assert uow.reasons.read(case_id) == (None, NOW + timedelta(days=396))


def test_outcome_reasons_of_a_case_moved_to_another_hub_are_not_shown_here(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    with pytest.raises(handlers.CaseNotFound):
        handlers.read_outcome_reasons(case_id, uow, CLINICIAN, "assessment")
    assert uow.reasons.audits == []


def personal_data_erased(case_id, reason=C.ErasureReason.PERSON_REQUESTED):
    """PersonalDataErased as the worker hands it over."""
    data = {"referral_id": uuid.uuid4(), "erased_at": NOW + timedelta(days=1), "reason": reason}
    return {
        "event_type": "PersonalDataErased", "case_id": case_id, "hub_id": "test-hub",
        "producer": "referral@test-hub", "data": data,
    }  # fmt: skip


@pytest.mark.parametrize("moved", [False, True], ids=["here", "moved-to-another-hub"])
def test_a_persons_details_erased_in_the_referral_service_erase_the_outcome_reasons_here(uow, case_id, moved):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    if moved:
        handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)

    apply(personal_data_erased(case_id), uow)

    reasons, erased_at = uow.reasons.read(case_id)
    assert reasons is None and erased_at is not None
    assert uow.reasons.audits == [{
        "subject": "referral@test-hub", "roles": "", "hub_id": "test-hub", "case_id": case_id,
        "action": "erase-outcome-reasons", "purpose": "erasure-request",
    }]  # fmt: skip
    assert uow.assessments.for_case(case_id).completion.outcome.decisions  # the codes stay


def test_an_erasure_of_reasons_erased_already_or_of_a_case_never_seen_changes_nothing(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    apply(personal_data_erased(case_id, C.ErasureReason.RETENTION), uow)
    erased = uow.reasons.read(case_id)

    apply(personal_data_erased(case_id), uow)  # asked again: nothing left to erase
    apply(personal_data_erased(uuid.uuid4()), uow)  # never referred here: ignored, not dead-lettered

    assert uow.reasons.read(case_id) == erased
    assert [(a["action"], a["purpose"]) for a in uow.reasons.audits] == [("erase-outcome-reasons", "retention")]
