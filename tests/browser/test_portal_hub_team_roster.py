"""The hub's clinical team, kept by the hub lead, names the people in a clinician's work: the hub
lead adds two practitioners on the Team page, a clinician's multidisciplinary assessment names one
by choosing them, and the hub lead re-assigns a case by choosing the other. Every page passes
axe-core's serious and critical rules, and at 390 px none scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ASHA = {"staff_id": "PSY-014", "name": "Asha Patel", "discipline": "psychology", "subject": "asha-sign-in"}
BEN = {"staff_id": "NUR-002", "name": "Ben Ode", "discipline": "nursing", "subject": "ben-sign-in"}


def sideways(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def add_member(page, member: dict) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add a member of the team"))
    form.get_by_label("Staff id", exact=True).fill(member["staff_id"])
    form.get_by_label("Name", exact=True).fill(member["name"])
    form.locator("select[name=discipline]").select_option(member["discipline"])
    form.get_by_label("Sign-in id (optional)").fill(member["subject"])
    form.get_by_role("button", name="Add a member of the team").click()
    expect(page.locator(".portal-banner--success")).to_contain_text(f"{member['name']} added to the team")


def assess_naming(page, staff_id: str) -> None:
    """Complete a low-risk assessment (signposted to self-help) with a second practitioner chosen from the team."""
    for item in range(1, 10):
        page.locator(f"input[name='phq9-{item}'][value='{0 if item == 9 else 1}']").check()
    for item in range(1, 8):
        page.locator(f"input[name='gad7-{item}'][value='1']").check()
    page.locator("input[name=work_situation][value=at-work]").check()
    page.locator("input[name=risk_level][value=low]").check()
    page.locator("input[name=others_took_part][value=yes]").check()
    page.locator("select[name='practitioner-2-id']").select_option(staff_id)
    page.locator("input[name=decisions][value=signpost]").check()
    page.locator("input[name=signpost_to][value=self-help]").check()
    page.get_by_label("Reasons for the outcome").fill("Mild symptoms; wants self-help first.")
    page.get_by_role("button", name="Complete and sign off assessment").click()


def test_the_hub_leads_team_is_chosen_in_an_assessment_and_when_a_case_moves(hub, page, steps):
    portal, check_page = hub.portal, steps.check_page
    assessed = steps.self_refer(page, portal, "Jo Roster", "07700 900 515")
    moved = steps.self_refer(page, portal, "Lee Roster", "07700 900 516")

    # The hub lead adds two practitioners who can hold cases.
    steps.sign_in(page, portal, "Hub lead")
    page.goto(f"{portal}/lead/")
    page.get_by_role("link", name="Team", exact=True).click()
    check_page(page, "lead-team-empty")
    add_member(page, ASHA)
    add_member(page, BEN)
    expect(page.locator("#team-members tbody tr")).to_have_count(2)
    check_page(page, "lead-team")
    team_url = page.url
    steps.sign_out(page)

    # A clinician's multidisciplinary assessment names Ben by choosing him; his discipline is the team's.
    steps.reach_from_queue(page, portal, assessed)
    steps.reload_until(page, "#assessment-form")
    check_page(page, "case-assessment-team-choice")
    assess_naming(page, BEN["staff_id"])
    assert "Assessment completed" in page.locator(".portal-banner--success").inner_text()
    expect(page.get_by_text("NUR-002 (Nursing)")).to_be_visible()
    steps.sign_out(page)

    # The hub lead re-assigns another case to Asha, chosen from those who can hold cases.
    steps.reach_from_queue(page, portal, moved)
    case_url = page.url
    steps.sign_out(page)
    steps.sign_in(page, portal, "Hub lead")
    page.goto(case_url)
    page.locator("#assignment summary", has_text="Re-assign to a colleague").click()
    page.locator("#reassign-form select[name=colleague]").select_option(ASHA["subject"])
    page.locator("#reassign-form").get_by_role("button", name="Re-assign").click()
    expect(page.locator(".portal-banner--success")).to_contain_text("The case is now assigned to Asha Patel")
    expect(page.locator("#assignment")).to_contain_text("Assigned to Asha Patel")
    check_page(page, "case-reassigned-from-team")

    # At phone width neither the team nor the case scrolls sideways.
    page.set_viewport_size(PHONE)
    for url, name in ((team_url, "lead-team"), (case_url, "case-reassigned-from-team")):
        page.goto(url)
        assert sideways(page) <= 0, f"{name} scrolls sideways at {PHONE['width']} px by {sideways(page)} px"
        check_page(page, f"{name}-phone")
