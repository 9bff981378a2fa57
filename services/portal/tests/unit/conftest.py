"""The portal with a fake of its one port (the hub's services), for tests without a network."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from hubs.portal.adapters.services import Answer
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings


@dataclass
class FakeServices:
    """Answers by (service, method, path); anything else is an endpoint the service lacks."""

    answers: dict[tuple[str, str, str], Answer] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def call(self, service: str, method: str, path: str, **kwargs: Any) -> Answer:
        self.calls.append({"service": service, "method": method, "path": path, **kwargs})
        found = self.answers.get((service, method, path))
        if found is not None:
            return found
        return Answer(404, title="Not Found", detail=f"The {service} service does not offer this yet.")

    def calls_to(self, service: str, method: str, path: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if (c["service"], c["method"], c["path"]) == (service, method, path)]


def portal_settings(**overrides: Any) -> PortalSettings:
    base = {
        "hub_id": "unit-hub",
        "hub_name": "Unit",
        "secret_key": "unit-tests-only",
        "service_urls": {n: f"http://127.0.0.1:9/{n}" for n in ("referral", "assessment", "care", "outreach",
                                                                  "reporting", "national")},
        "dev_sign_in": True,
        "secure_cookies": False,
    }  # fmt: skip
    return PortalSettings(**{**base, **overrides})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def make_portal(services: FakeServices):
    """`make_portal(csrf=False, **settings)` gives a test client of the portal."""

    def make(csrf: bool = False, fake: Any = None, **overrides: Any):
        app = create_app(portal_settings(**overrides), fake or services)
        app.config["WTF_CSRF_ENABLED"] = csrf
        return app.test_client()

    return make


@pytest.fixture
def client(make_portal):
    return make_portal()


def sign_in(client, role: str) -> None:
    """Sign in with the development sign-in."""
    response = client.post("/sign-in/dev", data={"role": role})
    assert response.status_code == 302


@pytest.fixture
def signed_in(client):
    """`signed_in("clinician")`: the client, signed in with that role."""

    def as_role(role: str):
        sign_in(client, role)
        return client

    return as_role
