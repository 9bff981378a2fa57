"""The reporting service against a real Kafka broker and PostgreSQL: events produced to the
hub's topics become the hub's figures; sickness absence uploads; national comparisons."""

from __future__ import annotations

import csv
import io
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


def hub_report(hub_id: str, region: str, version: int, exact: bool = True, **figures) -> dict:
    data = {
        "hub_id": hub_id,
        "region": region,
        "period_type": "month",
        "period": "2026-10",
        "report_version": version,
        "figures": figures,
        "final": True,
        **({"figures_exact": True} if exact else {}),
    }
    return new_envelope("HubPeriodReport", data, hub_id=hub_id, producer="reporting@test")


def test_national_analysts_read_exact_figures_audited_and_everyone_else_reads_them_suppressed(
    run_service, tokens, produce, signing
):
    for hub, region in (("hub-a", "london"), ("hub-b", "london"), ("hub-c", "midlands")):
        signing.register(hub, region)
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    topic = national_topic(national.settings.topic_prefix)
    produce(topic, hub_report("hub-a", "london", 2, self_referrals=20, supervision_sessions=1))
    produce(topic, hub_report("hub-a", "london", 1, self_referrals=10, supervision_sessions=0))  # older, late
    produce(topic, hub_report("hub-b", "london", 1, self_referrals=12, supervision_sessions=0))
    produce(topic, hub_report("hub-c", "midlands", 1, self_referrals=15, supervision_sessions=0))
    analyst = tokens("national-analyst", hub="national")
    october = "period_type=month&period=2026-10"

    def comparison():
        body = national.client.get(f"/v1/national/comparison?{october}", headers=analyst).get_json()
        return body if body["england"]["hubs"] == 3 else None

    exact = eventually(comparison)
    assert exact["view"] == "exact"
    london = next(r for r in exact["regions"] if r["region"] == "london")
    assert london["figures"]["self_referrals"] == 32 and london["figures"]["supervision_sessions"] == 1
    assert exact["england"]["figures"]["supervision_sessions"] == 1  # the one session, not 0
    north_west = next(r for r in exact["regions"] if r["region"] == "north-west")
    assert north_west["missing"] is True and north_west["figures"] == {}
    hubs = national.client.get(f"/v1/national/dataset?{october}", headers=analyst).get_json()["hubs"]
    assert {h["hub_id"]: h["figures"]["supervision_sessions"] for h in hubs} == {"hub-a": 1, "hub-b": 0, "hub-c": 0}

    # Hub leads: regions suppressed (never 0), England exact; exact figures are refused.
    lead = tokens("hub-lead")
    published = national.client.get(f"/v1/national/comparison?{october}", headers=lead).get_json()
    assert published["view"] == "published"
    london = next(r for r in published["regions"] if r["region"] == "london")
    assert london["figures"]["supervision_sessions"] is None
    assert london["markers"]["supervision_sessions"] == "suppressed"
    assert london["figures"]["self_referrals"] == 30
    assert published["england"]["figures"]["supervision_sessions"] == 1
    assert published["england"]["figures"]["self_referrals"] == 47
    refused = national.client.get(f"/v1/national/comparison?{october}&view=exact", headers=lead)
    assert refused.status_code == 403
    assert national.client.get("/v1/national/dataset", headers=lead).status_code == 403

    trend = national.client.get(
        "/v1/national/trend?figure=supervision_sessions&period_type=month&first=2026-09&last=2026-10&view=published",
        headers=analyst,
    ).get_json()
    september, oct_point = trend["series"]
    assert september["england"] is None and september["markers"]["england"] == "missing"
    assert september["hubs"]["hub-a"] is None and september["markers"]["hubs"]["hub-a"] == "missing"
    assert oct_point["england"] == 1 and oct_point["hubs"]["hub-a"] is None
    assert oct_point["markers"]["hubs"]["hub-a"] == "suppressed"

    csv_exact = national.client.get("/v1/national/monthly-return?month=2026-10", headers=analyst)
    assert csv_exact.status_code == 200 and csv_exact.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(csv_exact.get_data(as_text=True))))
    row = next(r for r in rows if r["area"] == "hub-a" and r["figure"] == "supervision_sessions")
    assert (row["area_type"], row["region"], row["value"], row["status"]) == ("hub", "london", "1", "exact")
    csv_published = national.client.get("/v1/national/monthly-return?month=2026-10&view=published", headers=analyst)
    rows = list(csv.DictReader(io.StringIO(csv_published.get_data(as_text=True))))
    cells = {(r["area"], r["figure"]): (r["value"], r["status"]) for r in rows}
    assert cells[("hub-a", "supervision_sessions")] == ("[c]", "suppressed")
    assert cells[("london", "supervision_sessions")] == ("[c]", "suppressed")
    assert cells[("england", "supervision_sessions")] == ("1", "exact")
    assert cells[("north-west", "supervision_sessions")] == ("", "missing")
    assert not [r for r in rows if r["area_type"] != "england" and r["value"] in {str(n) for n in range(1, 8)}]
    bad_month = national.client.get("/v1/national/monthly-return?month=2026-13", headers=analyst)
    assert bad_month.status_code == 422 and "month" in bad_month.get_json()["errors"]

    # Every read of exact figures is recorded: who, and which periods; published reads are not.
    with national.wiring.uow_factory() as uow:
        reads = uow.national.exact_reads()
    assert {(r["what"], r["first_period"], r["last_period"]) for r in reads} == {
        ("comparison", "2026-10", "2026-10"),
        ("dataset", "2026-10", "2026-10"),
        ("monthly-return", "2026-10", "2026-10"),
    }
    assert all(r["roles"] == "national-analyst" and r["subject"] for r in reads)


