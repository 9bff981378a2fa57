"""The hub lead's workspace: the hub's activity, its people's feedback, the access audit,
and the hub's data set for any period with the national figures beside it, where the hub lead
signs off each ended month after checking the gaps in its records."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hubs.portal.domain.figures import HEADLINE, figure
from hubs.portal.domain.forms import errors_for_form
from hubs.portal.entrypoints import lead_forms
from hubs.portal.entrypoints.web import call, requires_role

bp = Blueprint("lead", __name__, url_prefix="/lead")
PERIOD_TYPES = [("week", "Week"), ("month", "Month"), ("quarter", "Financial quarter"),
                ("financial-year", "Financial year")]  # fmt: skip


@dataclass(frozen=True)
class Listing:
    """A page that lists what one service endpoint holds, as a table."""

    title: str
    lede: str
    service: str
    path: str
    columns: tuple[tuple[str, str], ...]


LISTINGS = {
    "directory": Listing(
        "Service directory", "Local services the hub refers people on to, with their target waits.",
        "care", "/v1/directory",
        (("name", "Service"), ("service_type", "Type"), ("target_wait_days", "Target wait (days)"),
         ("languages", "Languages"), ("how_to_refer", "How to refer")),
    ),
    "waits": Listing(
        "Waits for treatment", "People waiting for treatment after an onward referral, longest first.",
        "care", "/v1/waits",
        (("service_type", "Service type"), ("urgency", "Urgency"), ("made_on", "Referred on"),
         ("waited_days", "Waited (days)"), ("target_wait_days", "Target (days)"), ("over_target", "Over target")),
    ),
    "campaigns": Listing(
        "Campaigns", "Campaigns aimed at at-risk groups and employers, with the referrals they brought in.",
        "outreach", "/v1/campaigns",
        (("name", "Campaign"), ("code", "Code"), ("starts_on", "Starts"), ("ends_on", "Ends"),
         ("events_held", "Events held"), ("attendance", "Attendance"), ("referrals", "Referrals")),
    ),
    "outreach-events": Listing(
        "Outreach events", "Outreach and inreach events, planned and held.",
        "outreach", "/v1/outreach-events",
        (("code", "Code"), ("kind", "Kind"), ("held_on", "Held on"), ("status", "Status"),
         ("attendance", "Attendance"), ("delivery_mode", "Delivery"), ("referrals", "Referrals")),
    ),
    "training": Listing(
        "Training", "Training sessions delivered to employers, managers and teams.",
        "outreach", "/v1/training-sessions",
        (("delivered_on", "Delivered on"), ("audience", "Audience"), ("topic", "Topic"),
         ("attendance", "Attendance"), ("duration_minutes", "Minutes"), ("delivery_mode", "Delivery")),
    ),
    "supervision": Listing(
        "Supervision", "Supervision sessions held for the hub's own staff.",
        "outreach", "/v1/supervision-sessions",
        (("held_on", "Held on"), ("supervision_type", "Type"), ("attendees", "Attendees"),
         ("duration_minutes", "Minutes"), ("wellbeing_discussed", "Wellbeing discussed")),
    ),
    "check-ins": Listing(
        "Check-ins", "Wellbeing check-ins of the hub's own staff, as a team or one to one.",
        "outreach", "/v1/check-ins",
        (("held_on", "Held on"), ("format", "Kind"), ("attendees", "Staff who took part")),
    ),
    "staff-feedback": Listing(
        "Staff feedback", "Anonymous surveys of the hub's staff; scores are withheld until enough staff answer.",
        "outreach", "/v1/staff-surveys",
        (("title", "Survey"), ("status", "Status"), ("opens_on", "Opens"), ("closes_on", "Closes"),
         ("responses", "Responses"), ("mean_wellbeing", "Wellbeing (mean)"), ("mean_feel_supported", "Feel supported")),
    ),
    "access-audit": Listing(
        "Access audit", "Who opened a person's details, when, in which role and why (newest first).",
        "referral", "/v1/access-audit",
        (("at", "When"), ("subject", "Who"), ("roles", "Role"), ("action", "Action"), ("purpose", "Purpose"),
         ("case_id", "Case")),
    ),
}  # fmt: skip


@bp.get("/")
@requires_role("hub-lead")
def home():
    """The hub lead's start page."""
    return render_template("lead_home.html", listings=LISTINGS)


@bp.get("/<name>")
@requires_role("hub-lead")
def listing(name: str, values: dict | None = None, errors: dict | None = None, status: int = 200):
    """One of the hub lead's lists, with its form for recording a new entry where it has one."""
    found = LISTINGS.get(name)
    if found is None:
        abort(404)
    answer = call(found.service, "GET", found.path)
    rows = answer.data if answer.ok and isinstance(answer.data, list) else []
    record = lead_forms.FORMS.get(name)
    return render_template(
        "lead_listing.html",
        listing=found,
        answer=answer,
        rows=rows,
        name=name,
        record=record,
        values=values or {},
        errors=errors or {},
        ordered_errors=lead_forms.ordered(record, errors or {}) if record else [],
        surveys=name == "staff-feedback",
    ), status


