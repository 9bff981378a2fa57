"""Supervision, check-ins and anonymous hub staff surveys."""

from __future__ import annotations

import hashlib
import hmac
import random
import uuid
from datetime import date

import pytest

from hubs.contracts import codes
from hubs.outreach.domain import commands
from hubs.outreach.domain.refusals import Refused
from hubs.outreach.domain.workforce import Answers, StaffSurvey, SurveyResponse
from hubs.outreach.service_layer import views, workforce_handlers

# The hub's participation secret, kept outside the database.
SECRETS = (b"participation-secret-kept-outside-the-database",)

DAY = date(2026, 11, 10)
SUBJECT = "canary-subject-7f3a"


def test_supervision_is_announced_by_type_without_anyone_named(uow):
    workforce_handlers.record_supervision(
        commands.RecordSupervision(
            held_on=DAY, supervision_type=codes.SupervisionType.CLINICAL_GROUP, attendees=6, duration_minutes=60
        ),
        uow,
    )
    [(envelope, _, _)] = uow.outbox.envelopes
    assert envelope["event_type"] == "SupervisionHeld"
    assert envelope["data"] == {
        "supervision_session_id": envelope["data"]["supervision_session_id"],
        "held_on": "2026-11-10",
        "supervision_type": "clinical-group",
        "attendees": 6,
        "duration_minutes": 60,
    }


@pytest.mark.parametrize(
    ("supervision_type", "attendees"),
    [(codes.SupervisionType.CLINICAL_ONE_TO_ONE, 2), (codes.SupervisionType.CLINICAL_GROUP, 1)],
)
def test_supervision_attendance_must_fit_its_type(uow, supervision_type, attendees):
    with pytest.raises(Refused) as refused:
        workforce_handlers.record_supervision(
            commands.RecordSupervision(
                held_on=DAY, supervision_type=supervision_type, attendees=attendees, duration_minutes=50
            ),
            uow,
        )
    assert refused.value.field == "attendees"
    assert uow.outbox.envelopes == []


def test_a_check_in_is_announced_and_a_one_to_one_has_one_member_of_staff(uow):
    workforce_handlers.record_check_in(
        commands.RecordCheckIn(held_on=DAY, format=codes.CheckInFormat.TEAM, attendees=8), uow
    )
    with pytest.raises(Refused):
        workforce_handlers.record_check_in(
            commands.RecordCheckIn(held_on=DAY, format=codes.CheckInFormat.ONE_TO_ONE, attendees=3), uow
        )
    assert uow.outbox.types == ["HubStaffCheckInHeld"]


def open_survey(uow):
    return workforce_handlers.open_staff_survey(
        commands.OpenStaffSurvey(title="Autumn", opens_on=DAY, closes_on=date(2026, 11, 24)), uow
    )


def test_survey_answers_are_kept_without_who_gave_them(uow):
    survey = open_survey(uow)
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(4, 3, 5, 4), comment="fine"),
        uow,
        SUBJECT,
        secrets=SECRETS,
        today=DAY,
    )
    [stored] = uow.surveys.stored
    assert SUBJECT not in repr(vars(stored))
    [(_, token)] = uow.surveys.tokens
    assert SUBJECT not in token and len(token) == 64
    assert uow.outbox.envelopes == [] and uow.anonymous_outbox.envelopes == [], "nothing leaves while it is open"


def test_a_member_of_staff_can_answer_a_survey_only_once(uow):
    survey = open_survey(uow)
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(4)), uow, SUBJECT, secrets=SECRETS, today=DAY
    )
    with pytest.raises(Refused) as refused:
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2)), uow, SUBJECT, secrets=SECRETS, today=DAY
        )
    assert refused.value.conflict
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2)),
        uow,
        "someone-else",
        secrets=SECRETS,
        today=DAY,
    )
    assert len(uow.surveys.stored) == 2


def survey_keyed_only(survey, subject):
    """What someone holding a copy of the database can compute: the survey's own key is in it."""
    message = f"{survey.survey_id}:{subject}".encode()
    return hmac.new(survey.participation_key, message, hashlib.sha256).hexdigest()


def test_who_answered_cannot_be_recomputed_from_the_database_alone(uow):
    survey = open_survey(uow)
    staff = [f"staff-{n}" for n in range(4)]
    for subject in staff:
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(3)), uow, subject, secrets=SECRETS
        )
    stored = {token for _, token in uow.surveys.tokens}
    assert len(stored) == 4
    assert stored.isdisjoint(survey_keyed_only(survey, subject) for subject in staff)


