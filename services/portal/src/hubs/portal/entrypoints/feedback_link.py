"""The person's own feedback, through the one-use link their clinician sent them when their case
closed: no sign-in, anonymous, and the same questions the hub lead enters from paper."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from hubs.portal.domain.forms import Answers, errors_for_form
from hubs.portal.entrypoints.web import services
from hubs.runtime.ratelimit import rate_limited

bp = Blueprint("feedback_link", __name__)

# A link's token as care co-ordination makes them; anything else cannot be a link, and is not sent.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,200}$")
EXPERIENCES = (
    ("very-good", "Very good"),
    ("good", "Good"),
    ("neither-good-nor-poor", "Neither good nor poor"),
    ("poor", "Poor"),
    ("very-poor", "Very poor"),
    ("dont-know", "I do not know"),
)
# The statements the person may agree with, from 1 (not at all) to 5 (completely).
STATEMENTS = (
    ("felt_listened_to", "I felt listened to"),
    ("easy_to_access", "The hub was easy to reach"),
    ("helped", "The hub helped me"),
    ("confidentiality_trusted", "I trusted the hub to keep what I said private"),
)
SCALE = (("1", "1 (not at all)"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 (completely)"))
COMMENT_LIMIT = 2000
NOT_SENT = "The hub could not receive your feedback just now. Nothing has been sent. Please try again in a few minutes."
FORM_EXPIRED = (
    "This page was open for a long time, so for your security nothing was sent. "
    'Your answers are still here: check them and select "Send feedback" again.'
)


@dataclass
class FeedbackForm(Answers):
    """The person's answers, kept to show again, and what to change, by question."""

    order: ClassVar[tuple[str, ...]] = ("overall_experience", *(k for k, _ in STATEMENTS), "comment")


def read_form(form: Any) -> FeedbackForm:
    """Read and check the answers; only the overall experience is needed."""
    values = {k: (form.get(k) or "").strip() for k in FeedbackForm.order}
    values["comment"] = values["comment"].replace("\r\n", "\n")
    errors: dict[str, str] = {}
    if values["overall_experience"] not in dict(EXPERIENCES):
        errors["overall_experience"] = "Select how your experience of the hub was overall"
    for key, _ in STATEMENTS:
        if values[key] not in dict(SCALE):
            values[key] = ""  # optional: an answer that is not on the scale is no answer
    if len(values["comment"]) > COMMENT_LIMIT:
        errors["comment"] = f"What you tell us must be {COMMENT_LIMIT:,} characters or fewer"
    return FeedbackForm(values, errors)


def request_body(form: FeedbackForm, token: str) -> dict[str, Any]:
    v = form.values
    return {
        "token": token,
        "overall_experience": v["overall_experience"],
        **{k: int(v[k]) if v[k] else None for k, _ in STATEMENTS},
        "comment": v["comment"] or None,
    }


def _render_form(token: str, form: FeedbackForm, status: int = 200, notice: str | None = None):
    return render_template(
        "feedback_link.html",
        token=token,
        form=form,
        experiences=EXPERIENCES,
        statements=STATEMENTS,
        scale=SCALE,
        notice=notice,
    ), status


def _cannot_be_used():
    # The same page for a link used already, expired or never given: it says nothing of which.
    return render_template("feedback_link_unusable.html"), 404


@bp.get("/feedback/thank-you")
def thanks():
    """Thanks, and nothing of what was said."""
    return render_template("feedback_link_thanks.html")


@bp.get("/feedback/<token>")
def form(token: str):
    """The questions, for the person who has the link."""
    if not TOKEN.match(token):
        return _cannot_be_used()
    return _render_form(token, FeedbackForm())


@bp.post("/feedback/<token>")
@rate_limited("portal-feedback-link", default="20/minute;burst=20", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
def submit(token: str):
    """Check the answers; send them with the link; thank the person, or say what to change."""
    if not TOKEN.match(token):
        return _cannot_be_used()
    checked = read_form(request.form)
    if checked.errors:
        return _render_form(token, checked, 400)
    answer = services().call(
        "care", "POST", "/v1/service-user-feedback/by-link", json=request_body(checked, token),
        forwarded_for=request.remote_addr,
    )  # fmt: skip
    if answer.status == 404:
        return _cannot_be_used()
    if answer.status in (400, 422) and answer.errors:
        said = errors_for_form(answer.errors, FeedbackForm.order, {}, prefix="Check this answer: ")
        checked.errors = said or {"overall_experience": f"Check your answers: {answer.message}"}
        return _render_form(token, checked, 400)
    if not answer.ok:
        notice = NOT_SENT
        if answer.status == 429:
            notice = "The hub has received too many answers from here just now. Wait a minute and try again."
        return _render_form(token, checked, 503 if answer.status >= 500 else answer.status, notice)
    return redirect(url_for("feedback_link.thanks"), 303)


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    """Answers sent after the page's token expired: nothing is sent, and every answer comes back."""
    token = (request.view_args or {}).get("token", "")
    if request.endpoint != "feedback_link.submit" or not TOKEN.match(token):
        return render_template("error.html", status=400, title="Your form has expired",
                               detail="Go back, reload the page and try again."), 400  # fmt: skip
    checked = read_form(request.form)
    checked.errors = {}
    return _render_form(token, checked, 400, FORM_EXPIRED)
