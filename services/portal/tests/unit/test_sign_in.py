"""Signing in: the identity provider with PKCE, the dev sign-in only when configured, and
sessions that keep the person's token out of the browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from hubs.portal.adapters.oidc import identity_provider, person_from_claims
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings


def test_the_dev_sign_in_is_refused_unless_configured(make_portal):
    client = make_portal(dev_sign_in=False)
    assert "Development sign-in" not in client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in/dev", data={"role": "clinician"}).status_code == 404


def test_the_persons_token_never_reaches_the_browser(client):
    response = client.post("/sign-in/dev", data={"role": "clinician"})
    cookie = response.headers["Set-Cookie"]
    app = client.application
    stored = app.session_interface.get_signing_serializer(app).loads(cookie.split(";")[0].split("=", 1)[1])
    token = app.extensions["portal_sessions"].get(stored["sid"]).access_token
    assert set(stored) <= {"sid", "_permanent", "csrf_token"}
    assert token not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_staff_pages_send_people_who_are_not_signed_in_to_sign_in(client):
    for path in ("/queue", "/lead/", "/national/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_role_sees_only_its_own_workspace(signed_in):
    client = signed_in("clinician")
    assert client.get("/queue").status_code == 200
    assert client.get("/national/").status_code == 403
    assert client.get("/lead/access-audit").status_code == 403


def test_sign_in_returns_only_to_pages_of_this_site(client):
    client.get("/sign-in?next=//evil.example/steal")
    response = client.post("/sign-in/dev", data={"role": "hub-lead"})
    assert response.headers["Location"] == "/lead/"


# `next` as it appears in the sign-in link's query string.
HOSTILE_NEXT = {
    "tab between the slashes": "%2F%09%2Fevil.example%2F",
    "tab, unencoded": "/\t/evil.example/",
    "newline (header injection)": "/queue%0D%0ASet-Cookie:%20sid=forged",
    "line feed alone": "/%0Aevil.example",
    "carriage return alone": "/queue%0D",
    "NUL": "/queue%00",
    "space inside": "/queue%20/evil",
    "leading space": "%20//evil.example",
    "slash backslash": "%2F%5Cevil.example",
    "slash backslash, unencoded": "/\\evil.example",
    "two backslashes": "%5C%5Cevil.example",
    "backslash later on": "/queue%5C..%5C%5Cevil.example",
    "two slashes": "//evil.example/steal",
    "two slashes, encoded": "%2F%2Fevil.example",
    "three slashes": "///evil.example",
    "slash, then an encoded slash": "/%252Fevil.example",
    "slash, then an encoded tab": "/%2509/evil.example",
    "slash, then an encoded backslash": "/%255Cevil.example",
    "twice encoded slashes": "%252F%252Fevil.example",
    "javascript: URL": "javascript:alert(document.cookie)",
    "javascript: URL, encoded": "javascript%3Aalert(1)",
    "javascript: URL with a tab": "java%09script:alert(1)",
    "data: URL": "data:text/html,hello",
    "absolute URL": "https://evil.example/",
    "absolute URL, encoded": "https%3A%2F%2Fevil.example%2F",
    "scheme without slashes": "https:evil.example",
    "scheme-relative with backslashes": "%5C%5Cevil.example%5Csteal",
    "relative path": "queue",
    "empty": "",
}


@pytest.mark.parametrize("hostile", HOSTILE_NEXT.values(), ids=HOSTILE_NEXT.keys())
def test_sign_in_ignores_a_next_that_is_not_a_path_of_this_site(client, hostile):
    assert client.get(f"/sign-in?next={hostile}").status_code == 200
    response = client.post("/sign-in/dev", data={"role": "hub-lead"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/lead/"


@pytest.mark.parametrize(
    ("sent", "returns_to"),
    [
        ("/queue", "/queue"),
        (
            "%2Flead%2Fdataset%3Fperiod_type%3Dmonth%26period%3D2025-01",
            "/lead/dataset?period_type=month&period=2025-01",
        ),
        ("/national/trend%3Ffrom%3D2025-01%26to%3D2025-06", "/national/trend?from=2025-01&to=2025-06"),
        ("/lead/access-audit", "/lead/access-audit"),
    ],
)
def test_after_signing_in_a_person_returns_to_the_page_they_asked_for(client, sent, returns_to):
    client.get(f"/sign-in?next={sent}")
    response = client.post("/sign-in/dev", data={"role": "hub-lead"})
    assert response.headers["Location"] == returns_to


def test_a_page_that_needs_signing_in_is_shown_after_signing_in(client):
    sign_in_link = client.get("/lead/access-audit").headers["Location"]
    client.get(sign_in_link)
    assert client.post("/sign-in/dev", data={"role": "hub-lead"}).headers["Location"] == "/lead/access-audit"


def _from(client, path: str, remote: str, host: str, **headers: str):
    overrides = {"REMOTE_ADDR": remote, "HTTP_HOST": host}
    if path == "/sign-in":
        return client.get(path, environ_overrides=overrides, headers=headers)
    return client.post(path, data={"role": "clinician"}, environ_overrides=overrides, headers=headers)


ELSEWHERE = {
    "another computer": ("203.0.113.7", "127.0.0.1:8000", {}),
    "another computer claiming to be this one": (
        "203.0.113.7",
        "127.0.0.1:8000",
        {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "Forwarded": "for=127.0.0.1"},
    ),
    "another computer on a dual-stack socket": ("::ffff:203.0.113.7", "localhost:8000", {}),
    "the local network": ("10.0.0.5", "localhost", {}),
    "a web page's name pointed at this computer": ("127.0.0.1", "portal.evil.example:8000", {}),
    "a forwarded host": ("127.0.0.1", "evil.example", {"X-Forwarded-Host": "127.0.0.1:8000"}),
    "every address of this computer": ("127.0.0.1", "0.0.0.0:8000", {}),
    "a host with user info": ("127.0.0.1", "127.0.0.1@evil.example", {}),
    "no host": ("127.0.0.1", "", {}),
}


@pytest.mark.parametrize(("remote", "host", "headers"), ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_the_dev_sign_in_does_not_exist_away_from_this_computer(client, remote, host, headers):
    page = _from(client, "/sign-in", remote, host, **headers).get_data(as_text=True)
    assert "Development sign-in" not in page
    assert _from(client, "/sign-in/dev", remote, host, **headers).status_code == 404
    assert client.get("/queue").status_code == 302


@pytest.mark.parametrize(
    ("remote", "host"),
    [("127.0.0.1", "127.0.0.1:8000"), ("::1", "[::1]:8000"), ("127.0.0.1", "localhost:8000"),
     ("::ffff:127.0.0.1", "127.0.0.1:8000")],
)  # fmt: skip
def test_the_dev_sign_in_works_on_this_computer(client, remote, host):
    assert "Development sign-in" in _from(client, "/sign-in", remote, host).get_data(as_text=True)
    assert _from(client, "/sign-in/dev", remote, host).status_code == 302


def test_the_sign_in_page_says_the_dev_sign_in_is_not_a_real_sign_in(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Development sign-in: for local runs only" in page
    assert "This is not a real sign-in" in page
    assert "Sign in with the development sign-in" in page


@pytest.mark.parametrize("dev_issuer", ["", "false"])
def test_the_dev_sign_in_is_off_unless_the_services_trust_the_dev_issuer(monkeypatch, services, dev_issuer):
    monkeypatch.setenv("HUBS_PORTAL_DEV_SIGN_IN", "true")
    monkeypatch.setenv("HUBS_PORTAL_SECRET_KEY", "unit-tests-only")
    monkeypatch.setenv("HUBS_AUTH_DEV_ISSUER", dev_issuer)
    client = create_app(PortalSettings.from_env(), services).test_client()
    client.application.config["WTF_CSRF_ENABLED"] = False
    assert "Development sign-in" not in client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in/dev", data={"role": "clinician"}).status_code == 404


def test_the_dev_sign_in_is_on_with_the_dev_issuer(monkeypatch, services):
    monkeypatch.setenv("HUBS_PORTAL_DEV_SIGN_IN", "true")
    monkeypatch.setenv("HUBS_AUTH_DEV_ISSUER", "true")
    client = create_app(PortalSettings.from_env(), services).test_client()
    client.application.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/sign-in/dev", data={"role": "clinician"}).status_code == 302


def test_sign_out_ends_the_session(signed_in):
    client = signed_in("clinician")
    client.post("/sign-out")
    assert client.get("/queue").status_code == 302


def _with_identity_provider(make_portal):
    client = make_portal(oidc_metadata_url="https://idp.example/.well-known/openid-configuration",
                         oidc_client_id="portal")  # fmt: skip
    provider = identity_provider(client.application)
    metadata = {
        "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize",
        "token_endpoint": "https://idp.example/token",
        "jwks_uri": "https://idp.example/jwks",
    }
    provider.server_metadata = metadata
    provider.load_server_metadata = lambda: metadata
    return client


def test_sign_in_with_the_identity_provider_uses_authorization_code_with_pkce(make_portal):
    client = _with_identity_provider(make_portal)
    response = client.get("/sign-in/identity-provider")
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["client_id"] == ["portal"]


def test_a_refused_or_forged_sign_in_answer_starts_no_session(make_portal):
    client = _with_identity_provider(make_portal)
    client.get("/sign-in/identity-provider")
    response = client.get("/sign-in/callback?error=access_denied&state=not-ours")
    assert response.status_code == 400
    assert "Sign-in did not complete" in response.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_a_person_is_read_from_the_id_token_claims():
    who = person_from_claims({"sub": "u-1", "hub_id": "north", "roles": "clinician hub-lead", "name": "Ali"}, "demo")
    assert (who.subject, who.hub_id, who.display_name) == ("u-1", "north", "Ali")
    assert who.has("hub-lead")
    assert person_from_claims({"sub": "u-2"}, "demo").hub_id == "demo"
