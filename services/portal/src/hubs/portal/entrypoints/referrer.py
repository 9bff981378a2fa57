"""Referring someone else to the hub, with their consent: for referrers (line managers,
Occupational Health, HR, GPs) and for the hub's clinicians and leads."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from hubs.portal.adapters.services import first_submitted_at
from hubs.portal.domain import third_party_referral as referral
from hubs.portal.domain.first_contact import contact_by
from hubs.portal.domain.referred_person import CONTACT_WAYS, DEMOGRAPHICS, EMPLOYMENT_TYPES, STAFF_GROUPS
from hubs.portal.entrypoints.web import call, person, requires_role, services
from hubs.runtime.ratelimit import rate_limited

bp = Blueprint("referrer", __name__)
# The referral service accepts referrals from others from these roles.
REFERRING_ROLES = ("referrer", "clinician", "hub-lead")
NOT_SENT = "The hub could not receive this referral just now. Nothing has been sent. Please try again in a few minutes."


# Whether the hub may leave the person a voicemail or send a text, which someone else might hear or see:
# optional, asked as on the self-referral form and sent as the referral service names them.
MESSAGE_QUESTIONS = ("voicemail_ok", "text_ok")


def _with_message_answers(checked: referral.ThirdPartyReferralForm) -> referral.ThirdPartyReferralForm:
    """The answers to the voicemail and text questions, kept with the form's (neither yes nor no: not answered)."""
    for question in MESSAGE_QUESTIONS:
        answer = (request.form.get(question) or "").strip()
        checked.values[question] = answer if answer in ("yes", "no") else ""
    return checked


def _body(checked: referral.ThirdPartyReferralForm, now: datetime) -> dict:
    """The referral request, with the voicemail and text answers (null: not answered, so the hub asks first)."""
    answers = {q: {"yes": True, "no": False}.get(checked.values.get(q, "")) for q in MESSAGE_QUESTIONS}
    return referral.request_body(checked, now) | answers


def _render_form(
    form: referral.ThirdPartyReferralForm, status: int = 200, notice: str | None = None, colleague: bool = False
):
    return render_template(
        "refer_someone.html",
        form=form,
        colleague=colleague,
        sources=referral.SOURCES,
        consent_methods=referral.CONSENT_METHODS,
        staff_groups=STAFF_GROUPS,
        employment_types=EMPLOYMENT_TYPES,
        contact_ways=CONTACT_WAYS,
        demographics=dict(DEMOGRAPHICS),
        notice=notice,
    ), status


@bp.get("/refer-someone")
@requires_role(*REFERRING_ROLES)
def form():
    """The form for referring someone else, with the signed-in person as the referrer."""
    who = person()
    return _render_form(referral.blank(who.display_name if who else ""))


@bp.post("/refer-someone")
@requires_role(*REFERRING_ROLES)
def submit():
    """Check the answers; send the referral; show the confirmation, or the form with what to change."""
    # The same form sent twice is the same referral, with the same time of consent.
    now = first_submitted_at(datetime.now(UTC))
    checked = _with_message_answers(referral.read_form(request.form, now.astimezone(referral.LONDON).date()))
    if checked.errors:
        return _render_form(checked, 400)
    answer = call("referral", "POST", "/v1/referrals", json=_body(checked, now))
    if answer.status in (400, 422) and answer.errors:
        checked.errors = referral.field_errors(answer.errors) or {"name": f"Check the answers: {answer.message}"}
        return _render_form(checked, 400)
    if not answer.ok:
        notice = NOT_SENT if answer.status >= 500 else f"The referral was not sent: {answer.message}"
        return _render_form(checked, 503 if answer.status >= 500 else answer.status, notice)
    # Only what the referrer needs to quote: the reference and the urgency. Never whether the
    # person was already known to the hub (the service's `linked`), which is theirs to tell.
    session["referral_confirmation"] = {"reference": answer.data.get("reference"),
                                        "urgency": answer.data.get("urgency")}  # fmt: skip
    return redirect(url_for("referrer.confirmation"), 303)


@bp.get("/refer-someone/confirmation")
@requires_role(*REFERRING_ROLES)
def confirmation():
    """The reference to quote and what happens next, shown once."""
    confirmed = session.pop("referral_confirmation", None)
    if not confirmed:
        return redirect(url_for("referrer.form"))
    return render_template("refer_someone_confirmation.html", confirmed=confirmed)


# Referring a colleague without an account: the same questions, with the referrer's work email and
# their word that the person agreed; sent with the portal's service token, rate-limited per client.
FORM_EXPIRED = (
    "Your form has expired, so for security nothing was sent. "
    'Your answers are still here: check them and select "Send referral" again.'
)


@bp.get("/refer-a-colleague")
def colleague_form():
    """The public form for referring a colleague; a signed-in referrer has their own page."""
    who = person()
    if who is not None and who.has(*REFERRING_ROLES):
        return redirect(url_for("referrer.form"))
    return _render_form(referral.blank(), colleague=True)


@bp.post("/refer-a-colleague")
@rate_limited("portal-colleague-referral", default="20/minute;burst=20", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
def colleague_submit():
    """Check the answers; send the referral; show the confirmation, or the form with what to change."""
    now = first_submitted_at(datetime.now(UTC))
    checked = _with_message_answers(referral.read_colleague_form(request.form, now.astimezone(referral.LONDON).date()))
    if checked.errors:
        return _render_form(checked, 400, colleague=True)
    answer = services().call(
        "referral", "POST", "/v1/colleague-referrals", json=_body(checked, now),
        forwarded_for=request.remote_addr,
    )  # fmt: skip
    if answer.status in (400, 422) and answer.errors:
        checked.errors = referral.field_errors(answer.errors) or {"name": f"Check the answers: {answer.message}"}
        return _render_form(checked, 400, colleague=True)
    if not answer.ok:
        notice = NOT_SENT
        if answer.status == 429:
            notice = "The hub has received too many referrals from here just now. Wait a minute and try again."
        return _render_form(checked, 503 if answer.status >= 500 else answer.status, notice, colleague=True)
    told = ("reference", "urgency", "first_contact_due_by")
    session["colleague_confirmation"] = {k: answer.data.get(k) for k in told}
    return redirect(url_for("referrer.colleague_confirmation"), 303)


@bp.get("/refer-a-colleague/confirmation")
def colleague_confirmation():
    """The reference to quote, the urgency and when the hub will contact the person, shown once."""
    confirmed = session.pop("colleague_confirmation", None)
    if not confirmed:
        return redirect(url_for("referrer.colleague_form"))
    return render_template(
        "refer_someone_confirmation.html",
        confirmed=confirmed,
        colleague=True,
        contact_by=contact_by(confirmed.get("first_contact_due_by")),
    )


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    """A referral sent after its form token expired: nothing is sent; the form comes back with every answer."""
    colleague = request.endpoint == "referrer.colleague_submit"
    referring = request.endpoint == "referrer.submit" and person() is not None and person().has(*REFERRING_ROLES)
    if not (colleague or referring):
        return render_template("error.html", status=400, title="Your form has expired",
                               detail="Go back, reload the page and try again."), 400  # fmt: skip
    checked = _with_message_answers(referral.read_form(request.form, datetime.now(referral.LONDON).date()))
    checked.errors = {}
    return _render_form(checked, 400, FORM_EXPIRED, colleague=colleague)