def test_a_report_of_the_earlier_suppressed_format_makes_its_totals_unknown_never_0(
    run_service, tokens, produce, signing
):
    for hub, region in (("hub-a", "london"), ("hub-b", "london")):
        signing.register(hub, region)
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    topic = national_topic(national.settings.topic_prefix)
    produce(topic, hub_report("hub-a", "london", 1, self_referrals=20))
    produce(topic, hub_report("hub-b", "london", 1, exact=False, self_referrals="*"))
    analyst = tokens("national-analyst", hub="national")

    def comparison():
        url = "/v1/national/comparison?period_type=month&period=2026-10"
        body = national.client.get(url, headers=analyst).get_json()
        return body if body["england"]["hubs"] == 2 else None

    body = eventually(comparison)
    assert body["england"]["figures"]["self_referrals"] is None
    assert body["england"]["markers"]["self_referrals"] == "suppressed-by-hub"
    assert body["england"]["hubs_suppressed"] == {"self_referrals": 1}
    # The hub, upgraded, sends the period again exactly: the totals are known again.
    produce(topic, hub_report("hub-b", "london", 2, self_referrals=3))

    def upgraded():
        url = "/v1/national/comparison?period_type=month&period=2026-10"
        body = national.client.get(url, headers=analyst).get_json()
        return body if body["england"]["figures"]["self_referrals"] is not None else None

    assert eventually(upgraded)["england"]["figures"]["self_referrals"] == 23


def test_the_api_of_each_mode_is_documented(run_service):
    hub_paths = run_service(DEFINITION).client.get("/openapi.json").get_json()["paths"]
    assert {"/v1/dataset", "/v1/dataset/report", "/v1/sickness-absence", "/v1/quarantine", "/v1/data-quality"} <= set(
        hub_paths
    )
    national = run_service(DEFINITION, reporting_mode="national", schema_suffix="n_")
    national_paths = national.client.get("/openapi.json").get_json()["paths"]
    assert {
        "/v1/national/dataset",
        "/v1/national/comparison",
        "/v1/national/trend",
        "/v1/national/monthly-return",
    } <= set(national_paths)


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
