"""The hub's clinical team as the hub lead keeps it: a Team page that lists, adds and changes
members, saying beside each field what to change and keeping what was typed; the assessment names
its other practitioners by choosing them from the active team (their discipline is the team's), and a
case is re-assigned to a member who can hold cases, their name sent with them. With no team to
choose from, both are typed as before."""

from __future__ import annotations

import re

from hubs.portal.adapters.services import Answer

from .test_case_pathway import ASSESSABLE, ASSESSMENT_POST, COMPLETE, CONTACTED, REFERRAL_ID, case_page

TEAM = ("outreach", "GET", "/v1/team-members")
ADD = ("outreach", "POST", "/v1/team-members")
ASHA_ID = "a5a00000-1111-4222-8333-444455556666"
ASHA = {"member_id": ASHA_ID, "staff_id": "PSY-014", "name": "Asha Patel", "discipline": "psychology",
        "subject": "asha@hub", "active": True}  # fmt: skip
BEN = {"member_id": "be000000-1111-4222-8333-444455556666", "staff_id": "NUR-002", "name": "Ben Ode",
       "discipline": "nursing", "subject": None, "active": True}  # fmt: skip
LEFT = {"member_id": "1e000000-1111-4222-8333-444455556666", "staff_id": "SW-9", "name": "Cat Gone",
        "discipline": "social-work", "subject": "cat@hub", "active": False}  # fmt: skip
NEW_MEMBER = {"staff_id": "NUR-002", "name": "Ben Ode", "discipline": "nursing", "subject": "", "active": "yes"}
ASSIGNMENT = ("referral", "POST", f"/v1/referrals/{REFERRAL_ID}/assignment")
HELD = {"assigned_to": "dev-clinician", "assigned_to_name": "Test clinician", "assigned_at": "2026-11-26T11:00:00Z"}


def assessable(services, held: dict | None = None) -> None:
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, CONTACTED | (held or {}))
    services.answers[("assessment", "GET", f"/v1/cases/{ASSESSABLE['case_id']}/assessment")] = Answer(200, ASSESSABLE)
    services.answers[("assessment", "GET", f"/v1/cases/{ASSESSABLE['case_id']}/follow-ups")] = Answer(200, [])


def test_the_hub_lead_sees_the_team_and_adds_a_member(signed_in, services):
    client = signed_in("hub-lead")
    services.answers[TEAM] = Answer(200, [ASHA, LEFT])
    page = client.get("/lead/team-members").get_data(as_text=True)
    assert "Asha Patel" in page and "PSY-014" in page and "asha@hub" in page and "Cat Gone" in page
    assert 'action="/lead/team-members"' in page and "Add a member of the team" in page
    assert "/lead/team-members" in client.get("/lead/").get_data(as_text=True)

    services.answers[ADD] = Answer(201, BEN)
    response = client.post("/lead/team-members", data=NEW_MEMBER)
    assert response.status_code == 303 and response.location.endswith("/lead/team-members")
    [sent] = services.calls_to(*ADD)
    # An empty sign-in is not sent: the member cannot hold cases.
    assert sent["json"] == {"staff_id": "NUR-002", "name": "Ben Ode", "discipline": "nursing", "active": True}
    assert "Ben Ode added to the team" in client.get("/lead/team-members").get_data(as_text=True)