def test_a_new_participation_secret_still_refuses_a_second_answer(uow):
    survey = open_survey(uow)
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(4)), uow, SUBJECT, secrets=SECRETS
    )
    rotated = (b"the-next-participation-secret-of-the-hub", *SECRETS)
    with pytest.raises(Refused):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2)), uow, SUBJECT, secrets=rotated
        )
    assert len(uow.surveys.stored) == 1


def test_a_survey_open_before_the_secret_keeps_refusing_second_answers_once_its_tokens_are_keyed(uow):
    survey = open_survey(uow)
    survey.participation_sealed = False  # as the upgrade leaves a survey that was open
    before = SurveyResponse(uuid.uuid4(), survey.survey_id, DAY, Answers(4))
    uow.surveys.record_answer(survey_keyed_only(survey, SUBJECT), before)
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2)), uow, "someone-else", secrets=SECRETS
    )
    assert survey.participation_sealed
    assert (survey.survey_id, survey_keyed_only(survey, SUBJECT)) not in uow.surveys.tokens
    with pytest.raises(Refused):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(2)), uow, SUBJECT, secrets=SECRETS
        )
    assert len(uow.surveys.stored) == 2


def test_a_survey_cannot_be_answered_before_it_opens(uow):
    survey = open_survey(uow)
    with pytest.raises(Refused):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(4)),
            uow,
            SUBJECT,
            secrets=SECRETS,
            today=date(2026, 11, 1),
        )


def test_closing_a_survey_releases_answers_stamped_with_the_day_and_forgets_who_answered(uow):
    survey = open_survey(uow)
    for n in range(5):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(n + 1)),
            uow,
            f"staff-{n}",
            secrets=SECRETS,
            today=DAY,
        )
    closed = workforce_handlers.close_staff_survey(
        commands.CloseStaffSurvey(survey.survey_id), uow, today=date(2026, 11, 24)
    )
    assert closed.status == "closed" and closed.participation_key is None
    assert uow.surveys.tokens == set()
    released = uow.anonymous_outbox.envelopes
    assert [e["event_type"] for e, _, _ in released] == ["HubStaffFeedbackGiven"] * 5
    assert {on for _, _, on in released} == {date(2026, 11, 24)}
    assert sorted(e["data"]["wellbeing"] for e, _, _ in released) == [1, 2, 3, 4, 5]
    with pytest.raises(Refused):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(3)), uow, "late", secrets=SECRETS, today=DAY
        )


def test_released_answers_are_shuffled():
    survey = StaffSurvey.open(title="t", opens_on=DAY, closes_on=DAY)
    responses = [SurveyResponse(uuid.uuid4(), survey.survey_id, DAY, Answers(1 + n % 5)) for n in range(20)]
    survey.close(today=DAY, responses=responses, rng=random.Random(7))
    assert [e.feedback_id for e in survey.events] != [r.response_id for r in responses]
    assert sorted(e.feedback_id for e in survey.events) == sorted(r.response_id for r in responses)


def test_survey_scores_are_withheld_until_enough_staff_have_answered(uow):
    survey = open_survey(uow)
    for n in range(2):
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(4, 2), comment=f"c{n}"),
            uow,
            f"s{n}",
            secrets=SECRETS,
            today=DAY,
        )
    few = views.staff_survey(uow, survey.survey_id, minimum=3)
    assert few["responses"] == 2 and few["withheld"] and few["mean_wellbeing"] is None and few["comments"] == []
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(survey.survey_id, answers=Answers(1)), uow, "s3", secrets=SECRETS, today=DAY
    )
    enough = views.staff_survey(uow, survey.survey_id, minimum=3)
    assert enough["mean_wellbeing"] == 3.0 and enough["mean_workload_manageable"] == 2.0
    assert sorted(enough["comments"]) == ["c0", "c1"]


def test_surveys_past_their_closing_day_are_closed_and_released(uow):
    due = open_survey(uow)  # closes on 24 November
    later = workforce_handlers.open_staff_survey(
        commands.OpenStaffSurvey(title="Later", opens_on=DAY, closes_on=date(2026, 12, 31)), uow
    )
    workforce_handlers.answer_staff_survey(
        commands.AnswerStaffSurvey(due.survey_id, answers=Answers(4)), uow, SUBJECT, secrets=SECRETS, today=DAY
    )
    assert workforce_handlers.close_due_surveys(lambda: uow, today=date(2026, 11, 24)) == 0
    assert workforce_handlers.close_due_surveys(lambda: uow, today=date(2026, 11, 25)) == 1
    assert uow.surveys.get(due.survey_id).status == "closed"
    assert uow.surveys.get(later.survey_id).status == "open"
    assert [e["event_type"] for e, _, _ in uow.anonymous_outbox.envelopes] == ["HubStaffFeedbackGiven"]
    assert workforce_handlers.close_due_surveys(lambda: uow, today=date(2026, 11, 26)) == 0
