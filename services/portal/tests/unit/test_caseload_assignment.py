"""A clinician's caseload: "my cases" are those assigned to me, filtered by stage, urgency and raised
risk; a search by name, email or telephone number is posted, never put in a URL; each row says who
holds the case; and the case page takes a case, hands it back or re-assigns it, saying what it did."""

from __future__ import annotations

from hubs.portal.adapters.services import Answer

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
CASELOAD = ("referral", "GET", "/v1/referrals")
SEARCH = ("referral", "POST", "/v1/referral-searches")
ASSIGNMENT = f"/v1/referrals/{REFERRAL_ID}/assignment"
ENTRY = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "urgency": "urgent", "source": "self",
    "status": "contacted", "received_at": "2026-11-26T09:00:00Z", "first_contacted_at": "2026-11-26T10:00:00Z",
    "first_contact_due_by": "2026-11-27T09:00:00Z", "hours_left": 3.0, "contact_attempts": [], "at_risk_factors": [],
    "assigned_to": None, "assigned_to_name": None, "assigned_at": None,
}  # fmt: skip
HELD_BY_KIM = {
    "assigned_to": "clinician-kim",
    "assigned_to_name": "Kim Colleague",
    "assigned_at": "2026-11-26T11:00:00Z",
}
MINE = {"assigned_to": "dev-clinician", "assigned_to_name": "Test clinician", "assigned_at": "2026-11-26T11:00:00Z"}


def page_of(*entries: dict) -> Answer:
    return Answer(200, {"referrals": list(entries), "page": 1, "page_size": 25, "total": len(entries)})


def test_the_caseload_is_filtered_by_holder_urgency_and_raised_risk_and_says_who_holds_each(signed_in, services):
    client = signed_in("clinician")
    services.answers[CASELOAD] = page_of(ENTRY | HELD_BY_KIM, ENTRY | {"reference": "5E0955AB"}, ENTRY | MINE)
    page = client.get("/caseload?view=nobody&urgency=urgent&risk=raised&stage=contacted").get_data(as_text=True)

    [call] = services.calls_to(*CASELOAD)
    assert {k: call["params"][k] for k in ("assigned_to", "urgency", "risk", "status")} == {
        "assigned_to": "nobody",
        "urgency": "urgent",
        "risk": "raised",
        "status": "contacted",
    }
    assert [cell in page for cell in (">Kim Colleague</td>", ">Nobody</td>", ">You</td>")] == [True] * 3
    assert 'aria-current="page">Not assigned' in page


def test_a_search_by_email_is_posted_and_never_in_a_url(signed_in, services):
    client = signed_in("clinician")
    services.answers[SEARCH] = page_of(ENTRY | MINE)
    response = client.post("/caseload", data={"words": "ada.l@example.org"})

    [call] = services.calls_to(*SEARCH)
    assert call["json"]["words"] == "ada.l@example.org"
    assert not services.calls_to(*CASELOAD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 case found" in page and f"/cases/{REFERRAL_ID}" in page
    assert "ada.l" not in page.split('id="caseload-search"')[0]  # in no link or filter above the search box


def test_a_reference_in_the_search_box_is_looked_for_as_a_reference(signed_in, services):
    client = signed_in("clinician")
    services.answers[CASELOAD] = page_of(ENTRY)
    client.post("/caseload", data={"words": "#5e0955aa"})
    assert services.calls_to(*CASELOAD)[0]["params"]["reference"] == "5E0955AA"
    assert not services.calls_to(*SEARCH)


def open_case(services, client, held: dict, role_path: str = "assessment"):
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, ENTRY | held)
    return client.get(f"/cases/{REFERRAL_ID}?purpose={role_path}").get_data(as_text=True)


def test_the_case_page_offers_to_take_hand_back_or_re_assign_as_the_role_allows(signed_in, services, make_portal):
    clinician = signed_in("clinician")
    nobodys = open_case(services, clinician, {})
    assert "Take this case" in nobodys and "Hand back" not in nobodys and "Re-assign" not in nobodys
    mine = open_case(services, clinician, MINE)
    assert "Assigned to you" in mine and "Hand back" in mine and "Re-assign" in mine and "Take this case" not in mine
    kims = open_case(services, clinician, HELD_BY_KIM)
    assert "Assigned to Kim Colleague" in kims and "Hand back" not in kims and "Re-assign" not in kims

    lead = make_portal()
    lead.post("/sign-in/dev", data={"role": "hub-lead"})
    for_lead = open_case(services, lead, HELD_BY_KIM)
    assert "Hand back" in for_lead and "Re-assign" in for_lead and "Why does the case move?" in for_lead


def test_taking_a_case_sends_who_i_am_and_says_it_is_mine(signed_in, services):
    client = signed_in("clinician")
    services.answers[("referral", "POST", ASSIGNMENT)] = Answer(200, MINE)
    response = client.post(f"/cases/{REFERRAL_ID}/assignment", data={"action": "take", "purpose": "assessment"})
    assert response.status_code == 303 and response.location.endswith("purpose=assessment#assignment")
    [call] = services.calls_to("referral", "POST", ASSIGNMENT)
    assert call["json"] == {"clinician": "dev-clinician", "name": "Test clinician"}
    page = open_case(services, client, MINE)
    assert "You have taken this case" in page


def test_re_assigning_sends_the_colleague_and_the_reason_and_a_refusal_is_said(signed_in, services):
    client = signed_in("hub-lead")
    services.answers[("referral", "POST", ASSIGNMENT)] = Answer(
        422, title="Unprocessable Content", detail="Say why.", errors={"reason": ["Say why."]}
    )
    form = {
        "action": "reassign",
        "colleague": "clinician-kim",
        "colleague_name": "Kim Colleague",
        "assignment_reason": "",
    }
    client.post(f"/cases/{REFERRAL_ID}/assignment", data=form)
    assert "Who holds the case did not change" in open_case(services, client, MINE)

    services.answers[("referral", "POST", ASSIGNMENT)] = Answer(200, HELD_BY_KIM)
    client.post(f"/cases/{REFERRAL_ID}/assignment", data=form | {"assignment_reason": "leave"})
    assert services.calls_to("referral", "POST", ASSIGNMENT)[-1]["json"] == {
        "clinician": "clinician-kim",
        "name": "Kim Colleague",
        "reason": "leave",
    }
    assert "The case is now assigned to Kim Colleague" in open_case(services, client, HELD_BY_KIM)


def test_handing_back_deletes_the_assignment(signed_in, services):
    client = signed_in("clinician")
    services.answers[("referral", "DELETE", ASSIGNMENT)] = Answer(200, {"assigned_to": None})
    client.post(f"/cases/{REFERRAL_ID}/assignment", data={"action": "hand-back"})
    assert len(services.calls_to("referral", "DELETE", ASSIGNMENT)) == 1
    assert "You handed the case back" in open_case(services, client, {})
