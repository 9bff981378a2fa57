"""The hub's clinical team as the hub lead keeps it: who practitioners are named as in an
assessment (their staff id), their discipline, and which of them can hold cases (a sign-in
subject). Staff data stays in the hub: a team member has no events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hubs.contracts import codes


@dataclass
class TeamMember:
    member_id: uuid.UUID
    staff_id: str  # the id an assessment names a practitioner by
    name: str
    discipline: codes.Discipline
    subject: str | None = None  # their sign-in subject, when they can hold cases
    active: bool = True

    @classmethod
    def add(
        cls,
        *,
        staff_id: str,
        name: str,
        discipline: codes.Discipline,
        subject: str | None = None,
        active: bool = True,
    ) -> TeamMember:
        return cls(uuid.uuid4(), staff_id, name, discipline, subject, active)

    def change(
        self, *, staff_id: str, name: str, discipline: codes.Discipline, subject: str | None, active: bool
    ) -> None:
        self.staff_id, self.name, self.discipline = staff_id, name, discipline
        self.subject, self.active = subject, active
