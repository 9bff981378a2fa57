"""Signing in: the identity provider with PKCE, the dev sign-in only when configured, and
sessions that keep the person's token out of the browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from hubs.portal.adapters.oidc import identity_provider, person_from_claims


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
