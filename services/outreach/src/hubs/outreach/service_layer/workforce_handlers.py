"""Handlers for the hub's own workforce: supervision, check-ins and anonymous staff surveys. Each
carries out one command (`domain.commands`) in one unit of work."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from hubs.outreach.domain import commands
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.workforce import (
    OPEN,
    HubStaffCheckIn,
    StaffSurvey,
    SupervisionSession,
    SurveyResponse,
    seal_participation_token,
)
from hubs.outreach.service_layer.unit_of_work import OutreachUow


def record_supervision(cmd: commands.RecordSupervision, uow: OutreachUow) -> SupervisionSession:
    """Record a supervision session and emit SupervisionHeld."""
    with uow:
        session = SupervisionSession.record(
            held_on=cmd.held_on,
            supervision_type=cmd.supervision_type,
            attendees=cmd.attendees,
            duration_minutes=cmd.duration_minutes,
            wellbeing_discussed=cmd.wellbeing_discussed,
        )
        uow.supervision.add(session)
        uow.commit()
    return session


def record_check_in(cmd: commands.RecordCheckIn, uow: OutreachUow) -> HubStaffCheckIn:
    """Record a wellbeing check-in and emit HubStaffCheckInHeld."""
    with uow:
        check_in = HubStaffCheckIn.record(held_on=cmd.held_on, format=cmd.format, attendees=cmd.attendees)
        uow.check_ins.add(check_in)
        uow.commit()
    return check_in


def open_staff_survey(cmd: commands.OpenStaffSurvey, uow: OutreachUow) -> StaffSurvey:
    """Open an anonymous feedback survey of the hub's staff."""
    with uow:
        survey = StaffSurvey.open(title=cmd.title, opens_on=cmd.opens_on, closes_on=cmd.closes_on)
        uow.surveys.add(survey)
        uow.commit()
    return survey


def answer_staff_survey(
    cmd: commands.AnswerStaffSurvey,
    uow: OutreachUow,
    subject: str,
    *,
    secrets: Sequence[bytes],
    today: date | None = None,
) -> SurveyResponse:
    """Take one member of staff's answers, once; the answers are stored without who gave them.
    `subject` is who is answering (used only to take their answers once); `secrets` are the hub's
    participation secrets (kept outside the database), the current one first."""
    with uow:
        survey = uow.surveys.get(cmd.survey_id, for_update=True)
        if survey is None:
            raise NotFound("staff survey")
        tokens = survey.participation_tokens(subject, secrets)
        if not survey.participation_sealed:
            # Opened before tokens were keyed with the secret: key the ones it has now.
            uow.surveys.reseal_participation(cmd.survey_id, lambda token: seal_participation_token(secrets[0], token))
            survey.participation_sealed = True
            uow.surveys.save(survey)
        response = survey.respond(
            today=today or datetime.now(UTC).date(),
            answers=cmd.answers,
            comment=cmd.comment,
            already_answered=uow.surveys.has_answered(cmd.survey_id, tokens),
        )
        uow.surveys.record_answer(tokens[0], response)
        uow.commit()
    return response


def close_staff_survey(cmd: commands.CloseStaffSurvey, uow: OutreachUow, *, today: date | None = None) -> StaffSurvey:
    """Close a survey and release its responses as HubStaffFeedbackGiven events, shuffled."""
    day = today or datetime.now(UTC).date()
    with uow:
        survey = uow.surveys.get(cmd.survey_id, for_update=True)
        if survey is None:
            raise NotFound("staff survey")
        survey.close(today=day, responses=uow.surveys.responses(cmd.survey_id))
        uow.surveys.save(survey)
        uow.surveys.forget_participation(cmd.survey_id)
        uow.commit()
    return survey


def close_due_surveys(uow_factory: Callable[[], Any], today: date | None = None) -> int:
    """Close every open survey whose closing day has passed; each in its own transaction."""
    day = today or datetime.now(UTC).date()
    with uow_factory() as uow:
        due = [s.survey_id for s in uow.surveys.all() if s.status == OPEN and s.closes_on < day]
    for survey_id in due:
        with contextlib.suppress(Refused):  # closed by a hub lead in the meantime
            close_staff_survey(commands.CloseStaffSurvey(survey_id), uow_factory(), today=day)
    return len(due)
