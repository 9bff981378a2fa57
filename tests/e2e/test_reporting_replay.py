"""Every figure is reproducible from the events that made it: a hub's reporting service
consumes its topics (with late events, redeliveries and an import on the way); a second
instance rebuilds from the earliest offset into a fresh schema and ends with the same facts
and the same figures for every period."""

from __future__ import annotations

import json
import random
import uuid
from functools import partial

import pytest
from kafka import KafkaProducer
from sqlalchemy import text

from hubs.contracts import message_headers, message_key, new_envelope
from hubs.contracts.topics import hub_topic
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.runtime.testing import eventually as _eventually

pytestmark = pytest.mark.e2e

FAST_CLOSE = {"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.5"}


eventually = partial(_eventually, timeout=90.0)


def story(hub_id: str, n: int, rng: random.Random) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """A case's events on time, and the ones that arrive late (dated earlier than others)."""
    case_id, assessment_id, onward_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    day = 1 + n % 25
    at = f"2026-09-{day:02d}T09:00:00+00:00"
    phq = {"total": 16, "band": "moderately-severe", "item9_positive": False}
    on_time = [
        ("referral", "ReferralReceived", {"referral_id": case_id, "received_at": at, "urgency": "routine",
                                          "source": rng.choice(["self", "gp"]), "ethnic_category": rng.choice("AN")}),
        ("referral", "FirstContactMade", {"referral_id": case_id, "contact_attempt_id": str(uuid.uuid4()),
                                          "referral_received_at": at, "channel": "video",
                                          "contacted_at": f"2026-09-{day + 1:02d}T1{n % 7}:30:00+00:00"}),
        ("assessment", "AssessmentCompleted", {
            "assessment_id": assessment_id, "referral_id": case_id, "completed_at": f"2026-09-{day + 2:02d}T11:00:00Z",
            "multidisciplinary": False, "disciplines": ["nursing"], "risk_level": "low", "work_situation": "at-work",
            "measures": {"phq9": phq, "gad7": {"total": 9, "band": "mild"}}, "outcome_decisions": ["refer-on"]}),
        ("care", "OnwardReferralMade", {"onward_referral_id": onward_id, "service_type": "talking-therapies",
                                        "made_on": f"2026-09-{day + 3:02d}"}),
    ]  # fmt: skip
    late = []
    if n % 2:
        late.append(("care", "TreatmentStarted", {"onward_referral_id": onward_id, "service_type": "talking-therapies",
                                                  "started_on": f"2026-10-{day:02d}"}))  # fmt: skip
    if n % 3 == 0:
        late.append(("care", "OnwardReferralDeclined", {"onward_referral_id": onward_id, "reason": "no-capacity",
                                                        "declined_on": f"2026-09-{day + 4:02d}"}))  # fmt: skip
        late.append(("assessment", "FollowUpMeasured", {
            "follow_up_id": str(uuid.uuid4()), "assessment_id": assessment_id, "measured_at": "2026-10-20T10:00:00Z",
            "measures": {"phq9": {"total": 5, "band": "mild", "item9_positive": False},
                         "gad7": {"total": 4, "band": "minimal"}}}))  # fmt: skip

    def envelopes(events):
        return [(s, new_envelope(k, d, hub_id=hub_id, producer=f"{s}@test", case_id=case_id)) for s, k, d in events]

    return envelopes(on_time), envelopes(late)


def state(service) -> dict:
    with service.wiring.uow_factory() as uow:
        return {
            "facts": uow.cases.all_facts(),
            "activities": {a.key: a.record for a in uow.activities.all()},
            "figures": uow.figures.all_figures(),
            "stale": uow.figures.stale(),
        }


