"""Anonymous hub staff feedback cannot be traced to a person: not through the API, not in the
database, not in the events in the outbox, not on the topic."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from datetime import date

import pytest
from kafka import KafkaConsumer
from sqlalchemy import inspect, select, text

from hubs.contracts.topics import hub_topic
from hubs.outreach.adapters import orm
from hubs.outreach.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

SUBJECTS = ["canary-staff-k7q2", "canary-staff-m3x9", "canary-staff-p5r8"]
COMMENTS = ["Canary comment about rota W4Z", None, "Canary comment about supervision J6T"]
TODAY = date.today()
TIME_OF_DAY = re.compile(r"T(?!00:00:00)\d\d:\d\d")


def everything_stored(service) -> str:
    """Every row of every table of the service's schema, each whole, as PostgreSQL prints it."""
    with service.wiring.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        return " ".join(
            row
            for table in tables
            for row in conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()  # noqa: S608
        )


def read_topic(topic: str, servers: str, expected: int, timeout: float = 30.0) -> list:
    consumer = KafkaConsumer(topic, bootstrap_servers=servers, auto_offset_reset="earliest", enable_auto_commit=False)
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


PARTICIPATION_SECRET = "a-participation-secret-kept-outside-the-database"


@pytest.fixture
def outreach(run_service, tmp_path):
    secret_file = tmp_path / "survey-participation.key"
    secret_file.write_text(PARTICIPATION_SECRET + "\n")
    return run_service(DEFINITION, extra={"HUBS_SURVEY_PARTICIPATION_KEY_FILE": str(secret_file)})


