"""A clinician writes a safeguarding note on a case: a blank note comes back with the kind chosen,
the note then shows in the case's notes with its kind, author and time, and the case's timeline
lists the referral, the contact and the note (by its kind, linking to it). At 390 px nothing scrolls
sideways. Every page passes axe-core's serious and critical rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NOTE = "Disclosed that a child at home is at risk. Safeguarding lead informed; MASH referral made today."


def overflowing(page) -> list[str]:
    """The elements reaching past the window's right edge (what makes a page scroll sideways)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(e => !e.closest('.portal-scroll'))
            .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
    )


def test_a_clinician_writes_a_safeguarding_note_and_sees_it_and_the_timeline(clinical_hub, page, steps):
    portal = clinical_hub.portal
    check_page = steps.check_page

    reference = steps.self_refer(page, portal, "Robin Note", "07700 900 404")
    steps.reach_from_queue(page, portal, reference, purpose="safeguarding")
    assert "First contact recorded" in page.locator(".portal-banner--success").inner_text()
    expect(page.locator("#case-notes")).to_have_count(0)
    assert "No notes yet." in page.locator("#note-form ~ p").first.inner_text()

    # A blank note is not sent: it comes back with the kind chosen and the question to answer.
    form = page.locator("#note-form")
    form.get_by_label("Safeguarding", exact=True).check()
    form.get_by_role("button", name="Add note").click()
    assert "Write the note" in page.locator(".nhsuk-error-summary").inner_text()
    expect(page.locator("#note-form").get_by_label("Safeguarding", exact=True)).to_be_checked()
    check_page(page, "case-note-errors")

    page.locator("#note-form").get_by_label("Note", exact=True).fill(NOTE)
    page.locator("#note-form").get_by_role("button", name="Add note").click()
    assert "Note added" in page.locator(".portal-banner--success").inner_text()
    [written] = page.locator("#case-notes > li").all()
    assert "Safeguarding" in written.locator("h3").inner_text()
    assert NOTE in written.inner_text()
    assert "Test clinician" in written.inner_text(), "the author, by the name the development sign-in gives"
    note_id = written.get_attribute("id")

    timeline = page.locator("#case-timeline")
    steps_said = timeline.inner_text()
    for step in ("Referral received", "Risk questions answered", "Contact attempt 1", "First contact made"):
        assert step in steps_said
    assert steps_said.index("Referral received") < steps_said.index("Note: safeguarding")
    assert "MASH" not in steps_said, "the timeline names the note by its kind only"
    expect(timeline.get_by_role("link", name="Note: safeguarding")).to_have_attribute("href", f"#{note_id}")
    check_page(page, "case-notes")
    steps.photograph(page, "case-notes-written", page.locator("#notes"), through=page.locator("#case-notes"))
    steps.photograph(page, "case-timeline-with-note", page.locator("#timeline"), through=timeline)

    # At phone width the notes and the timeline fit the screen.
    page.set_viewport_size(PHONE)
    page.reload()
    page.locator("#case-notes").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), overflowing(
        page
    )
    check_page(page, "case-notes-phone")
