"""The one-use feedback link against a real PostgreSQL and the real broker: given once in the
closure's answer, kept only as a hash with the hub and the closure's month; the person's feedback
through it needs no sign-in, is checked at the door, uses the link up in the same transaction and
reaches the hub's topic as ServiceUserFeedbackGiven with the day only."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select

from hubs.care_coordination.adapters.orm import cases, feedback_links, service_user_feedback
from hubs.care_coordination.bootstrap import DEFINITION
from hubs.care_coordination.domain.feedback_links import hash_of
from hubs.care_coordination.service_layer import reactions
from hubs.contracts import codes
from hubs.contracts.topics import hub_topic
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 26)
CANNOT = "This link cannot be used."
ANSWERS = {"overall_experience": "very-good", "felt_listened_to": 5, "easy_to_access": 4, "comment": "Thank you."}


@pytest.fixture
def care(run_service):
    service = run_service(DEFINITION)
    service.wiring.extras["today"] = lambda: TODAY
    return service


def referred(service) -> uuid.UUID:
    case_id = uuid.uuid4()
    data = {"received_at": datetime(2026, 10, 1, tzinfo=UTC), "urgency": codes.Urgency.ROUTINE}
    with service.wiring.uow_factory() as uow:
        reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
        uow.commit()
    return case_id


def closed(care, tokens, reason="care-completed") -> tuple[uuid.UUID, dict]:
    case_id = referred(care)
    answer = care.client.post(f"/v1/cases/{case_id}/closure", json={"reason": reason}, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    return case_id, answer.get_json()


def rows(care, table) -> list:
    with care.wiring.engine.connect() as conn:
        return list(conn.execute(select(table)))


def test_the_closures_answer_gives_the_link_once_and_the_hub_keeps_only_its_hash(care, tokens):
    case_id, answer = closed(care, tokens)

    token = answer["feedback_link"]["token"]
    [kept] = rows(care, feedback_links)
    assert kept.token_hash == hash_of(token) and kept.hub_id == care.settings.hub_id
    assert kept.closure_month == datetime.now(UTC).strftime("%Y-%m") and not kept.used
    assert token not in repr(tuple(kept)) and str(case_id) not in repr(tuple(kept))
    # The case is read again without it: the link is shown once.
    record = care.client.get(f"/v1/cases/{case_id}", headers=tokens("clinician")).get_json()
    assert record["feedback_link_given"] is True and record.get("feedback_link") is None
    again = care.client.post(f"/v1/cases/{case_id}/feedback-link", headers=tokens("clinician"))
    assert again.status_code == 409


def test_the_person_gives_feedback_once_without_signing_in_and_the_link_then_refuses(care, tokens):
    _, answer = closed(care, tokens)
    token = answer["feedback_link"]["token"]

    given = care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS})

    assert given.status_code == 201, given.get_json()
    body = given.get_json()
    assert (body["given_on"], body["stage"], body["overall_experience"]) == ("2026-11-26", "at-closure", "very-good")
    assert "token" not in body
    [kept] = rows(care, feedback_links)
    assert kept.used
    [feedback] = rows(care, service_user_feedback)
    assert feedback.comment == "Thank you." and feedback.given_on == TODAY
    refused = care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS})
    assert refused.status_code == 404 and refused.get_json()["detail"] == CANNOT
    assert len(rows(care, service_user_feedback)) == 1


def test_a_used_expired_or_unknown_link_is_refused_with_the_same_words(care, tokens):
    _, used = closed(care, tokens)
    care.client.post("/v1/service-user-feedback/by-link", json={"token": used["feedback_link"]["token"], **ANSWERS})
    _, expired = closed(care, tokens)
    expires_on = date.fromisoformat(expired["feedback_link"]["expires_on"])
    care.wiring.extras["today"] = lambda: date.fromordinal(expires_on.toordinal() + 1)

    answers = [
        care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS})
        for token in (used["feedback_link"]["token"], expired["feedback_link"]["token"], "a" * 43)
    ]

    said = {(a.status_code, a.get_json()["title"], a.get_json()["detail"]) for a in answers}
    assert said == {(404, "This link cannot be used", CANNOT)}
    assert len(rows(care, service_user_feedback)) == 1


def test_answers_refused_at_the_door_leave_the_link_unused(care, tokens):
    _, answer = closed(care, tokens)
    token = answer["feedback_link"]["token"]

    for wrong in ({"helped": 9}, {"helped": "5"}, {"overall_experience": "brilliant"}, {"comment": "x" * 2001}):
        refused = care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS, **wrong})
        assert refused.status_code == 422 and set(refused.get_json()["errors"]) == set(wrong)

    assert not rows(care, feedback_links)[0].used and rows(care, service_user_feedback) == []
    given = care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS})
    assert given.status_code == 201


def test_no_link_is_given_when_the_person_withdrew(care, tokens):
    _, answer = closed(care, tokens, reason="withdrawn")

    assert answer["feedback_link"] is None and rows(care, feedback_links) == []


def test_an_episode_closed_by_its_referral_gets_a_link_afterwards_once(care, tokens):
    case_id = referred(care)
    with care.wiring.uow_factory() as uow:
        now = datetime.now(UTC)
        data = {"referral_id": uuid.uuid4(), "closed_at": now, "reason": codes.ClosureReason.CARE_COMPLETED}
        event = {"event_id": uuid.uuid4(), "case_id": case_id, "occurred_at": now, "data": data}
        reactions.event_handlers(care.wiring.extras["policy"])["ReferralClosed"](event, uow)
        uow.commit()
    [kept_case] = [c for c in rows(care, cases) if c.case_id == case_id]
    assert kept_case.status == "closed" and not kept_case.feedback_link_given

    given = care.client.post(f"/v1/cases/{case_id}/feedback-link", headers=tokens("clinician"))

    assert given.status_code == 200 and [r.token_hash for r in rows(care, feedback_links)] == [
        hash_of(given.get_json()["token"])
    ]
    assert care.client.post(f"/v1/cases/{case_id}/feedback-link", headers=tokens("clinician")).status_code == 409


def test_feedback_through_a_link_reaches_the_hubs_topic_with_the_day_only(run_service, tokens):
    care = run_service(DEFINITION).start_relay()
    _, answer = closed(care, tokens)
    token = answer["feedback_link"]["token"]
    given = care.client.post("/v1/service-user-feedback/by-link", json={"token": token, **ANSWERS})
    feedback_id = given.get_json()["feedback_id"]
    topic = hub_topic(care.settings.hub_id, "care", prefix=care.settings.topic_prefix)

    event = eventually(lambda: _feedback_on(care.settings.kafka_bootstrap_servers, topic, feedback_id))

    data = event["data"]
    assert data["given_on"] == datetime.now(UTC).date().isoformat() and data["stage"] == "at-closure"
    assert "comment" not in data and token not in json.dumps(event) and hash_of(token) not in json.dumps(event)
    assert event.get("case_id") is None


def _feedback_on(bootstrap: str, topic: str, feedback_id: str) -> dict | None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return None
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        deadline = time.monotonic() + 30
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    envelope = json.loads(r.value)
                    if envelope.get("event_type") == "ServiceUserFeedbackGiven" and (
                        envelope.get("data", {}).get("feedback_id") == feedback_id
                    ):
                        return envelope
        return None
    finally:
        consumer.close()
