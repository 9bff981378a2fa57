"""Storing and loading the hub's clinical team."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.outreach.adapters.orm import team_members
from hubs.outreach.domain.refusals import Refused
from hubs.outreach.domain.team import TeamMember

# Two hub leads adding the same person at once: the second meets the table's unique index.
TAKEN_MEANWHILE = "Someone else has just added this staff id or sign-in to the team."


class TeamRepository:
    """The hub's team members, by name."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, member: TeamMember) -> None:
        self._write(insert(team_members).values(_values(member)))

    def save(self, member: TeamMember) -> None:
        query = update(team_members).where(team_members.c.member_id == member.member_id)
        self._write(query.values(_values(member)))

    def _write(self, statement) -> None:
        try:
            self._session.execute(statement)
        except IntegrityError as error:
            raise Refused(TAKEN_MEANWHILE, "staff_id", conflict=True) from error

    def get(self, member_id: uuid.UUID) -> TeamMember | None:
        return self._one(select(team_members).where(team_members.c.member_id == member_id).with_for_update())

    def by_staff_id(self, staff_id: str) -> TeamMember | None:
        return self._one(select(team_members).where(team_members.c.staff_id == staff_id))

    def by_subject(self, subject: str) -> TeamMember | None:
        return self._one(select(team_members).where(team_members.c.subject == subject))

    def all(self) -> list[TeamMember]:
        query = select(team_members).order_by(team_members.c.name, team_members.c.staff_id)
        return [_member(r) for r in self._session.execute(query).all()]

    def _one(self, query) -> TeamMember | None:
        row = self._session.execute(query).first()
        return _member(row) if row else None


def _values(member: TeamMember) -> dict:
    return {
        "member_id": member.member_id,
        "staff_id": member.staff_id,
        "name": member.name,
        "discipline": member.discipline.value,
        "subject": member.subject,
        "active": member.active,
    }


def _member(row) -> TeamMember:
    return TeamMember(row.member_id, row.staff_id, row.name, codes.Discipline(row.discipline), row.subject, row.active)
