"""A safe first night, in Chromium at desktop and phone widths: a nurse refers herself with urgent
help in view, her form expires and keeps every answer, and the confirmation says when the hub will
call; a ward manager refers a colleague without an account. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet

from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import serve_in_thread

pytestmark = pytest.mark.integration

TOKEN = "portal-service-token-for-browser-" + "b" * 24
WIDTHS = {"desktop": {"width": 1100, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def front_door(run_service, hub_id, tmp_path):
    """The referral API (which knows the portal's service token) and the portal in front of it."""
    token_file = tmp_path / "portal-service-token"
    token_file.write_text(TOKEN + "\n")
    referral = run_service(
        REFERRAL,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_PORTAL_SERVICE_TOKEN_FILE": str(token_file),
        },
    )
    with serve_in_thread(referral.app) as referral_url:
        absent = dict.fromkeys(("assessment", "care", "outreach", "reporting", "national"), "http://127.0.0.1:9")
        settings = PortalSettings(
            hub_id=hub_id,
            hub_name="Test",
            secret_key="browser-tests-only-" + hub_id,
            service_urls={**absent, "referral": referral_url},
            dev_sign_in=True,
            secure_cookies=False,
            service_token=TOKEN,
        )
        with serve_in_thread(create_app(settings)) as portal:
            yield portal


@pytest.fixture(params=sorted(WIDTHS))
def sized_page(request, browser):
    context = browser.new_context(viewport=WIDTHS[request.param], locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page(), request.param
    finally:
        context.close()


def _urgent_help_is_there(page) -> None:
    help_now = page.locator("#crisis-help")
    help_now.get_by_role("heading", name="If you need help now").wait_for()
    assert help_now.get_by_role("heading", name="If you need help now").count() == 1
    assert help_now.get_by_role("link", name="Call 111").get_attribute("href") == "tel:111"
    assert "option 2" in help_now.inner_text()
    assert help_now.get_by_role("link", name="call 999").get_attribute("href") == "tel:999"
    assert help_now.get_by_role("link", name="Text SHOUT to 85258").get_attribute("href").startswith("sms:85258")


def test_a_nurse_refers_herself_with_urgent_help_in_view_and_is_told_when_the_hub_will_call(
    front_door, sized_page, steps
):
    page, width = sized_page
    page.goto(front_door)
    _urgent_help_is_there(page)
    steps.check_page(page, f"first-night-start-{width}")
    with page.expect_navigation():
        page.get_by_role("link", name="Refer yourself to the hub").click()
    _urgent_help_is_there(page)
    page.get_by_label("Your name", exact=True).fill("Nurse Example")
    page.get_by_label("Telephone number", exact=True).fill("07700 900 982")
    page.locator("#voicemail_ok-2").check()  # no voicemail
    page.locator("#text_ok").check()  # a text is all right
    page.get_by_label("Who do you work for? (optional)").fill("Test Trust")
    page.locator("#thoughts_of_self_harm-2").check()
    page.locator("#risk_to_others-2").check()
    page.get_by_label("I agree that a clinician from the hub may contact me about this referral").check()
    steps.check_page(page, f"first-night-self-referral-{width}")
    # The form was left open too long: its token is no longer good.
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'expired'")
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    assert "nothing was sent" in page.locator("main").inner_text()
    assert page.get_by_label("Your name", exact=True).input_value() == "Nurse Example"
    assert page.get_by_label("Telephone number", exact=True).input_value() == "07700 900 982"
    assert page.locator("#voicemail_ok-2").is_checked() and page.locator("#text_ok").is_checked()
    assert page.locator("#thoughts_of_self_harm-2").is_checked()
    steps.check_page(page, f"first-night-self-referral-expired-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    page.wait_for_url(re.compile(r"/self-referral/confirmation$"))
    assert page.get_by_role("heading", name="Referral received").count() == 1
    contact = page.locator("#contact-by").inner_text()
    assert re.search(r"by (\d{1,2}(:\d\d)?(am|pm)|midday) on \w+day \d{1,2} \w+|by the end of \w+day", contact)
    _urgent_help_is_there(page)
    steps.check_page(page, f"first-night-confirmation-{width}")


def test_a_ward_manager_refers_a_colleague_without_an_account(front_door, sized_page, steps):
    page, width = sized_page
    page.goto(front_door)
    with page.expect_navigation():
        page.get_by_role("link", name="refer a colleague to the hub").click()
    _urgent_help_is_there(page)
    page.get_by_label("Their line manager").check()
    page.get_by_label("Your name", exact=True).fill("Ward Manager")
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter your work email address" in summary.inner_text()
    steps.check_page(page, f"first-night-colleague-errors-{width}")
    page.get_by_label("Your work email address").fill("ward.manager@nhs.example")
    page.get_by_label("Their name", exact=True).fill("Colleague Example")
    page.get_by_label("Their telephone number", exact=True).fill("07700 900 123")
    page.locator("#thoughts_of_self_harm-2").check()
    page.locator("#risk_to_others-2").check()
    page.get_by_label(re.compile("^I confirm that the person has agreed")).check()
    page.get_by_label("They told me, in person or by telephone").check()
    page.locator("#consent_date").fill("1")
    page.locator("input[name=consent-month]").fill("12")
    page.locator("input[name=consent-year]").fill("2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    page.wait_for_url(re.compile(r"/refer-a-colleague/confirmation$"))
    assert re.fullmatch(r"[0-9A-F]{8}", page.locator("#reference").inner_text())
    assert page.locator("#contact-by").inner_text().startswith("by ")
    steps.check_page(page, f"first-night-colleague-confirmation-{width}")
