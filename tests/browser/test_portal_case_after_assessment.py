"""A clinician carries a case on from its assessment: the onward referral it made is accepted (the
caseload then finds it among people waiting for a service), treatment starts and ends, a follow-up
shows the NHS Talking Therapies outcome with a chart of the scores, Occupational Health liaison is
recorded with the advice given, and the case is closed after a confirmation, at desktop and at
phone width. Every new page passes axe-core's serious and critical rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def record_step(page, step: str, reason: str | None = None) -> None:
    """Open the onward referral's step, give the reason where it asks one, and record it (the day is today)."""
    card = page.locator(".portal-onward").first
    card.locator("summary", has_text=step).click()
    if reason:
        card.locator("select[name=reason]").select_option(reason)
    card.get_by_role("button", name=step).click()


def test_a_case_goes_from_assessment_through_treatment_and_follow_up_to_closure(clinical_hub, page, steps):
    portal = clinical_hub.portal
    check_page = steps.check_page

    reference = steps.self_refer(page, portal, "Jo Follow", "07700 900 404")
    steps.reach_from_queue(page, portal, reference)

    # Assessed at caseness, referred on to Talking Therapies, with Occupational Health liaison agreed.
    steps.reload_until(page, "#assessment-form")
    for item in range(1, 10):
        page.locator(f"input[name='phq9-{item}'][value='{0 if item == 9 else 2}']").check()
    for item in range(1, 8):
        page.locator(f"input[name='gad7-{item}'][value='2']").check()
    page.locator("input[name=work_situation][value=at-work]").check()
    page.locator("input[name=risk_level][value=low]").check()  # judged every time: none chosen for them
    page.locator("input[name=decisions][value=refer-on]").check()
    page.locator("input[name=refer_on_to][value=talking-therapies]").check()
    page.locator("input[name=decisions][value=liaise-occupational-health]").check()
    page.locator("input[name=occupational_health_consent][value=yes]").check()
    page.get_by_label("Reasons for the outcome").fill("Moderately severe depression; wants therapy.")
    page.get_by_role("button", name="Complete and sign off assessment").click()
    assert "Assessment completed" in page.locator(".portal-banner--success").inner_text()

    # Care co-ordination makes the onward referral on hearing of the assessment; the clinician tracks it.
    steps.reload_until(page, ".portal-onward")
    onward = page.locator(".portal-onward").first
    expect(onward).to_contain_text("Awaiting a response")
    check_page(page, "case-onward-referral-awaiting")
    record_step(page, "Record acceptance")
    assert "Acceptance recorded" in page.locator(".portal-banner--success").inner_text()
    expect(onward).to_contain_text("Accepted")

    # Accepted, not yet started: the caseload finds the case among people waiting for a service.
    case_page = page.url
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_role("link", name="All open cases").click()
    page.get_by_label("Where in the pathway").select_option("waiting-for-a-service")
    page.get_by_role("button", name="Show cases").click()
    expect(page.locator("#caseload")).to_contain_text(reference)
    check_page(page, "caseload-waiting-for-a-service")
    # Its first follow-up is weeks ahead: not among those due.
    page.get_by_label("Where in the pathway").select_option("follow-up-due")
    page.get_by_role("button", name="Show cases").click()
    expect(page.locator("#results")).to_have_text("0 cases")
    page.goto(case_page)
    record_step(page, "Record start of treatment")
    expect(onward).to_contain_text("Treatment started")
    record_step(page, "Record end of treatment", reason="completed")
    expect(onward.locator(".portal-onward-status")).to_have_text("Treatment ended")
    check_page(page, "case-onward-referral-treatment-ended")

    # A follow-up below caseness: the outcome is reliable recovery, charted with its figures in a table.
    form = page.locator("#follow-up-form")
    if form.locator("input[name=follow_up_id]").count():
        form.locator("input[name=follow_up_id][value='']").check()
    for item in range(1, 10):
        form.locator(f"input[name='phq9-{item}'][value='0']").check()
    for item in range(1, 8):
        form.locator(f"input[name='gad7-{item}'][value='0']").check()
    form.get_by_role("button", name="Record follow-up").click()
    assert "Follow-up measures recorded" in page.locator(".portal-banner--success").inner_text()
    expect(page.locator("#outcome")).to_contain_text("NHS Talking Therapies outcome: Reliable recovery")
    expect(page.locator("#scores-chart svg title")).to_have_text("PHQ-9 and GAD-7 scores over time")
    expect(page.locator("#scores-over-time tbody tr")).to_have_count(2)
    expect(page.locator("#scores-over-time tbody tr").nth(0)).to_contain_text("16")
    check_page(page, "case-follow-up-outcome")

    # Occupational Health liaison with the advice given.
    page.get_by_label("Advice given (optional)").fill("A phased return over four weeks.")
    page.get_by_role("button", name="Record liaison").click()
    expect(page.locator("#liaisons")).to_contain_text("A phased return over four weeks.")

    # Closing asks first; then the referral and the episode of care close together.
    page.get_by_label("Reason for closing").select_option("care-completed")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_role("heading", name="Close this case?")).to_be_visible()
    check_page(page, "case-close-confirmation")
    page.get_by_role("button", name="Yes, close the case").click()
    assert "Case closed: the referral and the episode of care" in page.locator(".portal-banner--success").inner_text()
    page.get_by_role("link", name="Back to the case").click()  # from the person's feedback link, shown once
    expect(page.locator("#case-closed")).to_contain_text("The episode of care closed")
    expect(page.locator("#follow-up-form")).to_have_count(0)
    check_page(page, "case-closed")

    # At phone width the closed case, its chart and table still read and pass axe.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#scores-over-time")).to_be_visible()
    check_page(page, "case-closed-phone")
