"""RFC 7807 problem details for every error an API returns."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from hubs.runtime.db import is_transient
from hubs.runtime.refusals import Refusal

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://wellbeing-hubs.nhs.example/problems/"
DATABASE_RETRY_AFTER_SECONDS = 5


class Problem(Exception):
    """Raise from a handler or view to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.slug = slug


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    errors: Any = None,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or str(status)),
        "title": title,
        "status": status,
        "instance": request.path,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_problem_handlers(app: Flask) -> None:
    """Turn every error (ours, webargs' 422, werkzeug's, unexpected ones) into problem JSON."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc.status, exc.title, exc.detail, exc.errors, exc.slug)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        errors = None
        data = getattr(exc, "data", None)  # webargs puts field-level messages here
        if isinstance(data, dict) and "messages" in data:
            errors = data["messages"]
            # One location (json, query...) is the usual case: show its fields directly.
            if isinstance(errors, dict) and len(errors) == 1:
                errors = next(iter(errors.values()))
        title = exc.name
        detail = exc.description if exc.code != 422 else "The request has invalid fields."
        headers = dict(exc.get_headers()) if exc.code in (405, 429) else {}
        headers.pop("Content-Type", None)
        return problem_response(exc.code or 500, title, detail, errors, headers=headers)

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError) -> Response:
        if not is_transient(exc):
            return _unexpected(exc)
        # The transaction was rolled back: nothing was stored, and the same request may be sent again.
        log.warning("database unavailable", extra={"error_type": type(exc.orig).__name__})
        return problem_response(
            503,
            "Service Unavailable",
            "The hub's database is busy or unreachable, and nothing was saved. Please try again shortly.",
            slug="database-unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # Log the type only: an exception message may carry what a person typed.
        log.error("unexpected error", extra={"error_type": type(exc).__name__}, exc_info=False)
        return problem_response(500, "Internal Server Error", "The hub could not complete the request.")


def register_refusal_handler(app: Flask) -> None:
    """Answer the refusals service layers raise (hubs.runtime.refusals), the same in every service."""

    @app.errorhandler(Refusal)
    def _refusal(exc: Refusal) -> Response:
        return problem_response(exc.status, exc.title, exc.detail, exc.errors, exc.code)


# The OpenAPI description of errors as they are really sent: problem documents, not
# flask-smorest's default error shape.
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"description": "field-level messages, by location and field"},
    },
}


def document_problem_responses(api: Api) -> None:
    """Describe every error response of `api` as a problem document."""
    api.spec.components.schema("Problem", PROBLEM_SCHEMA)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    # flask-smorest registers one error response per status, used only once referenced.
    components = api.spec.components
    for registry in (components.responses_lazy, components.responses):
        for response in registry.values():
            if "content" in response:
                response["content"] = dict(problem)
