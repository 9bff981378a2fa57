"""Drafts of the clinicians' case forms: what someone typed is never lost when their sign-in (or the
form's token) expires while they write.

When a form that keeps drafts is sent after the sign-in expired, its fields are kept here, in the
portal process beside the sessions (never in the cookie, never logged), keyed to the person and the
form; the person signs in again and comes back to the page the form is on, with every answer put
back. A draft is dropped once its form is sent and accepted, and forgotten after `DRAFT_HOURS`.

A form opts in with the `keeps_draft` decorator on its POST route (outside `requires_role`):

    @bp.post("/cases/<referral_id>/notes")
    @keeps_draft("case-note", page=lambda referral_id: f"/cases/{referral_id}")
    @requires_role("clinician", "hub-lead")
    def note(referral_id): ...

`page` names the page the form is on (from the route's arguments); that page asks
`restored(request.path)` for the answers to show again."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, request, session, url_for
from werkzeug.datastructures import ImmutableMultiDict

DRAFT_HOURS = 12
# A form's own machinery, never an answer: a fresh token and key come with the page shown again.
NOT_ANSWERS = frozenset({"csrf_token", "idempotency_key"})
SHOWN_AGAIN = (
    "Your sign-in or the form had expired before it was sent, so nothing was saved. Your answers are below: "
    "check them and send the form again."
)


@dataclass
class _Draft:
    fields: list[tuple[str, str]]
    expires_at: float


class DraftStore:
    """Drafts by (person, form, page), and who each recent session belonged to (so that a form sent
    after its session expired is still known to be theirs)."""

    def __init__(self, lifetime_seconds: float = DRAFT_HOURS * 3600, max_entries: int = 10_000, clock=time.time):
        self._lifetime = lifetime_seconds
        self._max = max_entries
        self._clock = clock
        self._drafts: dict[tuple[str, str, str], _Draft] = {}
        self._owners: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def remember(self, session_id: str, subject: str) -> None:
        """`session_id` is `subject`'s: kept for as long as a draft would be, after the session ends."""
        with self._lock:
            self._forget_expired()
            self._bounded(self._owners)
            self._owners[session_id] = (subject, self._clock() + self._lifetime)

    def owner_of(self, session_id: str | None) -> str | None:
        """Whose that session was, if it was seen in the last `DRAFT_HOURS`."""
        with self._lock:
            found = self._owners.get(session_id or "")
            return found[0] if found and found[1] > self._clock() else None

    def forget_session(self, session_id: str | None) -> None:
        with self._lock:
            self._owners.pop(session_id or "", None)

    def keep(self, subject: str, form: str, page: str, fields: Mapping[str, Any]) -> None:
        """Keep the form's fields (every value of each) as the draft of `subject`'s `form` on `page`."""
        items = fields.items(multi=True) if hasattr(fields, "getlist") else fields.items()
        kept = [(k, str(v)) for k, v in items if k not in NOT_ANSWERS]
        with self._lock:
            self._forget_expired()
            self._bounded(self._drafts)
            self._drafts[(subject, form, _path(page))] = _Draft(kept, self._clock() + self._lifetime)

    def on_page(self, subject: str, page: str) -> dict[str, ImmutableMultiDict]:
        """`subject`'s live drafts of the forms on `page`, by form."""
        now, path = self._clock(), _path(page)
        with self._lock:
            return {
                form: ImmutableMultiDict(draft.fields)
                for (who, form, where), draft in self._drafts.items()
                if who == subject and where == path and draft.expires_at > now
            }

    def drop(self, subject: str, form: str, page: str) -> None:
        with self._lock:
            self._drafts.pop((subject, form, _path(page)), None)

    def _bounded(self, entries: dict) -> None:
        while len(entries) >= self._max:
            entries.pop(next(iter(entries)))

    def _forget_expired(self) -> None:
        now = self._clock()
        for key in [k for k, d in self._drafts.items() if d.expires_at <= now]:
            del self._drafts[key]
        for key in [k for k, (_, at) in self._owners.items() if at <= now]:
            del self._owners[key]


def _path(page: str) -> str:
    """A page by its path alone: the same case page whatever its query says."""
    return urlsplit(page).path


def drafts() -> DraftStore:
    """The portal's draft store (one per app, beside its sessions)."""
    return current_app.extensions.setdefault("portal_drafts", DraftStore())


def remember_who_is_signed_in() -> None:
    """Before every request: note whose session this is, so that a form sent just after it expires is
    still known to be theirs."""
    from hubs.portal.entrypoints.web import person

    who = person()
    if who is not None and session.get("sid"):
        drafts().remember(session["sid"], who.subject)


def _owner() -> str | None:
    from hubs.portal.entrypoints.web import person

    who = person()
    return who.subject if who is not None else drafts().owner_of(session.get("sid"))


# The forms that keep drafts, by endpoint: their name and the page they are on.
FORMS: dict[str, tuple[str, Callable[..., str]]] = {}


def keeps_draft(form: str, page: Callable[..., str]) -> Callable:
    """Opt a form's POST route in: sent after the sign-in expired, its fields are kept and the person
    is asked to sign in again, then taken back to `page(**route arguments)` with their answers;
    sent and accepted (an answer below 400), its draft is dropped."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            back = page(**kwargs)
            from hubs.portal.entrypoints.web import person

            if person() is None:
                return keep_and_sign_in_again(form, back)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                drafts().drop(person().subject, form, back)
            return response

        wrapper.hubs_draft = (form, page)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def opted_in(endpoint: str | None) -> tuple[str, Callable[..., str]] | None:
    """The draft form of an endpoint, if its route keeps drafts."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "hubs_draft", None)


def keep_and_sign_in_again(form: str, back: str):
    """Keep what was sent as the person's draft and send them to sign in, then back to the form's page.
    Nobody known (a session forgotten long ago): there is no one to keep it for, and nothing is kept."""
    subject = _owner()
    if subject is not None:
        drafts().keep(subject, form, back, request.form)
    return redirect(url_for("signin.start", next=back), 303)


def restored(page: str) -> tuple[ImmutableMultiDict, dict[str, str]]:
    """For the signed-in person on `page`: the answers of their drafts there (every form's, together)
    and, by form, the words that say why they are shown again. Empty when there are none."""
    from hubs.portal.entrypoints.web import person

    who = person()
    found = drafts().on_page(who.subject, page) if who is not None else {}
    fields = [item for values in found.values() for item in values.items(multi=True)]
    return ImmutableMultiDict(fields), dict.fromkeys(found, SHOWN_AGAIN)
