"""Signing in and out: the hub's identity provider, or (local runs only) the dev sign-in."""

from __future__ import annotations

import logging

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from hubs.portal.adapters.oidc import identity_provider, person_from_claims
from hubs.portal.domain.people import ROLE_NAMES, Person
from hubs.portal.entrypoints.web import person, sessions, settings

log = logging.getLogger(__name__)
bp = Blueprint("signin", __name__)
DEV_ROLES = ("clinician", "hub-lead", "referrer", "national-analyst")


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: never an open redirect.
    return target if target and target.startswith("/") and not target.startswith("//") else None


def _begin(who: Person, access_token: str, lifetime: float) -> object:
    target = _safe_next(session.pop("next", None))
    session.clear()
    session["sid"] = sessions().start(who, access_token, lifetime)
    session.permanent = True
    return redirect(target or url_for(who.home))


@bp.get("/sign-in")
def start():
    """The sign-in page."""
    if nxt := _safe_next(request.args.get("next")):
        session["next"] = nxt
    return render_template(
        "sign_in.html",
        oidc=settings().oidc_configured,
        dev=settings().dev_sign_in,
        roles=[(r, ROLE_NAMES[r]) for r in DEV_ROLES],
        hub_id=settings().hub_id,
    )


@bp.get("/sign-in/identity-provider")
def identity():
    """Send the person to the identity provider (Authorization Code with PKCE)."""
    provider = identity_provider(current_app)
    if provider is None:
        abort(404)
    return provider.authorize_redirect(url_for("signin.callback", _external=True))


@bp.get("/sign-in/callback")
def callback():
    """The identity provider's answer: exchange the code, check the ID token, start a session."""
    provider = identity_provider(current_app)
    if provider is None:
        abort(404)
    try:
        token = provider.authorize_access_token()
    except OAuthError as exc:
        # Refused, cancelled, or an answer that does not match this browser's sign-in: start again.
        log.info("sign-in not completed", extra={"reason": type(exc).__name__})
        return render_template("error.html", status=400, title="Sign-in did not complete",
                               detail="Go back to the sign-in page and try again."), 400  # fmt: skip
    claims = token.get("userinfo") or {}
    who = person_from_claims(dict(claims), settings().hub_id)
    return _begin(who, token["access_token"], float(token.get("expires_in") or 3600))


@bp.post("/sign-in/dev")
def dev():
    """Sign in as a made-up person of a chosen role (only when HUBS_PORTAL_DEV_SIGN_IN=true)."""
    if not settings().dev_sign_in:
        abort(404)
    from hubs.runtime import dev_issuer

    role = request.form.get("role", "")
    if role not in DEV_ROLES:
        return render_template(
            "sign_in.html",
            oidc=settings().oidc_configured,
            dev=True,
            roles=[(r, ROLE_NAMES[r]) for r in DEV_ROLES],
            hub_id=settings().hub_id,
            error="Select the role to sign in as",
        ), 400
    hub = settings().hub_id
    subject = f"dev-{role}"
    token = dev_issuer.issue(hub, [role], subject=subject, ttl_seconds=settings().session_minutes * 60)
    who = Person(subject, hub, frozenset([role]), f"Test {ROLE_NAMES[role].lower()}")
    return _begin(who, token, settings().session_minutes * 60)


@bp.post("/sign-out")
def sign_out():
    """End the session."""
    sessions().end(session.get("sid"))
    session.clear()
    return redirect(url_for("public.start"))


@bp.get("/account")
def account():
    """Who the portal thinks you are."""
    if person() is None:
        return redirect(url_for("signin.start"))
    return render_template("account.html")
