"""Signing in and out: the hub's identity provider, or (local runs only) the dev sign-in."""

from __future__ import annotations

import ipaddress
import logging
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from hubs.portal.adapters.oidc import identity_provider, person_from_claims
from hubs.portal.domain.people import ROLE_NAMES, Person
from hubs.portal.entrypoints.web import person, sessions, settings

log = logging.getLogger(__name__)
bp = Blueprint("signin", __name__)
DEV_ROLES = ("clinician", "hub-lead", "referrer", "national-analyst")


# A Host header as a browser sends it: a name or an IPv4 address, or an IPv6 address in brackets,
# with an optional port. Anything else (user info, spaces) is not a name of this machine.
HOST_HEADER = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::\d{1,5})?")


def _unsafe_character(text: str) -> bool:
    # Browsers drop tabs and newlines from addresses, read "\" as "/" and hide format characters.
    return "\\" in text or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/queue", "/lead/dataset?month=2025-01"), else None.

    A single leading "/" not followed by "/" or a backslash, no scheme or host, and no control
    character, whitespace or backslash anywhere, as sent or with its percent-escapes decoded: a
    browser drops the tab of "/<tab>/evil.example" and reads a backslash as "/", so either goes to
    another site, and a header cannot hold a newline."""
    if not target:
        return None
    seen = [target]
    while len(seen) < 4 and (decoded := unquote(seen[-1])) != seen[-1]:
        seen.append(decoded)
    for text in seen:
        if not text.startswith("/") or text[1:2] in ("/", "\\") or _unsafe_character(text):
            return None
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return None
    return target


def _is_loopback_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return (mapped or ip).is_loopback


def reached_on_loopback() -> bool:
    """True when the request comes from this machine and names it in its Host.

    Read from the connection itself (REMOTE_ADDR) and the Host header, never X-Forwarded-*: a proxy
    in front of the portal means it is not a local run. The Host check stops a web page whose
    name is made to point at 127.0.0.1 (DNS rebinding) from using a browser to sign in here."""
    environ = request.environ
    found = HOST_HEADER.fullmatch(environ.get("HTTP_HOST", ""))
    if not found or not _is_loopback_address(environ.get("REMOTE_ADDR", "")):
        return False
    if found["ipv6"]:
        return _is_loopback_address(found["ipv6"])
    name = found["name"].lower().rstrip(".")
    return name == "localhost" or _is_loopback_address(name)


def dev_sign_in_offered() -> bool:
    """The development sign-in: turned on (with the development issuer) and reached on this machine."""
    return settings().dev_sign_in and reached_on_loopback()


def _sign_in_page(**context: object) -> str:
    return render_template(
        "sign_in.html",
        oidc=settings().oidc_configured,
        dev=dev_sign_in_offered(),
        roles=[(r, ROLE_NAMES[r]) for r in DEV_ROLES],
        hub_id=settings().hub_id,
        **context,
    )


def _begin(who: Person, access_token: str, lifetime: float) -> object:
    target = same_site_path(session.pop("next", None))
    session.clear()
    session["sid"] = sessions().start(who, access_token, lifetime)
    session.permanent = True
    return redirect(target or url_for(who.home))


@bp.get("/sign-in")
def start():
    """The sign-in page."""
    # Anything but a path on this site is ignored: after signing in, the person's home page.
    if nxt := same_site_path(request.args.get("next")):
        session["next"] = nxt
    else:
        session.pop("next", None)
    return _sign_in_page()


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
    """Sign in as a made-up person of a chosen role: only with HUBS_PORTAL_DEV_SIGN_IN=true and
    HUBS_AUTH_DEV_ISSUER=true, and only from this machine; anywhere else the page does not exist."""
    if not dev_sign_in_offered():
        abort(404)
    from hubs.runtime import dev_issuer

    role = request.form.get("role", "")
    if role not in DEV_ROLES:
        return _sign_in_page(error="Select the role to sign in as"), 400
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
