"""Handlers for the hub's own workforce: supervision, check-ins and anonymous staff surveys."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from hubs.contracts import codes
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.workforce import (
    OPEN,
    Answers,
    HubStaffCheckIn,
    StaffSurvey,
    SupervisionSession,
    SurveyResponse,
    seal_participation_token,
)
from hubs.outreach.service_layer.unit_of_work import OutreachUow


def record_supervision(
    uow: OutreachUow,
    *,
    held_on: date,
    supervision_type: codes.SupervisionType,
    attendees: int,
    duration_minutes: int,
    wellbeing_discussed: bool = True,
) -> SupervisionSession:
    """Record a supervision session and emit SupervisionHeld."""
    with uow:
        session = SupervisionSession.record(
            held_on=held_on,
            supervision_type=supervision_type,
            attendees=attendees,
            duration_minutes=duration_minutes,
            wellbeing_discussed=wellbeing_discussed,
        )
        uow.supervision.add(session)
        uow.commit()
    return session


def record_check_in(uow: OutreachUow, *, held_on: date, format: codes.CheckInFormat, attendees: int) -> HubStaffCheckIn:
    """Record a wellbeing check-in and emit HubStaffCheckInHeld."""
    with uow:
        check_in = HubStaffCheckIn.record(held_on=held_on, format=format, attendees=attendees)
        uow.check_ins.add(check_in)
        uow.commit()
    return check_in


def open_staff_survey(uow: OutreachUow, *, title: str, opens_on: date, closes_on: date) -> StaffSurvey:
    """Open an anonymous feedback survey of the hub's staff."""
    with uow:
        survey = StaffSurvey.open(title=title, opens_on=opens_on, closes_on=closes_on)
        uow.surveys.add(survey)
        uow.commit()
    return survey


def answer_staff_survey(
    uow: OutreachUow,
    survey_id: uuid.UUID,
    subject: str,
    *,
    answers: Answers,
    secrets: Sequence[bytes],
    comment: str | None = None,
    today: date | None = None,
) -> SurveyResponse:
    """Take one member of staff's answers, once; the answers are stored without who gave them.
    `secrets` are the hub's participation secrets (kept outside the database), the current one first."""
    with uow:
        survey = uow.surveys.get(survey_id, for_update=True)
        if survey is None:
            raise NotFound("staff survey")
        tokens = survey.participation_tokens(subject, secrets)
        if not survey.participation_sealed:
            # Opened before tokens were keyed with the secret: key the ones it has now.
            uow.surveys.reseal_participation(survey_id, lambda token: seal_participation_token(secrets[0], token))
            survey.participation_sealed = True
            uow.surveys.save(survey)
        response = survey.respond(
            today=today or datetime.now(UTC).date(),
            answers=answers,
            comment=comment,
            already_answered=uow.surveys.has_answered(survey_id, tokens),
        )
        uow.surveys.record_answer(tokens[0], response)
        uow.commit()
    return response


def close_staff_survey(uow: OutreachUow, survey_id: uuid.UUID, *, today: date | None = None) -> StaffSurvey:
    """Close a survey and release its responses as HubStaffFeedbackGiven events, shuffled."""
    day = today or datetime.now(UTC).date()
    with uow:
        survey = uow.surveys.get(survey_id, for_update=True)
        if survey is None:
            raise NotFound("staff survey")
        survey.close(today=day, responses=uow.surveys.responses(survey_id))
        uow.surveys.save(survey)
        uow.surveys.forget_participation(survey_id)
        uow.commit()
    return survey


def close_due_surveys(uow_factory: Callable[[], Any], today: date | None = None) -> int:
    """Close every open survey whose closing day has passed; each in its own transaction."""
    day = today or datetime.now(UTC).date()
    with uow_factory() as uow:
        due = [s.survey_id for s in uow.surveys.all() if s.status == OPEN and s.closes_on < day]
    for survey_id in due:
        with contextlib.suppress(Refused):  # closed by a hub lead in the meantime
            close_staff_survey(uow_factory(), survey_id, today=day)
    return len(due)
