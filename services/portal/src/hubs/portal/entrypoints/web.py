"""What every page of the portal shares: the signed-in person, role checks and service calls."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

from hubs.portal.adapters.services import Answer, HubServices
from hubs.portal.adapters.sessions import SessionStore, SignedIn
from hubs.portal.domain.people import Person
from hubs.portal.settings import PortalSettings


def settings() -> PortalSettings:
    return current_app.extensions["portal_settings"]


def services() -> HubServices:
    return current_app.extensions["portal_services"]


def sessions() -> SessionStore:
    return current_app.extensions["portal_sessions"]


def signed_in() -> SignedIn | None:
    """The current session of the signed-in person, if any."""
    if "signed_in" not in g:
        g.signed_in = sessions().get(session.get("sid"))
    return g.signed_in


def person() -> Person | None:
    found = signed_in()
    return found.person if found else None


def call(service: str, method: str, path: str, **kwargs: Any) -> Answer:
    """Call a service as the signed-in person."""
    found = signed_in()
    return services().call(service, method, path, token=found.access_token if found else None, **kwargs)


def requires_role(*roles: str) -> Callable:
    """Send people who are not signed in to sign in; refuse (403 page) those without a role."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            who = person()
            if who is None:
                return redirect(url_for("signin.start", next=request.path))
            if not who.has(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate
