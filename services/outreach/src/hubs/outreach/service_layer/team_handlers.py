"""Handlers for the hub's clinical team, as the hub lead keeps it. Each carries out one command
(`domain.commands`) in one unit of work. Nothing here is announced: staff data stays in the hub."""

from __future__ import annotations

from hubs.outreach.domain import commands
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.team import TeamMember
from hubs.outreach.service_layer.unit_of_work import OutreachUow

STAFF_ID_TAKEN = "Another member of the team has this staff id."
SUBJECT_TAKEN = "Another member of the team signs in as this."


def _check_unique(uow: OutreachUow, member: TeamMember) -> None:
    """A staff id names one practitioner in the hub, and a sign-in one holder of cases."""
    same_id = uow.team.by_staff_id(member.staff_id)
    if same_id is not None and same_id.member_id != member.member_id:
        raise Refused(STAFF_ID_TAKEN, "staff_id", conflict=True)
    if member.subject is not None:
        same_subject = uow.team.by_subject(member.subject)
        if same_subject is not None and same_subject.member_id != member.member_id:
            raise Refused(SUBJECT_TAKEN, "subject", conflict=True)


def add_team_member(cmd: commands.AddTeamMember, uow: OutreachUow) -> TeamMember:
    """Add a practitioner to the hub's team (409 if their staff id or sign-in is already in it)."""
    with uow:
        member = TeamMember.add(
            staff_id=cmd.staff_id, name=cmd.name, discipline=cmd.discipline, subject=cmd.subject, active=cmd.active
        )
        _check_unique(uow, member)
        uow.team.add(member)
        uow.commit()
    return member


def change_team_member(cmd: commands.ChangeTeamMember, uow: OutreachUow) -> TeamMember:
    """Change a team member's details (all of them, as the form shows them)."""
    with uow:
        member = uow.team.get(cmd.member_id)
        if member is None:
            raise NotFound("team member")
        member.change(
            staff_id=cmd.staff_id, name=cmd.name, discipline=cmd.discipline, subject=cmd.subject, active=cmd.active
        )
        _check_unique(uow, member)
        uow.team.save(member)
        uow.commit()
    return member
