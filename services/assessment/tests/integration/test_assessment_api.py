"""The assessment API against a real PostgreSQL: completing an assessment, refusals as
problem JSON, case access, follow-ups and outcomes, and the events in the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from kafka import KafkaProducer
from sqlalchemy import select

from hubs.assessment.adapters.orm import outbox
from hubs.assessment.bootstrap import DEFINITION
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes, message_headers, message_key, new_envelope
from hubs.contracts.topics import hub_topic
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def assessment(run_service):
    return run_service(DEFINITION, extra={"HUBS_PC_PTSD5_CUT_OFF": "4"})


def referred(service, urgency=codes.Urgency.ROUTINE, *, contacted=True) -> uuid.UUID:
    """A case as the worker records it on ReferralReceived (and FirstContactMade, unless not `contacted`)."""
    case_id = uuid.uuid4()
    event = {
        "case_id": case_id,
        "data": {"urgency": urgency, "received_at": datetime.now(UTC), "referral_id": uuid.uuid4()},
    }
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_received(event, uow)
        uow.commit()
    if contacted:
        first_contact(service, case_id)
    return case_id


def first_contact(service, case_id: uuid.UUID) -> None:
    """First contact as the worker records it on FirstContactMade."""
    with service.wiring.uow_factory() as uow:
        handlers.on_first_contact_made({"case_id": case_id, "data": {"contacted_at": datetime.now(UTC)}}, uow)
        uow.commit()


ASSESSMENT = {
    "practitioners": [
        {"practitioner_id": "staff-17", "discipline": "psychology"},
        {"practitioner_id": "staff-22", "discipline": "psychiatry"},
    ],
    "measures": {
        "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0],
        "gad7": [2, 2, 2, 2, 1, 1, 1],
        "pcl5": [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0],
        "pc_ptsd5": [1, 1, 1, 0, 0],
        "wsas": {"items": [6, 4, 4, 3, 3], "retired_or_not_working": False},
        "audit_c": [1, 1, 0],
    },
    "work_situation": {"situation": "off-sick", "off_sick_for_mental_health": True},
    "occupational_health_consent": {"given": True},
    "outcome": {
        "decisions": ["refer-on", "liaise-occupational-health", "monitor"],
        "reasons": "Moderately severe depression with trauma symptoms after ICU redeployment.",
        "refer_on_to": ["talking-therapies"],
    },
}


def outbox_events(service) -> list[dict]:
    with service.wiring.engine.connect() as conn:
        return [row.payload for row in conn.execute(select(outbox).order_by(outbox.c.seq))]


def test_completed_assessment_is_scored_signed_off_and_announced(assessment, tokens):
    case_id = referred(assessment)
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    record = answer.get_json()
    assert record["status"] == "completed" and record["multidisciplinary"]
    assert record["measures"]["phq9"] == {"total": 16, "band": "moderately-severe", "item9_positive": False}
    # A PCL-5 total of 12: provisional PTSD by the DSM-5 rule, not by the cut-off of 33.
    by_the_rule = {"total": 12, "provisional_ptsd": True, "cut_off_met": False, "dsm5_rule_met": True}
    assert record["measures"]["pcl5"] == by_the_rule
    assert record["measures"]["pc_ptsd5"] == {"total": 3, "cut_off": 4, "positive": False}  # the hub's cut-off
    assert record["signed_off_by"] and record["occupational_health_consent_recorded_at"]

    [event] = outbox_events(assessment)
    assert event["event_type"] == "AssessmentCompleted" and event["case_id"] == str(case_id)
    assert event["data"]["measures"]["pcl5"] == by_the_rule
    assert event["data"]["outcome_decisions"] == ["refer-on", "liaise-occupational-health", "monitor"]
    assert "ICU" not in str(event)

    completed = assessment.client.get("/v1/assessments?status=completed", headers=tokens("hub-lead")).get_json()
    assert [a["case_id"] for a in completed] == [str(case_id)]
    again = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert again.status_code == 409


def test_equality_answers_are_recorded_at_assessment_beside_the_referrals_and_announced_as_codes(assessment, tokens):
    case_id, now = uuid.uuid4(), datetime.now(UTC)
    received = {"urgency": codes.Urgency.ROUTINE, "received_at": now, "referral_id": uuid.uuid4(),
                "age_band": codes.AgeBand.FROM_25_TO_34,
                "ethnic_category": codes.EthnicCategory.NOT_STATED}  # fmt: skip
    with assessment.wiring.uow_factory() as uow:
        handlers.on_referral_received({"case_id": case_id, "data": received}, uow)
        uow.commit()
    first_contact(assessment, case_id)
    to_do = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert to_do["referral_demographics"] == {"ethnic_category": "Z", "sexual_orientation": None,
                                              "gender_identity": None, "gender_same_as_at_birth": None,
                                              "age_band": "25-34", "disability": None}  # fmt: skip

    answers = {"ethnic_category": "H", "disability": "yes", "gender_identity": "Z"}
    body = ASSESSMENT | {"demographics": answers}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    record = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("hub-lead")).get_json()
    assert {q: c for q, c in record["demographics"].items() if c} == answers
    assert record["referral_demographics"]["age_band"] == "25-34"
    [event] = outbox_events(assessment)
    assert event["data"]["demographics"] == {"ethnic_category": "H", "sexual_orientation": None,
                                             "gender_identity": "Z", "gender_same_as_at_birth": None,
                                             "age_band": None, "disability": "yes"}  # fmt: skip


@pytest.mark.parametrize(
    ("demographics", "question"),
    [
        ({"ethnic_category": "white"}, "ethnic_category"),
        ({"disability": True}, "disability"),
        ({"age_band": "not-recorded"}, "age_band"),
        ({"religion": "none"}, "religion"),
    ],
)
def test_an_equality_answer_that_is_not_a_code_is_a_problem_naming_it_and_nothing_is_stored(
    assessment, tokens, demographics, question
):
    case_id = referred(assessment)
    body = ASSESSMENT | {"demographics": demographics}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert list(refused.get_json()["errors"]["demographics"]) == [question]
    record = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert record["status"] == "to-do" and outbox_events(assessment) == []


def test_a_referral_that_answered_no_equality_question_says_so_and_so_does_an_assessment(assessment, tokens):
    case_id = referred(assessment)
    to_do = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert to_do["referral_demographics"] is not None and set(to_do["referral_demographics"].values()) == {None}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200 and set(answer.get_json()["demographics"].values()) == {None}
    [event] = outbox_events(assessment)
    assert event["data"]["demographics"] is None


def test_an_assessment_before_first_contact_is_a_conflict_saying_so_and_nothing_is_stored(assessment, tokens):
    case_id = referred(assessment, contacted=False)
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    problem = refused.get_json()
    assert problem["detail"] == "First contact with the person must be recorded before the assessment."
    assert list(problem["errors"]) == ["first_contact"]
    record = assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert record["status"] == "to-do" and record["first_contact_at"] is None
    assert outbox_events(assessment) == []

    first_contact(assessment, case_id)
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200 and answer.get_json()["first_contact_at"]


def test_first_contact_made_in_the_referral_service_reaches_the_assessment(run_service, hub_id, tokens):
    service = run_service(DEFINITION).start_worker()
    case_id, referral_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
    received = {"referral_id": referral_id, "received_at": now - timedelta(hours=2), "source": "self",
                "urgency": "routine"}  # fmt: skip
    contact = {"referral_id": referral_id, "contact_attempt_id": uuid.uuid4(), "channel": "phone",
               "referral_received_at": now - timedelta(hours=2), "contacted_at": now - timedelta(hours=1)}  # fmt: skip
    producer = KafkaProducer(bootstrap_servers=service.settings.kafka_bootstrap_servers, acks="all")
    try:
        for event_type, data in (("ReferralReceived", received), ("FirstContactMade", contact)):
            envelope = new_envelope(event_type, data, hub_id=hub_id, producer="referral@test", case_id=case_id)
            producer.send(
                hub_topic(hub_id, "referral", prefix=service.settings.topic_prefix),
                key=message_key(envelope).encode(),
                value=json.dumps(envelope).encode(),
                headers=message_headers(envelope),
            )
        producer.flush(timeout=30)
    finally:
        producer.close()

    def contacted():
        answer = service.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician"))
        return answer.status_code == 200 and answer.get_json()["first_contact_at"]

    assert datetime.fromisoformat(eventually(contacted)) == now - timedelta(hours=1)
    answer = service.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()


def test_wrong_item_counts_are_a_problem_naming_the_measure(assessment, tokens):
    case_id = referred(assessment)
    body = ASSESSMENT | {"measures": {"phq9": [1, 2, 3], "gad7": [0] * 7}}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert "exactly 9" in answer.get_json()["errors"]["measures"]["phq9"][0]
    assert outbox_events(assessment) == []


def test_phq9_item9_without_an_escalation_route_is_refused_and_with_one_goes_urgent(assessment, tokens):
    case_id = referred(assessment)
    risky = ASSESSMENT | {"measures": ASSESSMENT["measures"] | {"phq9": [1] * 9}}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=risky, headers=tokens("clinician"))
    assert refused.status_code == 422 and "risk" in refused.get_json()["errors"]
    risky["risk"] = {"route": "crisis-team"}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=risky, headers=tokens("clinician"))
    assert answer.status_code == 200
    assert answer.get_json()["urgency"] == "urgent" and answer.get_json()["risk"]["level"] == "moderate"
    assert [e["event_type"] for e in outbox_events(assessment)] == ["RiskEscalated", "AssessmentCompleted"]


def test_a_case_of_another_hub_does_not_exist_for_the_caller(assessment, tokens):
    unknown = uuid.uuid4()
    answer = assessment.client.get(f"/v1/cases/{unknown}/assessment", headers=tokens("clinician"))
    assert answer.status_code == 404
    case_id = referred(assessment)
    other_hub = tokens("clinician", hub="another-hub")
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=other_hub).status_code == 404
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("referrer")).status_code == 403
    assert assessment.client.get(f"/v1/cases/{case_id}/assessment").status_code == 401


def test_follow_up_due_is_measured_and_the_case_outcomes_follow(assessment, tokens):
    case_id = referred(assessment)
    assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    due_id = uuid.uuid4()
    due = {"case_id": case_id, "data": {"follow_up_id": due_id, "due_on": date(2027, 1, 4),
                                        "measures_due": [codes.Measure.PHQ_9, codes.Measure.GAD_7],
                                        "monitoring_plan_id": None}}  # fmt: skip
    with assessment.wiring.uow_factory() as uow:
        handlers.on_follow_up_due(due, uow)
        uow.commit()
    listed = assessment.client.get("/v1/follow-ups", headers=tokens("clinician")).get_json()
    assert [f["follow_up_id"] for f in listed] == [str(due_id)] and listed[0]["status"] == "due"

    measures = {"phq9": [1, 1, 1, 1, 0, 0, 0, 0, 0], "gad7": [1, 1, 1, 0, 0, 0, 0]}
    body = {"follow_up_id": str(due_id), "measures": measures, "work_situation": "at-work-with-adjustments"}
    answer = assessment.client.post(f"/v1/cases/{case_id}/follow-ups", json=body, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    outcomes = assessment.client.get(f"/v1/cases/{case_id}/outcomes", headers=tokens("hub-lead")).get_json()
    assert outcomes["outcomes"]["reliable_recovery"] is True
    measured = outbox_events(assessment)[-1]
    assert measured["event_type"] == "FollowUpMeasured" and measured["data"]["outcomes"]["recovery"] is True
    assert assessment.client.get("/v1/follow-ups", headers=tokens("clinician")).get_json() == []


@pytest.mark.parametrize("answer", [4, "2", 2.5, 2.0, True, None], ids=["4", "text", "decimal", "2.0", "true", "null"])
def test_a_wrong_answer_is_a_problem_naming_the_item_as_clinicians_count_it(assessment, tokens, answer):
    case_id = referred(assessment)
    phq9 = [2, 2, 2, 2, 2, 2, 2, 2, answer]
    body = ASSESSMENT | {"measures": ASSESSMENT["measures"] | {"phq9": phq9}}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["errors"] == {
        "measures": {"phq9": {"9": ["PHQ-9 item 9 must be a whole number from 0 to 3"]}}
    }  # item 9, as on the form: never index 8
    assert outbox_events(assessment) == []


def test_every_wrong_answer_is_named_including_the_wsas_items(assessment, tokens):
    case_id = referred(assessment)
    measures = ASSESSMENT["measures"] | {"gad7": ["1", 0, 0, 0, 0, 0, 7.5], "wsas": {"items": [9, 0, 0, 0, 0]}}
    refused = assessment.client.post(
        f"/v1/cases/{case_id}/assessment", json=ASSESSMENT | {"measures": measures}, headers=tokens("clinician")
    )
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]["measures"]
    assert errors["gad7"] == {
        "1": ["GAD-7 item 1 must be a whole number from 0 to 3"],
        "7": ["GAD-7 item 7 must be a whole number from 0 to 3"],
    }
    assert errors["wsas"] == {"items": {"1": ["WSAS item 1 must be a whole number from 0 to 8"]}}


def test_the_full_audit_is_scored_and_announced_and_an_answer_its_item_does_not_allow_is_refused(assessment, tokens):
    case_id = referred(assessment)
    wrong = ASSESSMENT | {"measures": ASSESSMENT["measures"] | {"audit": [1] * 8 + [1, 0]}}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=wrong, headers=tokens("clinician"))
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"measures": {"audit": {"9": ["AUDIT item 9 must be 0, 2 or 4"]}}}
    assert outbox_events(assessment) == []

    # Items 1-8 at 1 and item 9 "yes, but not in the last year": 10, zone II, positive.
    body = ASSESSMENT | {"measures": ASSESSMENT["measures"] | {"audit": [1] * 8 + [2, 0]}}
    answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["measures"]["audit"] == {"total": 10, "positive": True}
    [event] = outbox_events(assessment)
    assert event["data"]["measures"]["audit"] == {"total": 10, "positive": True}


@pytest.mark.parametrize("days", ["14", 14.5, 14.0])
def test_a_review_interval_is_a_whole_number_of_days(assessment, tokens, days):
    case_id = referred(assessment)
    outcome = ASSESSMENT["outcome"] | {"monitoring_review_interval_days": days}
    refused = assessment.client.post(
        f"/v1/cases/{case_id}/assessment", json=ASSESSMENT | {"outcome": outcome}, headers=tokens("clinician")
    )
    assert refused.status_code == 422
    assert "monitoring_review_interval_days" in refused.get_json()["errors"]["outcome"]


@pytest.mark.parametrize(
    "recorded_at", ["0026-01-05T10:00:00+00:00", "2019-06-01T10:00:00+00:00", "2036-01-05T10:00:00+00:00", "2026-01-05"]
)
def test_consent_is_recorded_at_a_real_moment_of_the_hubs_records(assessment, tokens, recorded_at):
    case_id = referred(assessment)
    body = ASSESSMENT | {"occupational_health_consent": {"given": True, "recorded_at": recorded_at}}
    refused = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422
    assert "recorded_at" in refused.get_json()["errors"]["occupational_health_consent"]
    assert outbox_events(assessment) == []


def completed(service, tokens) -> uuid.UUID:
    case_id = referred(service)
    answer = service.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=tokens("clinician"))
    assert answer.status_code == 200
    return case_id


@pytest.mark.parametrize(
    "measured_at",
    [
        lambda now: (now - timedelta(days=365)).isoformat(),  # a year before its assessment
        lambda now: (now + timedelta(days=3652)).isoformat(),  # ten years ahead
        lambda now: "0026-12-01T10:00:00+00:00",  # a typed year
        lambda now: now.replace(tzinfo=None).isoformat(),  # no time zone
    ],
    ids=["a year before its assessment", "ten years ahead", "year 0026", "no time zone"],
)
def test_a_follow_up_is_dated_after_its_assessment_and_not_in_the_future(assessment, tokens, measured_at):
    case_id = completed(assessment, tokens)
    recovered = {"phq9": [0] * 9, "gad7": [0] * 7}  # would count as reliable recovery
    body = {"measures": recovered, "measured_at": measured_at(datetime.now(UTC))}
    refused = assessment.client.post(f"/v1/cases/{case_id}/follow-ups", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["measured_at"]
    assert assessment.client.get(f"/v1/cases/{case_id}/follow-ups", headers=tokens("clinician")).get_json() == []
    outcomes = assessment.client.get(f"/v1/cases/{case_id}/outcomes", headers=tokens("hub-lead")).get_json()
    assert outcomes["outcomes"] is None
    assert [e["event_type"] for e in outbox_events(assessment)] == ["AssessmentCompleted"]


@pytest.mark.parametrize("measured_at", ["0026-12-01T10:00:00+00:00", "2019-12-01T10:00:00+00:00"])
def test_a_date_outside_the_hubs_records_is_told_apart_from_a_follow_up_before_its_assessment(
    assessment, tokens, measured_at
):
    case_id = completed(assessment, tokens)
    body = {"measures": {"phq9": [0] * 9, "gad7": [0] * 7}, "measured_at": measured_at}
    refused = assessment.client.post(f"/v1/cases/{case_id}/follow-ups", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422
    [message] = refused.get_json()["errors"]["measured_at"]
    assert "assessment" not in message  # a typing slip, said as such: "Not a valid datetime", "...hub's records"


def close_case(service, case_id: uuid.UUID, reason=codes.ClosureReason.UNCONTACTABLE) -> None:
    """The case's referral closed, as the worker records ReferralClosed."""
    event = {
        "case_id": case_id,
        "data": {"referral_id": uuid.uuid4(), "closed_at": datetime.now(UTC), "reason": reason},
    }
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_closed(event, uow)
        uow.commit()


