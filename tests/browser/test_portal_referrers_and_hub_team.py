"""A line manager refers a colleague, with their agreement, through the portal; the hub lead
opens an anonymous staff survey; a clinician records a check-in and answers the survey without
JavaScript; the hub lead answers too, and only once. Every page passes axe-core's serious and
critical rules and is photographed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TODAY = date.today()


def test_a_referrer_refers_a_colleague_and_the_hub_team_uses_its_own_forms(small_hub, browser, page, steps):
    portal = small_hub.portal
    check_page, sign_in, sign_out = steps.check_page, steps.sign_in, steps.sign_out

    # A referrer lands on the referral form; an empty one lists every problem, focused.
    sign_in(page, portal, "Referrer")
    page.get_by_role("heading", name="Refer someone to the hub").wait_for()
    check_page(page, "refer-someone")
    page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Confirm that the person has agreed to be referred to the hub" in summary.inner_text()
    assert page.title().startswith("Error:")
    expect(summary).to_be_focused()  # the page's script moves focus once it has run
    summary.get_by_role("link", name="The date they agreed must be a real date").click()
    expect(page.locator("#consent_date")).to_be_focused()
    check_page(page, "refer-someone-errors")

    page.get_by_label("Their line manager").check()
    page.get_by_label("Their name", exact=True).fill("Casey Colleague")
    page.get_by_label("Their telephone number", exact=True).fill("07700 900 404")
    page.locator("input[name=thoughts_of_self_harm][value=no]").check()
    page.locator("input[name=risk_to_others][value=no]").check()
    page.get_by_label("The person has agreed to be referred to the hub").check()
    page.get_by_label("They told me, in person or by telephone").check()
    page.locator("#consent_date").fill(str(TODAY.day))
    page.locator("#consent-month").fill(str(TODAY.month))
    page.locator("#consent-year").fill(str(TODAY.year))
    page.get_by_role("button", name="Send referral").click()
    page.get_by_role("heading", name="Referral sent").wait_for()
    assert page.locator("#reference").inner_text().strip()
    assert "Casey" not in page.locator("main").inner_text()
    check_page(page, "refer-someone-confirmation")
    sign_out(page)

    # The hub lead opens a survey and gets the link to share with the team.
    sign_in(page, portal, "Hub lead")
    page.goto(f"{portal}/lead/staff-feedback")
    page.get_by_label("Title of the survey").fill("Winter check")
    page.get_by_label("Opens on").fill(TODAY.isoformat())
    page.get_by_label("Closes on").fill((TODAY + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Open a staff survey").click()
    link = page.locator(".portal-survey-link").first.inner_text().strip()
    check_page(page, "hub-lead-staff-survey-opened")
    sign_out(page)

    # A clinician records a check-in from their team page.
    sign_in(page, portal, "Clinician")
    page.get_by_role("link", name="Your team").click()
    check_page(page, "team")
    page.get_by_role("link", name="Record a wellbeing check-in").click()
    page.get_by_role("button", name="Record a wellbeing check-in").click()
    assert "Enter an answer for 'Held on'" in page.locator(".nhsuk-error-summary").inner_text()
    check_page(page, "team-check-in-errors")
    page.get_by_label("Held on").fill(TODAY.isoformat())
    page.get_by_label("Kind of check-in").select_option("team")
    page.get_by_label("Hub staff who took part").fill("6")
    page.get_by_role("button", name="Record a wellbeing check-in").click()
    assert "done" in page.locator(".portal-banner--success").inner_text()

    # The survey says first that answers are anonymous; it refuses to send without a wellbeing score.
    page.goto(link)
    assert page.locator("#anonymity").is_visible()
    check_page(page, "staff-survey")
    page.get_by_role("button", name="Send my answers").click()
    assert "Select a score from 1 to 5" in page.locator(".nhsuk-error-summary").inner_text()
    check_page(page, "staff-survey-errors")
    sign_out(page)

    # Without JavaScript the survey works the same.
    no_script = browser.new_context(java_script_enabled=False)
    try:
        plain = no_script.new_page()
        sign_in(plain, portal, "Clinician")
        plain.goto(link)
        plain.locator("input[name=wellbeing][value='4']").check()
        plain.get_by_label("Anything else you would like the hub to know? (optional)").fill("More breaks, please.")
        plain.get_by_role("button", name="Send my answers").click()
        plain.get_by_role("heading", name="Thank you").wait_for()
    finally:
        no_script.close()

    # The hub lead answers too, once: a second answer is refused in words.
    sign_in(page, portal, "Hub lead")
    page.goto(link)
    page.locator("input[name=wellbeing][value='3']").check()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    check_page(page, "staff-survey-answered")
    page.goto(link)
    page.locator("input[name=wellbeing][value='2']").check()
    page.get_by_role("button", name="Send my answers").click()
    assert "You have already answered this survey." in page.locator("#refusal").inner_text()
    check_page(page, "staff-survey-refused")
    page.goto(f"{portal}/lead/staff-feedback")
    assert "2" in page.locator("#staff-feedback tbody tr").first.inner_text()
