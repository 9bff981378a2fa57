"""The hub's own team: supervision and check-ins recorded by clinicians and leads, anonymous
staff surveys answered by them and opened and closed by the hub lead."""

from __future__ import annotations

import re

from hubs.portal.adapters.services import Answer

SURVEY_ID = "0b5e55ed-1111-4222-8333-444455556666"
SURVEY = f"/staff-surveys/{SURVEY_ID}"
RESPONSES = ("outreach", "POST", f"/v1/staff-surveys/{SURVEY_ID}/responses")
QUESTIONS = ("outreach", "GET", f"/v1/staff-surveys/{SURVEY_ID}/questions")
OPEN_SURVEY = Answer(200, {"survey_id": SURVEY_ID, "title": "Winter check", "opens_on": "2026-11-20",
                           "closes_on": "2026-12-04", "state": "open", "questions": []})  # fmt: skip


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


def test_the_survey_says_answers_are_anonymous_before_the_first_question(signed_in, services):
    services.answers[QUESTIONS] = OPEN_SURVEY
    page = signed_in("clinician").get(SURVEY).get_data(as_text=True)
    assert "Your answers are anonymous" in page
    assert "stored without your name or any link to you" in page
    assert page.index('id="anonymity"') < page.index('name="wellbeing"')


def test_survey_answers_are_sent_with_nothing_about_who_gave_them(signed_in, services):
    services.answers[RESPONSES] = Answer(201, {"survey_id": SURVEY_ID, "received": True, "message": "Thank you."})
    client = signed_in("clinician")
    response = client.post(SURVEY, data={"wellbeing": "4", "feel_supported": "5", "comment": "  More breaks.  "})
    assert response.status_code == 303
    assert services.calls_to(*RESPONSES)[0]["json"] == {
        "wellbeing": 4, "workload_manageable": None, "feel_supported": 5, "supervision_helpful": None,
        "comment": "More breaks.",
    }  # fmt: skip
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answers have been sent" in thanks
    assert SURVEY_ID not in thanks and "More breaks" not in thanks


def test_a_survey_without_a_wellbeing_score_is_not_sent(signed_in, services):
    services.answers[QUESTIONS] = OPEN_SURVEY
    response = signed_in("hub-lead").post(SURVEY, data={"feel_supported": "3", "comment": "x" * 2001})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary_links(page) == ["wellbeing", "comment"]
    assert 'id="wellbeing-error"' in page
    assert services.calls_to(*RESPONSES) == []


def test_a_second_answer_is_refused_in_words_and_the_form_is_not_shown_again(signed_in, services):
    services.answers[RESPONSES] = Answer(
        409, title="Conflict", detail="You have already answered this survey.",
        errors={"survey_id": ["You have already answered this survey."]},
    )  # fmt: skip
    response = signed_in("clinician").post(SURVEY, data={"wellbeing": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You have already answered this survey." in page
    assert 'name="wellbeing"' not in page


def test_survey_answers_without_the_form_token_are_refused(make_portal, services):
    client = make_portal(csrf=True)
    client.post("/sign-in/dev", data={"role": "clinician"})
    response = client.post(SURVEY, data={"wellbeing": "4"})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert services.calls == []


def test_a_clinician_records_a_check_in_and_is_told_it_is_done(signed_in, services):
    services.answers[("outreach", "POST", "/v1/check-ins")] = Answer(201, {})
    client = signed_in("clinician")
    response = client.post("/team/check-ins", data={"held_on": "2026-11-20", "format": "team", "attendees": "5"})
    assert response.status_code == 303
    assert services.calls_to("outreach", "POST", "/v1/check-ins")[0]["json"] == {
        "held_on": "2026-11-20", "format": "team", "attendees": 5,
    }  # fmt: skip
    assert "Record a wellbeing check-in: done" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refusal_of_the_outreach_service_shows_against_the_field_it_names(signed_in, services):
    services.answers[("outreach", "POST", "/v1/supervision-sessions")] = Answer(
        422, title="Unprocessable Entity", detail="Group supervision has at least two members of staff.",
        errors={"attendees": ["Group supervision has at least two members of staff."]},
    )  # fmt: skip
    form = {"held_on": "2026-11-20", "supervision_type": "clinical-group", "attendees": "1", "duration_minutes": "60",
            "wellbeing_discussed": "yes"}  # fmt: skip
    page = signed_in("clinician").post("/team/supervision", data=form).get_data(as_text=True)
    assert summary_links(page) == ["attendees"]
    assert 'id="attendees-error"' in page
    assert 'value="60"' in page


def test_a_team_form_says_what_to_change_in_the_order_of_the_questions(signed_in, services):
    response = signed_in("clinician").post("/team/check-ins", data={"attendees": "many"})
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True)) == ["held_on", "format", "attendees"]
    assert services.calls == []


def test_only_supervision_and_check_ins_can_be_recorded_from_the_team_page(signed_in):
    client = signed_in("clinician")
    assert client.get("/team/check-ins").status_code == 200
    assert client.get("/team/training").status_code == 404
    assert client.post("/team/campaigns", data={}).status_code == 404


def test_a_national_analyst_has_no_team_pages(signed_in, services):
    client = signed_in("national-analyst")
    for path in ("/team", "/team/check-ins", SURVEY):
        assert client.get(path).status_code == 403, path
    assert client.post(SURVEY, data={"wellbeing": "4"}).status_code == 403
    assert services.calls == []


def test_the_hub_lead_opens_a_survey_and_gets_a_link_to_share(signed_in, services):
    services.answers[("outreach", "POST", "/v1/staff-surveys")] = Answer(201, {"survey_id": SURVEY_ID})
    services.answers[("outreach", "GET", "/v1/staff-surveys")] = Answer(200, [
        {"survey_id": SURVEY_ID, "title": "Winter", "status": "open", "opens_on": "2026-11-01",
         "closes_on": "2026-12-01", "responses": 0, "withheld": True},
    ])  # fmt: skip
    client = signed_in("hub-lead")
    form = {"title": "Winter", "opens_on": "2026-11-01", "closes_on": "2026-12-01"}
    response = client.post("/lead/staff-feedback", data=form)
    assert response.status_code == 303
    assert services.calls_to("outreach", "POST", "/v1/staff-surveys")[0]["json"] == form
    page = client.get("/lead/staff-feedback").get_data(as_text=True)
    assert f"http://localhost{SURVEY}" in page
    assert f'action="/lead/staff-feedback/{SURVEY_ID}/close"' in page


def test_the_hub_lead_closes_a_survey(signed_in, services):
    services.answers[("outreach", "POST", f"/v1/staff-surveys/{SURVEY_ID}/close")] = Answer(200, {})
    response = signed_in("hub-lead").post(f"/lead/staff-feedback/{SURVEY_ID}/close")
    assert response.status_code == 303
    assert len(services.calls_to("outreach", "POST", f"/v1/staff-surveys/{SURVEY_ID}/close")) == 1


def test_a_clinician_cannot_close_a_survey(signed_in, services):
    assert signed_in("clinician").post(f"/lead/staff-feedback/{SURVEY_ID}/close").status_code == 403
    assert services.calls == []