def open_survey(outreach, tokens) -> str:
    answer = outreach.client.post(
        "/v1/staff-surveys",
        headers=tokens("hub-lead"),
        json={"title": "Autumn check", "opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat()},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["survey_id"]


def answer_all(outreach, tokens, survey_id: str) -> list[dict]:
    receipts = []
    for n, (subject, comment) in enumerate(zip(SUBJECTS, COMMENTS, strict=True)):
        answer = outreach.client.post(
            f"/v1/staff-surveys/{survey_id}/responses",
            headers=tokens("clinician", subject=subject),
            json={"wellbeing": n + 2, "workload_manageable": 3, "feel_supported": 4, "comment": comment},
        )
        assert answer.status_code == 201, answer.get_json()
        receipts.append(answer.get_json())
    return receipts


def test_the_api_says_nothing_about_who_answered(outreach, tokens):
    survey_id = open_survey(outreach, tokens)
    receipts = answer_all(outreach, tokens, survey_id)
    assert all(set(r) == {"survey_id", "received", "message"} for r in receipts), "no response id to match later"
    again = outreach.client.post(
        f"/v1/staff-surveys/{survey_id}/responses",
        headers=tokens("clinician", subject=SUBJECTS[0]),
        json={"wellbeing": 1},
    )
    assert again.status_code == 409
    lead = tokens("hub-lead")
    answers = [
        outreach.client.get(f"/v1/staff-surveys/{survey_id}", headers=lead).get_data(as_text=True),
        outreach.client.get("/v1/staff-surveys", headers=lead).get_data(as_text=True),
        outreach.client.get("/v1/outreach/summary", headers=lead).get_data(as_text=True),
    ]
    for body in answers:
        assert not any(s in body for s in SUBJECTS)
    shown = json.loads(answers[0])
    assert shown["responses"] == 3 and shown["mean_wellbeing"] == 3.0
    assert sorted(shown["comments"]) == sorted(c for c in COMMENTS if c)
    assert outreach.client.get(f"/v1/staff-surveys/{survey_id}", headers=tokens("clinician")).status_code == 403


def test_the_database_keeps_answers_apart_from_any_trace_of_who_gave_them(outreach, tokens):
    survey_id = open_survey(outreach, tokens)
    answer_all(outreach, tokens, survey_id)
    stored = everything_stored(outreach)
    assert not any(s in stored for s in SUBJECTS)
    with outreach.wiring.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("survey_responses")}
    assert columns == {
        "response_id", "survey_id", "given_on", "wellbeing", "workload_manageable", "feel_supported",
        "supervision_helpful", "comment",
    }  # fmt: skip
    outreach.client.post(f"/v1/staff-surveys/{survey_id}/close", headers=tokens("hub-lead"))
    with outreach.wiring.engine.connect() as conn:
        assert conn.execute(select(orm.survey_participation)).all() == [], "who answered is forgotten on closing"
        assert conn.execute(select(orm.staff_surveys.c.participation_key)).scalar() is None


def test_released_events_carry_scores_and_the_day_only_in_the_outbox_and_on_the_topic(outreach, tokens):
    today = date.today()  # the day the feedback is given (a run may pass midnight after the module is read)
    outreach.start_relay()
    survey_id = open_survey(outreach, tokens)
    answer_all(outreach, tokens, survey_id)
    with outreach.wiring.engine.connect() as conn:
        assert conn.execute(select(orm.outbox)).all() == [], "nothing is announced while the survey is open"
    closed = outreach.client.post(f"/v1/staff-surveys/{survey_id}/close", headers=tokens("hub-lead"))
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"

    with outreach.wiring.engine.connect() as conn:
        rows = conn.execute(select(orm.outbox)).all()
    topic = hub_topic(outreach.settings.hub_id, "outreach", prefix=outreach.settings.topic_prefix)
    records = read_topic(topic, outreach.settings.kafka_bootstrap_servers, expected=3)
    on_topic = [json.loads(r.value) for r in records]
    assert len(rows) == 3 and len(on_topic) == 3
    for envelope in [r.payload for r in rows] + on_topic:
        assert envelope["event_type"] == "HubStaffFeedbackGiven"
        assert envelope["case_id"] is None and envelope["correlation_id"] is None
        assert envelope["occurred_at"] == f"{today.isoformat()}T00:00:00+00:00"
        assert set(envelope["data"]) == {
            "feedback_id", "given_on", "wellbeing", "workload_manageable", "feel_supported", "supervision_helpful",
        }  # fmt: skip
        assert envelope["data"]["given_on"] == today.isoformat()
        flat = json.dumps(envelope)
        assert not any(s in flat for s in SUBJECTS) and "Canary" not in flat
        assert not TIME_OF_DAY.search(flat), "no time of day anywhere in the event"
    assert sorted(e["data"]["wellbeing"] for e in on_topic) == [2, 3, 4]
    assert all(r.key.decode() == json.loads(r.value)["data"]["feedback_id"] for r in records)


def test_a_closed_survey_takes_no_more_answers(outreach, tokens):
    survey_id = open_survey(outreach, tokens)
    outreach.client.post(f"/v1/staff-surveys/{survey_id}/close", headers=tokens("hub-lead"))
    late = outreach.client.post(
        f"/v1/staff-surveys/{survey_id}/responses", headers=tokens("clinician"), json={"wellbeing": 4}
    )
    assert late.status_code == 409 and late.content_type == "application/problem+json"
    assert outreach.client.post(f"/v1/staff-surveys/{survey_id}/close", headers=tokens("hub-lead")).status_code == 409


def hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_a_copy_of_the_database_cannot_link_an_answer_to_who_gave_it(outreach, tokens):
    """Someone with the whole database (every row, in the order stored, with the transaction that
    wrote it) tries to pair each answer with a participation token, and each token with a person."""
    survey_id = open_survey(outreach, tokens)
    staff = [f"canary-staff-{n:02}" for n in range(16)]
    for n, subject in enumerate(staff):  # in this order; each answer says whose it is, for the test only
        answered = outreach.client.post(
            f"/v1/staff-surveys/{survey_id}/responses",
            headers=tokens("clinician", subject=subject),
            json={"wellbeing": 3, "comment": f"answer {n:02}"},
        )
        assert answered.status_code == 201
    with outreach.wiring.engine.connect() as conn:
        answers = conn.execute(
            text("SELECT xmin::text AS xmin, response_id, comment FROM survey_responses ORDER BY ctid")
        ).all()
        participation = conn.execute(text("SELECT xmin::text AS xmin, token FROM survey_participation ORDER BY ctid"))
        participation = participation.all()
        survey_key = conn.execute(select(orm.staff_surveys.c.participation_key)).scalar()
    author = {a.response_id: int(a.comment.split()[1]) for a in answers}  # what the attacker wants to learn

    # With the database alone, a token cannot be recomputed for anyone: its key is not there.
    guessed = {hmac_hex(survey_key, f"{survey_id}:{subject}") for subject in staff}
    assert guessed.isdisjoint(p.token for p in participation)

    # Even told the secret, so that each token names its person, nothing pairs a token with an answer.
    secret = PARTICIPATION_SECRET.encode()
    person = {hmac_hex(secret, hmac_hex(survey_key, f"{survey_id}:{s}")): n for n, s in enumerate(staff)}
    assert sorted(person[p.token] for p in participation) == list(range(16))
    assert len({a.xmin for a in answers}) == 1, "all answers were last written together"
    assert len({p.xmin for p in participation}) == 1, "all tokens were last written together"
    by_place = sum(author[a.response_id] == person[p.token] for a, p in zip(answers, participation, strict=True))
    in_answering_order = sum(author[a.response_id] == n for n, a in enumerate(answers))
    by_id = sum(
        author[a.response_id] == person[p.token]
        for a, p in zip(
            sorted(answers, key=lambda a: a.response_id), sorted(participation, key=lambda p: p.token), strict=True
        )
    )
    # Stored in the order given, each pairing would be right 16 times; shuffled, once on average.
    assert by_place < 8 and in_answering_order < 8 and by_id < 8, (by_place, in_answering_order, by_id)
