"""Rate limits for public endpoints: a token bucket per client, one set of buckets per API server.

A public endpoint (self-referral) must stay open to anyone, yet must not let one client
flood the hub. Each client (its address as the app sees it) has a bucket of `burst` tokens
refilled at `per_minute`; a request takes one token, and a request finding the bucket empty
is answered 429 with Retry-After.

An API served by one gunicorn worker keeps the buckets in memory. With several workers
(HUBS_API_WORKERS) they live in one small SQLite file that the server creates before forking
and removes when it stops (in the pod's memory-backed /tmp), and every worker takes tokens from
the same bucket: a client meets the configured limit whichever worker the kernel hands its
connections to. A budget per worker would multiply a flooding client's allowance by the number
of workers, and the limit divided between workers would refuse honest clients whenever
connections spread unevenly. Limits are per API server (per pod), as they always were; a
deployment that needs one limit across replicas puts it in its ingress as well."""

from __future__ import annotations

import functools
import logging
import math
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# app.extensions key: the bucket file shared by the workers of this API server, if it has several.
SHARED_BUCKETS = "hubs_rate_limit_file"
_BUCKETS_TABLE = (
    "CREATE TABLE IF NOT EXISTS buckets (name TEXT NOT NULL, client TEXT NOT NULL, tokens REAL NOT NULL, "
    "at REAL NOT NULL, PRIMARY KEY (name, client))"
)


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
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.pop(client, (float(self.limit.burst), now))
            tokens, wait = _refill(self.limit, tokens, at, now)
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            return wait


def _refill(limit: RateLimit, tokens: float, at: float, now: float) -> tuple[float, float]:
    """A bucket last seen at `at` with `tokens`, refilled until `now`, after one request:
    (tokens left, 0) if the request took one, else (tokens, seconds until one is free)."""
    rate_per_second = limit.per_minute / 60
    tokens = min(float(limit.burst), tokens + (now - at) * rate_per_second)
    if tokens >= 1:
        return tokens - 1, 0.0
    return tokens, (1 - tokens) / rate_per_second


def create_shared_buckets(path: str) -> None:
    """Create the bucket file of an API server before it forks its workers (each opens its own)."""
    with closing(sqlite3.connect(path)) as conn:
        # Write-ahead log: a take is then about 20 µs, not 80 (no journal file made and removed per
        # take). The file's directory is the server's own, removed with its -wal and -shm files.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_BUCKETS_TABLE)
        conn.commit()


class SharedTokenBuckets:
    """The buckets of one limit in the SQLite file every worker of one API server shares. A take is
    one short write transaction; CLOCK_MONOTONIC is the same clock in every process of the machine."""

    def __init__(
        self,
        limit: RateLimit,
        path: str,
        name: str,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ):
        self.limit = limit
        self._path = path
        self._name = name
        self._clock = clock
        self._max_clients = max_clients
        self._lock = threading.Lock()  # the threads of a worker share its connection
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._takes = 0
        self._alone = TokenBuckets(limit, clock, max_clients)

    def take(self, client: str) -> float:
        """0 if the request may go ahead (a token was taken), else the seconds until one is free."""
        try:
            with self._lock:
                return self._take(client)
        except sqlite3.Error as exc:
            # The public door must not close because the file failed: this worker limits on its own.
            log.warning("shared rate limit unavailable", extra={"limit": self._name, "error": type(exc).__name__})
            return self._alone.take(client)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # never a connection opened before a fork
            self._conn = sqlite3.connect(self._path, timeout=5, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA synchronous=OFF")  # the file lives in memory and only as long as the server
            self._pid = os.getpid()
        return self._conn

    def _take(self, client: str) -> float:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")  # one worker at a time reads and writes a bucket
        try:
            now = self._clock()
            row: tuple[float, float] | None = conn.execute(
                "SELECT tokens, at FROM buckets WHERE name = ? AND client = ?", (self._name, client)
            ).fetchone()
            tokens, wait = _refill(self.limit, *(row or (float(self.limit.burst), now)), now)
            conn.execute(
                "INSERT INTO buckets VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name, client) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
                (self._name, client, tokens, now),
            )
            self._takes += 1
            if self._takes % 256 == 0:
                self._forget(conn, now)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return wait

    def _forget(self, conn: sqlite3.Connection, now: float) -> None:
        # A bucket that has refilled is as good as none; past max_clients the least recent go too.
        refilled = now - self.limit.burst / (self.limit.per_minute / 60)
        conn.execute("DELETE FROM buckets WHERE name = ? AND at < ?", (self._name, refilled))
        conn.execute(
            "DELETE FROM buckets WHERE rowid IN "
            "(SELECT rowid FROM buckets WHERE name = ? ORDER BY at DESC LIMIT -1 OFFSET ?)",
            (self._name, self._max_clients),
        )


def _buckets_for(name: str, default: str, setting: str | None) -> TokenBuckets | SharedTokenBuckets:
    registry: dict[str, TokenBuckets | SharedTokenBuckets] = current_app.extensions.setdefault("hubs_rate_limits", {})
    if name not in registry:
        settings = current_app.extensions.get("hubs_settings")
        configured = settings.extra.get(setting) if settings is not None and setting else None
        limit = RateLimit.parse(configured or default)
        shared = current_app.extensions.get(SHARED_BUCKETS)
        registry[name] = SharedTokenBuckets(limit, shared, name) if shared else TokenBuckets(limit)
    return registry[name]


def client_key() -> str:
    """Who is asking, as far as this app can tell: the remote address, which
    `hubs.runtime.forwarding` has set to the forwarded client only for a trusted proxy or the portal."""
    return request.remote_addr or "unknown"


def rate_limited(
    name: str, default: str = "10/minute;burst=5", setting: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Limit a view per client; `setting` names a HUBS_* variable that overrides `default`."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            wait = _buckets_for(name, default, setting).take(client_key())
            if wait > 0:
                log.info("rate limited", extra={"limit": name})
                raise TooManyRequests(
                    "Too many requests from this client; please wait before trying again.",
                    retry_after=max(1, math.ceil(wait)),
                )
            return view(*args, **kwargs)

        # flask-smorest documents the 429 answer from this attribute.
        apidoc: dict[str, Any] = getattr(view, "_apidoc", {})
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        responses = apidoc.setdefault("manual_doc", {}).setdefault("responses", {})
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
