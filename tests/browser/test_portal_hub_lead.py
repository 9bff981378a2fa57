"""A hub lead's month: uploads the employers' sickness absence returns (a bad line named, then
put right), enters a service user's feedback and an attendee's on a training session and an
outreach event, and reads the hub's last months as charts. At phone width no page of the journey,
the caseload and a case's risk included, scrolls sideways. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TODAY = date.today()
THIS_MONTH = TODAY.strftime("%Y-%m")
HEADER = b"employer,month,mental_health_days_lost\n"


def csv_file(lines: bytes) -> dict:
    return {"name": "returns.csv", "mimeType": "text/csv", "buffer": HEADER + lines}


def too_wide(page) -> list[str]:
    """The elements reaching past the window's right edge, to say what makes a page scroll sideways."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)
            .slice(0, 30)"""
    )


def sideways(page) -> int:
    """How far the page scrolls sideways (0: it does not)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def send(page, button: str) -> None:
    """Press a form's button and wait for the page that answers it."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def upload(page, lines: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(csv_file(lines))
    send(page, "Upload")


def test_a_hub_lead_uploads_returns_enters_feedback_and_reads_the_charts_at_any_width(hub, page, steps):
    portal = hub.portal
    check_page, eventually, sign_in = steps.check_page, steps.eventually, steps.sign_in

    # Someone refers themselves: a case for the caseload, a referral for the charts.
    page.goto(f"{portal}/self-referral")
    page.get_by_label("Your name", exact=True).fill("Jo Monthly")
    page.get_by_label("Telephone number", exact=True).fill("07700 900 505")
    page.locator("input[name=thoughts_of_self_harm][value=no]").check()
    page.locator("input[name=risk_to_others][value=no]").check()
    page.get_by_label("I agree that a clinician from the hub may contact me about this referral").check()
    page.get_by_role("button", name="Send referral").click()
    reference = page.locator("#reference").inner_text().strip()

    sign_in(page, portal, "Hub lead")
    visited: list[tuple[str, str]] = []

    def seen(name: str) -> None:
        check_page(page, name)
        visited.append((page.url, name))

    # An upload with one bad line: the good line is imported and the bad one named, with why.
    page.goto(f"{portal}/lead/")
    page.get_by_role("link", name="Sickness absence").click()
    seen("hub-lead-sickness-absence")
    upload(page, f"North Trust,{THIS_MONTH},12.5\nSouth Trust,2099-01,3\n".encode())
    assert "1 line imported" in page.locator("#imported").inner_text()
    assert page.locator("#rejected-lines li").all_inner_texts() == ["Line 3: Month must not be in the future"]
    check_page(page, "hub-lead-sickness-absence-rejected-line")
    # The line put right goes in on its own.
    upload(page, f"South Trust,{THIS_MONTH},3\n".encode())
    assert "1 line imported" in page.locator("#imported").inner_text()
    assert page.locator("#rejected-lines").count() == 0
    assert "15.5" in page.locator("#imported-months").inner_text()  # the month's two employers together

    # A service user's feedback: the service's refusal lands beside the day, and nothing typed is lost.
    page.goto(f"{portal}/lead/service-user-feedback")
    send(page, "Enter a service user's feedback")
    assert "Enter an answer for 'Given on'" in page.locator(".nhsuk-error-summary").inner_text()
    page.get_by_label("Given on").fill((TODAY + timedelta(days=400)).isoformat())
    page.get_by_label("When it was given").select_option("at-closure")
    page.get_by_label("Overall experience of the hub").select_option("very-good")
    page.locator("input[name=felt_listened_to][value='5']").check()
    page.get_by_label("Comment (optional)").fill("Quick to call back.")
    send(page, "Enter a service user's feedback")
    assert page.locator("#given_on-error").is_visible()
    assert page.get_by_label("Comment (optional)").input_value() == "Quick to call back."
    assert page.locator("input[name=felt_listened_to][value='5']").is_checked()
    seen("hub-lead-service-user-feedback-refused")
    page.get_by_label("Given on").fill(TODAY.isoformat())
    send(page, "Enter a service user's feedback")
    assert "done" in page.locator(".portal-banner--success").inner_text()
    row = page.locator("#service-user-feedback tbody tr").first.inner_text()
    assert "At closure" in row and "Very good" in row

    # A training session, then an attendee's feedback on it: confidence needs both ratings.
    page.goto(f"{portal}/lead/training")
    page.get_by_label("Delivered on").fill(TODAY.isoformat())
    page.get_by_label("Audience").select_option("line-managers")
    page.get_by_label("Topic").select_option("suicide-prevention")
    page.get_by_label("How many came").fill("14")
    page.get_by_label("Length, in minutes").fill("90")
    page.get_by_label("How it was delivered").select_option("online")
    send(page, "Record a training session")
    page.get_by_role("link", name=re.compile(r"^Enter feedback")).first.click()
    page.get_by_label("Given on").fill(TODAY.isoformat())
    page.locator("input[name=useful][value='5']").check()
    page.locator("input[name=confidence_before][value='2']").check()
    send(page, "Enter feedback")
    assert "both before and after" in page.locator("#confidence_after-error").inner_text()
    assert page.locator("input[name=confidence_before][value='2']").is_checked()
    seen("hub-lead-training-feedback-refused")
    page.locator("input[name=confidence_after][value='4']").check()
    send(page, "Enter feedback")
    assert "Feedback entered" in page.locator(".portal-banner--success").inner_text()
    assert page.locator("#feedback-so-far").inner_text().startswith("1 response")
    seen("hub-lead-training-feedback")

    # An outreach event held, and an attendee's feedback on it.
    page.goto(f"{portal}/lead/outreach-events")
    page.get_by_label("Kind of event").select_option("outreach")
    page.get_by_label("Held on (or planned for)").fill(TODAY.isoformat())
    page.get_by_label("How many came").fill("20")
    send(page, "Record or plan an outreach event")
    seen("hub-lead-outreach-events")
    page.get_by_role("link", name=re.compile(r"^Enter feedback")).first.click()
    page.get_by_label("Given on").fill(TODAY.isoformat())
    page.locator("input[name=useful][value='4']").check()
    send(page, "Enter feedback")
    assert page.locator("#feedback-so-far").inner_text().startswith("1 response")

    # The data set's charts: the self-referral counted in this month, each chart with its table.
    def referrals_this_month() -> str:
        page.goto(f"{portal}/lead/dataset")
        return page.locator("#chart-referrals-table tbody tr").last.inner_text()

    eventually(lambda: re.search(r"\t1\t0$", referrals_this_month()), timeout=45)
    for slug, title in (("referrals", "Referrals received"), ("first-contact", "Wait for first contact"),
                        ("outcomes", "Outcomes of assessments")):  # fmt: skip
        chart = page.locator(f"#chart-{slug} svg[role=img]")
        assert chart.locator("title").text_content().startswith(title)
        assert chart.locator("desc").text_content().strip()
        assert page.locator(f"#chart-{slug}-table tbody tr").count() == 6
    assert page.locator("#chart-referrals svg rect[stroke]").count() >= 1  # the month's bar
    seen("hub-lead-dataset-charts")

    # The caseload and the case's risk, as the hub lead opens them.
    page.goto(f"{portal}/caseload?view=all")
    seen("hub-lead-caseload")
    page.locator("#caseload tbody tr", has_text=reference).get_by_role("link").click()
    page.get_by_role("button", name="Open the case").click()
    steps.reload_until(page, "#risk-history")
    seen("hub-lead-case-risk")

    # The menu's last item keeps clear of the signed-in name, however the header wraps.
    for width in (1100, 768, 600, 390):
        page.set_viewport_size({"width": width, "height": 844})
        menu = page.locator(".portal-nav__list li").last.bounding_box()
        name = page.locator(".portal-nav__account a").bounding_box()
        same_row = menu["y"] < name["y"] + name["height"] and name["y"] < menu["y"] + menu["height"]
        assert not same_row or menu["x"] + menu["width"] + 16 <= name["x"], f"menu runs into the name at {width} px"

    # At phone width no page of the journey scrolls sideways.
    page.set_viewport_size(PHONE)
    for url, name in visited:
        page.goto(url)
        assert sideways(page) <= 0, (
            f"{name} scrolls sideways at {PHONE['width']} px by {sideways(page)} px: {too_wide(page)}"
        )
        check_page(page, f"{name}-phone")
    # Nor does an upload refused whole, its lines listed.
    page.goto(f"{portal}/lead/sickness-absence")
    upload(page, f"West Trust,{THIS_MONTH},-2\nEast Trust,{THIS_MONTH},\n".encode())
    summary = page.locator(".nhsuk-error-summary")
    assert "No line of the file could be imported" in summary.inner_text()
    assert page.locator("#rejected-lines li").all_inner_texts() == [
        "Line 2: Mental health days lost must be zero or more",
        "Line 3: Mental health days lost must be a number of days, e.g. 12.5",
    ]
    assert sideways(page) <= 0
    check_page(page, "hub-lead-sickness-absence-refused-phone")
