"""A case's risk history: every escalation, at assessment, at a follow-up and between sittings, is
kept with who made it, in the transaction that escalated it; the event carries codes only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hubs.assessment.domain import commands
from hubs.assessment.domain.model import ClinicianRisk
from hubs.assessment.domain.risk_history import Occasion
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes as C

from .test_assessment_handlers import NOW, RULES, FakeUnitOfWork, complete, first_contact


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def case_id(uow):
    """A case referred two days ago and contacted yesterday: ready to assess."""
    case_id = uuid.uuid4()
    data = {"urgency": C.Urgency.ROUTINE, "received_at": NOW - timedelta(days=2), "referral_id": uuid.uuid4()}
    handlers.on_referral_received({"case_id": case_id, "data": data}, uow)
    first_contact(uow, case_id)
    return case_id


HIGH_TO_OTHERS = ClinicianRisk(level=C.RiskLevel.HIGH, risk_to_others=True, route=C.EscalationRoute.SAFEGUARDING)


def escalate(case_id, judgement=HIGH_TO_OTHERS, by="clinician-2", name="Sam Rivers"):
    return commands.EscalateRisk(case_id, judgement, by, name)


def test_every_escalation_is_kept_newest_first_with_when_how_raised_where_and_by_whom(uow, case_id):
    item9 = ClinicianRisk(route=C.EscalationRoute.CRISIS_TEAM)
    handlers.complete_assessment(complete(case_id, phq9=(1,) * 8 + (2,), risk=item9), uow, RULES, now=NOW)
    handlers.escalate_risk(escalate(case_id), uow, now=NOW + timedelta(days=3))
    second = ClinicianRisk(level=C.RiskLevel.MODERATE, route=C.EscalationRoute.GP)
    handlers.escalate_risk(escalate(case_id, second, "clinician-3", None), uow, now=NOW + timedelta(days=9))

    history = handlers.risk_history(case_id, uow)

    assert [(e.escalated_at, e.occasion, e.level, e.route) for e in history] == [
        (NOW + timedelta(days=9), Occasion.BETWEEN_SITTINGS, C.RiskLevel.MODERATE, C.EscalationRoute.GP),
        (NOW + timedelta(days=3), Occasion.BETWEEN_SITTINGS, C.RiskLevel.HIGH, C.EscalationRoute.SAFEGUARDING),
        (NOW, Occasion.ASSESSMENT, C.RiskLevel.MODERATE, C.EscalationRoute.CRISIS_TEAM),
    ]
    assert [(e.risk_to_self, e.risk_to_others) for e in history] == [(False, False), (False, True), (True, False)]
    # Who: the name the hub's staff know them by, or their subject when none was given.
    assert [(e.escalated_by, e.escalated_by_name) for e in history] == [
        ("clinician-3", "clinician-3"), ("clinician-2", "Sam Rivers"), ("clinician-sub", "clinician-sub")
    ]  # fmt: skip


def test_an_escalation_is_kept_under_the_id_its_event_carries_and_the_event_names_nobody(uow, case_id):
    handlers.escalate_risk(escalate(case_id), uow, now=NOW)

    [(event_type, data)] = uow.outbox.events
    [kept] = handlers.risk_history(case_id, uow)
    assert event_type == "RiskEscalated" and data["risk_escalation_id"] == kept.risk_escalation_id
    assert not {"clinician-2", "Sam Rivers"} & {str(v) for v in data.values()}


def test_a_raised_risk_at_a_follow_up_is_kept_in_the_history_as_the_follow_ups(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    cmd = commands.RecordFollowUp(
        case_id,
        {"phq9": [0] * 8 + [3], "gad7": [0] * 7},
        clinician_risk=ClinicianRisk(route=C.EscalationRoute.CRISIS_TEAM),
        measured_by="clinician-4",
    )
    handlers.record_follow_up(cmd, uow, RULES, now=NOW + timedelta(days=30))

    [kept] = handlers.risk_history(case_id, uow)
    assert (kept.occasion, kept.escalated_at, kept.escalated_by) == (
        Occasion.FOLLOW_UP, NOW + timedelta(days=30), "clinician-4"
    )  # fmt: skip


def test_an_assessment_without_a_raised_risk_leaves_the_history_empty(uow, case_id):
    handlers.complete_assessment(complete(case_id), uow, RULES, now=NOW)
    assert handlers.risk_history(case_id, uow) == []


def test_an_escalation_refused_leaves_nothing_in_the_history(uow, case_id):
    with pytest.raises(handlers.Refused):
        handlers.escalate_risk(escalate(case_id, ClinicianRisk(route=C.EscalationRoute.GP)), uow, now=NOW)
    assert handlers.risk_history(case_id, uow) == [] and uow.outbox.events == []


def test_an_escalation_whose_transaction_does_not_commit_is_not_kept(uow, case_id, monkeypatch):
    def commit_fails():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(uow, "commit", commit_fails)
    with pytest.raises(RuntimeError):
        handlers.escalate_risk(escalate(case_id), uow, now=NOW)
    monkeypatch.undo()
    assert handlers.risk_history(case_id, uow) == []


def test_the_risk_history_of_a_case_this_hub_does_not_have_is_not_found(uow, case_id):
    handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    with pytest.raises(handlers.CaseNotFound):
        handlers.risk_history(case_id, uow)
