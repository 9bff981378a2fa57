"""The portal in front of the real referral API over HTTP: the API counts self-referrals per person
the portal names, because the portal shows its service token; a request sent straight to the API
with an X-Forwarded-For of its own choosing is counted by the address it really came from."""

from __future__ import annotations

import http.client
import json

import pytest
from cryptography.fernet import Fernet

from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import serve_in_thread

pytestmark = pytest.mark.integration

TOKEN = "portal-service-token-for-tests-" + "t" * 24
FORM = {"name": "Sam Example", "phone": "07700 900 982", "thoughts_of_self_harm": "no", "risk_to_others": "no",
        "consent": "yes", "staff_group": "nursing-and-midwifery"}  # fmt: skip
API_BODY = {
    "name": "Sam Example",
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}


@pytest.fixture
def referral_api(run_service, tmp_path):
    token_file = tmp_path / "portal-service-token"
    token_file.write_text(TOKEN + "\n")
    referral = run_service(
        REFERRAL,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "2/hour;burst=2",
            "HUBS_PORTAL_SERVICE_TOKEN_FILE": str(token_file),
        },
    )
    with serve_in_thread(referral.app) as url:
        yield url


def portal(referral_url: str, hub_id: str, service_token: str):
    settings = PortalSettings(
        hub_id=hub_id,
        hub_name="Test",
        secret_key="forwarding-tests-" + hub_id,
        service_urls={**dict.fromkeys(("assessment", "care", "outreach", "reporting", "national"), "http://127.0.0.1:9"),
                      "referral": referral_url},
        timeout_seconds=10,
        secure_cookies=False,
        service_token=service_token,
    )  # fmt: skip
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


def refer_through_portal(client, person_address: str) -> int:
    return client.post("/self-referral", data=FORM, environ_base={"REMOTE_ADDR": person_address}).status_code


def refer_straight(referral_url: str, forwarded_for: str) -> int:
    host, _, port = referral_url.removeprefix("http://").partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for}
        conn.request("POST", "/v1/self-referrals", body=json.dumps(API_BODY), headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_referral_api_counts_each_person_the_portal_names(referral_api, hub_id):
    client = portal(referral_api, hub_id, TOKEN)
    assert [refer_through_portal(client, "192.0.2.1") for _ in range(3)] == [303, 303, 429]
    # Everyone reaches the API from the portal's one address, yet another person is not held back.
    assert refer_through_portal(client, "192.0.2.2") == 303


def test_without_the_service_token_the_portal_is_counted_as_one_client(referral_api, hub_id):
    client = portal(referral_api, hub_id, "")
    statuses = [refer_through_portal(client, f"192.0.2.{n}") for n in range(10, 13)]
    assert statuses == [303, 303, 429]


def test_a_forged_forwarded_address_sent_straight_to_the_api_is_limited_by_the_real_address(referral_api):
    statuses = [refer_straight(referral_api, f"198.51.100.{n}") for n in range(4)]
    assert statuses == [201, 201, 429, 429]
