"""The portal in front of the hub's real referral and outreach services, served over HTTP on a
real PostgreSQL (as the portal reaches them in a hub), with the development sign-in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from flask.testing import FlaskClient

from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import RunningService, serve_in_thread


@dataclass
class PortalHub:
    """The services behind the portal, and a way to open the portal as a browser would."""

    referral: RunningService
    outreach: RunningService
    portal: Callable[..., FlaskClient]


@pytest.fixture
def hub(run_service, hub_id: str) -> Iterator[PortalHub]:
    """Referral and outreach over HTTP; `hub.portal(role, csrf=False)` is a portal client signed in as `role`."""
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    outreach = run_service(OUTREACH)
    with serve_in_thread(referral.app) as referral_url, serve_in_thread(outreach.app) as outreach_url:
        # The other services are not needed by these pages: nothing listens there.
        urls = dict.fromkeys(("assessment", "care", "reporting", "national"), "http://127.0.0.1:9")
        settings = PortalSettings(
            hub_id=hub_id,
            hub_name="Test",
            secret_key="portal-integration-tests-" + hub_id,
            service_urls={**urls, "referral": referral_url, "outreach": outreach_url},
            timeout_seconds=10,
            dev_sign_in=True,
            secure_cookies=False,
        )

        def portal(role: str | None = None, csrf: bool = False) -> FlaskClient:
            app = create_app(settings)
            app.config["WTF_CSRF_ENABLED"] = csrf
            client = app.test_client()
            if role:
                token = form_token(client.get("/sign-in").get_data(as_text=True)) if csrf else ""
                assert client.post("/sign-in/dev", data={"role": role, "csrf_token": token}).status_code == 302
            return client

        yield PortalHub(referral, outreach, portal)


def form_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def summary_links(page: str) -> list[str]:
    """The fields the error summary links to, in order."""
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


class PageReading:
    """What the tests read off a page, handed over as the `read` fixture."""

    form_token = staticmethod(form_token)
    summary_links = staticmethod(summary_links)


@pytest.fixture
def read() -> type[PageReading]:
    """form_token and summary_links."""
    return PageReading
