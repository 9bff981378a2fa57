"""Browser tests of the portal: headless Chromium (Debian's package) driven by Playwright,
against the portal and the hub's services served over HTTP on real Kafka and PostgreSQL.

Every page a test visits is checked with axe-core (no serious or critical violations) and
photographed into the screenshot folder (HUBS_BROWSER_SCREENSHOTS, default var/screenshots)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Error as PlaywrightError

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.testing import ReportKeys, report_keys
from hubs.runtime.testing import RunningService, eventually, serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("HUBS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "services/portal/node_modules/axe-core/axe.min.js"
SCREENSHOTS = Path(os.environ.get("HUBS_BROWSER_SCREENSHOTS") or ROOT / "var/screenshots")
PHOTO_MARGIN = 16  # px around a part of a page photographed for the docs


@dataclass
class Hub:
    """A test hub behind the portal: the portal's URL and its hub id."""

    portal: str
    hub_id: str


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's chromium; the tests fail (never skip) without it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash infra/tools/install-browser.sh` (Debian chromium).")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `bash services/portal/build-assets.sh` (npm ci of the portal's assets).")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable: Path):
    """One headless Chromium for the test run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_executable), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@contextmanager
def _portal_in_front_of(hub_id: str, services: dict[str, RunningService]) -> Iterator[Hub]:
    """`services` over HTTP, by the name the portal calls them, and the portal in front of them.
    A service not given is not answering: nothing listens at its address."""
    with ExitStack() as servers:
        served = {name: servers.enter_context(serve_in_thread(service.app)) for name, service in services.items()}
        absent = dict.fromkeys(
            ("referral", "assessment", "care", "outreach", "reporting", "national"), "http://127.0.0.1:9"
        )
        settings = PortalSettings(
            hub_id=hub_id,
            hub_name="Test",
            secret_key="browser-tests-only-" + hub_id,
            service_urls={**absent, **served},
            dev_sign_in=True,
            secure_cookies=False,
        )
        portal = servers.enter_context(serve_in_thread(create_app(settings)))
        yield Hub(portal, hub_id)


@pytest.fixture
def hub(run_service, hub_id: str) -> Iterator[Hub]:
    """The hub's services (workers and relays where the journey needs them) and the portal, over HTTP."""
    services = {
        "referral": run_service(
            REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
        ).start_relay(),
        "assessment": run_service(ASSESSMENT).start_worker().start_relay(),
        "care": run_service(CARE).start_worker(),
        "outreach": run_service(OUTREACH).start_relay(),
        "reporting": run_service(REPORTING).start_worker().start_relay(),
        "national": run_service(REPORTING, reporting_mode="national", schema_suffix="national_").start_worker(),
    }
    with _portal_in_front_of(hub_id, services) as running:
        yield running


@pytest.fixture
def small_hub(run_service, hub_id: str) -> Iterator[Hub]:
    """Only the referral and outreach services (APIs, no workers) behind the portal: what the
    referrer's and the hub team's pages call. The other services' pages say they are not answering."""
    services = {
        "referral": run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}),
        "outreach": run_service(OUTREACH),
    }
    with _portal_in_front_of(hub_id, services) as running:
        yield running


@pytest.fixture
def clinical_hub(run_service, hub_id: str) -> Iterator[Hub]:
    """The referral and assessment services (with the events between them) and care co-ordination's
    API behind the portal: what a clinician's case pages call."""
    services = {
        "referral": run_service(
            REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
        ).start_relay(),
        "assessment": run_service(ASSESSMENT).start_worker().start_relay(),
        "care": run_service(CARE).start_worker(),
    }
    with _portal_in_front_of(hub_id, services) as running:
        yield running


