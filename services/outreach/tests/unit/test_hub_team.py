"""The hub's clinical team, as the hub lead keeps it: staff ids are one a practitioner, sign-ins
one a holder of cases, and nothing about staff is ever announced."""

from __future__ import annotations

import uuid

import pytest

from hubs.contracts import codes
from hubs.outreach.domain import commands
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.service_layer import team_handlers


def add(uow, staff_id="PSY-014", subject=None, **more):
    return team_handlers.add_team_member(
        commands.AddTeamMember(
            staff_id=staff_id,
            name=more.get("name", "Asha Patel"),
            discipline=more.get("discipline", codes.Discipline.PSYCHOLOGY),
            subject=subject,
        ),
        uow,
    )


def change(member_id, staff_id="PSY-014", subject=None, active=True, name="Asha Patel"):
    return commands.ChangeTeamMember(
        member_id=member_id,
        staff_id=staff_id,
        name=name,
        discipline=codes.Discipline.PSYCHOLOGY,
        subject=subject,
        active=active,
    )


def test_a_member_added_to_the_team_is_kept_active_and_never_announced(uow):
    member = add(uow, subject="asha@hub")
    [kept] = uow.team.all()
    assert (kept.staff_id, kept.name, kept.discipline, kept.subject, kept.active) == (
        "PSY-014",
        "Asha Patel",
        codes.Discipline.PSYCHOLOGY,
        "asha@hub",
        True,
    )
    assert kept.member_id == member.member_id and uow.committed
    assert uow.outbox.events == [] and uow.anonymous_outbox.events == []


def test_a_staff_id_already_in_the_team_is_refused_as_a_conflict(uow):
    add(uow)
    with pytest.raises(Refused) as refused:
        add(uow, name="Someone Else", discipline=codes.Discipline.NURSING)
    assert refused.value.field == "staff_id" and refused.value.conflict
    assert [m.name for m in uow.team.all()] == ["Asha Patel"]


def test_a_sign_in_already_held_by_a_team_member_is_refused_as_a_conflict(uow):
    add(uow, subject="asha@hub")
    with pytest.raises(Refused) as refused:
        add(uow, staff_id="NUR-002", subject="asha@hub")
    assert refused.value.field == "subject" and refused.value.conflict


def test_members_without_a_sign_in_do_not_clash(uow):
    add(uow)
    add(uow, staff_id="NUR-002")
    assert len(uow.team.all()) == 2


def test_a_member_who_left_is_kept_but_no_longer_active(uow):
    member = add(uow, subject="asha@hub")
    team_handlers.change_team_member(change(member.member_id, subject="asha@hub", active=False), uow)
    [kept] = uow.team.all()
    assert kept.active is False and kept.staff_id == "PSY-014"


def test_a_member_may_keep_their_own_staff_id_and_sign_in_when_changed(uow):
    member = add(uow, subject="asha@hub")
    team_handlers.change_team_member(change(member.member_id, subject="asha@hub", name="Asha Patel-Khan"), uow)
    assert [m.name for m in uow.team.all()] == ["Asha Patel-Khan"]


def test_a_change_to_another_members_staff_id_is_refused_and_changes_nothing(uow):
    add(uow)
    other = add(uow, staff_id="NUR-002", name="Ben Ode")
    with pytest.raises(Refused) as refused:
        team_handlers.change_team_member(change(other.member_id, staff_id="PSY-014", name="Ben Ode"), uow)
    assert refused.value.conflict
    assert sorted(m.staff_id for m in uow.team.all()) == ["NUR-002", "PSY-014"]


def test_changing_a_member_who_is_not_in_the_team_is_not_found(uow):
    with pytest.raises(NotFound):
        team_handlers.change_team_member(change(uuid.uuid4()), uow)
