"""The staff pages: the queue, a case, the hub lead's lists and data set, the national page;
a service that is missing or down is a clear message on the page, never a 500."""

from __future__ import annotations

import csv
import io

import pytest

from hubs.portal.adapters.services import Answer, HubServices

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
STAFF_PAGES = {
    "clinician": ["/queue", f"/cases/{REFERRAL_ID}?purpose=first-contact", "/refer-someone", "/team",
                  "/team/supervision", "/team/check-ins", f"/staff-surveys/{CASE_ID}"],
    "hub-lead": ["/lead/", "/lead/dataset", *[f"/lead/{n}" for n in (
        "directory", "waits", "campaigns", "outreach-events", "training", "supervision", "check-ins",
        "staff-feedback", "access-audit")]],
    "referrer": ["/refer-someone"],
    "national-analyst": ["/national/", "/national/trend?figure=first_contacts&first=2026-01&last=2026-03",
                         "/national/definitions"],
}  # fmt: skip
DETAIL = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "source": "self", "urgency": "urgent",
    "received_at": "2026-11-26T09:00:00Z", "first_contact_due_by": "2026-11-27T09:00:00Z", "hours_left": 5.5,
    "breaches_today": False, "breached": False, "attempts": 0, "status": "received", "contact_attempts": [],
    "personal": {"name": "Sam Example", "phone": "07700 900 982"}, "at_risk_factors": [],
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(STAFF_PAGES))
def test_a_missing_endpoint_shows_a_clear_message_never_a_500(signed_in, services, role):
    client = signed_in(role)
    for path in STAFF_PAGES[role]:
        calls_before = len(services.calls)
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if len(services.calls) > calls_before:
            assert "does not offer this yet" in response.get_data(as_text=True), path


@pytest.mark.parametrize("role", sorted(STAFF_PAGES))
def test_a_service_that_is_down_shows_a_clear_message_never_a_500(make_portal, role):
    names = ("referral", "assessment", "care", "outreach", "reporting", "national")
    client = make_portal(fake=HubServices(dict.fromkeys(names, "http://127.0.0.1:9"), timeout=0.5))
    client.post("/sign-in/dev", data={"role": role})
    for path in STAFF_PAGES[role]:
        response = client.get(path)
        assert response.status_code in (200, 404), path


def test_the_queue_counts_referrals_breaching_today(signed_in, services):
    services.answers[("referral", "GET", "/v1/queue")] = Answer(200, [
        {**DETAIL, "breaches_today": True}, {**DETAIL, "reference": "OTHER", "urgency": "routine", "hours_left": -2},
    ])  # fmt: skip
    page = signed_in("clinician").get("/queue").get_data(as_text=True)
    assert '<strong id="breaching-today">1</strong>' in page
    assert page.index("5E0955AA") < page.index("OTHER")
    assert "Overdue by 2 h 0 min" in page


def test_the_queues_follow_ups_lead_to_their_cases_and_to_those_due_in_the_caseload(signed_in, services):
    services.answers[("assessment", "GET", "/v1/follow-ups")] = Answer(200, [
        {"follow_up_id": REFERRAL_ID, "case_id": CASE_ID, "due_on": "2026-11-20", "measures_due": ["phq9", "gad7"]},
    ])  # fmt: skip
    services.answers[("referral", "POST", "/v1/case-searches")] = Answer(200, {"referrals": [DETAIL], "total": 1})
    page = signed_in("clinician").get("/queue").get_data(as_text=True)
    assert '<a href="/caseload?view=all&amp;pathway=follow-up-due">' in page
    # Each follow-up's case by its reference, a link to the case (the referral service knows it).
    assert f'<a href="/cases/{REFERRAL_ID}">5E0955AA' in page.split("Follow-ups due")[-1]
    [asked] = services.calls_to("referral", "POST", "/v1/case-searches")
    assert asked["json"] == {"case_ids": [CASE_ID], "page_size": 100}


def test_a_follow_up_whose_case_the_referral_service_cannot_say_keeps_its_case_id(signed_in, services):
    services.answers[("assessment", "GET", "/v1/follow-ups")] = Answer(200, [
        {"follow_up_id": REFERRAL_ID, "case_id": CASE_ID, "due_on": "2026-11-20", "measures_due": ["phq9"]},
    ])  # fmt: skip
    services.answers[("referral", "POST", "/v1/case-searches")] = Answer(503, title="Unavailable")
    response = signed_in("clinician").get("/queue")
    assert response.status_code == 200
    assert CASE_ID[:8] in response.get_data(as_text=True).split("Follow-ups due")[-1]


def test_a_case_is_opened_only_with_a_purpose_which_goes_to_the_audited_read(signed_in, services):
    client = signed_in("clinician")
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, DETAIL)
    page = client.get(f"/cases/{REFERRAL_ID}").get_data(as_text=True)
    assert "Why are you opening this case?" in page
    assert services.calls_to("referral", "GET", f"/v1/referrals/{REFERRAL_ID}") == []
    page = client.get(f"/cases/{REFERRAL_ID}?purpose=safeguarding").get_data(as_text=True)
    assert services.calls_to("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")[0]["params"] == {
        "purpose": "safeguarding"
    }
    assert "Sam Example" in page


