"""Sign-in with the hub's identity provider (OpenID Connect, Authorization Code with PKCE),
e.g. NHS CIS2: Authlib's Flask client, configured from the provider's metadata document."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from hubs.portal.domain.people import Person
from hubs.portal.settings import PortalSettings

PROVIDER = "hub"


def register_identity_provider(app: Flask, settings: PortalSettings) -> None:
    """Register the identity provider, when one is configured."""
    oauth = OAuth(app)
    app.extensions["portal_oauth"] = oauth
    if not settings.oidc_configured:
        return
    oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_metadata_url,
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            # A public client (no secret) authenticates with PKCE alone.
            "token_endpoint_auth_method": "client_secret_basic" if settings.oidc_client_secret else "none",
        },
    )


def identity_provider(app: Flask) -> Any:
    """The registered provider client (None when none is configured)."""
    return app.extensions["portal_oauth"].create_client(PROVIDER)


def person_from_claims(claims: dict[str, Any], default_hub: str) -> Person:
    """The person an ID token (already verified by Authlib) speaks for.

    The hub and roles come from the `hub_id` and `roles` claims the services also read; a
    provider that does not send `hub_id` is taken to be this hub's."""
    roles = claims.get("roles") or []
    if isinstance(roles, str):
        roles = roles.split()
    name = claims.get("name") or claims.get("given_name") or "Signed in"
    return Person(str(claims["sub"]), str(claims.get("hub_id") or default_hub), frozenset(map(str, roles)), str(name))
