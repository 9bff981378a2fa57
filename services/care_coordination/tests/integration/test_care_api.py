"""The care-coordination API against a real PostgreSQL: directory, onward referrals and
their waits, escalation by the due check, monitoring, closure, feedback and case access."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from hubs.care_coordination.adapters.orm import outbox
from hubs.care_coordination.bootstrap import DEFINITION, run_due_check
from hubs.care_coordination.service_layer import reactions
from hubs.contracts import codes

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 26)
ASSESSED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def care(run_service):
    service = run_service(DEFINITION, extra={"HUBS_WAIT_CONTINGENCY": "alternative-local-service"})
    service.wiring.extras["today"] = lambda: TODAY
    return service


def referred(service, **demographics) -> uuid.UUID:
    """A case as the worker opens it on ReferralReceived."""
    case_id = uuid.uuid4()
    data = {"received_at": datetime(2026, 10, 1, tzinfo=UTC), "urgency": codes.Urgency.ROUTINE, **demographics}
    with service.wiring.uow_factory() as uow:
        reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
        uow.commit()
    return case_id


def events(service) -> list[dict]:
    with service.wiring.engine.connect() as conn:
        return [row.payload for row in conn.execute(select(outbox).order_by(outbox.c.seq))]


DIRECTORY_ENTRY = {
    "name": "Talking Therapies (staff fast track)",
    "service_type": "talking-therapies",
    "target_wait_days": 14,
    "how_to_refer": "Secure email with the hub's referral form; phone the duty clinician for urgent cases.",
    "competencies": ["bame", "lgbt-plus"],
    "languages": ["pl", "ur"],
}


def test_the_hub_lead_keeps_the_directory_and_clinicians_search_it(care, tokens):
    added = care.client.post("/v1/directory", json=DIRECTORY_ENTRY, headers=tokens("hub-lead"))
    assert added.status_code == 201, added.get_json()
    assert care.client.post("/v1/directory", json=DIRECTORY_ENTRY, headers=tokens("clinician")).status_code == 403
    debt = DIRECTORY_ENTRY | {"name": "Debt advice line", "service_type": "debt-advice", "competencies": [],
                              "languages": []}  # fmt: skip
    care.client.post("/v1/directory", json=debt, headers=tokens("hub-lead"))

    found = care.client.get("/v1/directory?competency=bame&language=ur", headers=tokens("clinician")).get_json()
    assert [s["name"] for s in found] == [DIRECTORY_ENTRY["name"]]
    assert len(care.client.get("/v1/directory", headers=tokens("clinician")).get_json()) == 2

    entry_id = added.get_json()["directory_service_id"]
    closed = care.client.put(f"/v1/directory/{entry_id}", json=DIRECTORY_ENTRY | {"active": False},
                             headers=tokens("hub-lead"))  # fmt: skip
    assert closed.status_code == 200
    assert care.client.get("/v1/directory?service_type=talking-therapies", headers=tokens("clinician")).get_json() == []
    bad = care.client.post(
        "/v1/directory", json=DIRECTORY_ENTRY | {"languages": ["Polish"]}, headers=tokens("hub-lead")
    )
    assert bad.status_code == 422 and "languages" in bad.get_json()["errors"]


def test_an_onward_referral_is_tracked_from_referral_to_treatment_end(care, tokens, assess):
    case_id = referred(care)
    assess(care, case_id, ASSESSED_AT)
    made = care.client.post(
        "/v1/onward-referrals",
        json={"case_id": str(case_id), "service_type": "talking-therapies", "made_on": "2026-11-02"},
        headers=tokens("clinician"),
    )
    assert made.status_code == 201, made.get_json()
    rid = made.get_json()["onward_referral_id"]
    steps = [
        ("acceptance", {"accepted_on": "2026-11-04", "expected_start_on": "2026-11-16"}),
        ("treatment-start", {"started_on": "2026-11-16"}),
        ("treatment-end", {"ended_on": "2026-11-25", "reason": "completed"}),
    ]
    for path, body in steps:
        answer = care.client.post(f"/v1/onward-referrals/{rid}/{path}", json=body, headers=tokens("clinician"))
        assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "treatment-ended"
    again = care.client.post(f"/v1/onward-referrals/{rid}/acceptance", json=steps[0][1], headers=tokens("clinician"))
    assert again.status_code == 409 and again.content_type == "application/problem+json"

    assert [e["event_type"] for e in events(care)] == [
        "Signposted", "OnwardReferralMade", "OnwardReferralAccepted", "TreatmentStarted", "TreatmentEnded",
        "FollowUpDue",
    ]  # fmt: skip
    record = care.client.get(f"/v1/cases/{case_id}", headers=tokens("hub-lead")).get_json()
    assert record["onward_referrals"][0]["started_on"] == "2026-11-16"
    kinds = {a["kind"]: a["on_date"] for a in record["activities"]}
    assert kinds == {"assessment": "2026-11-02", "signposting": "2026-11-02", "follow-up-due": "2026-11-25"}


def test_a_case_this_hub_does_not_have_is_404(care, tokens):
    body = {"case_id": str(uuid.uuid4()), "service_type": "peer-support", "made_on": "2026-11-02"}
    assert care.client.post("/v1/onward-referrals", json=body, headers=tokens("clinician")).status_code == 404
    assert care.client.get(f"/v1/cases/{uuid.uuid4()}", headers=tokens("clinician")).status_code == 404
    assert care.client.post(f"/v1/onward-referrals/{uuid.uuid4()}/acceptance", json={"accepted_on": "2026-11-02"},
                            headers=tokens("clinician")).status_code == 404  # fmt: skip
    case_id = referred(care)
    assert care.client.get(f"/v1/cases/{case_id}", headers=tokens("clinician", hub="another-hub")).status_code == 404


def test_a_wait_past_target_is_escalated_by_the_due_check_and_listed_for_the_hub_lead(care, tokens, assess):
    entry = care.client.post("/v1/directory", json=DIRECTORY_ENTRY, headers=tokens("hub-lead")).get_json()
    late, on_time = referred(care), referred(care)
    for case_id in (late, on_time):
        assess(care, case_id, ASSESSED_AT)
    for case_id, made_on in ((late, "2026-11-02"), (on_time, "2026-11-20")):
        body = {"case_id": str(case_id), "service_type": "talking-therapies", "made_on": made_on,
                "directory_service_id": entry["directory_service_id"]}  # fmt: skip
        assert care.client.post("/v1/onward-referrals", json=body, headers=tokens("clinician")).status_code == 201

    assert run_due_check(care.wiring) == {"waits_escalated": 1, "follow_ups_asked": 0}
    assert run_due_check(care.wiring) == {"waits_escalated": 0, "follow_ups_asked": 0}
    [escalated] = [e for e in events(care) if e["event_type"] == "WaitEscalated"]
    assert escalated["case_id"] == str(late)
    assert escalated["data"] | {"onward_referral_id": None} == {
        "onward_referral_id": None, "escalated_on": "2026-11-26", "waited_days": 24, "threshold_days": 14,
        "contingency": "alternative-local-service",
    }  # fmt: skip

    over = care.client.get("/v1/waits?over_target=true", headers=tokens("hub-lead")).get_json()
    assert [(w["case_id"], w["waited_days"], w["over_target"]) for w in over] == [(str(late), 24, True)]
    everyone = care.client.get("/v1/waits", headers=tokens("hub-lead")).get_json()
    assert [w["case_id"] for w in everyone] == [str(late), str(on_time)]


def test_monitoring_asks_for_follow_ups_and_closure_ends_it(care, tokens):
    case_id = referred(care)
    plan = care.client.post(f"/v1/cases/{case_id}/monitoring-plans", json={"started_on": "2026-10-26",
                            "review_interval_days": 14}, headers=tokens("clinician"))  # fmt: skip
    assert plan.status_code == 201, plan.get_json()
    assert run_due_check(care.wiring)["follow_ups_asked"] == 2  # 9 and 23 November
    closed = care.client.post(f"/v1/cases/{case_id}/closure", json={"reason": "care-completed"},
                              headers=tokens("clinician"))  # fmt: skip
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    kinds = [e["event_type"] for e in events(care)]
    assert kinds == ["MonitoringStarted", "FollowUpDue", "FollowUpDue", "MonitoringEnded", "EpisodeClosed"]
    again = care.client.post(f"/v1/cases/{case_id}/closure", json={"reason": "care-completed"},
                             headers=tokens("clinician"))  # fmt: skip
    assert again.status_code == 409


def test_occupational_health_liaison_without_consent_is_refused(care, tokens):
    case_id = referred(care)
    answer = care.client.post(f"/v1/cases/{case_id}/occupational-health-liaisons", json={"liaised_on": "2026-11-03"},
                              headers=tokens("clinician"))  # fmt: skip
    assert answer.status_code == 409 and "consent" in answer.get_json()["errors"]
    assert events(care) == []


def test_the_advice_given_to_occupational_health_is_kept_with_the_case_and_never_sent_out(care, tokens):
    case_id = referred(care)
    event = {"case_id": case_id, "occurred_at": ASSESSED_AT, "data": {
        "assessment_id": uuid.uuid4(), "completed_at": ASSESSED_AT, "measures": {}, "risk_level": codes.RiskLevel.LOW,
        "outcome_decisions": [codes.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH], "occupational_health_consent": True,
        "occupational_health_consent_recorded_at": ASSESSED_AT, "refer_on_to": [], "signpost_to": [],
        "monitoring_review_interval_days": None}}  # fmt: skip
    with care.wiring.uow_factory() as uow:
        reactions.make_on_assessment_completed(care.wiring.extras["policy"])(event, uow)
        uow.commit()
    advice = "Canary Q8Z: a phased return over four weeks"
    liaisons = f"/v1/cases/{case_id}/occupational-health-liaisons"
    body = {"liaised_on": "2026-11-03", "advice": advice}
    answer = care.client.post(liaisons, json=body, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["advice"] == advice
    record = care.client.get(f"/v1/cases/{case_id}", headers=tokens("clinician")).get_json()
    [liaison] = [a for a in record["activities"] if a["kind"] == "occupational-health-liaison"]
    assert liaison["detail"] == {"advice": advice}
    assert "Canary Q8Z" not in str(events(care))
    long = {"liaised_on": "2026-11-03", "advice": "x" * 2001}
    too_long = care.client.post(liaisons, json=long, headers=tokens("clinician"))
    assert too_long.status_code == 422 and "advice" in str(too_long.get_json()["errors"])


def test_service_user_feedback_is_reported_anonymously_and_the_comment_stays(care, tokens):
    body = {"given_on": "2026-11-26", "stage": "at-closure", "overall_experience": "very-good", "felt_listened_to": 5,
            "comment": "Canary Q7X: the nurse was kind"}  # fmt: skip
    answer = care.client.post("/v1/service-user-feedback", json=body, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    [event] = events(care)
    assert event["event_type"] == "ServiceUserFeedbackGiven" and event["case_id"] is None
    assert "Canary" not in str(event)
    kept = care.client.get("/v1/service-user-feedback", headers=tokens("hub-lead")).get_json()
    assert kept[0]["comment"].startswith("Canary") and kept[0]["felt_listened_to"] == 5
    bad = care.client.post("/v1/service-user-feedback", json=body | {"helped": 9}, headers=tokens("clinician"))
    assert bad.status_code == 422 and "helped" in bad.get_json()["errors"]


def test_signposting_names_the_directory_service_and_is_announced(care, tokens):
    peer = DIRECTORY_ENTRY | {"name": "Peer support circle", "service_type": "peer-support"}
    entry = care.client.post("/v1/directory", json=peer, headers=tokens("hub-lead")).get_json()
    case_id = referred(care)
    body = {"signposted_on": "2026-11-03", "service_types": ["peer-support", "self-help"]}
    answer = care.client.post(f"/v1/cases/{case_id}/signpostings", json=body, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    [event] = events(care)
    assert event["event_type"] == "Signposted"
    assert event["data"]["directory_service_ids"] == [entry["directory_service_id"]]
    empty = care.client.post(f"/v1/cases/{case_id}/signpostings", json=body | {"service_types": []},
                             headers=tokens("clinician"))  # fmt: skip
    assert empty.status_code == 422


def onward_referral(care, tokens, case_id, made_on="2026-11-02") -> str:
    body = {"case_id": str(case_id), "service_type": "talking-therapies", "made_on": made_on}
    made = care.client.post("/v1/onward-referrals", json=body, headers=tokens("clinician"))
    assert made.status_code == 201, made.get_json()
    return made.get_json()["onward_referral_id"]


def stored_onward_referrals(care, tokens, case_id) -> list:
    return care.client.get(f"/v1/cases/{case_id}", headers=tokens("hub-lead")).get_json()["onward_referrals"]


def test_a_case_not_yet_assessed_cannot_be_referred_on(care, tokens):
    case_id = referred(care)
    body = {"case_id": str(case_id), "service_type": "talking-therapies", "made_on": "2026-11-02"}
    answer = care.client.post("/v1/onward-referrals", json=body, headers=tokens("clinician"))
    assert answer.status_code == 409 and answer.content_type == "application/problem+json"
    assert "case_id" in answer.get_json()["errors"]
    assert events(care) == [] and stored_onward_referrals(care, tokens, case_id) == []


def test_an_onward_referral_dated_before_the_assessment_is_refused(care, tokens, assess):
    case_id = referred(care)
    assess(care, case_id, ASSESSED_AT)
    for made_on in ("2020-11-02", "2026-11-01"):  # a past financial year; the day before the assessment
        body = {"case_id": str(case_id), "service_type": "talking-therapies", "made_on": made_on}
        answer = care.client.post("/v1/onward-referrals", json=body, headers=tokens("clinician"))
        assert answer.status_code == 422 and "made_on" in answer.get_json()["errors"], answer.get_json()
    assert [e["event_type"] for e in events(care)] == ["Signposted"]
    assert stored_onward_referrals(care, tokens, case_id) == []
    onward_referral(care, tokens, case_id, "2026-11-02")  # the day of the assessment will do


# Three days ahead: still in the future if the run passes midnight after this module is read.
THREE_DAYS_AHEAD = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
BAD_DAYS = {
    "0026-11-02": "a typed two-digit year",
    "2019-06-01": "before the hub's records",
    THREE_DAYS_AHEAD: "in the future",
}


@pytest.mark.parametrize("day", BAD_DAYS, ids=BAD_DAYS.values())
def test_a_day_outside_the_hubs_records_is_refused_naming_the_field_and_nothing_is_stored(care, tokens, assess, day):
    case_id = referred(care)
    assess(care, case_id, ASSESSED_AT)
    clinician = tokens("clinician")
    rid = onward_referral(care, tokens, case_id)
    before = events(care)
    posts = [
        ("/v1/onward-referrals", {"case_id": str(case_id), "service_type": "peer-support", "made_on": day}, "made_on"),
        (f"/v1/onward-referrals/{rid}/acceptance", {"accepted_on": day}, "accepted_on"),
        (f"/v1/onward-referrals/{rid}/decline", {"declined_on": day, "reason": "no-capacity"}, "declined_on"),
        (f"/v1/onward-referrals/{rid}/treatment-start", {"started_on": day}, "started_on"),
        (f"/v1/cases/{case_id}/occupational-health-liaisons", {"liaised_on": day}, "liaised_on"),
        (f"/v1/cases/{case_id}/signpostings", {"signposted_on": day, "service_types": ["self-help"]},
         "signposted_on"),
        (f"/v1/cases/{case_id}/monitoring-plans", {"started_on": day, "review_interval_days": 14}, "started_on"),
        ("/v1/service-user-feedback", {"given_on": day, "stage": "at-closure", "overall_experience": "good"},
         "given_on"),
    ]  # fmt: skip
    for path, body, field in posts:
        answer = care.client.post(path, json=body, headers=clinician)
        assert answer.status_code == 422, (path, answer.get_json())
        assert answer.content_type == "application/problem+json" and field in answer.get_json()["errors"], path
    assert events(care) == before
    assert [o["status"] for o in stored_onward_referrals(care, tokens, case_id)] == ["awaiting-response"]


def test_plans_may_look_ahead_but_not_for_ever(care, tokens, assess):
    case_id = referred(care)
    assess(care, case_id, ASSESSED_AT)
    rid = onward_referral(care, tokens, case_id)
    today = datetime.now(UTC).date()
    far = {"accepted_on": today.isoformat(), "expected_start_on": (today + timedelta(days=4 * 366)).isoformat()}
    answer = care.client.post(f"/v1/onward-referrals/{rid}/acceptance", json=far, headers=tokens("clinician"))
    assert answer.status_code == 422 and "expected_start_on" in answer.get_json()["errors"]
    soon = far | {"expected_start_on": (today + timedelta(days=30)).isoformat()}
    answer = care.client.post(f"/v1/onward-referrals/{rid}/acceptance", json=soon, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    plan = {"started_on": today.isoformat(), "review_interval_days": 14,
            "planned_end_on": (today + timedelta(days=180)).isoformat()}  # fmt: skip
    answer = care.client.post(f"/v1/cases/{case_id}/monitoring-plans", json=plan, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()


@pytest.mark.parametrize("interval", ["7", 7.5, 7.0])
def test_a_review_interval_is_a_whole_number_of_days(care, tokens, interval):
    case_id = referred(care)
    body = {"started_on": "2026-11-02", "review_interval_days": interval}
    answer = care.client.post(f"/v1/cases/{case_id}/monitoring-plans", json=body, headers=tokens("clinician"))
    assert answer.status_code == 422 and "review_interval_days" in answer.get_json()["errors"]
    assert events(care) == []


def test_counts_and_scores_are_whole_numbers(care, tokens):
    feedback = {"given_on": "2026-11-26", "stage": "at-closure", "overall_experience": "good", "helped": "5"}
    answer = care.client.post("/v1/service-user-feedback", json=feedback, headers=tokens("clinician"))
    assert answer.status_code == 422 and "helped" in answer.get_json()["errors"]
    entry = DIRECTORY_ENTRY | {"target_wait_days": 14.5}
    answer = care.client.post("/v1/directory", json=entry, headers=tokens("hub-lead"))
    assert answer.status_code == 422 and "target_wait_days" in answer.get_json()["errors"]
    assert events(care) == [] and care.client.get("/v1/directory", headers=tokens("clinician")).get_json() == []


def test_the_pathway_goes_forward_in_time(care, tokens, assess):
    case_id = referred(care)
    assess(care, case_id, ASSESSED_AT)
    clinician = tokens("clinician")
    rid = onward_referral(care, tokens, case_id, "2026-11-05")

    def post(path, body):
        return care.client.post(path, json=body, headers=clinician)

    refused = [
        (f"/v1/onward-referrals/{rid}/acceptance", {"accepted_on": "2026-11-04"}, "accepted_on"),
        (f"/v1/onward-referrals/{rid}/acceptance", {"accepted_on": "2026-11-09", "expected_start_on": "2026-11-08"},
         "expected_start_on"),
        (f"/v1/onward-referrals/{rid}/decline", {"declined_on": "2026-11-04", "reason": "no-capacity"}, "declined_on"),
        (f"/v1/onward-referrals/{rid}/treatment-start", {"started_on": "2026-11-04"}, "started_on"),
    ]  # fmt: skip
    for path, body, field in refused:
        answer = post(path, body)
        assert answer.status_code == 422 and field in answer.get_json()["errors"], (path, answer.get_json())
    assert post(f"/v1/onward-referrals/{rid}/treatment-start", {"started_on": "2026-11-10"}).status_code == 200
    ended = post(f"/v1/onward-referrals/{rid}/treatment-end", {"ended_on": "2026-11-09", "reason": "completed"})
    assert ended.status_code == 422 and "ended_on" in ended.get_json()["errors"]

    backwards = {"started_on": "2026-11-10", "review_interval_days": 14, "planned_end_on": "2026-11-10"}
    answer = post(f"/v1/cases/{case_id}/monitoring-plans", backwards)
    assert answer.status_code == 422 and "planned_end_on" in answer.get_json()["errors"]
    plan = post(f"/v1/cases/{case_id}/monitoring-plans", backwards | {"planned_end_on": "2027-05-10"}).get_json()
    answer = post(f"/v1/monitoring-plans/{plan['monitoring_plan_id']}/end", {"ended_on": "2026-11-09"})
    assert answer.status_code == 422 and "ended_on" in answer.get_json()["errors"]

    kinds = [e["event_type"] for e in events(care)]
    assert kinds == ["Signposted", "OnwardReferralMade", "TreatmentStarted", "MonitoringStarted"]
