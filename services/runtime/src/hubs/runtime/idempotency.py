"""`Idempotency-Key` on every POST that creates a record (draft-ietf-httpapi-idempotency-key-header).

A client that may send a request twice (a retry after a timeout, a double click on a form) sends
one key with it. The first request with a key is processed as usual; while it is being processed,
another with the same key is refused (409, try again shortly); once it has been answered with a
2xx, the same key with the same body gets that answer again (status and body, replayed) and makes
no second record; the same key with another body is refused (422). A 4xx or 5xx answer is not kept:
the key is free again, so the client can correct the request and send it with the same key.

Keys belong to the caller: the token's hub and subject, or nobody for the public self-referral
(where the key alone, a random one, tells requests apart). They expire after
HUBS_IDEMPOTENCY_KEY_HOURS (24 by default). A request without the header is processed as before.

Nothing personal is kept in the clear: the key is stored as a hash, the request as a hash of its
method, path and body, and the answer encrypted with a key derived from the Idempotency-Key itself,
so that only a caller presenting the key can read it back."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from io import BytesIO
from typing import Any, Protocol

from apispec import BasePlugin
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, Response, current_app, g, request
from sqlalchemy import Engine, MetaData, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from hubs.runtime.messaging_tables import define_idempotency_table
from hubs.runtime.problems import Problem, problem_response
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MIN_LENGTH, KEY_MAX_LENGTH = 16, 255
DEFAULT_EXPIRY_HOURS = 24.0
# A request still unanswered this long after it began belongs to a process that stopped: its key
# is free again. Far longer than any request of ours takes.
IN_FLIGHT_LEASE = timedelta(minutes=5)
PURGE_EVERY = timedelta(minutes=10)
RETRY_IN_FLIGHT_SECONDS = 1

IDEMPOTENCY_KEYS = define_idempotency_table(MetaData())

# Visible ASCII but the quote and backslash (which a structured-field string would escape).
KEY_CHARACTERS = frozenset(chr(c) for c in range(0x21, 0x7F)) - {'"', "\\"}
KEY_RULE = f"must be {KEY_MIN_LENGTH} to {KEY_MAX_LENGTH} visible ASCII characters, such as a UUID"


def parse_key(value: str) -> str:
    """The key of an `Idempotency-Key` header: a structured-field string ("...") or the bare text."""
    key = value.strip()
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        key = key[1:-1]
    if not KEY_MIN_LENGTH <= len(key) <= KEY_MAX_LENGTH or not all(c in KEY_CHARACTERS for c in key):
        raise Problem(
            400,
            "Bad Request",
            f"The {HEADER} header {KEY_RULE}.",
            errors={HEADER: [KEY_RULE]},
            slug="idempotency-key-invalid",
        )
    return key


def fingerprint(method: str, path: str, query: bytes, body: bytes, is_json: bool) -> str:
    """A hash of what the request asks for: JSON compared by value (key order and spacing aside)."""
    if is_json:
        with contextlib.suppress(ValueError):  # not JSON after all: compared byte for byte
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass(frozen=True)
class CallerKey:
    """An Idempotency-Key as one caller sent it: stored only as `key_id`; it also seals the answer."""

    scope: str
    key: str

    def _derive(self, purpose: str) -> bytes:
        return hashlib.sha256("\x00".join((purpose, self.scope, self.key)).encode()).digest()

    @property
    def key_id(self) -> str:
        return self._derive("hubs-idempotency-key").hex()

    def _fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(self._derive("hubs-idempotency-answer")))

    def seal(self, answer: StoredAnswer) -> bytes:
        return self._fernet().encrypt(json.dumps(answer.to_json()).encode())

    def open(self, sealed: bytes) -> StoredAnswer:
        return StoredAnswer.from_json(json.loads(self._fernet().decrypt(sealed)))


@dataclass(frozen=True)
class StoredAnswer:
    """The 2xx answer a key gets again: status, content type, Location and body."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "location": self.location,
            "body": base64.b64encode(self.body).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredAnswer:
        return cls(data["status"], data["content_type"], base64.b64decode(data["body"]), data.get("location"))


class Outcome(Enum):
    CLAIMED = "claimed"  # the first request with this key: process it
    IN_FLIGHT = "in-flight"  # one with this key is being processed
    MISMATCH = "mismatch"  # the key was used for another request
    ANSWERED = "answered"  # answered before: replay


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    claim_id: uuid.UUID | None = None
    sealed: bytes | None = None


