"""Whose address the self-referral limit counts: a forwarded address only from a proxy the API can
authenticate (by its address, or the portal by its service token); anyone else is counted by the
address its connection came from, whatever X-Forwarded-For it sends."""

from __future__ import annotations

import pytest
from flask import Blueprint, request

from hubs.runtime.app import create_app
from hubs.runtime.forwarding import SERVICE_TOKEN_HEADER, ForwardingTrust
from hubs.runtime.ratelimit import rate_limited
from hubs.runtime.settings import Settings

PORTAL_TOKEN = "portal-token-" + "k" * 40
NEXT_TOKEN = "next-portal-token-" + "n" * 40
INGRESS = "10.8.0.5"
PORTAL = "10.9.1.20"
ATTACKER = "203.0.113.9"


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "portal-service-token"
    path.write_text(f"{PORTAL_TOKEN}\n{NEXT_TOKEN}\n")
    return str(path)


def make_app(**extra: str):
    app, _ = create_app(
        Settings(service="t", extra={"HUBS_TEST_RATE_LIMIT": "2/hour;burst=2", **extra}),
        title="t",
        description="t",
        readiness_checks={},
    )
    bp = Blueprint("t", __name__)

    @bp.post("/v1/self-referrals")
    @rate_limited("self-referral", setting="HUBS_TEST_RATE_LIMIT")
    def self_refer():
        return {"client": request.remote_addr, "headers": sorted(request.headers.keys())}, 201

    app.register_blueprint(bp)
    return app.test_client()


def send(client, peer: str, forwarded: str | None = None, token: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    if token:
        headers[SERVICE_TOKEN_HEADER] = token
    return client.post("/v1/self-referrals", headers=headers, environ_base={"REMOTE_ADDR": peer})


@pytest.mark.parametrize("trusting", ["ingress", "portal", "both"])
def test_a_forged_forwarded_address_sent_straight_to_the_api_is_limited_by_the_real_address(trusting, token_file):
    extra = {
        "ingress": {"HUBS_TRUSTED_PROXIES": "10.8.0.0/16"},
        "portal": {"HUBS_PORTAL_SERVICE_TOKEN_FILE": token_file},
        "both": {"HUBS_TRUSTED_PROXIES": "10.8.0.0/16", "HUBS_PORTAL_SERVICE_TOKEN_FILE": token_file},
    }[trusting]
    client = make_app(**extra)
    # A new address in the header every time: each would be a fresh bucket if the header were believed.
    statuses = [send(client, ATTACKER, f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [201, 201, 429, 429, 429]
    assert send(client, ATTACKER, "198.51.100.77, 10.8.0.5").status_code == 429  # naming a proxy does not help


def test_the_portals_forwarded_address_is_honoured_when_it_shows_its_service_token(token_file):
    client = make_app(HUBS_PORTAL_SERVICE_TOKEN_FILE=token_file)
    first = [send(client, PORTAL, "192.0.2.1", PORTAL_TOKEN) for _ in range(3)]
    assert [r.status_code for r in first] == [201, 201, 429]
    assert first[0].get_json()["client"] == "192.0.2.1"
    # Another person behind the same portal has a budget of their own; so does the portal itself.
    assert send(client, PORTAL, "192.0.2.2", PORTAL_TOKEN).status_code == 201
    assert send(client, PORTAL).status_code == 201


def test_the_next_token_of_the_file_is_accepted_too_so_the_token_can_be_rotated(token_file):
    client = make_app(HUBS_PORTAL_SERVICE_TOKEN_FILE=token_file)
    assert send(client, PORTAL, "192.0.2.3", NEXT_TOKEN).get_json()["client"] == "192.0.2.3"


def test_a_wrong_service_token_leaves_the_forwarded_address_ignored(token_file):
    client = make_app(HUBS_PORTAL_SERVICE_TOKEN_FILE=token_file)
    for n, wrong in enumerate((PORTAL_TOKEN[:-1] + "x", PORTAL_TOKEN[:20], "é" * 40)):
        assert send(client, f"203.0.113.{n}", "192.0.2.9", wrong).get_json()["client"] == f"203.0.113.{n}"


def test_the_service_token_and_the_forwarded_address_never_reach_the_app(token_file):
    client = make_app(HUBS_PORTAL_SERVICE_TOKEN_FILE=token_file)
    headers = send(client, PORTAL, "192.0.2.4", PORTAL_TOKEN).get_json()["headers"]
    assert SERVICE_TOKEN_HEADER not in headers and "X-Forwarded-For" not in headers


def test_behind_trusted_proxies_the_client_is_the_right_most_address_that_is_no_proxy():
    client = make_app(HUBS_TRUSTED_PROXIES="10.8.0.0/16, 2001:db8::/32")
    # The client wrote its own first entry; the ingress appended the address it really came from.
    assert send(client, INGRESS, "198.51.100.1, 192.0.2.10").get_json()["client"] == "192.0.2.10"
    assert send(client, INGRESS, "192.0.2.11, 10.8.3.3").get_json()["client"] == "192.0.2.11"
    assert send(client, "2001:db8::7", "2001:0db8:0:0::1").get_json()["client"] == "2001:db8::1"
    assert send(client, INGRESS, "not-an-address").get_json()["client"] == INGRESS
    assert send(client, INGRESS).get_json()["client"] == INGRESS


def test_without_trusted_proxies_or_a_token_every_forwarded_address_is_ignored():
    client = make_app()
    assert send(client, INGRESS, "192.0.2.12").get_json()["client"] == INGRESS


def test_the_hop_count_that_believed_anyone_stops_the_api_starting():
    with pytest.raises(ValueError, match="HUBS_TRUSTED_PROXIES"):
        make_app(HUBS_TRUSTED_PROXY_HOPS="1")
    make_app(HUBS_TRUSTED_PROXY_HOPS="0")  # the old default, harmless


@pytest.mark.parametrize("text", ["10.0.0.0/33", "ingress", "10.0.0.0/8;10.1.0.0/16"])
def test_a_trusted_proxy_that_is_no_address_stops_the_api_starting(text):
    with pytest.raises(ValueError, match="HUBS_TRUSTED_PROXIES"):
        ForwardingTrust.from_settings({"HUBS_TRUSTED_PROXIES": text})


@pytest.mark.parametrize("content", [None, "", "\n\n", "short-token\n", "a token with spaces in it, long enough\n"])
def test_a_service_token_file_that_proves_nothing_stops_the_api_starting(tmp_path, content):
    path = tmp_path / "token"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match="service token"):
        ForwardingTrust.from_settings({"HUBS_PORTAL_SERVICE_TOKEN_FILE": str(path)})


def test_the_api_does_not_serve_metrics_on_its_own_listener():
    client = make_app()
    assert client.get("/metrics").status_code == 404
