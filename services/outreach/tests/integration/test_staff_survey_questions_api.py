"""The hub's staff read a survey's title, dates, state and statements before answering it, over
the API on a real PostgreSQL; its answers and scores stay the hub lead's, and another hub's
survey is not found."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hubs.outreach.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

TODAY = date.today()


@pytest.fixture
def outreach(run_service):
    return run_service(DEFINITION)


def open_survey(outreach, tokens, opens_on: date = TODAY, title: str = "Winter check") -> str:
    answer = outreach.client.post(
        "/v1/staff-surveys",
        headers=tokens("hub-lead"),
        json={"title": title, "opens_on": opens_on.isoformat(), "closes_on": (opens_on + timedelta(7)).isoformat()},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["survey_id"]


def test_a_clinician_reads_an_open_surveys_title_state_and_statements_but_no_answers(outreach, tokens):
    survey_id = open_survey(outreach, tokens)
    outreach.client.post(
        f"/v1/staff-surveys/{survey_id}/responses",
        headers=tokens("clinician", subject="canary-staff-q1"),
        json={"wellbeing": 2, "comment": "Canary comment Q1"},
    )
    answer = outreach.client.get(f"/v1/staff-surveys/{survey_id}/questions", headers=tokens("clinician"))
    assert answer.status_code == 200
    seen = answer.get_json()
    assert seen["title"] == "Winter check" and seen["state"] == "open"
    assert seen["opens_on"] == TODAY.isoformat()
    assert seen["questions"][0]["name"] == "wellbeing" and seen["questions"][0]["required"]
    assert set(seen) == {"survey_id", "title", "opens_on", "closes_on", "state", "questions"}
    assert "Canary" not in answer.get_data(as_text=True)
    # The answers and scores stay the hub lead's.
    assert outreach.client.get(f"/v1/staff-surveys/{survey_id}", headers=tokens("clinician")).status_code == 403


def test_a_survey_not_open_yet_and_a_closed_one_say_so(outreach, tokens):
    later = open_survey(outreach, tokens, opens_on=TODAY + timedelta(days=3))
    closed = open_survey(outreach, tokens)
    outreach.client.post(f"/v1/staff-surveys/{closed}/close", headers=tokens("hub-lead"))
    clinician = tokens("clinician")
    assert outreach.client.get(f"/v1/staff-surveys/{later}/questions", headers=clinician).get_json()["state"] == (
        "not-yet-open"
    )
    assert outreach.client.get(f"/v1/staff-surveys/{closed}/questions", headers=clinician).get_json()["state"] == (
        "closed"
    )


def test_another_hubs_staff_and_referrers_cannot_read_the_survey(outreach, tokens, hub_id):
    survey_id = open_survey(outreach, tokens)
    path = f"/v1/staff-surveys/{survey_id}/questions"
    assert outreach.client.get(path, headers=tokens("clinician", hub=f"{hub_id}-other")).status_code == 404
    assert outreach.client.get(path, headers=tokens("referrer")).status_code == 403
    assert outreach.client.get(path).status_code == 401
