"""A clinician takes a case and finds it under "My cases"; the hub lead re-assigns it to a
colleague, with the reason; a search by the person's email finds it, posted so that the address is
in no URL. Each row says who holds the case, nothing scrolls sideways at 390 px, and every page
passes axe-core's serious and critical rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_case_is_taken_found_in_my_cases_re_assigned_and_found_by_email(small_hub, browser, page, steps):
    portal = small_hub.portal
    check_page, sign_in, sign_out = steps.check_page, steps.sign_in, steps.sign_out

    page.goto(f"{portal}/self-referral")
    page.get_by_label("Your name", exact=True).fill("Robin Caseload")
    page.get_by_label("Email address (optional if you gave a telephone number)").fill("robin.caseload@example.org")
    page.locator("input[name=thoughts_of_self_harm][value=no]").check()
    page.locator("input[name=risk_to_others][value=no]").check()
    page.get_by_label("I agree that a clinician from the hub may contact me about this referral").check()
    page.get_by_role("button", name="Send referral").click()
    reference = page.locator("#reference").inner_text().strip()

    # The clinician takes the case from its page; it is then under "My cases", held by them.
    sign_in(page, portal, "Clinician")
    page.goto(f"{portal}/caseload?view=nobody")
    page.locator("#caseload tbody tr", has_text=reference).get_by_role("link").click()
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("#assignment")).to_contain_text("Nobody has taken this case yet")
    steps.photograph(page, "case-to-take", page.locator(".nhsuk-caption-l"), through=page.locator("#assignment"))
    page.get_by_role("button", name="Take this case").click()
    assert "You have taken this case" in page.locator(".portal-banner--success").inner_text()
    expect(page.locator("#assignment")).to_contain_text("Assigned to you")
    check_page(page, "case-taken")
    page.get_by_role("link", name="Caseload", exact=True).click()
    row = page.locator("#caseload tbody tr", has_text=reference)
    expect(row).to_contain_text("You")
    expect(page.locator('a[aria-current="page"]')).to_have_text("My cases")
    check_page(page, "caseload-my-cases-assigned")
    sign_out(page)

    # The hub lead re-assigns it to a colleague: the reason is asked for, the change confirmed.
    sign_in(page, portal, "Hub lead")
    page.goto(f"{portal}/caseload?view=all")
    row = page.locator("#caseload tbody tr", has_text=reference)
    expect(row).to_contain_text("Test clinician")
    row.get_by_role("link").click()
    page.get_by_role("button", name="Open the case").click()
    page.get_by_text("Re-assign to a colleague").click()
    form = page.locator("#reassign-form")
    form.get_by_label("Colleague's sign-in id").fill("clinician-kim")
    form.get_by_label("Their name").fill("Kim Colleague")
    form.get_by_role("button", name="Re-assign").click()
    assert "did not change" in page.locator(".portal-banner--error").inner_text()  # no reason given
    page.get_by_text("Re-assign to a colleague").click()
    form.get_by_label("Colleague's sign-in id").fill("clinician-kim")
    form.get_by_label("Their name").fill("Kim Colleague")
    form.get_by_label("Balancing caseloads").check()
    check_page(page, "case-reassign-form")
    steps.photograph(page, "case-to-reassign", page.locator(".nhsuk-caption-l"), through=page.locator("#assignment"))
    form.get_by_role("button", name="Re-assign").click()
    assert "now assigned to Kim Colleague" in page.locator(".portal-banner--success").inner_text()
    expect(page.locator("#assignment")).to_contain_text("Assigned to Kim Colleague")

    # A search by the person's email finds it; the address never goes into the page's URL.
    page.goto(f"{portal}/caseload")
    page.get_by_label("Find a person").fill("Robin.Caseload@example.org")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#caseload tbody tr", has_text=reference)
    expect(row).to_contain_text("Kim Colleague")
    assert "example.org" not in page.url and "robin" not in page.url.lower()
    check_page(page, "caseload-search-by-email")

    # At phone width the caseload, the search and the case page do not scroll sideways.
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    check_page(page, "caseload-search-phone")
    page.goto(f"{portal}/caseload?view=all&urgency=routine")
    expect(page.locator("#caseload")).to_contain_text(reference)
    assert no_sideways_scroll(page)
    page.locator("#caseload tbody tr", has_text=reference).get_by_role("link").click()
    page.get_by_role("button", name="Open the case").click()
    page.get_by_text("Re-assign to a colleague").click()
    assert no_sideways_scroll(page)
    check_page(page, "case-assignment-phone")
