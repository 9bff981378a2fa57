"""Public pages: the start page and the self-referral form, open to anyone."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from hubs.portal.domain import referred_person, self_referral
from hubs.portal.domain.first_contact import contact_by
from hubs.portal.entrypoints.web import services
from hubs.runtime.ratelimit import rate_limited

bp = Blueprint("public", __name__)

CONFIDENTIALITY = (
    "What you tell the hub is confidential. Your employer, your manager and Occupational Health are not told "
    "that you contacted us unless you agree. Only the hub's clinical team can read your contact details; "
    "everything the hub reports is counted, never named."
)


def _render_form(form: self_referral.SelfReferralForm, status: int = 200, notice: str | None = None):
    return render_template(
        "self_referral.html",
        form=form,
        confidentiality=CONFIDENTIALITY,
        staff_groups=referred_person.STAFF_GROUPS,
        employment_types=referred_person.EMPLOYMENT_TYPES,
        contact_ways=referred_person.CONTACT_WAYS,
        at_risk_factors=self_referral.AT_RISK_FACTORS,
        demographics=dict(referred_person.DEMOGRAPHICS),
        notice=notice,
    ), status


@bp.get("/")
def start():
    """The start page: what the hub is, and the ways in."""
    return render_template("start.html", confidentiality=CONFIDENTIALITY)


@bp.get("/self-referral")
def self_referral_form():
    """The self-referral form, empty (or with a campaign's code from the link that led here)."""
    code = (request.args.get("code") or "")[:64]
    return _render_form(self_referral.SelfReferralForm(values={"heard_of_hub_via": code}))


@bp.post("/self-referral")
@rate_limited("portal-self-referral", default="20/minute;burst=20", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
def submit_self_referral():
    """Check the answers; send the referral; show the confirmation, or the form with its errors."""
    form = self_referral.read_form(request.form)
    if form.errors:
        return _render_form(form, 400)
    answer = services().call(
        "referral", "POST", "/v1/self-referrals", json=self_referral.request_body(form),
        forwarded_for=request.remote_addr,
    )  # fmt: skip
    if answer.status == 422 and answer.errors:
        form.errors = self_referral.field_errors(answer.errors) or {"name": answer.message}
        return _render_form(form, 400)
    if not answer.ok:
        notice = (
            "The hub could not receive your referral just now. Nothing has been sent. "
            "Please try again in a few minutes."
        )
        if answer.status == 429:
            notice = "The hub has received too many referrals from here just now. Wait a minute and try again."
        return _render_form(form, 503 if answer.status >= 500 else answer.status, notice)
    session["confirmation"] = {**answer.data, "urgent_screen": form.values["thoughts_of_self_harm"] == "yes"
                               or form.values["risk_to_others"] == "yes"}  # fmt: skip
    return redirect(url_for("public.confirmation"), 303)


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    """A self-referral sent after its form token expired: nothing is sent, and the form comes
    back with every answer, saying so."""
    if request.endpoint != "public.submit_self_referral":
        return render_template("error.html", status=400, title="Your form has expired",
                               detail="Go back, reload the page and try again."), 400  # fmt: skip
    form = self_referral.read_form(request.form)
    form.errors = {}
    return _render_form(form, 400, FORM_EXPIRED)


FORM_EXPIRED = (
    "Your form has expired, so for your security nothing was sent. "
    'Your answers are still here: check them and select "Send referral" again.'
)


@bp.get("/self-referral/confirmation")
def confirmation():
    """The reference to quote and what happens next (with urgent help when the answers call for it)."""
    # Shown once: on a shared computer the next person must not find it (pages are never cached either).
    confirmed = session.pop("confirmation", None)
    if not confirmed:
        return redirect(url_for("public.self_referral_form"))
    urgent = confirmed.get("urgency") == "urgent" or confirmed.get("urgent_screen")
    when = contact_by(confirmed.get("first_contact_due_by"))
    return render_template("confirmation.html", confirmed=confirmed, urgent=urgent, contact_by=when)


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("accessibility.html")