def test_a_closed_case_leaves_the_to_do_list_and_the_follow_ups_due_and_is_refused_as_closed(assessment, tokens):
    clinician = tokens("clinician")
    to_do, assessed, still_open = referred(assessment), referred(assessment), referred(assessment)
    for case_id in (assessed, still_open):
        answer = assessment.client.post(f"/v1/cases/{case_id}/assessment", json=ASSESSMENT, headers=clinician)
        assert answer.status_code == 200, answer.get_json()
        data = {"follow_up_id": uuid.uuid4(), "due_on": date(2027, 1, 4), "measures_due": [codes.Measure.PHQ_9],
                "monitoring_plan_id": None}  # fmt: skip
        due = {"case_id": case_id, "data": data}
        with assessment.wiring.uow_factory() as uow:
            handlers.on_follow_up_due(due, uow)
            uow.commit()
    events_before = outbox_events(assessment)

    close_case(assessment, to_do)
    close_case(assessment, assessed, codes.ClosureReason.CARE_COMPLETED)

    assert assessment.client.get("/v1/assessments", headers=clinician).get_json() == []
    listed = assessment.client.get("/v1/follow-ups", headers=clinician).get_json()
    assert [f["case_id"] for f in listed] == [str(still_open)]
    refused = assessment.client.post(f"/v1/cases/{to_do}/assessment", json=ASSESSMENT, headers=clinician)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert refused.get_json()["detail"].startswith("The case is closed (uncontactable)")
    assert list(refused.get_json()["errors"]) == ["case"]
    body = {"measures": {"phq9": [0] * 9, "gad7": [0] * 7}}
    refused = assessment.client.post(f"/v1/cases/{assessed}/follow-ups", json=body, headers=clinician)
    assert refused.status_code == 409 and refused.get_json()["detail"].startswith("The case is closed (care-completed)")
    record = assessment.client.get(f"/v1/cases/{assessed}/assessment", headers=clinician).get_json()
    assert record["status"] == "closed" and record["completed_at"]  # what was assessed stays on the record
    assert outbox_events(assessment) == events_before
