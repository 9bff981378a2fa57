"""Rate limits for public endpoints: a token bucket per client, in memory per process.

A public endpoint (self-referral) must stay open to anyone, yet must not let one client
flood the hub. Each client (its address as the app sees it) has a bucket of `burst` tokens
refilled at `per_minute`; a request takes one token, and a request finding the bucket empty
is answered 429 with Retry-After. Limits are per API process, which is enough to blunt abuse;
a deployment that needs one limit across replicas puts it in its ingress as well."""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimit:
    """`per_minute` requests a minute on average, with bursts of up to `burst`."""

    per_minute: float
    burst: int

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """'10/minute', '10/minute;burst=5', '2/second' or '100/hour'."""
        rate_part, _, burst_part = text.partition(";")
        count, _, unit = rate_part.strip().partition("/")
        seconds = {"second": 1, "minute": 60, "hour": 3600}.get(unit.strip() or "minute")
        if seconds is None or not count.strip().isdigit() or int(count) <= 0:
            raise ValueError(f"not a rate limit: {text!r} (expected e.g. '10/minute;burst=5')")
        per_minute = int(count) * 60 / seconds
        burst = int(count)
        if burst_part:
            key, _, value = burst_part.partition("=")
            if key.strip() != "burst" or not value.strip().isdigit() or int(value) <= 0:
                raise ValueError(f"not a burst: {burst_part!r}")
            burst = int(value)
        return cls(per_minute=per_minute, burst=max(1, burst))


class TokenBuckets:
    """One bucket per client; the least recently seen clients are forgotten past `max_clients`."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        self.limit = limit
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the request may go ahead (a token was taken), else the seconds until one is free."""
        rate_per_second = self.limit.per_minute / 60
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.pop(client, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - at) * rate_per_second)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / rate_per_second
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            return wait


def _buckets_for(name: str, default: str, setting: str | None) -> TokenBuckets:
    registry: dict[str, TokenBuckets] = current_app.extensions.setdefault("hubs_rate_limits", {})
    if name not in registry:
        settings = current_app.extensions.get("hubs_settings")
        configured = settings.extra.get(setting) if settings is not None and setting else None
        registry[name] = TokenBuckets(RateLimit.parse(configured or default))
    return registry[name]


def client_key() -> str:
    """Who is asking, as far as this app can tell: the remote address (behind a trusted proxy,
    the app should be wrapped in werkzeug's ProxyFix so that this is the real client)."""
    return request.remote_addr or "unknown"


def rate_limited(name: str, default: str = "10/minute;burst=5", setting: str | None = None) -> Callable:
    """Limit a view per client; `setting` names a HUBS_* variable that overrides `default`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wait = _buckets_for(name, default, setting).take(client_key())
            if wait > 0:
                log.info("rate limited", extra={"limit": name})
                raise TooManyRequests(
                    "Too many requests from this client; please wait before trying again.",
                    retry_after=max(1, math.ceil(wait)),
                )
            return view(*args, **kwargs)

        # flask-smorest documents the 429 answer from this attribute.
        wrapper._apidoc = getattr(view, "_apidoc", {})  # type: ignore[attr-defined]
        responses = wrapper._apidoc.setdefault("manual_doc", {}).setdefault("responses", {})
        responses.setdefault(
            429,
            {
                "description": "Too many requests from this client; Retry-After says how many seconds to wait.",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": {"application/problem+json": {"schema": {"type": "object"}}},
            },
        )
        return wrapper

    return decorate
