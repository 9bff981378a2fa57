"""Against real Kafka and PostgreSQL: a period that cannot be computed and events whose dates
no period holds are quarantined, while the hub's good figures still change and its reports
still reach the national topic; and nothing out of range gets in through the API."""

from __future__ import annotations

import json
import uuid

import pytest
from kafka import KafkaConsumer
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from hubs.contracts import new_envelope
from hubs.contracts.topics import hub_topic, national_topic
from hubs.reporting.adapters.orm import outbox
from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration


def national_reports(infra, topic: str, hub_id: str) -> list[dict]:
    consumer = KafkaConsumer(
        topic, bootstrap_servers=infra.kafka_bootstrap_servers, auto_offset_reset="earliest", consumer_timeout_ms=2000
    )
    try:
        messages = [json.loads(m.value) for m in consumer]
    finally:
        consumer.close()
    return [m["data"] for m in messages if m["event_type"] == "HubPeriodReport" and m["hub_id"] == hub_id]


def test_one_bad_period_and_bad_events_among_good_ones_leave_figures_changing_and_reports_published(
    run_service, hub_id, tokens, produce, referral, infra
):
    reporting = run_service(DEFINITION)
    # A period named before period names carried four-digit years: it can never be computed.
    with reporting.wiring.uow_factory() as uow:
        uow.figures.mark_stale([("month", "5-01")])
        uow.commit()
    reporting.start_worker().start_relay()
    prefix = reporting.settings.topic_prefix
    referrals = hub_topic(hub_id, "referral", prefix=prefix)
    for received_at in (
        "2026-10-05T09:00:00+00:00",
        "0005-10-05T09:00:00+00:00",
        "2026-10-06T09:00:00+00:00",
        "9999-12-31T23:30:00-05:00",
        "2026-10-07T09:00:00+00:00",
    ):
        produce(referrals, referral(hub_id, received_at))
    sickness = {
        "import_id": str(uuid.uuid4()), "imported_at": "2026-11-02T09:00:00+00:00", "period_type": "month",
        "period": "0000-11", "employer_count": 1, "days_lost_mental_health": 5.0, "days_lost_all_causes": None,
    }  # fmt: skip
    produce(
        hub_topic(hub_id, "reporting", prefix=prefix),
        new_envelope("SicknessAbsenceImported", sickness, hub_id=hub_id, producer="reporting@test"),
    )
    lead = tokens("hub-lead")

    def october() -> dict | None:
        body = reporting.client.get("/v1/dataset?period_type=month&period=2026-10", headers=lead).get_json()
        return body if body["figures"].get("referrals_received") == 3 and body["report_version"] >= 1 else None

    assert eventually(october)["figures"]["self_referrals"] == 3

    def quarantine() -> dict | None:
        answer = reporting.client.get("/v1/quarantine", headers=lead)
        assert answer.status_code == 200
        body = answer.get_json()
        return body if body["events_quarantined"] == 3 and body["periods_quarantined"] == 1 else None

    body = eventually(quarantine)
    assert [(p["period_type"], p["period"], p["reason"]) for p in body["periods"]] == [
        ("month", "5-01", "period-unplaceable")
    ]
    assert sorted((e["event_type"], e["reason"], e["field"], e["events"]) for e in body["events"]) == [
        ("ReferralReceived", "date-unplaceable", "received_at", 2),
        ("SicknessAbsenceImported", "period-unplaceable", "period", 1),
    ]
    assert "0005-10-05" not in json.dumps(body) and "event_id" not in json.dumps(body)

    sent = eventually(
        lambda: [r for r in national_reports(infra, national_topic(prefix), hub_id) if r["period"] == "2026-10"]
    )
    assert sent[0]["period_type"] == "month"
    # Set aside, not dead-lettered: the consumer went on.
    dead = REGISTRY.get_sample_value(
        "hubs_consumer_dead_lettered_total", {"service": "reporting", "consumer": "hub-events", "topic": referrals}
    )
    assert not dead
    assert reporting.client.get("/v1/quarantine", headers=tokens("clinician")).status_code == 403


def test_months_and_periods_outside_the_hubs_records_are_refused_at_the_door_and_nothing_is_stored(run_service, tokens):
    reporting = run_service(DEFINITION)
    lead = tokens("hub-lead")
    upload = reporting.client.post(
        "/v1/sickness-absence",
        data="employer,month,mental_health_days_lost\nNorth Trust,0000-11,12\n",
        content_type="text/csv",
        headers=lead,
    )
    assert upload.status_code == 422, upload.get_json()
    assert upload.content_type == "application/problem+json"
    assert list(upload.get_json()["errors"]["line 2"]) == ["month"]
    with reporting.wiring.uow_factory() as uow:
        assert uow.sickness.month_totals({"0000-11"}) == {}
        assert uow.session.execute(select(func.count()).select_from(outbox)).scalar_one() == 0

    for query in ("period_type=month&period=0000-11", "period_type=month&period=2019-01",
                  "period_type=week&period=9999-W52", "period_type=financial-year&period=2040-41"):  # fmt: skip
        answer = reporting.client.get(f"/v1/dataset?{query}", headers=lead)
        assert answer.status_code == 422, query
        assert answer.content_type == "application/problem+json"
        assert "period" in answer.get_json()["errors"], query


def test_national_queries_for_periods_no_hub_can_have_answer_problem_json_not_500(run_service, tokens):
    national = run_service(DEFINITION, reporting_mode="national")
    analyst = tokens("national-analyst", hub="national")
    for path, field in (
        ("/v1/national/dataset?period_type=week&period=9999-W52", "period"),
        ("/v1/national/dataset?period_type=month&period=2019-12", "period"),
        ("/v1/national/comparison?period_type=quarter&period=9998-99-Q4", "period"),
        ("/v1/national/trend?figure=self_referrals&period_type=month&first=1000-01&last=2026-10", "first"),
        ("/v1/national/trend?figure=self_referrals&period_type=week&first=2026-W01&last=9999-W52", "last"),
    ):
        answer = national.client.get(path, headers=analyst)
        assert answer.status_code == 422, (path, answer.get_json())
        assert answer.content_type == "application/problem+json"
        assert field in answer.get_json()["errors"], path
