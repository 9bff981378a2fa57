"""The hub's clinical team over the API on a real PostgreSQL: the hub lead keeps it, clinicians
read it, input is checked at the door, staff ids and sign-ins are one a member, and nothing about
staff reaches the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hubs.contracts import codes
from hubs.outreach.adapters import orm
from hubs.outreach.bootstrap import DEFINITION
from hubs.outreach.domain.refusals import Refused
from hubs.outreach.domain.team import TeamMember

pytestmark = pytest.mark.integration

ASHA = {"staff_id": "PSY-014", "name": "Asha Patel", "discipline": "psychology", "subject": "asha@hub"}


@pytest.fixture
def outreach(run_service):
    return run_service(DEFINITION)


def stored(outreach, table) -> int:
    with outreach.wiring.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_hub_lead_adds_and_changes_members_and_clinicians_read_the_team(outreach, tokens):
    lead = tokens("hub-lead")
    added = outreach.client.post("/v1/team-members", headers=lead, json=ASHA)
    assert added.status_code == 201, added.get_json()
    member = added.get_json()
    assert member | {"member_id": None} == ASHA | {"active": True, "member_id": None}
    nurse = outreach.client.post(
        "/v1/team-members", headers=lead, json={"staff_id": "NUR-002", "name": "Ben Ode", "discipline": "nursing"}
    )
    assert nurse.status_code == 201 and nurse.get_json()["subject"] is None
    changed = outreach.client.put(
        f"/v1/team-members/{member['member_id']}", headers=lead, json=ASHA | {"active": False}
    )
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    team = outreach.client.get("/v1/team-members", headers=tokens("clinician"))
    assert team.status_code == 200
    assert [(m["name"], m["active"]) for m in team.get_json()] == [("Asha Patel", False), ("Ben Ode", True)]
    # Staff data stays in the hub: nothing is announced.
    assert stored(outreach, orm.outbox) == 0


def test_a_staff_id_or_sign_in_already_in_the_team_is_a_conflict_and_nothing_is_stored(outreach, tokens):
    lead = tokens("hub-lead")
    outreach.client.post("/v1/team-members", headers=lead, json=ASHA)
    again = outreach.client.post("/v1/team-members", headers=lead, json=ASHA | {"subject": None, "name": "A. Patel"})
    assert again.status_code == 409 and "staff_id" in again.get_json()["errors"]
    same_sign_in = outreach.client.post("/v1/team-members", headers=lead, json=ASHA | {"staff_id": "PSY-015"})
    assert same_sign_in.status_code == 409 and "subject" in same_sign_in.get_json()["errors"]
    other = outreach.client.post(
        "/v1/team-members", headers=lead, json={"staff_id": "NUR-002", "name": "Ben Ode", "discipline": "nursing"}
    ).get_json()
    taken = outreach.client.put(f"/v1/team-members/{other['member_id']}", headers=lead, json=ASHA | {"subject": None})
    assert taken.status_code == 409
    assert stored(outreach, orm.team_members) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("staff_id", "PSY 014"),
        ("staff_id", ""),
        ("staff_id", "x" * 65),
        ("name", "   "),
        ("name", "Asha\nPatel"),
        ("discipline", "surgery"),
        ("subject", ""),
        ("active", "yes"),
    ],
)
def test_bad_input_is_refused_at_the_door_naming_the_field(outreach, tokens, field, value):
    answer = outreach.client.post("/v1/team-members", headers=tokens("hub-lead"), json=ASHA | {field: value})
    assert answer.status_code == 422
    assert field in answer.get_json()["errors"].get("json", answer.get_json()["errors"])
    assert stored(outreach, orm.team_members) == 0


def test_a_missing_member_is_not_found_and_only_hub_leads_keep_the_team(outreach, tokens):
    missing = "00000000-0000-4000-8000-000000000000"
    assert outreach.client.put(f"/v1/team-members/{missing}", headers=tokens("hub-lead"), json=ASHA).status_code == 404
    assert outreach.client.post("/v1/team-members", headers=tokens("clinician"), json=ASHA).status_code == 403
    assert outreach.client.get("/v1/team-members", headers=tokens("referrer")).status_code == 403
    assert outreach.client.get("/v1/team-members").status_code == 401
    assert stored(outreach, orm.team_members) == 0


def test_the_same_staff_id_added_twice_at_once_is_a_conflict_not_an_error(outreach):
    # Both hub leads passed the check before either stored: the table's unique index decides.
    with outreach.wiring.uow_factory() as uow:
        uow.team.add(TeamMember.add(staff_id="PSY-014", name="Asha Patel", discipline=codes.Discipline.PSYCHOLOGY))
        uow.commit()
    with pytest.raises(Refused) as refused, outreach.wiring.uow_factory() as uow:
        uow.team.add(TeamMember.add(staff_id="PSY-014", name="A. Patel", discipline=codes.Discipline.PSYCHOLOGY))
    assert refused.value.conflict and refused.value.field == "staff_id"
    assert stored(outreach, orm.team_members) == 1
