"""The Flask app factory every service uses: flask-smorest with OpenAPI at /openapi.json
and interactive docs at /docs, health and readiness, metrics, request ids, problem JSON.

The app counts requests but does not serve /metrics: the metrics port does (hubs.runtime.cli)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_smorest import Api

from hubs.runtime import guards, idempotency
from hubs.runtime.auth import verifier_from_settings
from hubs.runtime.forwarding import ForwardingTrust, TrustedForwarding
from hubs.runtime.logging import correlation_id, request_id
from hubs.runtime.metrics import HTTP_LATENCY, HTTP_REQUESTS
from hubs.runtime.problems import (
    document_problem_responses,
    problem_response,
    register_problem_handlers,
    register_refusal_handler,
)
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], None]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
# The interactive docs page loads its script and styles from a CDN.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://cdn.jsdelivr.net"
)


def create_app(
    settings: Settings,
    *,
    title: str,
    description: str,
    readiness_checks: dict[str, ReadinessCheck],
    max_content_length: int = 64 * 1024,
    idempotency_keys: idempotency.KeyStore | None = None,
) -> tuple[Flask, Api]:
    """A Flask app and its flask-smorest Api; the caller registers its blueprints.

    With `idempotency_keys` (the service's store), every POST answering 201 honours an
    Idempotency-Key header (see hubs.runtime.idempotency), and the OpenAPI document says so."""
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.29.0/",
        API_SPEC_OPTIONS={"info": {"description": description}},
        MAX_CONTENT_LENGTH=max_content_length,
        JSON_SORT_KEYS=False,
    )
    app.extensions["hubs_settings"] = settings
    # The client is the one a trusted proxy (the ingress, the portal) names, never one it names itself.
    app.wsgi_app = TrustedForwarding(app.wsgi_app, ForwardingTrust.from_settings(settings.extra))  # type: ignore[method-assign]
    app.extensions["hubs_token_verifier"] = verifier_from_settings(settings.extra)
    plugins = [idempotency.IdempotencyKeyDoc()] if idempotency_keys is not None else []
    api = Api(app, spec_kwargs={"extra_plugins": plugins})
    document_problem_responses(api)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    register_problem_handlers(app)
    register_refusal_handler(app)  # NotFound and Refused, raised by service layers
    _instrument(app, settings)
    guards.register_request_guards(app)  # after request ids and access, before idempotency keys
    if idempotency_keys is not None:
        # After _instrument: a replayed or refused request is counted and logged like any other.
        idempotency.install(app, idempotency_keys)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": settings.service, "hub_id": settings.hub_id}

    @app.get("/readyz")
    def readyz() -> Response | dict[str, object]:
        failed: dict[str, str] = {}
        for name, check in readiness_checks.items():
            try:
                check()
            except Exception as exc:
                failed[name] = type(exc).__name__
        if failed:
            return problem_response(503, "Service Unavailable", "A dependency is not ready.", failed)
        return {"status": "ready", "checks": sorted(readiness_checks)}

    return app, api


def _instrument(app: Flask, settings: Settings) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        rid = request.headers.get("X-Request-ID")
        g.request_id = rid if rid and len(rid) <= 64 and rid.isprintable() else str(uuid.uuid4())
        g.tokens = (request_id.set(g.request_id), correlation_id.set(g.request_id))

    @app.after_request
    def _finish(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        HTTP_REQUESTS.labels(settings.service, request.method, endpoint, str(response.status_code)).inc()
        HTTP_LATENCY.labels(settings.service, request.method, endpoint).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.path.startswith("/docs"):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        if endpoint not in ("/healthz", "/readyz"):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        tokens = g.pop("tokens", None)
        if tokens:
            request_id.reset(tokens[0])
            correlation_id.reset(tokens[1])
