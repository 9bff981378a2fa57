"""A case at raised risk from assessment to escalation, and the caseload that finds it again: the
assessment form asks all the assessment service takes (the escalation route, risk to others, off
sick for mental health, Occupational Health consent, a transfer's hub, other practitioners), says
what is missing beside the question, and never loses what was typed."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubs.portal.adapters.services import Answer
from hubs.portal.entrypoints.clinician import assessment_errors

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
CONTACTED = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "source": "self", "urgency": "urgent",
    "received_at": "2026-11-26T09:00:00Z", "first_contact_due_by": "2026-11-27T09:00:00Z", "hours_left": 3.0,
    "status": "contacted", "first_contacted_at": "2026-11-26T10:00:00Z", "contact_attempts": [],
    "personal": {"name": "Sam Example"}, "at_risk_factors": [],
}  # fmt: skip
ASSESSABLE = {"case_id": CASE_ID, "status": "to-do", "first_contact_at": "2026-11-26T10:00:00Z", "urgency": "urgent"}
# A low risk: PHQ-9 item 9 answered 0.
COMPLETE = {f"phq9-{i}": "1" for i in range(1, 9)} | {"phq9-9": "0"} | {f"gad7-{i}": "1" for i in range(1, 8)} | {
    "action": "complete", "case_id": CASE_ID, "purpose": "assessment", "work_situation": "at-work", "risk_level": "low",
    "decisions": "signpost", "signpost_to": "self-help", "reasons": "Wants self-help first.",
}  # fmt: skip
ASSESSMENT_POST = ("assessment", "POST", f"/v1/cases/{CASE_ID}/assessment")


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


ESCALATION_POST = ("assessment", "POST", f"/v1/cases/{CASE_ID}/risk-escalations")
CASELOAD = ("referral", "GET", "/v1/referrals")
ITEM9 = COMPLETE | {"phq9-9": "2", "reasons": "Thoughts of self-harm; safety plan agreed."}


@pytest.fixture
def case_at_raised_risk(services):
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, CONTACTED)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, ASSESSABLE)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/follow-ups")] = Answer(200, [])


def sent(services, key) -> dict:
    [call] = services.calls_to(*key)
    return call["json"]


def test_item_9_above_0_without_an_escalation_route_is_flagged_and_asked_for_keeping_every_answer(
    signed_in, services, case_at_raised_risk
):
    client = signed_in("clinician")
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=ITEM9)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == ["risk_route"]
    assert not services.calls_to(*ASSESSMENT_POST)
    # The warning is shown, server side; and nothing typed is lost.
    assert re.search(r'id="item9-warning"(?! hidden)[^>]*data-item9-warning>', page)
    assert re.search(r'id="phq9-9-3" name="phq9-9" type="radio" value="2" checked', page)
    assert "Thoughts of self-harm; safety plan agreed." in page


def test_checking_scores_with_item_9_above_0_shows_the_warning(signed_in, case_at_raised_risk):
    page = (
        signed_in("clinician")
        .post(f"/cases/{REFERRAL_ID}/assessment", data=ITEM9 | {"action": "check"})
        .get_data(as_text=True)
    )
    assert "PHQ-9 item 9 is above 0" in page and 'id="item9-warning" data-item9-warning' in page


def test_a_raised_risk_assessment_sends_every_answer_the_assessment_service_takes(
    signed_in, services, case_at_raised_risk
):
    client = signed_in("clinician")
    services.answers[ASSESSMENT_POST] = Answer(200, {"status": "completed"})
    form = ITEM9 | {
        "risk_level": "high", "risk_to_others": "yes", "risk_route": "crisis-team",
        "work_situation": "off-sick", "off_sick_for_mental_health": "yes",
        "decisions": ["liaise-occupational-health", "monitor", "transfer-to-another-hub"], "signpost_to": [],
        "occupational_health_consent": "yes", "monitoring_review_interval_days": "14",
        "transfer_to_hub_id": "north-east", "discipline": "nursing",
        "others_took_part": "yes", "practitioner-2-id": "psy-042", "practitioner-2-discipline": "psychiatry",
        "wsas-1": "0", "wsas-2": "3", "wsas-3": "3", "wsas-4": "3", "wsas-5": "3", "wsas_retired": "yes",
    }  # fmt: skip
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    body = sent(services, ASSESSMENT_POST)
    assert body["risk"] == {"level": "high", "risk_to_self": False, "risk_to_others": True, "route": "crisis-team"}
    assert body["work_situation"] == {"situation": "off-sick", "off_sick_for_mental_health": True}
    assert body["occupational_health_consent"]["given"] is True
    assert body["occupational_health_consent"]["recorded_at"]
    assert body["outcome"]["transfer_to_hub_id"] == "north-east"
    assert body["outcome"]["monitoring_review_interval_days"] == 14
    assert [p["discipline"] for p in body["practitioners"]] == ["nursing", "psychiatry"]
    assert body["practitioners"][1]["practitioner_id"] == "psy-042"
    assert body["measures"]["wsas"] == {"items": [0, 3, 3, 3, 3], "retired_or_not_working": True}
    assert body["signed_off_by_name"] == "Test clinician"  # who signed it off, for the case's risk history


@pytest.mark.parametrize(
    ("form", "question"),
    [
        ({"work_situation": "off-sick"}, "off_sick_for_mental_health"),
        ({"decisions": "transfer-to-another-hub", "signpost_to": []}, "transfer_to_hub_id"),
        ({"decisions": "liaise-occupational-health", "signpost_to": []}, "occupational_health_consent"),
        ({"decisions": "monitor", "signpost_to": [], "monitoring_review_interval_days": "400"},
         "monitoring_review_interval_days"),
        ({"others_took_part": "yes"}, "practitioner-2-id"),
        ({"others_took_part": "yes", "practitioner-2-id": "psy 1", "practitioner-2-discipline": "x"},
         "practitioner-2-id"),
        ({"risk_to_others": "yes"}, "risk_route"),
    ],
)  # fmt: skip
def test_an_answer_the_service_needs_is_asked_for_beside_its_question(
    signed_in, services, case_at_raised_risk, form, question
):
    response = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE | form)
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True))[0] == question
    assert not services.calls_to(*ASSESSMENT_POST)


@pytest.mark.parametrize(
    ("errors", "question"),
    [
        ({"practitioners": {"1": {"practitioner_id": ["a pseudonymous staff id"]}}}, "practitioner-2-id"),
        ({"practitioners": {"0": {"discipline": ["Must be one of"]}}}, "discipline"),
        ({"work_situation": {"off_sick_for_mental_health": ["Not a valid boolean."]}}, "off_sick_for_mental_health"),
        ({"transfer_to_hub_id": ["a transfer needs the hub"]}, "transfer_to_hub_id"),
        ({"outcome": {"monitoring_review_interval_days": ["Must be"]}}, "monitoring_review_interval_days"),
        ({"occupational_health_consent": ["needs the person's consent"]}, "occupational_health_consent"),
        ({"risk": {"route": ["Must be one of"]}}, "risk_route"),
        ({"risk": {"risk_to_others": ["Not a valid boolean."]}}, "risk_to_others"),
    ],
)
def test_the_assessment_services_refusal_of_a_new_answer_lands_on_its_question(errors, question):
    assert list(assessment_errors(Answer(422, errors=errors))) == [question]


def test_an_expired_form_comes_back_with_every_answer_and_sends_nothing(make_portal, services, case_at_raised_risk):
    client = make_portal()
    client.post("/sign-in/dev", data={"role": "clinician"})
    client.application.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=ITEM9 | {"csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your form had expired, so nothing was saved" in page
    assert "Thoughts of self-harm; safety plan agreed." in page
    assert not services.calls_to(*ASSESSMENT_POST)


def test_escalating_risk_sends_the_judgement_and_says_the_case_is_on_the_urgent_path(
    signed_in, services, case_at_raised_risk
):
    client = signed_in("clinician")
    services.answers[ESCALATION_POST] = Answer(201, {"urgency": "urgent"})
    form = {"case_id": CASE_ID, "purpose": "assessment", "escalation_level": "high", "escalation_to_self": "yes",
            "escalation_route": "emergency-services"}  # fmt: skip
    response = client.post(f"/cases/{REFERRAL_ID}/risk-escalations", data=form, follow_redirects=True)
    said = "Risk escalated (high, to emergency services): the case is on the urgent path"
    assert said in response.get_data(as_text=True)
    assert sent(services, ESCALATION_POST) == {
        "level": "high", "risk_to_self": True, "risk_to_others": False, "route": "emergency-services",
        "escalated_by_name": "Test clinician",  # who escalated, for the case's risk history
    }  # fmt: skip


def test_an_escalation_without_its_route_or_refused_is_said_beside_the_question(
    signed_in, services, case_at_raised_risk
):
    client = signed_in("clinician")
    page = client.post(
        f"/cases/{REFERRAL_ID}/risk-escalations", data={"case_id": CASE_ID, "escalation_level": "moderate"}
    ).get_data(as_text=True)
    assert summary_links(page) == ["escalation_route"]
    assert not services.calls_to(*ESCALATION_POST)
    services.answers[ESCALATION_POST] = Answer(422, errors={"route": ["Must be one of: crisis-team, gp."]})
    form = {"case_id": CASE_ID, "escalation_level": "moderate", "escalation_route": "gp"}
    page = client.post(f"/cases/{REFERRAL_ID}/risk-escalations", data=form).get_data(as_text=True)
    assert summary_links(page) == ["escalation_route"] and "Must be one of: crisis-team, gp." in page


def test_the_case_page_offers_the_escalation_with_the_risk_history(signed_in, services, case_at_raised_risk):
    completed = ASSESSABLE | {"status": "completed", "completed_at": "2026-11-27T10:00:00Z", "urgency": "urgent",
                              "risk": {"level": "moderate", "risk_to_self": True, "risk_to_others": False,
                                       "route": "crisis-team"}}  # fmt: skip
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, completed)
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    history = page[page.index('id="risk-history"') : page.index("</table>", page.index('id="risk-history"'))]
    assert "Assessed: Moderate risk, to self; escalated to Crisis team" in history
    assert "On the urgent path" in history
    assert 'id="escalation-form"' in page


RISK_HISTORY = ("assessment", "GET", f"/v1/cases/{CASE_ID}/risk-history")


def test_the_risk_history_lists_every_escalation_newest_first_with_who_made_it(
    signed_in, services, case_at_raised_risk
):
    completed = ASSESSABLE | {"status": "completed", "completed_at": "2026-11-27T10:00:00Z", "urgency": "urgent",
                              "risk": {"level": "moderate", "risk_to_self": True, "risk_to_others": False,
                                       "route": "crisis-team"}}  # fmt: skip
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, completed)
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(
        200, CONTACTED | {"risk_screen": {"thoughts_of_self_harm": True, "risk_to_others": False}}
    )
    services.answers[RISK_HISTORY] = Answer(200, [
        {"risk_escalation_id": "e2", "escalated_at": "2026-12-03T15:00:00Z", "level": "high", "risk_to_self": False,
         "risk_to_others": True, "route": "safeguarding", "occasion": "between-sittings",
         "escalated_by_name": "Dr Asha Patel"},
        {"risk_escalation_id": "e1", "escalated_at": "2026-11-27T10:00:00Z", "level": "moderate",
         "risk_to_self": True, "risk_to_others": False, "route": "crisis-team", "occasion": "assessment",
         "escalated_by_name": "Sam Rivers"},
    ])  # fmt: skip
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    history = page[page.index('id="risk-history"') : page.index("</table>", page.index('id="risk-history"'))]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr class=\"nhsuk-table__row\".*?</tr>", history)]
    said = [[cell.strip() for cell in row.split("|") if cell.strip()] for row in rows]
    assert said == [
        ["Now", "On the urgent path"],
        ["3 Dec 2026, 15:00", "Escalated between sittings: High risk, to others; escalated to Safeguarding",
         "Dr Asha Patel"],
        ["27 Nov 2026, 10:00", "Assessed: Moderate risk, to self; escalated to Crisis team", "Sam Rivers"],
        ["26 Nov 2026, 09:00",
         "Referred: Urgent; the risk questions: thoughts of self-harm yes, risk to others no", "The person"],
    ]  # fmt: skip


def test_without_the_risk_history_the_case_page_still_shows_the_risk_judged_at_assessment(
    signed_in, services, case_at_raised_risk
):
    completed = ASSESSABLE | {
        "status": "completed",
        "completed_at": "2026-11-27T10:00:00Z",
        "risk": {"level": "low", "risk_to_self": False, "risk_to_others": False, "route": None},
    }
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, completed)
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    assert "Assessed: Low risk" in page and 'id="risk-history-missing"' in page


CASES = [
    {"referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "urgency": "urgent",
     "status": "contacted", "received_at": "2026-11-26T09:00:00Z", "first_contacted_at": "2026-11-26T10:00:00Z"},
]  # fmt: skip


def test_my_cases_lists_the_cases_assigned_to_me_after_first_contact(signed_in, services):
    client = signed_in("clinician")
    services.answers[CASELOAD] = Answer(200, {"referrals": CASES, "page": 1, "page_size": 25, "total": 1})
    services.answers[("assessment", "GET", "/v1/assessments")] = Answer(200, [{"case_id": CASE_ID}])
    page = client.get("/caseload").get_data(as_text=True)
    [call] = services.calls_to(*CASELOAD)
    assert call["params"]["assigned_to"] == "me"
    assert f'href="/cases/{REFERRAL_ID}">5E0955AA' in page
    assert "First contact made" in page and 'aria-current="page">My cases' in page


def test_all_open_cases_by_stage_a_page_at_a_time(signed_in, services):
    client = signed_in("clinician")
    services.answers[CASELOAD] = Answer(200, {"referrals": CASES, "page": 2, "page_size": 25, "total": 60})
    page = client.get("/caseload?view=all&stage=contacted&page=2").get_data(as_text=True)
    [call] = services.calls_to(*CASELOAD)
    assert call["params"] == {
        "page": 2, "page_size": 25, "status": "contacted", "reference": None, "assigned_to": None, "urgency": None,
        "risk": None,
    }  # fmt: skip
    assert "Page 1 of 3" in page and "Page 3 of 3" in page and "page=3" in page


def test_a_case_is_found_by_its_reference_and_a_wrong_one_is_said_beside_the_box(signed_in, services):
    client = signed_in("clinician")
    services.answers[CASELOAD] = Answer(200, {"referrals": CASES, "page": 1, "page_size": 25, "total": 1})
    client.get("/caseload?view=all&reference=5e0955aa")
    assert services.calls_to(*CASELOAD)[0]["params"]["reference"] == "5E0955AA"
    response = client.get("/caseload?reference=not-a-ref")
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True)) == ["reference"]
    assert len(services.calls_to(*CASELOAD)) == 1


def test_the_risk_level_is_judged_every_time_never_chosen_for_the_clinician(signed_in, services, case_at_raised_risk):
    client = signed_in("clinician")
    page = client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    assert not re.search(r'<input[^>]*name="risk_level"[^>]*checked', page)
    unjudged = {k: v for k, v in COMPLETE.items() if k != "risk_level"}
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=unjudged)
    assert response.status_code == 400
    assert "Select the risk level you judged" in response.get_data(as_text=True)
    assert not services.calls_to(*ASSESSMENT_POST)


CASE_SEARCH = ("referral", "POST", "/v1/case-searches")
FOLLOW_UPS = ("assessment", "GET", "/v1/follow-ups")
WAITS = ("care", "GET", "/v1/waits")


def test_cases_with_a_follow_up_due_are_listed_with_the_other_filters_and_later_ones_are_not(signed_in, services):
    client = signed_in("clinician")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    due, overdue, later = (str(uuid.uuid4()) for _ in range(3))
    services.answers[FOLLOW_UPS] = Answer(200, [
        {"case_id": overdue, "due_on": (today - timedelta(days=3)).isoformat()},
        {"case_id": due, "due_on": today.isoformat()},
        {"case_id": later, "due_on": (today + timedelta(days=1)).isoformat()},
    ])  # fmt: skip
    services.answers[CASE_SEARCH] = Answer(200, {"referrals": CASES, "page": 1, "page_size": 25, "total": 1})
    page = client.get("/caseload?view=all&pathway=follow-up-due&stage=contacted&urgency=urgent").get_data(as_text=True)
    assert sent(services, CASE_SEARCH) == {
        "case_ids": [overdue, due], "page": 1, "page_size": 25, "status": ["contacted"], "urgency": "urgent",
    }  # fmt: skip
    assert f'href="/cases/{REFERRAL_ID}">5E0955AA' in page
    assert '<option value="follow-up-due" selected>Follow-up due or overdue</option>' in page
    assert "pathway=follow-up-due" in page.split('aria-label="Whose cases"')[1].split("</nav>")[0]  # the tabs keep it
    assert not services.calls_to(*CASELOAD)


def test_cases_waiting_for_a_service_are_listed_and_a_list_that_cannot_be_read_is_said(signed_in, services):
    client = signed_in("clinician")
    waiting = str(uuid.uuid4())
    services.answers[WAITS] = Answer(200, [{"case_id": waiting, "status": "accepted", "waited_days": 40}])
    services.answers[CASE_SEARCH] = Answer(200, {"referrals": CASES, "page": 1, "page_size": 25, "total": 1})
    client.get("/caseload?pathway=waiting-for-a-service")
    assert sent(services, CASE_SEARCH) == {"case_ids": [waiting], "page": 1, "page_size": 25, "assigned_to": "me"}

    services.answers[WAITS] = Answer(503, title="Unavailable", detail="Care co-ordination is restarting.")
    page = client.get("/caseload?pathway=waiting-for-a-service").get_data(as_text=True)
    assert "People waiting for a service could not be read: Care co-ordination is restarting." in page
    assert len(services.calls_to(*CASE_SEARCH)) == 1  # nothing asked of the caseload without the list
