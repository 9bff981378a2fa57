"""What a member of the hub's staff reads of a survey before answering it: its title, dates,
whether it is open and the statements, never its answers, counts or scores."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from hubs.outreach.domain import commands
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.workforce import Answers
from hubs.outreach.service_layer import views, workforce_handlers

OPENS, CLOSES = date(2026, 12, 1), date(2026, 12, 14)


# The hub's participation secret, kept outside the database.
SECRETS = (b"participation-secret-kept-outside-the-database",)


def open_survey(uow):
    return workforce_handlers.open_staff_survey(
        commands.OpenStaffSurvey(title="Winter check", opens_on=OPENS, closes_on=CLOSES), uow
    )


def test_an_open_survey_shows_its_title_dates_and_statements_to_staff(uow):
    survey = open_survey(uow)
    seen = views.staff_survey_questions(uow, survey.survey_id, OPENS)
    assert seen["title"] == "Winter check" and seen["state"] == "open"
    assert (seen["opens_on"], seen["closes_on"]) == (OPENS, CLOSES)
    assert [(q["name"], q["required"]) for q in seen["questions"]] == [
        ("wellbeing", True), ("workload_manageable", False), ("feel_supported", False), ("supervision_helpful", False),
    ]  # fmt: skip
    assert seen["questions"][0]["statement"] == "My wellbeing at work is good"


def test_a_survey_before_its_opening_day_is_not_yet_open(uow):
    survey = open_survey(uow)
    assert views.staff_survey_questions(uow, survey.survey_id, date(2026, 11, 30))["state"] == "not-yet-open"


def test_a_closed_survey_says_so(uow):
    survey = open_survey(uow)
    workforce_handlers.close_staff_survey(commands.CloseStaffSurvey(survey.survey_id), uow, today=OPENS)
    assert views.staff_survey_questions(uow, survey.survey_id, OPENS)["state"] == "closed"


def test_staff_see_nothing_of_the_answers_given(uow):
    survey = open_survey(uow)
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2, 3), comment="Canary comment"),
        uow,
        "someone",
        secrets=SECRETS,
        today=OPENS,
    )
    seen = views.staff_survey_questions(uow, survey.survey_id, OPENS)
    assert set(seen) == {"survey_id", "title", "opens_on", "closes_on", "state", "questions"}
    assert "Canary" not in repr(seen)


def test_the_state_agrees_with_whether_an_answer_is_taken(uow):
    survey = open_survey(uow)
    for day, taken in ((date(2026, 11, 30), False), (OPENS, True)):
        state = views.staff_survey_questions(uow, survey.survey_id, day)["state"]
        try:
            workforce_handlers.answer_staff_survey(
                commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(3)),
                uow,
                f"s-{day}",
                secrets=SECRETS,
                today=day,
            )
            answered = True
        except Refused:
            answered = False
        assert (state == "open") is taken is answered


def test_an_unknown_survey_is_not_found(uow):
    with pytest.raises(NotFound):
        views.staff_survey_questions(uow, uuid.uuid4(), OPENS)
