"""Calls to the hub's services on behalf of the signed-in person (with their token).

Every call answers an `Answer`, never an exception: a service that is down, an endpoint
that is not there yet, or a refusal all become a clear message on the page, never a 500."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from flask import g, has_request_context, request

from hubs.runtime.forwarding import SERVICE_TOKEN_HEADER

log = logging.getLogger(__name__)

SERVICE_NAMES = {
    "referral": "referral service",
    "assessment": "assessment service",
    "care": "care co-ordination service",
    "outreach": "outreach service",
    "reporting": "hub reporting service",
    "national": "national reporting service",
}


# The hidden field every form carries (the csrf() macro): one key per rendered form.
FORM_KEY_FIELD = "idempotency_key"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_FORM_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# How long the time of a form's first submission is kept (a double click, a reload).
RESEND_SECONDS = 300.0
RESEND_MAX_FORMS = 1000
_first_submitted: OrderedDict[str, tuple[float, datetime]] = OrderedDict()
_first_submitted_lock = threading.Lock()


def new_form_key() -> str:
    """A fresh key for one rendered form."""
    return str(uuid.uuid4())


def first_submitted_at(now: datetime) -> datetime:
    """When the form being submitted was first submitted: `now`, unless this is the same form
    sent again. A time written into a request (when consent was recorded, say) then stays the
    same when a form is sent twice, so the service sees the same request and replays its answer.
    Only a hash of the form's key is kept, never what the form says."""
    key = _form_key()
    if key is None:
        return now
    digest = hashlib.sha256(key.encode()).hexdigest()
    clock = time.monotonic()
    with _first_submitted_lock:
        while _first_submitted and (
            len(_first_submitted) >= RESEND_MAX_FORMS
            or next(iter(_first_submitted.values()))[0] < clock - RESEND_SECONDS
        ):
            _first_submitted.popitem(last=False)
        return _first_submitted.setdefault(digest, (clock, now))[1]


def _form_key() -> str | None:
    """The key of the form being submitted, if the request is a form's submission that carries one."""
    if not has_request_context() or request.method != "POST":
        return None
    key = request.form.get(FORM_KEY_FIELD, "")
    return key if _FORM_KEY.match(key) else None


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

    def __init__(self, urls: dict[str, str], timeout: float = 5.0, service_token: str = ""):
        self.urls = urls
        self.timeout = timeout
        self._service_token = service_token
        self._http = requests.Session()

    def _idempotency_key(self) -> str | None:
        """The Idempotency-Key of this POST: the form's key, numbered by the POSTs this submission makes,
        so that the same form sent again sends the same keys in the same order."""
        form_key = _form_key()
        if form_key is None:
            return None
        g.portal_posts = g.get("portal_posts", 0) + 1
        return f"{form_key}.{g.portal_posts}"

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
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> Answer:
        """Call `method path` of `service`; any failure becomes an Answer with a message. A body
        other than JSON (an uploaded CSV file) is sent as `data`, of its `content_type`."""
        name = SERVICE_NAMES.get(service, service)
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
            if self._service_token:
                # The service believes the forwarded address only from the portal, which this proves.
                headers[SERVICE_TOKEN_HEADER] = self._service_token
        key = self._idempotency_key() if method.upper() == "POST" else None
        if key:
            # A form sent twice (a double click) is one request: the service records it once and
            # answers the second with the first's answer.
            headers[IDEMPOTENCY_HEADER] = key
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        deadline = time.monotonic() + self.timeout
        try:
            response = self._http.request(
                method,
                self.urls[service] + path,
                headers=headers,
                json=json,
                params=query,
                data=data,
                timeout=self.timeout,
            )
            while key and _still_in_flight(response) and time.monotonic() < deadline:
                # The same form's first request is still being processed: its answer is this one's too.
                time.sleep(0.2)
                response = self._http.request(
                    method,
                    self.urls[service] + path,
                    headers=headers,
                    json=json,
                    params=query,
                    data=data,
                    timeout=self.timeout,
                )
        except requests.RequestException as exc:
            log.warning("service unreachable", extra={"service": service, "reason": type(exc).__name__})
            return Answer(503, title=f"The {name} is not answering", detail=f"The {name} is not answering just now.")
        return _answer(response, name)


def _still_in_flight(response: requests.Response) -> bool:
    if response.status_code != 409:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/idempotency-key-in-use")
    except (ValueError, AttributeError):
        return False


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
