"""Storing and loading supervision, check-ins and anonymous staff surveys."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.outreach.adapters.orm import (
    check_ins,
    staff_surveys,
    supervision_sessions,
    survey_participation,
    survey_responses,
)
from hubs.outreach.adapters.repository import plain
from hubs.outreach.domain.workforce import Answers, HubStaffCheckIn, StaffSurvey, SupervisionSession, SurveyResponse


class SupervisionRepository:
    """Supervision sessions for hub staff (counts, never who was supervised)."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, held: SupervisionSession) -> None:
        values = {k: plain(v) for k, v in vars(held).items() if k != "events"}
        self._session.execute(insert(supervision_sessions).values(values))

    def all(self) -> list[SupervisionSession]:
        rows = self._session.execute(select(supervision_sessions).order_by(supervision_sessions.c.held_on)).all()
        return [
            SupervisionSession(
                r.supervision_session_id,
                r.held_on,
                codes.SupervisionType(r.supervision_type),
                r.attendees,
                r.duration_minutes,
                r.wellbeing_discussed,
            )
            for r in rows
        ]


class CheckInRepository:
    """Wellbeing check-ins of hub staff."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, held: HubStaffCheckIn) -> None:
        values = {k: plain(v) for k, v in vars(held).items() if k != "events"}
        self._session.execute(insert(check_ins).values(values))

    def all(self) -> list[HubStaffCheckIn]:
        rows = self._session.execute(select(check_ins).order_by(check_ins.c.held_on)).all()
        return [HubStaffCheckIn(r.check_in_id, r.held_on, codes.CheckInFormat(r.format), r.attendees) for r in rows]


class SurveyRepository:
    """Staff surveys, who has answered (as keyed hashes) and the answers, kept apart."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, survey: StaffSurvey) -> None:
        values = {k: plain(v) for k, v in vars(survey).items() if k != "events"}
        self._session.execute(insert(staff_surveys).values(values))

    def get(self, survey_id: uuid.UUID, *, for_update: bool = False) -> StaffSurvey | None:
        query = select(staff_surveys).where(staff_surveys.c.survey_id == survey_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return _survey(row) if row else None

    def all(self) -> list[StaffSurvey]:
        return [_survey(r) for r in self._session.execute(select(staff_surveys).order_by(staff_surveys.c.opens_on))]

    def save(self, survey: StaffSurvey) -> None:
        self._session.execute(
            update(staff_surveys)
            .where(staff_surveys.c.survey_id == survey.survey_id)
            .values(
                status=survey.status,
                participation_key=survey.participation_key,
                released_on=survey.released_on,
                participation_sealed=survey.participation_sealed,
            )
        )

    def has_answered(self, survey_id: uuid.UUID, tokens: Sequence[str]) -> bool:
        """Whether any of these participation tokens (one person's) has already answered the survey."""
        query = select(func.count()).where(
            survey_participation.c.survey_id == survey_id, survey_participation.c.token.in_(list(tokens))
        )
        return bool(self._session.execute(query).scalar())

    def record_answer(self, token: str, response: SurveyResponse) -> None:
        """Store that someone answered and what was answered, with nothing tying one to the other.

        Rows written one after the other in one transaction would pair up by their place in the
        table and by the transaction that wrote them (PostgreSQL's xmin, SQLite's rowid). So every
        answer rewrites both sets of the survey, each in a random order of its own: afterwards all
        the survey's answers, and all its tokens, were written by the same transaction, in an
        order that says nothing about who answered when."""
        a = response.answers
        answer = {
            "response_id": response.response_id,
            "survey_id": response.survey_id,
            "given_on": response.given_on,
            "wellbeing": a.wellbeing,
            "workload_manageable": a.workload_manageable,
            "feel_supported": a.feel_supported,
            "supervision_helpful": a.supervision_helpful,
            "comment": response.comment,
        }
        self._rewrite_shuffled(survey_responses, response.survey_id, answer)
        participated = {"survey_id": response.survey_id, "token": token}
        self._rewrite_shuffled(survey_participation, response.survey_id, participated)

    def _rewrite_shuffled(self, table, survey_id: uuid.UUID, new_row: dict) -> None:
        rows = [dict(r._mapping) for r in self._session.execute(select(table).where(table.c.survey_id == survey_id))]
        rows.append(new_row)
        random.SystemRandom().shuffle(rows)
        self._session.execute(delete(table).where(table.c.survey_id == survey_id))
        self._session.execute(insert(table), rows)

    def reseal_participation(self, survey_id: uuid.UUID, seal: Callable[[str], str]) -> None:
        """Key the tokens of a survey opened before they were keyed with the secret outside the database."""
        tokens = list(
            self._session.execute(
                select(survey_participation.c.token).where(survey_participation.c.survey_id == survey_id)
            ).scalars()
        )
        random.SystemRandom().shuffle(tokens)
        self._session.execute(delete(survey_participation).where(survey_participation.c.survey_id == survey_id))
        if tokens:
            self._session.execute(
                insert(survey_participation), [{"survey_id": survey_id, "token": seal(t)} for t in tokens]
            )

    def forget_participation(self, survey_id: uuid.UUID) -> None:
        """Once a survey closes, even the keyed hashes of who answered go."""
        self._session.execute(survey_participation.delete().where(survey_participation.c.survey_id == survey_id))

    def responses(self, survey_id: uuid.UUID | None = None) -> list[SurveyResponse]:
        """The anonymous responses of one survey (or of all)."""
        query = select(survey_responses)
        if survey_id is not None:
            query = query.where(survey_responses.c.survey_id == survey_id)
        return [
            SurveyResponse(
                r.response_id,
                r.survey_id,
                r.given_on,
                Answers(r.wellbeing, r.workload_manageable, r.feel_supported, r.supervision_helpful),
                r.comment,
            )
            for r in self._session.execute(query).all()
        ]

    def released_responses(self) -> list[SurveyResponse]:
        """Responses of closed surveys (the ones announced to the rest of the hub)."""
        closed = set(
            self._session.execute(select(staff_surveys.c.survey_id).where(staff_surveys.c.status == "closed")).scalars()
        )
        return [r for r in self.responses() if r.survey_id in closed]


def _survey(row) -> StaffSurvey:
    return StaffSurvey(
        row.survey_id,
        row.title,
        row.opens_on,
        row.closes_on,
        row.status,
        row.participation_key,
        row.released_on,
        row.participation_sealed,
    )
