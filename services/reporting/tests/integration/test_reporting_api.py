"""The reporting service against a real Kafka broker and PostgreSQL: events produced to the
hub's topics become the hub's figures; sickness absence uploads; national comparisons."""

from __future__ import annotations

import uuid

import pytest

from hubs.contracts import new_envelope
from hubs.contracts.topics import hub_topic, national_topic
from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration


def test_events_on_the_hub_topics_become_the_hubs_figures(run_service, hub_id, tokens, produce, referral):
    reporting = run_service(DEFINITION).start_worker()
    topic = hub_topic(hub_id, "referral", prefix=reporting.settings.topic_prefix)
    for _ in range(3):
        produce(topic, referral(hub_id, "2026-10-05T09:00:00+00:00", source="self", ethnic_category="A"))
    produce(topic, referral(hub_id, "2026-10-06T09:00:00+00:00", source="line-manager"))
    outreach = new_envelope(
        "OutreachEventHeld",
        {"outreach_event_id": str(uuid.uuid4()), "event_type": "outreach", "held_on": "2026-10-07", "attendance": 40},
        hub_id=hub_id,
        producer="outreach@test",
    )
    produce(hub_topic(hub_id, "outreach", prefix=reporting.settings.topic_prefix), outreach)

    def figures():
        answer = reporting.client.get("/v1/dataset?period_type=month&period=2026-10", headers=tokens("hub-lead"))
        found = answer.get_json()["figures"]
        return found if found.get("referrals_received") == 4 and found.get("outreach_events_held") == 1 else None

    found = eventually(figures)
    assert found["self_referrals"] == 3
    assert found["referrals_by_source.line-manager"] == 1
    assert found["referred.ethnicity.A"] == 3
    assert found["outreach_attendance"] == 40

    def sent() -> dict | None:
        body = reporting.client.get(
            "/v1/dataset?period_type=month&period=2026-10", headers=tokens("hub-lead")
        ).get_json()
        return body if body["report_version"] >= 1 else None

    assert eventually(sent)["final"] is True  # October had ended when its figures changed
    preview = reporting.client.get("/v1/dataset/report?period_type=month&period=2026-10", headers=tokens("hub-lead"))
    assert preview.get_json()["figures"]["self_referrals"] == "*"


def test_only_the_hub_lead_of_this_hub_reads_its_dataset(run_service, tokens):
    reporting = run_service(DEFINITION)
    assert reporting.client.get("/v1/dataset").status_code == 401
    assert reporting.client.get("/v1/dataset", headers=tokens("clinician")).status_code == 403
    assert reporting.client.get("/v1/dataset", headers=tokens("hub-lead", hub="another-hub")).status_code == 403
    bad = reporting.client.get("/v1/dataset?period_type=month&period=2026-13", headers=tokens("hub-lead"))
    assert bad.status_code == 422
    assert "period" in bad.get_json()["errors"]


def test_a_sickness_absence_upload_is_checked_line_by_line_and_counts_in_its_month(run_service, tokens):
    reporting = run_service(DEFINITION).start_worker().start_relay()
    csv_text = (
        "employer,month,mental_health_days_lost\n"
        "North Trust,2026-10,120\n"
        "South Trust,2026-10,not a number\n"
        "Care Home Ltd,2026-10,35.5\n"
    )
    upload = reporting.client.post(
        "/v1/sickness-absence", data=csv_text, content_type="text/csv", headers=tokens("hub-lead")
    )
    assert upload.status_code == 201, upload.get_json()
    report = upload.get_json()
    assert report["accepted"] == 2
    assert report["rejected"] == [
        {"line": 3, "errors": {"mental_health_days_lost": ["must be a number of days, e.g. 12.5"]}}
    ]
    assert report["months"] == [{"month": "2026-10", "employer_count": 2, "days_lost_mental_health": 155.5}]

    def days_lost():
        answer = reporting.client.get("/v1/dataset?period_type=quarter&period=2026-27-Q3", headers=tokens("hub-lead"))
        return answer.get_json()["figures"].get("sickness_absence.days_lost_mental_health")

    assert eventually(days_lost) == 156


def test_a_sickness_absence_upload_that_cannot_be_used_gets_problem_json(run_service, tokens):
    reporting = run_service(DEFINITION)
    lead = tokens("hub-lead")
    nothing_good = reporting.client.post(
        "/v1/sickness-absence", data="employer,month,mental_health_days_lost\n,2026-10,x\n", content_type="text/csv",
        headers=lead,
    )  # fmt: skip
    assert nothing_good.status_code == 422
    assert nothing_good.content_type == "application/problem+json"
    assert set(nothing_good.get_json()["errors"]["line 2"]) == {"employer", "mental_health_days_lost"}
    no_header = reporting.client.post("/v1/sickness-absence", data="a,b\n1,2\n", content_type="text/csv", headers=lead)
    assert no_header.status_code == 422 and "header" in no_header.get_json()["errors"]
    as_json = reporting.client.post("/v1/sickness-absence", json={"employer": "x"}, headers=lead)
    assert as_json.status_code == 415
    clinician = reporting.client.post(
        "/v1/sickness-absence", data="x", content_type="text/csv", headers=tokens("clinician")
    )
    assert clinician.status_code == 403