@bp.post("/<name>")
@requires_role("hub-lead")
def record(name: str):
    """Record a new entry through the service; the list again, with what to change if it was refused."""
    form = lead_forms.FORMS.get(name)
    if form is None:
        abort(404)
    body, errors = lead_forms.read(form, request.form)
    if not errors:
        answer = call(form.service, "POST", form.path, json=body)
        if answer.ok:
            flash(f"{form.title}: done", "success")
            return redirect(url_for("lead.listing", name=name), 303)
        errors = errors_for_form(answer.errors, [f.name for f in form.fields]) or {
            form.fields[0].name: f"Not recorded: {answer.message}"
        }
    return listing(name, values=request.form, errors=errors, status=400)


@bp.post("/staff-feedback/<uuid:survey_id>/close")
@requires_role("hub-lead")
def close_survey(survey_id: uuid.UUID):
    """Close a staff survey: its answers are released, shuffled, for the hub's figures."""
    answer = call("outreach", "POST", f"/v1/staff-surveys/{survey_id}/close")
    flash("Staff survey closed" if answer.ok else f"The survey was not closed: {answer.message}",
          "success" if answer.ok else "error")  # fmt: skip
    return redirect(url_for("lead.listing", name="staff-feedback"), 303)


# What a month's state means to the hub lead (the reporting service's states).
MONTH_STATES = {
    "awaiting-sign-off": "Awaiting sign-off",
    "signed-off": "Signed off by the hub",
    "final-without-sign-off": "Final without sign-off",
    "open": "Not ended yet",
}
# The data-quality counts shown before a month is signed off: the gaps to chase first.
DATA_QUALITY = (
    ("referrals_received", "Referrals received"),
    ("referrals_without_outcome", "Referrals with no outcome yet (no assessment, signposting, onward referral, "
                                  "withdrawal, transfer or closure)"),
    ("cases_without_referral", "Cases whose referral never arrived"),
    ("treatments_started_with_unknown_wait", "Treatments started whose onward referral date is not known"),
    ("onward_referrals_without_reply_after_6_weeks", "Onward referrals with no reply after 6 weeks"),
)  # fmt: skip
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_name(month: str) -> str:
    """'2026-10' as 'October 2026'."""
    found = MONTH.match(month or "")
    return date(int(found[1]), int(found[2]), 1).strftime("%B %Y") if found else month


@bp.get("/dataset")
@requires_role("hub-lead")
def dataset():
    """The hub's figures for a period, with England's beside them where the person may see them,
    and the last ended months with their sign-off. Asked to sign off a month (`sign_off=1`), the
    page first shows the gaps in that month's records, with the button that signs it off."""
    period_type = request.args.get("period_type", "month")
    if period_type not in dict(PERIOD_TYPES):
        period_type = "month"
    period = (request.args.get("period") or "").strip()[:20] or None
    params = {"period_type": period_type, "period": period}
    hub = call("reporting", "GET", "/v1/dataset", params=params)
    shown_period = hub.data.get("period") if hub.ok else period
    national = call("national", "GET", "/v1/national/comparison",
                    params={"period_type": period_type, "period": shown_period})  # fmt: skip
    england = national.data.get("england", {}).get("figures", {}) if national.ok else {}
    figures = hub.data.get("figures", {}) if hub.ok else {}
    headline = list(HEADLINE)
    others = [figure(k) for k in sorted(figures) if k not in {f.key for f in headline}]
    months = call("reporting", "GET", "/v1/dataset/sign-offs")
    month_rows = months.data.get("months", []) if months.ok and isinstance(months.data, dict) else []
    confirming = None
    if (
        request.args.get("sign_off")
        and period_type == "month"
        and hub.ok
        and hub.data.get("state") == "awaiting-sign-off"
    ):
        quality = call("reporting", "GET", "/v1/data-quality", params={"period_type": "month", "period": shown_period})
        confirming = {"period": shown_period, "name": month_name(shown_period), "quality": quality}
    return render_template(
        "lead_dataset.html",
        hub=hub,
        national=national,
        figures=figures,
        england=england,
        headline=headline,
        others=others,
        period_types=PERIOD_TYPES,
        period_type=period_type,
        period=shown_period or "",
        months=months,
        month_rows=[{**m, "name": month_name(m.get("period", ""))} for m in month_rows],
        month_states=MONTH_STATES,
        confirming=confirming,
        data_quality=DATA_QUALITY,
    )


@bp.post("/dataset/sign-off")
@requires_role("hub-lead")
def sign_off():
    """Sign off an ended month: its report leaves the hub as final, signed off."""
    period = request.form.get("period", "").strip()[:20]
    answer = call("reporting", "POST", "/v1/dataset/sign-offs", json={"period_type": "month", "period": period})
    if answer.ok:
        flash(f"{month_name(period)} signed off: its final report goes to the national team.", "success")
    else:
        flash(f"{month_name(period)} was not signed off: {answer.message}", "error")
    return redirect(url_for("lead.dataset", period_type="month", period=period), 303)
