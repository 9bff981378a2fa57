"""Notes on a case, and the case's timeline, on the case page.

A note's text is clinical free text: the assessment service seals it, and reads of it are audited
there with the purpose the case was opened for. A note that could not be saved comes back on the
case page as it was typed: refused, or sent with an expired form, at once; sent after the sign-in
expired, as the person's draft (adapters.drafts, in the portal process only) once they sign in again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, request
from flask_wtf.csrf import CSRFError

from hubs.contracts import codes
from hubs.portal.adapters import drafts
from hubs.portal.adapters.services import Answer
from hubs.portal.domain.case_timeline import Entry, timeline
from hubs.portal.domain.forms import problem_fields
from hubs.portal.entrypoints.clinician import CASE_ROLES, _back, _case_again, _case_id, _case_page, _referral_id
from hubs.portal.entrypoints.web import call, person, requires_role

bp = Blueprint("case_notes", __name__)

NOTE_KINDS = [
    (codes.CaseNoteKind.CONTACT.value, "Contact"),
    (codes.CaseNoteKind.MDT_DISCUSSION.value, "Multidisciplinary team (MDT) discussion"),
    (codes.CaseNoteKind.RISK.value, "Risk"),
    (codes.CaseNoteKind.SAFEGUARDING.value, "Safeguarding"),
]
TEXT_MAX = 10_000
# The note form's questions, by the names the assessment service gives its fields.
QUESTIONS = {"kind": "note_kind", "text": "note_text"}
FORM_EXPIRED = "Your form had expired, so the note was not saved. It is below: check it and add it again."
DRAFT = "case-note"  # the form's name among the drafts, and where the page says why a draft is back


@bp.app_template_global()
def case_notes(case_id: str, purpose: str) -> Answer:
    """The case's notes, newest first, read once per page (the read is audited with `purpose`)."""
    cache = g.setdefault("case_notes", {})
    if (case_id, purpose) not in cache:
        cache[case_id, purpose] = call("assessment", "GET", f"/v1/cases/{case_id}/notes", params={"purpose": purpose})
    return cache[case_id, purpose]


@bp.app_template_global()
def case_timeline(referral: dict[str, Any], records: dict[str, Any]) -> list[Entry]:
    """The case's steps, oldest first, from what the case page has."""
    return timeline(referral, records)


@bp.app_template_global()
def note_kinds() -> list[tuple[str, str]]:
    return NOTE_KINDS


def check(form: Any) -> dict[str, str]:
    """What is wrong with the note form, by question, in the order asked."""
    errors: dict[str, str] = {}
    if form.get("note_kind") not in dict(NOTE_KINDS):
        errors["note_kind"] = "Select what the note is about"
    text = _text(form)
    if not text.strip():
        errors["note_text"] = "Write the note"
    elif len(text) > TEXT_MAX:
        errors["note_text"] = f"The note is {len(text):,} characters: it can be at most {TEXT_MAX:,}"
    return errors


def _text(form: Any) -> str:
    # A browser sends a new line as two characters; the person typed one.
    return (form.get("note_text") or "").replace("\r\n", "\n")


@bp.post("/cases/<referral_id>/notes")
@drafts.keeps_draft(DRAFT, page=_case_page)
@requires_role(*CASE_ROLES)
def add_note(referral_id: str):
    """Add a note to the case's record, written by the signed-in clinician, now."""
    referral_id = _referral_id(referral_id)
    errors = check(request.form)
    if errors:
        return _case_again(referral_id, {}, errors)
    who = person()
    body = {"kind": request.form["note_kind"], "text": _text(request.form), "author_name": who.display_name}
    answer = call("assessment", "POST", f"/v1/cases/{_case_id()}/notes", json=body)
    if answer.status == 401:
        # The sign-in ran out at the service: kept as a draft until the person signs in again.
        return drafts.keep_and_sign_in_again(DRAFT, _case_page(referral_id))
    if not answer.ok:
        found: dict[str, str] = {}
        for path, message in problem_fields(answer.errors).items():
            found.setdefault(QUESTIONS.get(path.split(".")[-1], DRAFT), message)
        said = found.pop(DRAFT, None) or (None if found else answer.message)
        return _case_again(referral_id, {}, {DRAFT: f"The note was not saved: {said}", **found} if said else found)
    flash("Note added", "success")
    return _back(referral_id, "notes")


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    """A note sent with an expired form token: nothing is sent. Signed in, the note comes back at
    once as typed; with the sign-in expired too, it is kept as a draft for after signing in again."""
    referral_id = _referral_id((request.view_args or {}).get("referral_id", ""))
    who = person()
    if who is None:
        return drafts.keep_and_sign_in_again(DRAFT, _case_page(referral_id))
    if not who.has(*CASE_ROLES):
        abort(403)
    return _case_again(referral_id, {}, {DRAFT: FORM_EXPIRED})