def check_page(page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page; its screenshot is kept.

    axe-core runs in the page, so the page's context must allow JavaScript (a context without it waits forever)."""
    page.evaluate(AXE.read_text())  # run through the DevTools protocol, so the page's CSP allows it
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert violations == [], f"accessibility violations on {name} ({page.url}): {violations}"


def photograph(page, name: str, locator=None, through=None) -> None:
    """Keeps the part of the page that matters (a case page is some 12,000 px long) in the screenshot
    folder: `locator`'s element (down to the bottom of `through`, if given) with a little margin, or
    else what the window shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name}.png")
    if locator is None:
        page.screenshot(path=path)
        return
    # Edges in the document's coordinates, which a full-page screenshot's clip is in.
    edges = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    first, last = locator.evaluate(edges), (through or locator).evaluate(edges)
    scroll_x, scroll_y = page.evaluate("[scrollX, scrollY]")
    width = page.evaluate("document.documentElement.scrollWidth")
    left = max(0, min(first[0], last[0]) + scroll_x - PHOTO_MARGIN)
    right = min(width, max(first[2], last[2]) + scroll_x + PHOTO_MARGIN)
    top = max(0, first[1] + scroll_y - PHOTO_MARGIN)
    bottom = last[3] + scroll_y + PHOTO_MARGIN
    page.screenshot(
        path=path, full_page=True, clip={"x": left, "y": top, "width": right - left, "height": bottom - top}
    )


def sign_in(page, portal: str, role_label: str) -> None:
    """Sign in with the development sign-in as a role ('Clinician', 'Hub lead', 'Referrer', 'National analyst')."""
    page.goto(f"{portal}/sign-in")
    page.get_by_label(role_label, exact=True).check()
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def reload_until(page, wanted, timeout: float = 45) -> None:
    """Reload until the page has `wanted` (a selector or a locator): what another service does
    arrives by event. A reload that meets the navigation of a form just sent ("not attached to an
    active page") is tried again, not taken as an answer."""
    found = page.locator(wanted) if isinstance(wanted, str) else wanted

    def has_it() -> int:
        try:
            page.reload()
        except PlaywrightError:
            return 0
        return found.count()

    eventually(has_it, timeout=timeout)


def self_refer(page, portal: str, name: str, phone: str, *, thoughts_of_self_harm: str = "no") -> str:
    """A person refers themself, with consent and nobody else at risk; gives the reference they are shown."""
    page.goto(f"{portal}/self-referral")
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Telephone number", exact=True).fill(phone)
    page.locator(f"input[name=thoughts_of_self_harm][value={thoughts_of_self_harm}]").check()
    page.locator("input[name=risk_to_others][value=no]").check()
    page.get_by_label("I agree that a clinician from the hub may contact me about this referral").check()
    page.get_by_role("button", name="Send referral").click()
    return page.locator("#reference").inner_text().strip()


def reach_from_queue(page, portal: str, reference: str, *, purpose: str | None = None) -> None:
    """A clinician signs in, opens the referral from the queue (for `purpose`, or the form's
    default) and records a contact attempt that reached the person."""
    sign_in(page, portal, "Clinician")
    page.locator("#queue").wait_for()
    page.locator("#queue tbody tr", has_text=reference).get_by_role("link").click()
    if purpose is not None:
        page.locator(f"input[name=purpose][value={purpose}]").check()
    page.get_by_role("button", name="Open the case").click()
    page.get_by_role("button", name="Record contact attempt").click()


class BrowserSteps:
    """The helpers a browser test uses, handed over as the `steps` fixture."""

    check_page = staticmethod(check_page)
    photograph = staticmethod(photograph)
    eventually = staticmethod(eventually)
    sign_in = staticmethod(sign_in)
    sign_out = staticmethod(sign_out)
    self_refer = staticmethod(self_refer)
    reload_until = staticmethod(reload_until)
    reach_from_queue = staticmethod(reach_from_queue)


@pytest.fixture
def steps() -> type[BrowserSteps]:
    """check_page, photograph, eventually, sign_in, sign_out, self_refer, reach_from_queue and reload_until."""
    return BrowserSteps


@pytest.fixture(autouse=True)
def signing(tmp_path_factory, hub_id, monkeypatch) -> ReportKeys:
    """The portal's hubs sign their reports, and the national service has them registered."""
    return report_keys(tmp_path_factory.mktemp("report-keys"), hub_id, monkeypatch)
