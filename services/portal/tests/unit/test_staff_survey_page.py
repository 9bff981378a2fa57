"""The staff survey page names the survey and says whether it is open before any question; a
survey not open yet, closed or not found is a plain message with no form."""

from __future__ import annotations

import pytest

from hubs.portal.adapters.services import Answer

SURVEY_ID = "0b5e55ed-1111-4222-8333-444455556666"
SURVEY = f"/staff-surveys/{SURVEY_ID}"
QUESTIONS = ("outreach", "GET", f"/v1/staff-surveys/{SURVEY_ID}/questions")
RESPONSES = ("outreach", "POST", f"/v1/staff-surveys/{SURVEY_ID}/responses")


def survey(state: str) -> Answer:
    return Answer(200, {"survey_id": SURVEY_ID, "title": "Winter check", "opens_on": "2026-12-01",
                        "closes_on": "2026-12-14", "state": state, "questions": []})  # fmt: skip


def test_an_open_survey_shows_its_title_and_state_before_the_questions(signed_in, services):
    services.answers[QUESTIONS] = survey("open")
    response = signed_in("clinician").get(SURVEY)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Winter check</h1>" in page and "Winter check - " in page
    assert "Open now, until 14 Dec 2026." in page
    assert page.index('id="survey-state"') < page.index('id="anonymity"') < page.index('name="wellbeing"')


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("not-yet-open", "This survey opens on 1 Dec 2026. You can answer it from then."),
        ("closed", "This survey has closed. It is no longer taking answers."),
    ],
)
def test_a_survey_not_open_is_a_plain_message_without_a_form(signed_in, services, state, message):
    services.answers[QUESTIONS] = survey(state)
    response = signed_in("clinician").get(SURVEY)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Winter check</h1>" in page and message in page
    assert 'name="wellbeing"' not in page and "Send my answers" not in page


def test_answers_to_a_survey_that_closed_meanwhile_are_not_sent_back_as_a_form(signed_in, services):
    services.answers[QUESTIONS] = survey("closed")
    services.answers[RESPONSES] = Answer(409, title="Conflict", detail="This survey is closed.",
                                         errors={"survey_id": ["This survey is closed."]})  # fmt: skip
    response = signed_in("clinician").post(SURVEY, data={"wellbeing": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This survey is closed." in page and 'name="wellbeing"' not in page


def test_an_unfinished_answer_to_a_closed_survey_says_it_is_closed_not_what_to_change(signed_in, services):
    services.answers[QUESTIONS] = survey("closed")
    response = signed_in("clinician").post(SURVEY, data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This survey has closed." in page and 'name="wellbeing"' not in page
    assert services.calls_to(*RESPONSES) == []


def test_a_survey_that_is_not_in_this_hub_is_not_found_with_no_form(signed_in, services):
    services.answers[QUESTIONS] = Answer(404, title="Not Found", detail="There is no such staff survey in this hub.")
    response = signed_in("clinician").get(SURVEY)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no such staff survey in this hub." in page and 'name="wellbeing"' not in page


def test_the_survey_page_reads_only_the_questions_view_never_the_results(signed_in, services):
    services.answers[QUESTIONS] = survey("open")
    signed_in("clinician").get(SURVEY)
    assert [(c["method"], c["path"]) for c in services.calls] == [("GET", QUESTIONS[2])]
