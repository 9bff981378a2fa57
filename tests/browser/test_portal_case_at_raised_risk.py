"""A clinician takes a case whose person answered PHQ-9 item 9 above 0 from the queue to an
assessment with its escalation route, escalates the risk, and finds the case again in "my
cases", at desktop and at phone width. Every new page passes axe-core's serious and critical rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_a_case_at_raised_risk_is_assessed_escalated_and_found_again_in_my_cases(clinical_hub, browser, page, steps):
    portal = clinical_hub.portal
    check_page = steps.check_page

    reference = steps.self_refer(page, portal, "Alex Risk", "07700 900 303", thoughts_of_self_harm="yes")
    steps.reach_from_queue(page, portal, reference)
    assert "First contact recorded" in page.locator(".portal-banner--success").inner_text()

    # The person answers PHQ-9 item 9 above 0: the warning shows as it is answered.
    steps.reload_until(page, "#assessment-form")
    expect(page.locator("#item9-warning")).to_be_hidden()
    for item in range(1, 10):
        page.locator(f"input[name='phq9-{item}'][value='{2 if item == 9 else 1}']").check()
    expect(page.locator("#item9-warning")).to_be_visible()
    for item in range(1, 8):
        page.locator(f"input[name='gad7-{item}'][value='1']").check()
    page.locator("input[name=work_situation][value=off-sick]").check()
    page.locator("input[name=risk_level][value=moderate]").check()  # judged every time: none chosen for them
    page.locator("input[name=off_sick_for_mental_health][value=yes]").check()
    page.locator("input[name=decisions][value=monitor]").check()
    page.get_by_label("Reasons for the outcome").fill("Thoughts of self-harm; safety plan agreed.")
    check_page(page, "case-raised-risk-form")

    # Without the escalation route the form comes back with the answers and the route asked for.
    page.get_by_role("button", name="Complete and sign off assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Select where the raised risk was escalated to" in summary.inner_text()
    assert page.get_by_label("Reasons for the outcome").input_value() == "Thoughts of self-harm; safety plan agreed."
    expect(page.locator("input[name='phq9-9'][value='2']")).to_be_checked()
    check_page(page, "case-raised-risk-errors")
    page.get_by_label("Where the raised risk was escalated to").select_option("crisis-team")
    page.get_by_role("button", name="Complete and sign off assessment").click()
    assert "Assessment completed" in page.locator(".portal-banner--success").inner_text()
    assert "escalated to Crisis team" in page.locator("#risk-history").inner_text()
    # Colleagues read who escalated by name: the clinician signed in, not their sign-in subject.
    signed_in_as = page.locator("a[href$='/account']").first.inner_text().replace("(your account)", "").strip()
    assert signed_in_as and signed_in_as in page.locator("#risk-history").inner_text()

    # A later raised risk is escalated from the case.
    form = page.locator("#escalation-form")
    form.locator("input[name=escalation_level][value=high]").check()
    form.get_by_label("Where the risk was escalated to").select_option("emergency-services")
    form.get_by_role("button", name="Escalate risk").click()
    assert "the case is on the urgent path" in page.locator(".portal-banner--success").inner_text()
    assert (
        "Escalated between sittings: High risk; escalated to Emergency services"
        in page.locator("#risk-history").inner_text()
    )
    check_page(page, "case-risk-escalated")

    # Gone from the queue, the case is in "my cases" once taken, found by stage and by reference.
    page.get_by_role("button", name="Take this case").click()
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.locator("#caseload")).to_contain_text(reference)
    check_page(page, "caseload-my-cases")
    page.get_by_label("Stage").select_option("contacted")
    page.get_by_label("Reference (optional)").fill(reference.lower())
    page.get_by_role("button", name="Show cases").click()
    expect(page.locator("#caseload tbody tr")).to_have_count(1)

    # At phone width the same pages work and pass axe.
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="All open cases").click()
    expect(page.locator("#caseload")).to_contain_text(reference)
    check_page(page, "caseload-all-phone")
    page.locator("#caseload tbody tr", has_text=reference).get_by_role("link").click()
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("#escalation-form")).to_be_visible()
    check_page(page, "case-risk-phone")
