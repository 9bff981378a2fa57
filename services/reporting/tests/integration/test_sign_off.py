"""Against real Kafka and PostgreSQL: the hub lead signs off an ended month, its report reaches
the national service final and signed off, and who signed it off stays in the hub; a rebuilt
instance keeps the months its hub published as signed off."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hubs.contracts import new_envelope
from hubs.contracts.topics import hub_topic, national_topic
from hubs.reporting.adapters.orm import outbox
from hubs.reporting.adapters.published_reports import published_versions
from hubs.reporting.bootstrap import DEFINITION
from hubs.reporting.service_layer.handlers import carry_on_versions
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

THIRD_OF_NOVEMBER = datetime(2026, 11, 3, 12, tzinfo=UTC)
LEAD = "lead-3c9e1b"


def test_a_month_signed_off_by_the_hub_lead_reaches_the_national_service_final_and_signed_off(
    run_service, hub_id, tokens, produce, referral
):
    fast = {"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.5"}
    reporting = run_service(DEFINITION, extra=fast)
    reporting.wiring.extras["clock"] = lambda: THIRD_OF_NOVEMBER
    reporting.start_worker().start_relay()
    national = run_service(DEFINITION, reporting_mode="national", schema_suffix="n_").start_worker()
    lead = tokens("hub-lead", subject=LEAD)
    for day in ("05", "06", "07"):
        produce(hub_topic(hub_id, "referral", prefix=reporting.settings.topic_prefix),
                referral(hub_id, f"2026-10-{day}T09:00:00+00:00"))  # fmt: skip

    def october() -> dict | None:
        body = reporting.client.get("/v1/dataset?period_type=month&period=2026-10", headers=lead).get_json()
        return body if body["report_version"] >= 1 and body["figures"].get("referrals_received") == 3 else None

    before = eventually(october)
    assert (before["state"], before["final"], before["signed_off"]) == ("awaiting-sign-off", False, False)
    months = reporting.client.get("/v1/dataset/sign-offs", headers=lead).get_json()
    assert months["sign_off_days"] == 10
    assert (months["months"][0]["period"], months["months"][0]["state"]) == ("2026-10", "awaiting-sign-off")
    assert months["months"][0]["final_without_sign_off_on"] == "2026-11-11"

    signed = reporting.client.post("/v1/dataset/sign-offs", json={"period_type": "month", "period": "2026-10"},
                                   headers=lead)  # fmt: skip

    assert signed.status_code == 201, signed.get_json()
    assert signed.get_json()["state"] == "signed-off"
    assert signed.get_json()["signed_off_by"] == LEAD
    analyst = tokens("national-analyst", hub="national")

    def kept_nationally() -> dict | None:
        body = national.client.get("/v1/national/dataset?period_type=month&period=2026-10", headers=analyst)
        found = [h for h in body.get_json()["hubs"] if h["hub_id"] == hub_id]
        return found[0] if found and found[0]["final"] else None

    kept = eventually(kept_nationally)
    assert kept["signed_off"] is True
    after = reporting.client.get("/v1/dataset?period_type=month&period=2026-10", headers=lead).get_json()
    assert (after["state"], after["final"], after["signed_off"]) == ("signed-off", True, True)
    with reporting.wiring.uow_factory() as uow:
        payloads = [r.payload for r in uow.session.execute(select(outbox.c.payload)).all()]
    assert payloads and all(LEAD not in json.dumps(p) for p in payloads)  # who signed off stays in the hub


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"period_type": "month", "period": "2026-11"}, 422, "period"),  # not ended on 3 November
        ({"period_type": "month", "period": "2026-13"}, 422, "period"),  # no such month
        ({"period_type": "month", "period": "2019-01"}, 422, "period"),  # before the hub's records
        ({"period_type": "quarter", "period": "2026-27-Q2"}, 422, "period_type"),
        ({"period_type": "month"}, 422, "period"),
        ({"period_type": "month", "period": "2026-09"}, 409, "period"),  # final without sign-off since 11 October
        ({"period_type": "month", "period": "2026-10"}, 409, "period"),  # signed off already
    ],
)
def test_a_sign_off_that_cannot_be_taken_is_refused_with_a_problem_and_nothing_is_kept(
    run_service, tokens, body, status, field
):
    reporting = run_service(DEFINITION)
    reporting.wiring.extras["clock"] = lambda: THIRD_OF_NOVEMBER
    lead = tokens("hub-lead")
    first = reporting.client.post("/v1/dataset/sign-offs", json={"period": "2026-10"}, headers=lead)
    assert first.status_code == 201
    with reporting.wiring.uow_factory() as uow:
        before = uow.sign_offs.of_months(["2026-09", "2026-10", "2026-11"])

    answer = reporting.client.post("/v1/dataset/sign-offs", json=body, headers=lead)

    assert answer.status_code == status
    assert answer.content_type == "application/problem+json"
    assert field in answer.get_json()["errors"]
    with reporting.wiring.uow_factory() as uow:
        assert uow.sign_offs.of_months(["2026-09", "2026-10", "2026-11"]) == before
    assert reporting.client.post("/v1/dataset/sign-offs", json=body, headers=tokens("clinician")).status_code == 403


def test_the_national_service_keeps_no_sign_off_flag_from_hubs_that_do_not_send_one(
    run_service, hub_id, tokens, produce
):
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    data = {"hub_id": hub_id, "region": "london", "period_type": "month", "period": "2026-10", "report_version": 1,
            "figures": {"self_referrals": 10}, "final": True}  # fmt: skip
    produce(national_topic(national.settings.topic_prefix),
            new_envelope("HubPeriodReport", data, hub_id=hub_id, producer="reporting@older-hub"))  # fmt: skip
    analyst = tokens("national-analyst", hub="national")

    def kept() -> list:
        body = national.client.get("/v1/national/dataset?period_type=month&period=2026-10", headers=analyst)
        return [h for h in body.get_json()["hubs"] if h["hub_id"] == hub_id]

    [report] = eventually(kept)
    assert (report["final"], report["signed_off"]) == (True, None)


def test_a_rebuilt_instance_reads_back_which_months_its_hub_published_as_signed_off(
    run_service, hub_id, produce, infra
):
    reporting = run_service(DEFINITION)
    topic = national_topic(reporting.settings.topic_prefix)
    for period, version, signed_off in (("2026-10", 1, False), ("2026-10", 2, True), ("2026-09", 4, False),
                                        ("2026-09", 3, True), ("2026-08", 1, None)):  # fmt: skip
        data = {"hub_id": hub_id, "region": "london", "period_type": "month", "period": period,
                "report_version": version, "figures": {}, "final": True, "signed_off": signed_off}  # fmt: skip
        produce(topic, new_envelope("HubPeriodReport", data, hub_id=hub_id, producer="reporting@test"))
    found = published_versions(infra.kafka_bootstrap_servers, topic, hub_id, timeout=60)
    assert found.versions == {("month", "2026-10"): 2, ("month", "2026-09"): 4, ("month", "2026-08"): 1}
    assert found.signed_off_months == {"2026-10"}  # September's newest version was not signed off
    carry_on_versions(reporting.wiring.uow_factory, lambda: found)
    with reporting.wiring.uow_factory() as uow:
        assert uow.sign_offs.months() == {"2026-10"}