class KeyStore(Protocol):
    """Where keys and their answers are kept (a table in the service's database)."""

    def claim(self, key_id: str, fingerprint: str) -> Claim: ...

    def complete(self, key_id: str, claim_id: uuid.UUID, status: int, sealed: bytes) -> None: ...

    def release(self, key_id: str, claim_id: uuid.UUID) -> None: ...


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time we write is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SqlKeyStore:
    """Keys in the `idempotency_keys` table. Each step is a short transaction of its own; a claim is
    taken by an insert (the primary key refuses a second) or a conditional update of an expired row."""

    def __init__(
        self,
        engine: Engine,
        expiry: timedelta = timedelta(hours=DEFAULT_EXPIRY_HOURS),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        lease: timedelta = IN_FLIGHT_LEASE,
    ):
        self._engine = engine
        self._expiry = expiry
        self._clock = clock
        self._lease = lease
        self._purged_at: datetime | None = None

    def claim(self, key_id: str, fingerprint: str) -> Claim:
        t = IDEMPOTENCY_KEYS
        now = self._clock()
        claim_id = uuid.uuid4()
        fresh = {
            "claim_id": claim_id,
            "fingerprint": fingerprint,
            "status": None,
            "answer": None,
            "created_at": now,
            "lease_until": now + self._lease,
            "expires_at": now + self._expiry,
        }
        self._purge_now_and_then(now)
        for _ in range(5):
            try:
                with self._engine.begin() as conn:
                    row = conn.execute(select(t).where(t.c.key_id == key_id)).first()
                    if row is None:
                        conn.execute(insert(t).values(key_id=key_id, **fresh))
                        return Claim(Outcome.CLAIMED, claim_id)
                    expired = _aware(row.expires_at) <= now
                    abandoned = row.status is None and _aware(row.lease_until) <= now
                    if expired or abandoned:
                        # Taken over only if nobody else took it over meanwhile.
                        taken = conn.execute(
                            update(t).where(t.c.key_id == key_id, t.c.claim_id == row.claim_id).values(**fresh)
                        )
                        if taken.rowcount == 1:
                            return Claim(Outcome.CLAIMED, claim_id)
                        continue
                    if row.fingerprint != fingerprint:
                        return Claim(Outcome.MISMATCH)
                    if row.status is None:
                        return Claim(Outcome.IN_FLIGHT)
                    return Claim(Outcome.ANSWERED, row.claim_id, row.answer)
            except IntegrityError:
                continue  # another request inserted the same key first: read it again
        return Claim(Outcome.IN_FLIGHT)

    def complete(self, key_id: str, claim_id: uuid.UUID, status: int, sealed: bytes) -> None:
        t = IDEMPOTENCY_KEYS
        with self._engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.key_id == key_id, t.c.claim_id == claim_id).values(status=status, answer=sealed)
            )

    def release(self, key_id: str, claim_id: uuid.UUID) -> None:
        t = IDEMPOTENCY_KEYS
        with self._engine.begin() as conn:
            conn.execute(delete(t).where(t.c.key_id == key_id, t.c.claim_id == claim_id, t.c.status.is_(None)))

    def purge_expired(self, now: datetime | None = None) -> int:
        """Forget keys past their expiry; how many."""
        t = IDEMPOTENCY_KEYS
        with self._engine.begin() as conn:
            return conn.execute(delete(t).where(t.c.expires_at <= (now or self._clock()))).rowcount

    def _purge_now_and_then(self, now: datetime) -> None:
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = now
        try:
            self.purge_expired(now)
        except Exception as exc:  # a purge that fails is tried again later; the request goes on
            log.warning("idempotency keys not purged", extra={"error_type": type(exc).__name__})


def expiry_from_settings(settings: Settings) -> timedelta:
    """HUBS_IDEMPOTENCY_KEY_HOURS: how long a key is remembered (hours, more than 0)."""
    text = settings.extra.get("HUBS_IDEMPOTENCY_KEY_HOURS") or str(DEFAULT_EXPIRY_HOURS)
    try:
        hours = float(text)
    except ValueError:
        hours = 0.0
    if not 0 < hours < 24 * 365:
        raise ValueError(f"HUBS_IDEMPOTENCY_KEY_HOURS must be a number of hours above 0, not {text!r}")
    return timedelta(hours=hours)


def idempotency_keys(wiring: Any) -> SqlKeyStore:
    """The key store of a service: its own database, its configured expiry."""
    return SqlKeyStore(wiring.engine, expiry_from_settings(wiring.settings))


def creates_record() -> bool:
    """Whether the current request is a POST to a view that answers 201 Created."""
    if request.method != "POST" or request.url_rule is None or request.routing_exception is not None:
        return False
    view = current_app.view_functions.get(request.url_rule.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, "post", None)
    return 201 in getattr(view, "_apidoc", {}).get("success_status_codes", ())


