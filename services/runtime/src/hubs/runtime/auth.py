"""Bearer JWT (OIDC) authentication and hub-scoped roles, for every service's API.

A token is accepted only if its signature verifies with a configured key (an allow-list of
asymmetric algorithms: never `none`, never HMAC), and its issuer, audience, expiry and
not-before hold (with a small clock skew). Roles are scoped to a hub: the `hub_id` claim
must name this hub, except for national analysts reading national figures.

Answers: 401 for a missing or bad token, 403 for a role that may not do this, and 404 when
someone of another hub asks for one of this hub's records (a route with path parameters), so
that another hub cannot even learn that a case exists. Decisions are logged; tokens never."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import jwt
from flask import current_app, g, request, request_started

from hubs.runtime.problems import Problem

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
CLOCK_SKEW_SECONDS = 30


class Role(StrEnum):
    """What a signed-in person may do in a hub."""

    CLINICIAN = "clinician"
    HUB_LEAD = "hub-lead"
    REFERRER = "referrer"
    NATIONAL_ANALYST = "national-analyst"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a subject (pseudonymous id from the identity provider), hub and roles."""

    subject: str
    hub_id: str
    roles: frozenset[str]


@dataclass
class TokenVerifier:
    """Verifies bearer tokens with public keys from configuration or a JWKS document."""

    issuer: str
    audience: str
    keys: list[Any]  # public keys (PEM strings or key objects)
    jwks_url: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    # A JWKS document given in configuration (JSON text): keys chosen by their `kid`.
    jwks_document: str | None = None

    def __post_init__(self) -> None:
        unsafe = [a for a in self.algorithms if a not in ALLOWED_ALGORITHMS]
        if unsafe:
            raise ValueError(f"algorithms not allowed: {unsafe}")
        if not self.algorithms:
            raise ValueError("at least one algorithm must be allowed")
        self._jwks = jwt.PyJWKClient(self.jwks_url, cache_keys=True) if self.jwks_url else None
        self._jwk_set = jwt.PyJWKSet.from_json(self.jwks_document) if self.jwks_document else None

    def _candidate_keys(self, token: str, header: dict[str, Any]) -> list[Any]:
        if self._jwks is not None:
            return [self._jwks.get_signing_key_from_jwt(token).key]
        if self._jwk_set is not None:
            kid = header.get("kid")
            matching = [k.key for k in self._jwk_set.keys if kid is None or k.key_id == kid]
            if not matching:
                raise jwt.InvalidSignatureError("no key with that key id")
            return matching
        return self.keys

    def verify(self, token: str) -> Principal:
        """The principal a valid token speaks for; raises jwt.InvalidTokenError otherwise."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in self.algorithms:
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        candidates = self._candidate_keys(token, header)
        last: Exception = jwt.InvalidSignatureError("no key configured")
        for key in candidates:
            try:
                claims = jwt.decode(
                    token,
                    key=key,
                    algorithms=list(self.algorithms),
                    audience=self.audience,
                    issuer=self.issuer,
                    leeway=CLOCK_SKEW_SECONDS,
                    options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                )
            except jwt.InvalidSignatureError as exc:
                last = exc
                continue
            roles = claims.get("roles", [])
            if not isinstance(roles, list) or not isinstance(claims.get("hub_id"), str) or not claims["hub_id"]:
                raise jwt.InvalidTokenError("roles or hub_id claim missing")
            return Principal(str(claims["sub"]), claims["hub_id"], frozenset(str(r) for r in roles))
        raise last


def _problem_401(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, slug="unauthorized")


def _endpoint() -> str:
    return request.url_rule.rule if request.url_rule else "unmatched"


def _refused(principal: Principal, reason: str) -> None:
    log.info(
        "access refused",
        extra={
            "reason": reason,
            "subject": principal.subject,
            "roles": sorted(principal.roles),
            "hub": principal.hub_id,
            "endpoint": _endpoint(),
        },
    )


def current_principal() -> Principal:
    """The caller of the current request (only inside a view protected by `requires`)."""
    principal: Principal = g.principal  # set by `requires` before the view runs
    return principal


def authorise(wanted: frozenset[str], national: bool) -> Principal:
    """Check the bearer token of the current request against what a view demands.

    Raises Problem 401 (no or bad token), 404 (a record of this hub asked for by another hub)
    or 403 (wrong role, or another hub's account); logs the decision, never the token."""
    verifier: TokenVerifier | None = current_app.extensions.get("hubs_token_verifier")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if verifier is None:
        raise _problem_401("This service has no identity provider configured.")
    if scheme.lower() != "bearer" or not token.strip():
        raise _problem_401("A bearer token is required.")
    try:
        principal = verifier.verify(token.strip())
    except (jwt.InvalidTokenError, jwt.PyJWKClientError, ValueError) as exc:
        log.info("authentication refused", extra={"reason": type(exc).__name__, "endpoint": _endpoint()})
        raise _problem_401("The token is not valid.") from exc
    hub_id = current_app.extensions["hubs_settings"].hub_id
    allowed_role = bool(principal.roles & wanted)
    if principal.hub_id != hub_id and not (national and allowed_role):
        _refused(principal, "hub")
        if request.view_args:
            # A record of this hub: another hub may not learn that it exists.
            raise Problem(404, "Not Found", "There is no such record in this hub.", slug="not-found")
        raise Problem(403, "Forbidden", "Your account belongs to another hub.", slug="forbidden")
    if not allowed_role:
        _refused(principal, "role")
        raise Problem(403, "Forbidden", "Your role does not allow this.", slug="forbidden")
    log.info(
        "access granted",
        extra={"subject": principal.subject, "roles": sorted(principal.roles), "hub": principal.hub_id,
               "endpoint": _endpoint()},
    )  # fmt: skip
    return principal


def requires(*roles: Role | str, national: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Protect a view: a valid bearer token for this hub with one of `roles`.

    `national=True` lets a national analyst from any hub read national figures. The check runs
    as soon as the request is routed (see `_check_access_first`), before the body or query is
    parsed, so a caller without access learns nothing from validation messages."""
    wanted = frozenset(str(r) for r in roles)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if g.get("principal") is None:
                g.principal = authorise(wanted, national)
            return view(*args, **kwargs)

        # What the view demands: read before dispatch, and by tests that classify every endpoint.
        wrapper.hubs_access = (wanted, national)  # type: ignore[attr-defined]
        # flask-smorest documents the security requirement from this attribute.
        apidoc: dict[str, Any] = getattr(view, "_apidoc", {})
        apidoc.setdefault("manual_doc", {}).setdefault("security", [{"bearerAuth": []}])
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        return wrapper

    return decorate


def access_of_current_view() -> tuple[frozenset[str], bool] | None:
    """What the view this request is routed to demands, or None for a public view."""
    if request.url_rule is None or request.routing_exception is not None:
        return None
    view = current_app.view_functions.get(request.url_rule.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
        if view is None and request.method == "HEAD":
            # A MethodView answers HEAD with its GET, arguments parsed: it demands what GET demands.
            view = getattr(view_class, "get", None)
    return getattr(view, "hubs_access", None)


def _check_access_first(app: Any, **_: Any) -> None:
    # flask-smorest parses arguments in decorators outside `requires`; checking access when
    # the request starts means a caller without access gets 401/403/404, never a 422.
    if "hubs_token_verifier" not in app.extensions:
        return  # not a hub service's app
    access = access_of_current_view()
    if access is not None:
        g.principal = authorise(*access)


# Every app made by hubs.runtime.app.create_app; errors raised here become problem JSON.
request_started.connect(_check_access_first)


def verifier_from_settings(extra: dict[str, str]) -> TokenVerifier | None:
    """The token verifier configured by HUBS_AUTH_* variables (None: every protected view says 401).

    HUBS_AUTH_ISSUER, HUBS_AUTH_AUDIENCE, HUBS_AUTH_JWKS_URL, HUBS_AUTH_JWKS_FILE (a JWKS
    document) or HUBS_AUTH_PUBLIC_KEY_FILES (comma-separated PEM files), HUBS_AUTH_ALGORITHMS;
    HUBS_AUTH_DEV_ISSUER=true trusts the development issuer instead (local runs and tests only)."""
    from hubs.runtime import dev_issuer

    algorithms = tuple(a.strip() for a in extra.get("HUBS_AUTH_ALGORITHMS", "RS256,ES256").split(",") if a.strip())
    audience = extra.get("HUBS_AUTH_AUDIENCE", dev_issuer.DEFAULT_AUDIENCE)
    if extra.get("HUBS_AUTH_DEV_ISSUER", "").lower() == "true":
        return TokenVerifier(dev_issuer.DEV_ISSUER, audience, [dev_issuer.public_key_pem()], algorithms=("ES256",))
    issuer = extra.get("HUBS_AUTH_ISSUER")
    if not issuer:
        return None
    files = [f.strip() for f in extra.get("HUBS_AUTH_PUBLIC_KEY_FILES", "").split(",") if f.strip()]
    keys = [Path(f).read_text() for f in files]  # small PEM files, read once at start
    jwks_file = extra.get("HUBS_AUTH_JWKS_FILE")
    jwks_document = Path(jwks_file).read_text() if jwks_file else None
    return TokenVerifier(
        issuer,
        audience,
        keys,
        jwks_url=extra.get("HUBS_AUTH_JWKS_URL"),
        algorithms=algorithms,
        jwks_document=jwks_document,
    )