def hub_report(hub_id: str, region: str, version: int, **figures) -> dict:
    data = {
        "hub_id": hub_id,
        "region": region,
        "period_type": "month",
        "period": "2026-10",
        "report_version": version,
        "figures": figures,
        "final": True,
    }
    return new_envelope("HubPeriodReport", data, hub_id=hub_id, producer="reporting@test")


def test_national_mode_keeps_the_newest_version_and_compares_regions_and_england(run_service, tokens, produce, signing):
    for hub, region in (("hub-a", "london"), ("hub-b", "london"), ("hub-c", "midlands")):
        signing.register(hub, region)
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    topic = national_topic(national.settings.topic_prefix)
    produce(topic, hub_report("hub-a", "london", 2, self_referrals=20, referrals_received=25))
    produce(topic, hub_report("hub-a", "london", 1, self_referrals=10, referrals_received=10))  # older, late
    produce(topic, hub_report("hub-b", "london", 1, self_referrals="*", referrals_received=10))
    produce(topic, hub_report("hub-c", "midlands", 1, self_referrals=15, referrals_received=15))
    analyst = tokens("national-analyst", hub="national")

    def comparison():
        answer = national.client.get("/v1/national/comparison?period_type=month&period=2026-10", headers=analyst)
        body = answer.get_json()
        return body if body["england"]["hubs"] == 3 else None

    body = eventually(comparison)
    london = next(r for r in body["regions"] if r["region"] == "london")
    assert london["figures"]["self_referrals"] == 20
    assert london["hubs_suppressed"] == {"self_referrals": 1}
    assert body["england"]["figures"]["referrals_received"] == 50
    trend = national.client.get(
        "/v1/national/trend?figure=self_referrals&period_type=month&first=2026-09&last=2026-10", headers=analyst
    ).get_json()
    assert [p["period"] for p in trend["series"]] == ["2026-09", "2026-10"]
    assert trend["series"][0]["england"] is None
    assert trend["series"][1]["hubs"] == {"hub-a": 20, "hub-b": "*", "hub-c": 15}
    assert trend["series"][1]["regions"] == {"london": 20, "midlands": 15}
    # Hub leads see regions and England beside their own figures; hub-level detail stays national.
    assert national.client.get("/v1/national/comparison", headers=tokens("hub-lead")).status_code == 200
    assert national.client.get("/v1/national/dataset", headers=tokens("hub-lead")).status_code == 403


def test_the_api_of_each_mode_is_documented(run_service):
    hub_paths = run_service(DEFINITION).client.get("/openapi.json").get_json()["paths"]
    assert {"/v1/dataset", "/v1/dataset/report", "/v1/sickness-absence", "/v1/quarantine", "/v1/data-quality"} <= set(
        hub_paths
    )
    national = run_service(DEFINITION, reporting_mode="national", schema_suffix="n_")
    national_paths = national.client.get("/openapi.json").get_json()["paths"]
    assert {"/v1/national/dataset", "/v1/national/comparison", "/v1/national/trend"} <= set(national_paths)


def test_a_sickness_absence_upload_too_large_is_refused(run_service, tokens):
    reporting = run_service(DEFINITION)
    huge = "employer,month,mental_health_days_lost\n" + "North Trust,2026-10,1\n" * 120_000
    answer = reporting.client.post(
        "/v1/sickness-absence", data=huge, content_type="text/csv", headers=tokens("hub-lead")
    )
    assert answer.status_code == 413
    assert answer.content_type == "application/problem+json"


def test_the_hub_lead_sees_the_gaps_in_a_periods_records(run_service, hub_id, tokens, produce, referral):
    reporting = run_service(DEFINITION).start_worker()
    topic = hub_topic(hub_id, "referral", prefix=reporting.settings.topic_prefix)
    produce(topic, referral(hub_id, "2026-10-05T09:00:00+00:00", source="self", ethnic_category="A"))
    produce(topic, referral(hub_id, "2026-10-06T09:00:00+00:00", source="self"))

    def quality():
        answer = reporting.client.get("/v1/data-quality?period_type=month&period=2026-10", headers=tokens("hub-lead"))
        body = answer.get_json()
        return body if body["referrals_received"] == 2 else None

    body = eventually(quality)
    assert body["referrals_missing_demographics"]["ethnicity"] == 1
    assert body["referrals_without_outcome"] == 2
    assert reporting.client.get("/v1/data-quality", headers=tokens("clinician")).status_code == 403
    bad = reporting.client.get("/v1/data-quality?period_type=month&period=0000-11", headers=tokens("hub-lead"))
    assert bad.status_code == 422 and "period" in bad.get_json()["errors"]