def test_a_refused_member_is_said_beside_the_field_and_what_was_typed_is_kept(signed_in, services):
    client = signed_in("hub-lead")
    services.answers[ADD] = Answer(409, title="Conflict", detail="Taken.",
                                   errors={"staff_id": ["Another member of the team has this staff id."]})  # fmt: skip
    response = client.post("/lead/team-members", data=NEW_MEMBER | {"name": "Benedict Ode"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="staff_id-error"' in page and "Another member of the team has this staff id." in page
    assert 'value="Benedict Ode"' in page and 'value="NUR-002"' in page

    # What the portal can tell itself is said without asking the service.
    page = client.post("/lead/team-members", data={"name": "Ben Ode"}).get_data(as_text=True)
    assert "Enter an answer for &#39;Staff id&#39;" in page and "Select an answer for &#39;Discipline&#39;" in page
    assert len(services.calls_to(*ADD)) == 1


def test_the_hub_lead_changes_a_member_who_has_left(signed_in, services):
    client = signed_in("hub-lead")
    services.answers[TEAM] = Answer(200, [ASHA])
    page = client.get(f"/lead/team-members?change={ASHA_ID}").get_data(as_text=True)
    assert f'action="/lead/team-members/{ASHA_ID}"' in page and 'value="asha@hub"' in page
    change = ("outreach", "PUT", f"/v1/team-members/{ASHA_ID}")
    services.answers[change] = Answer(200, ASHA | {"active": False})
    form = {"staff_id": "PSY-014", "name": "Asha Patel", "discipline": "psychology", "subject": "asha@hub",
            "active": "no"}  # fmt: skip
    assert client.post(f"/lead/team-members/{ASHA_ID}", data=form).status_code == 303
    assert services.calls_to(*change)[0]["json"]["active"] is False


def typed(page: str, name: str) -> bool:
    """The question `name` is a text box (typed), not a choice."""
    return re.search(rf'<input class="nhsuk-input[^>]*name="{name}"', page) is not None


def test_the_other_practitioners_are_chosen_from_the_active_team_or_typed_when_there_is_none(signed_in, services):
    client = signed_in("clinician")
    assessable(services)
    services.answers[TEAM] = Answer(200, [ASHA, BEN, LEFT])
    page = case_page(client)
    assert '<select class="nhsuk-select" id="practitioner-2-id" name="practitioner-2-id"' in page
    assert '<option value="PSY-014">Asha Patel (PSY-014, Psychology)</option>' in page
    assert not typed(page, "practitioner-2-id")
    assert 'value="NUR-002"' in page and "Cat Gone" not in page
    assert 'name="practitioner-2-discipline"' not in page
    # Nobody active in the team, or the outreach service not answering: the staff id is typed.
    for no_team in (Answer(200, [LEFT]), Answer(503, title="Unavailable", detail="Down.")):
        services.answers[TEAM] = no_team
        page = case_page(client)
        assert typed(page, "practitioner-2-id")
        assert 'name="practitioner-2-discipline"' in page


def test_a_practitioner_chosen_from_the_team_is_sent_with_the_teams_discipline(signed_in, services):
    client = signed_in("clinician")
    assessable(services)
    services.answers[TEAM] = Answer(200, [ASHA, BEN])
    services.answers[ASSESSMENT_POST] = Answer(201, {"assessment_id": "x"})
    form = COMPLETE | {"discipline": "psychology", "others_took_part": "yes", "practitioner-2-id": "NUR-002"}
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=form)
    assert response.status_code == 303
    [sent] = services.calls_to(*ASSESSMENT_POST)
    assert sent["json"]["practitioners"] == [
        {"practitioner_id": "dev-clinician", "discipline": "psychology"},
        {"practitioner_id": "NUR-002", "discipline": "nursing"},
    ]


def test_a_practitioner_who_left_the_team_since_the_form_was_shown_is_said_beside_the_choice(signed_in, services):
    client = signed_in("clinician")
    assessable(services)
    services.answers[TEAM] = Answer(200, [ASHA, LEFT])  # Ben left while the form was open
    form = COMPLETE | {"discipline": "psychology", "others_took_part": "yes", "practitioner-2-id": "NUR-002"}
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert not services.calls_to(*ASSESSMENT_POST)
    said = "NUR-002 is no longer in the hub&#39;s team: choose someone who is"
    assert said in page
    # Every message of the summary links to a question the page asks.
    links = re.findall(r'<a href="#([^"]+)"', page.split('class="nhsuk-error-summary"')[1].split("</ul>")[0])
    assert links and all(f'id="{target}"' in page for target in links)
    assert "Select their discipline" not in page


def test_a_case_is_re_assigned_to_a_team_member_who_can_hold_cases_with_their_name(signed_in, services):
    client = signed_in("hub-lead")
    assessable(services, HELD)
    services.answers[TEAM] = Answer(200, [ASHA, BEN, LEFT])
    page = case_page(client)
    assert '<option value="asha@hub">Asha Patel (PSY-014)</option>' in page
    assert "Ben Ode (NUR-002)</option>" not in page.split('id="reassign-form"')[1]  # no sign-in: cannot hold cases
    assert 'name="colleague_name"' not in page

    services.answers[ASSIGNMENT] = Answer(200, {"assigned_to": "asha@hub"})
    client.post(f"/cases/{REFERRAL_ID}/assignment",
                data={"action": "reassign", "colleague": "asha@hub", "assignment_reason": "leave"})  # fmt: skip
    assert services.calls_to(*ASSIGNMENT)[0]["json"] == {"clinician": "asha@hub", "name": "Asha Patel",
                                                         "reason": "leave"}  # fmt: skip

    # With nobody in the team who can hold cases, the colleague's sign-in id and name are typed.
    services.answers[TEAM] = Answer(200, [BEN])
    page = case_page(client)
    assert typed(page, "colleague") and typed(page, "colleague_name")
