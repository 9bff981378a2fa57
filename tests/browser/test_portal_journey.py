"""A member of staff refers themselves through the portal; a clinician finds them at the top
of the queue, records first contact and scores a PHQ-9; the hub lead sees the figure change;
the national analyst reads the national page. Every page passes axe-core's serious and
critical rules and is photographed."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def refer_myself(page, portal: str, name: str, phone: str, *, thoughts_of_self_harm: bool) -> str:
    """Fill in the self-referral form as a person would; the reference shown on confirmation."""
    page.goto(f"{portal}/self-referral")
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Telephone number", exact=True).fill(phone)
    page.get_by_label("Which staff group are you in? (optional)").select_option("nursing-and-midwifery")
    answer = "yes" if thoughts_of_self_harm else "no"
    page.locator(f"input[name=thoughts_of_self_harm][value={answer}]").check()
    page.locator("input[name=risk_to_others][value=no]").check()
    page.get_by_label("I agree that a clinician from the hub may contact me about this referral").check()
    page.get_by_role("button", name="Send referral").click()
    page.get_by_role("heading", name="Referral received").wait_for()
    return page.locator("#reference").inner_text().strip()


def lead_figure(page, portal: str, figure: str) -> str:
    page.goto(f"{portal}/lead/dataset")
    return page.locator(f"tr[data-figure='{figure}'] td[data-value]").inner_text().strip()


def test_a_person_who_refers_themselves_is_contacted_assessed_and_counted(hub, browser, page, steps):
    portal = hub.portal
    check_page, eventually, sign_in, sign_out = steps.check_page, steps.eventually, steps.sign_in, steps.sign_out

    page.goto(portal)
    check_page(page, "start")
    # Keyboard first: the skip link is the first stop and takes focus to the page's content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#maincontent")).to_be_focused()
    sign_in(page, portal, "Hub lead")
    assert lead_figure(page, portal, "first_contacts") in ("0", "not reported")
    sign_out(page)

    # The form refuses an empty referral with the NHS error summary, focused for screen readers.
    page.goto(f"{portal}/self-referral")
    check_page(page, "self-referral")
    assert page.locator("#confidentiality").is_visible()
    page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter your name" in summary.inner_text()
    assert "Confirm that the hub may contact you" in summary.inner_text()
    assert page.title().startswith("Error:")
    expect(summary).to_be_focused()  # the page's script moves focus once it has run
    summary.get_by_role("link", name="Enter your name").click()
    expect(page.locator("#name")).to_be_focused()
    check_page(page, "self-referral-errors")

    # Without JavaScript the form works the same (scripts only enhance it).
    no_script = browser.new_context(java_script_enabled=False)
    try:
        plain = no_script.new_page()
        routine = refer_myself(plain, portal, "Robin Routine", "07700 900 101", thoughts_of_self_harm=False)
        assert plain.locator("#urgent-help").count() == 0
    finally:
        no_script.close()
    urgent = refer_myself(page, portal, "Sam Urgent", "07700 900 202", thoughts_of_self_harm=True)
    assert "116 123" in page.locator("#urgent-help").inner_text()
    check_page(page, "self-referral-confirmation")

    # The clinician finds the urgent referral at the top of the queue, above the earlier routine one.
    sign_in(page, portal, "Clinician")
    page.locator("#queue").wait_for()
    references = page.locator("#queue tbody tr th").all_inner_texts()
    assert [r.split(":")[0].strip() for r in references] == [urgent, routine]
    assert "Urgent" in page.locator("#queue tbody tr").first.inner_text()
    check_page(page, "clinician-queue")
    page.locator("#queue tbody tr").first.get_by_role("link").click()
    check_page(page, "case-purpose")
    page.get_by_role("button", name="Open the case").click()
    assert "Sam Urgent" in page.locator("#referral + dl").inner_text()
    # Before first contact the assessment waits, and the page says why; no onward referral before it either.
    steps.reload_until(page, "#first_contact")
    assert "Record first contact before the assessment" in page.locator("#first_contact").inner_text()
    assert page.locator("#assessment-form").count() == 0
    steps.reload_until(page, "#onward-referral-waits")
    assert page.get_by_role("button", name="Make onward referral").count() == 0
    check_page(page, "case")

    page.get_by_role("button", name="Record contact attempt").click()
    assert "First contact recorded" in page.locator(".portal-banner--success").inner_text()

    # The assessment to do arrives from the referral's event; then the PHQ-9 scores as it is answered.
    steps.reload_until(page, "#assessment-form")
    for item in range(1, 10):
        page.locator(f"input[name='phq9-{item}'][value='{2 if item < 9 else 0}']").check()
    assert page.locator("#phq9-score").inner_text() == "PHQ-9: Score 16 of 27: moderately severe"
    for item in range(1, 8):
        page.locator(f"input[name='gad7-{item}'][value='1']").check()
    assert page.locator("#gad7-score").inner_text() == "GAD-7: Score 7 of 21: mild"
    page.locator("input[name=work_situation][value=at-work]").check()
    page.locator("input[name=risk_level][value=low]").check()  # judged every time: none chosen for them
    page.locator("input[name=decisions][value=signpost]").check()
    page.locator("input[name=signpost_to][value=self-help]").check()
    page.get_by_label("Reasons for the outcome").fill("Low mood after a hard winter; wants self-help first.")
    check_page(page, "case-assessment-form")
    page.get_by_role("button", name="Complete and sign off assessment").click()
    outcome = page.locator(".portal-banner--success, .nhsuk-error-summary").first.inner_text()
    assert "Assessment completed" in outcome
    assert "Moderately severe" in page.locator("#scores").inner_text()
    check_page(page, "case-assessed")

    # The signed-off assessment reaches care co-ordination; the clinician refers the person on.
    onward = page.get_by_role("button", name="Make onward referral")
    steps.reload_until(page, onward)
    page.get_by_label("Refer on to a type of service").select_option("talking-therapies")
    page.get_by_role("button", name="Make onward referral").click()
    assert "Onward referral made" in page.locator(".portal-banner--success").inner_text()
    assert "Talking therapies" in page.locator("#onward-referrals").inner_text()
    check_page(page, "case-referred-on")
    sign_out(page)

    # The hub lead sees the first contact counted, and the clinician's access in the audit.
    sign_in(page, portal, "Hub lead")
    eventually(lambda: lead_figure(page, portal, "first_contacts") == "1", timeout=45)
    check_page(page, "hub-lead-dataset")
    page.goto(f"{portal}/lead/access-audit")
    assert "First contact" in page.locator("#access-audit").inner_text()
    check_page(page, "hub-lead-access-audit")
    page.goto(f"{portal}/lead/")
    check_page(page, "hub-lead")
    for name in ("directory", "waits", "campaigns", "outreach-events", "training", "check-ins", "staff-feedback"):
        page.goto(f"{portal}/lead/{name}")
        check_page(page, f"hub-lead-{name}")

    # The hub lead records a supervision session; the hub's figures count it.
    assert lead_figure(page, portal, "supervision_sessions") == "0"
    page.goto(f"{portal}/lead/supervision")
    page.get_by_role("button", name="Record a supervision session").click()
    assert "Enter an answer for 'Held on'" in page.locator(".nhsuk-error-summary").inner_text()
    check_page(page, "hub-lead-supervision-errors")
    page.get_by_label("Held on").fill(date.today().isoformat())
    page.get_by_label("Type of supervision").select_option("clinical-group")
    page.get_by_label("Hub staff supervised").fill("6")
    page.get_by_label("Length, in minutes").fill("90")
    page.locator("input[name=wellbeing_discussed][value=yes]").check()
    page.get_by_role("button", name="Record a supervision session").click()
    assert "Clinical group" in page.locator("#supervision").inner_text()
    check_page(page, "hub-lead-supervision")
    eventually(lambda: lead_figure(page, portal, "supervision_sessions") == "1", timeout=45)
    sign_out(page)

    sign_in(page, portal, "National analyst")
    page.locator("#comparison").wait_for()
    check_page(page, "national")
    page.get_by_role("link", name="As published (small numbers suppressed)").click()
    page.locator("#view[data-view=published]").wait_for()
    check_page(page, "national-published")
    page.get_by_role("link", name="See a figure over time").click()
    check_page(page, "national-trend")
    page.goto(f"{portal}/national/definitions")
    check_page(page, "national-definitions")
    page.goto(f"{portal}/sign-in")
    check_page(page, "sign-in")