def test_checking_scores_shows_each_band_without_saving(signed_in, services):
    client = signed_in("clinician")
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, DETAIL)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, {
        "status": "to-do", "first_contact_at": "2026-11-26T10:00:00Z",
    })  # fmt: skip
    form = {f"phq9-{i}": "2" for i in range(1, 9)} | {"phq9-9": "0", "gad7-1": "3", "action": "check",
                                                      "case_id": CASE_ID, "purpose": "assessment"}  # fmt: skip
    page = client.post(f"/cases/{REFERRAL_ID}/assessment", data=form).get_data(as_text=True)
    assert "Score 16 of 27: moderately severe" in page
    assert "Answered 1 of 7" in page
    assert services.calls_to("assessment", "POST", f"/v1/cases/{CASE_ID}/assessment") == []


def test_an_assessment_without_the_gad7_is_not_sent(signed_in, services):
    client = signed_in("clinician")
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, DETAIL)
    form = {f"phq9-{i}": "1" for i in range(1, 10)} | {
        "action": "complete", "case_id": CASE_ID, "work_situation": "at-work", "decisions": "no-further-action",
        "risk_level": "low",
        "reasons": "Coping well.",
    }  # fmt: skip
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=form)
    assert response.status_code == 400
    assert "GAD-7: it is taken at every assessment" in response.get_data(as_text=True)
    assert services.calls_to("assessment", "POST", f"/v1/cases/{CASE_ID}/assessment") == []


def test_the_hub_lead_sees_the_hubs_figures_with_englands_beside_them(signed_in, services):
    services.answers[("reporting", "GET", "/v1/dataset")] = Answer(200, {
        "hub_id": "unit-hub", "period_type": "month", "period": "2026-11", "figures": {"first_contacts": 12},
        "report_version": 0, "final": False,
    })  # fmt: skip
    services.answers[("national", "GET", "/v1/national/comparison")] = Answer(200, {
        "england": {"region": "england", "hubs": 40, "figures": {"first_contacts": 4315}}, "regions": [],
    })  # fmt: skip
    page = signed_in("hub-lead").get("/lead/dataset").get_data(as_text=True)
    row = page[page.index('data-figure="first_contacts"') :][:600]
    assert ">12<" in row and ">4,315<" in row


def test_the_national_csv_has_every_figure_and_no_spreadsheet_formulas(signed_in, services):
    services.answers[("national", "GET", "/v1/national/comparison")] = Answer(200, {
        "period": "2026-11",
        "regions": [{"region": "=cmd", "hubs": 2, "figures": {"a": 5, "b": 10}}],
        "england": {"region": "england", "hubs": 2, "figures": {"a": 5, "b": 10}},
    })  # fmt: skip
    response = signed_in("national-analyst").get("/national/comparison.csv?period_type=month")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert rows == [["area", "hubs", "a", "b"], ["'=cmd", "2", "5", "10"], ["england", "2", "5", "10"]]


def test_a_hub_lead_records_a_supervision_session(signed_in, services):
    services.answers[("outreach", "POST", "/v1/supervision-sessions")] = Answer(201, {})
    client = signed_in("hub-lead")
    response = client.post("/lead/supervision", data={
        "held_on": "2026-11-20", "supervision_type": "clinical-group", "attendees": "6", "duration_minutes": "90",
        "wellbeing_discussed": "yes",
    })  # fmt: skip
    assert response.status_code == 303
    assert services.calls_to("outreach", "POST", "/v1/supervision-sessions")[0]["json"] == {
        "held_on": "2026-11-20", "supervision_type": "clinical-group", "attendees": 6, "duration_minutes": 90,
        "wellbeing_discussed": True,
    }  # fmt: skip


def test_a_record_form_says_what_to_change_before_anything_is_sent(signed_in, services):
    response = signed_in("hub-lead").post("/lead/training", data={"attendance": "lots", "delivered_on": "2026-13-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "How many came must be a whole number" in page
    assert "Delivered on must be a real date" in page
    assert 'href="#topic"' in page
    assert services.calls_to("outreach", "POST", "/v1/training-sessions") == []


def test_a_clinician_refers_a_case_on_from_the_case_page(signed_in, services):
    services.answers[("care", "POST", "/v1/onward-referrals")] = Answer(201, {})
    client = signed_in("clinician")
    form = {"case_id": CASE_ID, "service_type": "talking-therapies", "purpose": "assessment"}
    response = client.post(f"/cases/{REFERRAL_ID}/onward-referrals", data=form)
    assert response.headers["Location"].endswith("purpose=assessment")
    sent = services.calls_to("care", "POST", "/v1/onward-referrals")[0]["json"]
    assert (sent["case_id"], sent["service_type"]) == (CASE_ID, "talking-therapies")


def test_the_trend_starts_with_the_last_six_months():
    from datetime import date

    from hubs.portal.entrypoints.national import last_six_months

    assert last_six_months(date(2026, 3, 15)) == ("2025-10", "2026-03")
    assert last_six_months(date(2026, 11, 1)) == ("2026-06", "2026-11")
