"""A closed case gives the person a one-use feedback link, which they answer signed out and which
then refuses; an assessment's answers survive the clinician's sign-in expiring; the colleague form
asks about voicemail and text. At 390 px nothing scrolls sideways; every page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import serve_in_thread

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
REASONS = "Low mood since the ward closed; typed before the sign-in expired."


@pytest.fixture
def portal_app(run_service, hub_id: str) -> Iterator[tuple[str, object]]:
    """Referral, assessment and care co-ordination behind the portal, with the portal's app at hand
    (to end a clinician's session as its expiry would)."""
    services = {
        "referral": run_service(
            REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
        ).start_relay(),
        "assessment": run_service(ASSESSMENT).start_worker().start_relay(),
        "care": run_service(CARE).start_worker(),
    }
    with ExitStack() as servers:
        served = {name: servers.enter_context(serve_in_thread(s.app)) for name, s in services.items()}
        absent = dict.fromkeys(("outreach", "reporting", "national"), "http://127.0.0.1:9")
        settings = PortalSettings(
            hub_id=hub_id,
            hub_name="Test",
            secret_key="browser-tests-only-" + hub_id,
            service_urls={**absent, **served},
            dev_sign_in=True,
            secure_cookies=False,
        )
        app = create_app(settings)
        yield servers.enter_context(serve_in_thread(app)), app


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways at 390 px ({width} px wide)"


def expire_sign_in(page, app) -> None:
    """End the portal's session, as its expiry does; the browser keeps its (now stale) cookie."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "hubs_portal"]
    sid = app.session_interface.get_signing_serializer(app).loads(cookie["value"])["sid"]
    app.extensions["portal_sessions"].end(sid)


def test_a_closed_case_gives_a_link_answered_once_and_answers_survive_an_expired_sign_in(
    portal_app, page, browser, steps
):
    portal, app = portal_app
    check_page = steps.check_page

    # The colleague form asks whether a voicemail or a text is all right, and fits a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{portal}/refer-a-colleague")
    expect(page.get_by_role("group", name="Can the hub leave them a voicemail? (optional)")).to_be_visible()
    expect(page.get_by_role("group", name="Can the hub send them a text message? (optional)")).to_be_visible()
    no_sideways_scroll(page)
    check_page(page, "refer-a-colleague-voicemail-text-phone")
    steps.photograph(
        page,
        "refer-a-colleague-voicemail-text",
        page.get_by_text("The person you are referring"),
        through=page.get_by_role("group", name="Can the hub send them a text message? (optional)"),
    )
    page.set_viewport_size({"width": 1100, "height": 900})

    reference = steps.self_refer(page, portal, "Fi Feedback", "07700 900 515")
    steps.reach_from_queue(page, portal, reference)
    steps.reload_until(page, "#assessment-form")

    # Answers typed, then the sign-in expires before "Complete": nothing is lost.
    for item in range(1, 10):
        page.locator(f"input[name='phq9-{item}'][value='{0 if item == 9 else 1}']").check()
    page.get_by_label("Reasons for the outcome").fill(REASONS)
    expire_sign_in(page, app)
    page.get_by_role("button", name="Complete and sign off assessment").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Clinician", exact=True).check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Reasons for the outcome")).to_have_value(REASONS)
    expect(page.locator("input[name='phq9-1'][value='1']")).to_be_checked()
    assert "nothing was saved" in page.content()
    check_page(page, "case-assessment-draft-restored")
    steps.photograph(
        page,
        "case-assessment-restored",
        page.locator("#assessment"),
        through=page.locator("#assessment-form details").first,
    )

    # Closing the case gives the link once, to send.
    page.get_by_label("Reason for closing").select_option("care-completed")
    page.get_by_role("button", name="Close case").click()
    page.get_by_role("button", name="Yes, close the case").click()
    expect(page.get_by_text("This link cannot be shown again")).to_be_visible()
    link = page.locator("#feedback-link").input_value()
    assert link.startswith(f"{portal}/feedback/")
    check_page(page, "case-closed-feedback-link")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)

    # The person, signed out on their phone, answers once; the link then refuses, kindly.
    person = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    try:
        person.goto(link)
        expect(person.get_by_role("heading", name="Tell us how the hub did for you")).to_be_visible()
        expect(person.locator("#crisis-help")).to_contain_text("If you need help now")
        no_sideways_scroll(person)
        check_page(person, "feedback-link-phone")
        steps.photograph(person, "feedback-link-phone-window")
        person.get_by_label("Good", exact=True).check()
        person.locator("input[name=helped][value='4']").check()
        person.get_by_role("button", name="Send feedback").click()
        expect(person.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
        no_sideways_scroll(person)
        check_page(person, "feedback-link-thanks-phone")
        person.goto(link)
        person.get_by_label("Very good", exact=True).check()
        person.get_by_role("button", name="Send feedback").click()
        expect(person.get_by_role("heading", name="This link cannot be used")).to_be_visible()
        no_sideways_scroll(person)
        check_page(person, "feedback-link-cannot-be-used-phone")
    finally:
        person.context.close()