@dataclass
class _Pending:
    caller: CallerKey
    claim_id: uuid.UUID
    finished: bool = False


def _scope() -> str:
    principal = g.get("principal")
    return f"{principal.hub_id}\x00{principal.subject}" if principal is not None else ""


def _replay(answer: StoredAnswer) -> Response:
    response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    if answer.location:
        response.headers["Location"] = answer.location
    response.headers[REPLAYED_HEADER] = "true"
    return response


def install(app: Flask, store: KeyStore) -> None:
    """Honour Idempotency-Key on the app's creating POSTs (register after request ids, before blueprints)."""

    @app.before_request
    def _idempotency_start() -> Response | None:
        raw = request.headers.get(HEADER)
        if raw is None or not creates_record():
            return None
        caller = CallerKey(_scope(), parse_key(raw))
        body = request.get_data()
        # The view may read the stream itself (a CSV upload): hand it the same bytes again.
        request.stream = BytesIO(body)
        wanted = fingerprint(request.method, request.path, request.query_string, body, request.is_json)
        claim = store.claim(caller.key_id, wanted)
        if claim.outcome is Outcome.CLAIMED:
            assert claim.claim_id is not None
            g.idempotency = _Pending(caller, claim.claim_id)
            return None
        if claim.outcome is Outcome.MISMATCH:
            raise Problem(
                422,
                "Unprocessable Content",
                f"This {HEADER} was already used for a different request. Send a new key with a new request.",
                errors={HEADER: ["was used for a different request"]},
                slug="idempotency-key-reused",
            )
        if claim.outcome is Outcome.ANSWERED and claim.sealed is not None:
            try:
                return _replay(caller.open(claim.sealed))
            except (InvalidToken, ValueError, KeyError):
                log.warning("idempotent answer unreadable")
        return problem_response(
            409,
            "Conflict",
            f"A request with this {HEADER} is still being processed. Try again shortly.",
            slug="idempotency-key-in-use",
            headers={"Retry-After": str(RETRY_IN_FLIGHT_SECONDS)},
        )

    @app.after_request
    def _idempotency_answered(response: Response) -> Response:
        pending: _Pending | None = g.get("idempotency")
        if pending is None or pending.finished:
            return response
        pending.finished = True
        caller = pending.caller
        try:
            if 200 <= response.status_code < 300:
                answer = StoredAnswer(
                    response.status_code, response.content_type or "", response.get_data(), response.location
                )
                store.complete(caller.key_id, pending.claim_id, response.status_code, caller.seal(answer))
            else:
                store.release(caller.key_id, pending.claim_id)
        except Exception as exc:
            # The record stands and the client has its answer; the key is free again after its lease.
            log.warning("idempotency key not updated", extra={"error_type": type(exc).__name__})
        return response

    @app.teardown_request
    def _idempotency_abandoned(_exc: BaseException | None) -> None:
        pending: _Pending | None = g.pop("idempotency", None)
        if pending is None or pending.finished:
            return
        try:
            store.release(pending.caller.key_id, pending.claim_id)
        except Exception as exc:
            log.warning("idempotency key not released", extra={"error_type": type(exc).__name__})


HEADER_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "A key of your choosing, new for each record you mean to create (a UUID). Sent again with the same "
        "body, the request gets the first answer again and creates nothing more; with another body it is "
        f"refused (422); while the first is still being processed, 409. Remembered for "
        f"{DEFAULT_EXPIRY_HOURS:g} hours unless the hub configures otherwise."
    ),
    "schema": {
        "type": "string",
        "minLength": KEY_MIN_LENGTH,
        "maxLength": KEY_MAX_LENGTH,
        "pattern": r"^[!#-\[\]-~]+$",
    },
}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_KEY_RESPONSES = {
    400: f"The {HEADER} header is not a valid key.",
    409: f"A request with this {HEADER} is still being processed.",
    422: f"The request's fields are not valid, or this {HEADER} was used for a different request.",
}


class IdempotencyKeyDoc(BasePlugin):
    """Documents the header, and the answers it may bring, on every POST answering 201."""

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        post = (operations or {}).get("post")
        if not post or not any(str(code) == "201" for code in post.get("responses", {})):
            return
        parameters = post.setdefault("parameters", [])
        if not any(isinstance(p, dict) and p.get("name") == HEADER for p in parameters):
            parameters.append(dict(HEADER_PARAMETER))
        responses = post["responses"]
        for status, description in _KEY_RESPONSES.items():
            if status not in responses and str(status) not in responses:
                responses[status] = {"description": description, "content": dict(_PROBLEM)}
