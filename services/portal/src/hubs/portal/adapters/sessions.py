"""Signed-in sessions, kept in the portal process: the browser's cookie holds only a random
session id, so the person's access token never reaches the browser."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from hubs.portal.domain.people import Person


@dataclass
class SignedIn:
    """One person's session: who they are and the token the services accept from them."""

    person: Person
    access_token: str
    expires_at: float


class SessionStore:
    """Sessions by id, forgotten when they expire or the person signs out."""

    def __init__(self, max_sessions: int = 10_000):
        self._sessions: dict[str, SignedIn] = {}
        self._lock = threading.Lock()
        self._max = max_sessions

    def start(self, person: Person, access_token: str, lifetime_seconds: float) -> str:
        """A new session id for `person`."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            if len(self._sessions) >= self._max:
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[session_id] = SignedIn(person, access_token, time.time() + lifetime_seconds)
        return session_id

    def get(self, session_id: str | None) -> SignedIn | None:
        """The live session with that id, if any."""
        if not session_id:
            return None
        with self._lock:
            found = self._sessions.get(session_id)
            if found and found.expires_at <= time.time():
                del self._sessions[session_id]
                return None
            return found

    def end(self, session_id: str | None) -> None:
        """Forget a session (sign-out)."""
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _forget_expired(self) -> None:
        now = time.time()
        for key in [k for k, v in self._sessions.items() if v.expires_at <= now]:
            del self._sessions[key]