def test_replaying_the_topics_into_a_fresh_schema_gives_the_same_figures(run_service, hub_id, tokens):
    original = run_service(REPORTING, extra=FAST_CLOSE).start_worker().start_relay()
    prefix = original.settings.topic_prefix
    producer = KafkaProducer(bootstrap_servers=original.settings.kafka_bootstrap_servers, acks="all")

    def produce(batch: list[tuple[str, dict]]) -> None:
        for service, envelope in batch:
            producer.send(
                hub_topic(hub_id, service, prefix=prefix),
                key=message_key(envelope).encode(),
                value=json.dumps(envelope).encode(),
                headers=message_headers(envelope),
            )
        producer.flush(timeout=30)

    rng = random.Random(11)
    stories = [story(hub_id, n, rng) for n in range(14)]
    on_time = [e for s, _ in stories for e in s]
    late = [e for _, s in stories for e in s]
    training = {"training_session_id": str(uuid.uuid4()), "delivered_on": "2026-09-15", "audience": "teams",
                "topic": "psychological-first-aid", "attendance": 19, "duration_minutes": 60,
                "delivery_mode": "in-person"}  # fmt: skip
    try:
        produce(on_time)
        produce([("outreach", new_envelope("TrainingDelivered", training, hub_id=hub_id, producer="outreach@t"))])
        eventually(lambda: len(state(original)["facts"]) == 14 and not state(original)["stale"])
        upload = original.client.post(
            "/v1/sickness-absence",
            data="employer,month,mental_health_days_lost\nNorth Trust,2026-09,88\nSouth Trust,2026-09,12.5\n",
            content_type="text/csv",
            headers=tokens("hub-lead"),
        )
        assert upload.status_code == 201, upload.get_json()
        produce(late)
        produce(on_time[:6])  # redelivered, same event ids
        produce([(s, {**e, "event_id": str(uuid.uuid4())}) for s, e in on_time[6:10]])  # resent with new ids
    finally:
        producer.close()

    def september(service) -> dict | None:
        now = state(service)
        figures = now["figures"].get(("month", "2026-09"), {})
        settled = not now["stale"] and figures.get("sickness_absence.days_lost_mental_health") == 101
        return now if settled and figures.get("onward_referrals_declined") == 5 else None

    before = eventually(lambda: september(original))
    # Everything the original instance sent is on the national topic before the rebuild starts.
    eventually(lambda: rows_of(original, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] == 0)
    sent_before = dict(rows_of(original, "SELECT period_type || ' ' || period, report_version FROM period_reports"))
    replay = run_service(
        REPORTING, schema_suffix="replay_", extra={**FAST_CLOSE, "HUBS_REPORTING_GENERATION": "replay"}
    ).start_worker()
    after = eventually(lambda: september(replay))

    def same() -> bool:
        a, b = state(original), state(replay)
        return not a["stale"] and not b["stale"] and a["figures"] == b["figures"] and a["facts"] == b["facts"]

    eventually(same, timeout=30)
    a, b = state(original), state(replay)
    assert a["figures"] == b["figures"] and a["facts"] == b["facts"] and a["activities"] == b["activities"]
    figures = a["figures"][("month", "2026-09")]
    assert figures["referrals_received"] == 14
    assert figures["staff_assessed"] == 14
    assert figures["staff_waiting_for_treatment"] == 14 - 5
    assert figures["training_attendance"] == 19
    assert a["figures"][("month", "2026-10")]["clinical_outcomes.recovery"] == 5
    assert len(a["figures"]) >= 15 and before and after  # weeks, months, quarters and the year so far

    # The rebuild carried on above the versions already published: the national service takes
    # its reports as the newest, with no version floor set by hand.
    def above_the_versions_sent_before() -> bool:
        sent = dict(rows_of(replay, "SELECT period_type || ' ' || period, report_version FROM period_reports"))
        return all(sent.get(period, 0) > version for period, version in sent_before.items())

    assert sent_before
    eventually(above_the_versions_sent_before, timeout=30)


def rows_of(service, sql: str) -> list:
    with service.wiring.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]
