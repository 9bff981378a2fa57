"""Calls to the hub's services on behalf of the signed-in person (with their token).

Every call answers an `Answer`, never an exception: a service that is down, an endpoint
that is not there yet, or a refusal all become a clear message on the page, never a 500."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests

log = logging.getLogger(__name__)

SERVICE_NAMES = {
    "referral": "referral service",
    "assessment": "assessment service",
    "care": "care co-ordination service",
    "outreach": "outreach service",
    "reporting": "hub reporting service",
    "national": "national reporting service",
}


@dataclass
class Answer:
    """What a service said: its data when `ok`, otherwise a message fit for a person."""

    status: int
    data: Any = None
    title: str = ""
    detail: str = ""
    errors: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """One sentence saying what went wrong."""
        text = self.detail or self.title or f"The service answered {self.status}."
        reasons = "; ".join(_flatten(self.errors))
        return f"{text} ({reasons})" if reasons else text


def _flatten(errors: object, where: str = "") -> list[str]:
    """Field messages as 'field: message', however deeply the service nested them."""
    if isinstance(errors, dict):
        found: list[str] = []
        for key, value in errors.items():
            name = key if key not in ("json", "query", "_schema") else ""
            found += _flatten(value, f"{where}.{name}".strip(".") if name else where)
        return found
    if isinstance(errors, list):
        return [m for item in errors for m in _flatten(item, where)]
    return [f"{where.replace('_', ' ')}: {errors}" if where else str(errors)]


class HubServices:
    """HTTP calls to the services at the configured base URLs."""

    def __init__(self, urls: dict[str, str], timeout: float = 5.0):
        self.urls = urls
        self.timeout = timeout
        self._http = requests.Session()

    def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        forwarded_for: str | None = None,
    ) -> Answer:
        """Call `method path` of `service`; any failure becomes an Answer with a message."""
        name = SERVICE_NAMES.get(service, service)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            response = self._http.request(
                method,
                self.urls[service] + path,
                headers=headers,
                json=json,
                params={k: v for k, v in (params or {}).items() if v not in (None, "")},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            log.warning("service unreachable", extra={"service": service, "reason": type(exc).__name__})
            return Answer(503, title=f"The {name} is not answering", detail=f"The {name} is not answering just now.")
        return _answer(response, name)


def _answer(response: requests.Response, name: str) -> Answer:
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if response.ok:
        return Answer(response.status_code, data=body)
    problem = body if isinstance(body, dict) else {}
    if response.status_code in (404, 405):
        detail = problem.get("detail") or f"The {name} does not offer this yet."
    elif response.status_code in (401, 403):
        detail = problem.get("detail") or "You are not allowed to see this."
    elif response.status_code >= 500:
        detail = f"The {name} had a problem. Try again later."
    else:
        detail = problem.get("detail") or ""
    return Answer(
        response.status_code,
        data=body,
        title=problem.get("title", ""),
        detail=detail,
        errors=problem.get("errors") or {},
    )
