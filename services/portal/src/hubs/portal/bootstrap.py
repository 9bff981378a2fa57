"""Wires the portal together: settings, the service client, sessions, sign-in, pages."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from hubs.portal.adapters.oidc import register_identity_provider
from hubs.portal.adapters.services import HubServices, new_form_key
from hubs.portal.adapters.sessions import SessionStore
from hubs.portal.entrypoints import (
    case_notes,
    clinician,
    feedback_link,
    lead,
    national,
    public,
    referrer,
    signin,
    workforce,
)
from hubs.portal.entrypoints.filters import register_filters
from hubs.portal.entrypoints.web import person
from hubs.portal.settings import PortalSettings
from hubs.runtime.forwarding import ForwardingTrust, TrustedForwarding
from hubs.runtime.metrics import HTTP_LATENCY, HTTP_REQUESTS
from hubs.runtime.settings import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def create_app(settings: PortalSettings, services: HubServices | None = None) -> Flask:
    """The portal's Flask app; `services` may be replaced by a fake in tests."""
    app = Flask("hubs.portal", static_folder="static", static_url_path="/assets")
    # Behind an ingress, the person is the address it names; X-Forwarded-For from anyone else is ignored.
    trust = ForwardingTrust.from_settings({"HUBS_TRUSTED_PROXIES": settings.trusted_proxies})
    app.wsgi_app = TrustedForwarding(app.wsgi_app, trust)  # type: ignore[method-assign]
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="hubs_portal",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        WTF_CSRF_TIME_LIMIT=settings.session_minutes * 60,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions["portal_settings"] = settings
    app.extensions["portal_services"] = services or HubServices(
        settings.service_urls, settings.timeout_seconds, service_token=settings.service_token
    )
    app.extensions["portal_sessions"] = SessionStore()
    # The runtime's rate limiter reads its limits from here, as in every service.
    app.extensions["hubs_settings"] = Settings(
        service="portal",
        hub_id=settings.hub_id,
        extra={"HUBS_SELF_REFERRAL_RATE_LIMIT": settings.self_referral_rate_limit},
    )
    CSRFProtect(app)
    register_identity_provider(app, settings)
    register_filters(app)
    app.jinja_env.globals["form_key"] = new_form_key  # the csrf() macro's key of each rendered form
    for module in (public, signin, clinician, case_notes, lead, national, referrer, workforce, feedback_link):
        app.register_blueprint(module.bp)

    @app.context_processor
    def _page_context():
        return {"person": person(), "hub_name": settings.hub_name, "dev_sign_in": settings.dev_sign_in}

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template("error.html", status=400, title="Your form has expired",
                               detail="Go back, reload the page and try again."), 400  # fmt: skip

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        titles = {403: "You cannot see this page", 404: "Page not found", 429: "Too many attempts"}
        headers = {"Retry-After": error.retry_after} if getattr(error, "retry_after", None) else {}
        detail = {
            403: "Your role does not allow you to see this page.",
            404: "If you typed the web address, check it is correct.",
            429: "You have sent this form too many times. Wait a minute and try again.",
        }.get(error.code or 500, error.description or "")
        title = titles.get(error.code or 500, error.name)
        return render_template("error.html", status=error.code, title=title, detail=detail), error.code, headers

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": "portal", "hub_id": settings.hub_id}

    @app.get("/readyz")
    def readyz():
        # The portal keeps nothing of its own; a service that is down is shown on the page that needs it.
        return {"status": "ready", "checks": []}

    @app.before_request
    def _start():
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response):
        # Counted by route, never by path: a path may carry a reference.
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels("portal", request.method, endpoint, str(response.status_code)).inc()
        HTTP_LATENCY.labels("portal", request.method, endpoint).observe(
            time.perf_counter() - g.get("started", time.perf_counter())
        )
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.path.startswith("/assets/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
