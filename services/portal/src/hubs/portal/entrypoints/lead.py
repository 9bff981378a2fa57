"""The hub lead's workspace: the hub's activity, its people's feedback, the access audit, the
employers' sickness absence returns, and the hub's data set for any period with the national
figures beside it and its last months charted, where the hub lead signs off each ended month after
checking the gaps in its records."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hubs.portal.domain import dataset_charts
from hubs.portal.domain.figures import HEADLINE, figure
from hubs.portal.domain.forms import errors_for_form
from hubs.portal.entrypoints import lead_forms
from hubs.portal.entrypoints.filters import LONDON, code
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
    codes: frozenset[str] = frozenset()  # the columns whose values are codes, shown in words


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
    "service-user-feedback": Listing(
        "Service-user feedback", "What people the hub supported said of it, anonymously; comments stay in the hub.",
        "care", "/v1/service-user-feedback",
        (("given_on", "Given on"), ("stage", "When"), ("overall_experience", "Overall experience"),
         ("felt_listened_to", "Listened to"), ("easy_to_access", "Easy to reach"), ("helped", "Helped"),
         ("confidentiality_trusted", "Trusted with confidentiality"), ("comment", "Comment")),
        codes=frozenset({"stage", "overall_experience"}),
    ),
    "staff-feedback": Listing(
        "Staff feedback", "Anonymous surveys of the hub's staff; scores are withheld until enough staff answer.",
        "outreach", "/v1/staff-surveys",
        (("title", "Survey"), ("status", "Status"), ("opens_on", "Opens"), ("closes_on", "Closes"),
         ("responses", "Responses"), ("mean_wellbeing", "Wellbeing (mean)"), ("mean_feel_supported", "Feel supported")),
    ),
    "team-members": Listing(
        "Team", "The hub's clinical team: who assessments name, and who can hold cases. Kept in the hub.",
        "outreach", "/v1/team-members",
        (("name", "Name"), ("staff_id", "Staff id"), ("discipline", "Discipline"), ("subject", "Sign-in id"),
         ("active", "In the team")),
        codes=frozenset({"discipline"}),
    ),
    "access-audit": Listing(
        "Access audit", "Who opened a person's details, when, in which role and why (newest first).",
        "referral", "/v1/access-audit",
        (("at", "When"), ("subject", "Who"), ("roles", "Role"), ("action", "Action"), ("purpose", "Purpose"),
         ("case_id", "Case")),
    ),
}  # fmt: skip


# The lists whose entries take an attendee's feedback, and the endpoint that describes one entry.
FEEDBACK_ON = {"training": "/v1/training-sessions/{id}", "outreach-events": "/v1/outreach-events/{id}"}


@bp.get("/")
@requires_role("hub-lead")
def home():
    """The hub lead's start page."""
    return render_template("lead_home.html", listings=LISTINGS)


@bp.get("/team-members")
@requires_role("hub-lead")
def team(values: Any = None, errors: dict | None = None, changing: dict | None = None, status: int = 200):
    """The hub's team, with the form that adds a member, or (`?change=<id>`) the one that changes one."""
    answer = call("outreach", "GET", "/v1/team-members")
    rows = answer.data if answer.ok and isinstance(answer.data, list) else []
    if changing is None and (wanted := request.args.get("change")):
        changing = next((m for m in rows if m.get("member_id") == wanted), None)
    if changing is not None and values is None:
        values = {k: changing.get(k) or "" for k in ("staff_id", "name", "discipline", "subject")}
        values["active"] = "yes" if changing.get("active") else "no"
    form = lead_forms.TEAM_MEMBER
    return render_template(
        "lead_team.html",
        listing=LISTINGS["team-members"],
        answer=answer,
        rows=rows,
        record=form,
        changing=changing,
        values=values or {"active": "yes"},
        errors=errors or {},
        ordered_errors=lead_forms.ordered(form, errors or {}),
        scores=lead_forms.SCORES,
    ), status


def _keep_team_member(method: str, path: str, done: str, changing: dict | None = None):
    """Send the team member's form to the outreach service; the page again with what to change if refused."""
    form = lead_forms.TEAM_MEMBER
    body, errors = lead_forms.read(form, request.form)
    if not errors:
        answer = call(form.service, method, path, json=body)
        if answer.ok:
            flash(done.format(name=body["name"]), "success")
            return redirect(url_for("lead.team"), 303)
        errors = errors_for_form(answer.errors, [f.name for f in form.fields]) or {
            form.fields[0].name: f"Not saved: {answer.message}"
        }
    return team(values=request.form, errors=errors, changing=changing, status=400)


@bp.post("/team-members")
@requires_role("hub-lead")
def add_team_member():
    """Add a member to the hub's team."""
    return _keep_team_member("POST", lead_forms.TEAM_MEMBER.path, "{name} added to the team")


@bp.post("/team-members/<uuid:member_id>")
@requires_role("hub-lead")
def change_team_member(member_id: uuid.UUID):
    """Change a member's details (or say they have left)."""
    return _keep_team_member(
        "PUT", f"/v1/team-members/{member_id}", "{name}'s details changed", changing={"member_id": str(member_id)}
    )


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
        takes_feedback=name in FEEDBACK_ON,
        scores=lead_forms.SCORES,
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


@bp.get("/<name>/<uuid:item_id>/feedback")
@requires_role("hub-lead")
def feedback(name: str, item_id: uuid.UUID, values: Any = None, errors: dict | None = None, status: int = 200):
    """An attendee's feedback on one training session or outreach event: what it was, the feedback
    entered so far, and the form for the next."""
    form = lead_forms.FEEDBACK_FORMS.get(name)
    if form is None:
        abort(404)
    item = call("outreach", "GET", FEEDBACK_ON[name].format(id=item_id))
    return render_template(
        "lead_feedback.html",
        name=name,
        listing=LISTINGS[name],
        item=item,
        item_id=item_id,
        record=form,
        values=values or {},
        errors=errors or {},
        ordered_errors=lead_forms.ordered(form, errors or {}),
        scores=lead_forms.SCORES,
    ), status


@bp.post("/<name>/<uuid:item_id>/feedback")
@requires_role("hub-lead")
def give_feedback(name: str, item_id: uuid.UUID):
    """Enter one attendee's feedback; the page again, ready for the next, or with what to change."""
    form = lead_forms.FEEDBACK_FORMS.get(name)
    if form is None:
        abort(404)
    body, errors = lead_forms.read(form, request.form)
    if not errors:
        answer = call(form.service, "POST", form.path.format(id=item_id), json=body)
        if answer.ok:
            flash("Feedback entered. Enter the next attendee's below.", "success")
            return redirect(url_for("lead.feedback", name=name, item_id=item_id), 303)
        errors = errors_for_form(answer.errors, [f.name for f in form.fields]) or {
            form.fields[0].name: f"Not entered: {answer.message}"
        }
    return feedback(name, item_id, values=request.form, errors=errors, status=400)


@bp.post("/staff-feedback/<uuid:survey_id>/close")
@requires_role("hub-lead")
def close_survey(survey_id: uuid.UUID):
    """Close a staff survey: its answers are released, shuffled, for the hub's figures."""
    answer = call("outreach", "POST", f"/v1/staff-surveys/{survey_id}/close")
    flash("Staff survey closed" if answer.ok else f"The survey was not closed: {answer.message}",
          "success" if answer.ok else "error")  # fmt: skip
    return redirect(url_for("lead.listing", name="staff-feedback"), 303)


# The columns of an employers' sickness absence return, as the reporting service names them.
SICKNESS_COLUMNS = {
    "employer": "Employer",
    "month": "Month",
    "mental_health_days_lost": "Mental health days lost",
    "all_causes_days_lost": "All causes days lost",
    "line": "The line",
}
LINE = re.compile(r"^line (\d+)$")
MAX_UPLOAD_KB = 64  # the portal's own limit on a request (MAX_CONTENT_LENGTH)


@dataclass(frozen=True)
class RowProblem:
    """A line of an uploaded file that was not imported, and why, column by column."""

    line: int
    reasons: tuple[str, ...]


def _reasons(errors: Any) -> tuple[str, ...]:
    """'Month must not be in the future' for each column's message of one line."""
    if isinstance(errors, dict):
        return tuple(f"{SICKNESS_COLUMNS.get(column, code(column))} {message}"
                     for column, messages in errors.items()
                     for message in (messages if isinstance(messages, list) else [messages]))  # fmt: skip
    return tuple(str(m) for m in (errors if isinstance(errors, list) else [errors]))


def row_problems(rejected: Any = None, errors: Any = None) -> list[RowProblem]:
    """The lines not imported, by line number: from an import's `rejected` lines, or from a refusal's
    `errors`, which name each line ('line 3')."""
    found = [RowProblem(int(r["line"]), _reasons(r.get("errors"))) for r in rejected or [] if "line" in r]
    for key, messages in (errors or {}).items():
        if matched := LINE.match(str(key)):
            found.append(RowProblem(int(matched[1]), _reasons(messages)))
    return sorted(found, key=lambda p: p.line)


def _file_problem(errors: Any) -> str:
    """What is wrong with the file as a whole (its 'header', the 'file'), in one sentence."""
    said = []
    for key, messages in (errors or {}).items():
        if LINE.match(str(key)):
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            text = str(message)
            said.append(text[:1].upper() + text[1:] if key == "header" else f"The {code(key).lower()}: {text}")
    return "; ".join(said)


@bp.get("/sickness-absence")
@requires_role("hub-lead")
def sickness_absence(**shown: Any):
    """Upload employers' sickness absence returns (days lost for mental health reasons) as a CSV file."""
    shown.setdefault("status", 200)
    return render_template(
        "lead_sickness_absence.html",
        error=shown.get("error"),
        rows=shown.get("rows", []),
        imported=shown.get("imported"),
        columns=SICKNESS_COLUMNS,
        month_name=month_name,
    ), shown["status"]


@bp.errorhandler(413)
def _too_large(error: Exception):
    """An upload larger than the portal takes is said beside the file, not as an error page."""
    if request.endpoint == "lead.upload_sickness_absence":
        return sickness_absence(error=f"The file must be smaller than {MAX_UPLOAD_KB} KB: upload it in parts",
                                status=413)  # fmt: skip
    return render_template("error.html", status=413, title="Too much was sent",
                           detail="Send less at once."), 413  # fmt: skip


@bp.post("/sickness-absence")
@requires_role("hub-lead")
def upload_sickness_absence():
    """Send the file to the hub reporting service: good lines are imported, each bad line is listed
    with why; a file with no good line imports nothing."""
    upload = request.files.get("file")
    content = upload.read() if upload else b""
    if not content.strip():
        return sickness_absence(error="Choose a CSV file to upload", status=400)
    answer = call("reporting", "POST", "/v1/sickness-absence", data=content, content_type="text/csv")
    if answer.ok:
        imported = answer.data if isinstance(answer.data, dict) else {}
        return sickness_absence(imported=imported, rows=row_problems(rejected=imported.get("rejected")))
    rows = row_problems(errors=answer.errors)
    error = _file_problem(answer.errors) or (
        "No line of the file could be imported: correct the lines listed below and upload it again"
        if rows
        else f"The file was not imported: {answer.message}"
    )
    return sickness_absence(error=error, rows=rows, status=400)


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
    charted = _charted_months(period_type, shown_period, hub.data if hub.ok else None)
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
        charts=charted,
    )


def _charted_months(period_type: str, period: str | None, shown: dict | None) -> dict[str, Any]:
    """The charts of the months up to the month shown (or this month), each month's figures asked
    of the reporting service; a month it does not answer for is 'not reported'."""
    if period_type == "month" and MONTH.match(period or ""):
        last = str(period)
    else:
        last = datetime.now(LONDON).strftime("%Y-%m")
    months = dataset_charts.months_up_to(last)
    figures: dict[str, dict | None] = {}
    for month in months:
        if shown is not None and period_type == "month" and month == period:
            figures[month] = shown.get("figures")
            continue
        answer = call("reporting", "GET", "/v1/dataset", params={"period_type": "month", "period": month})
        figures[month] = answer.data.get("figures") if answer.ok and isinstance(answer.data, dict) else None
    return {
        "months": months,
        "reported": any(f is not None for f in figures.values()),
        "charts": [
            dataset_charts.referrals_chart(months, figures),
            dataset_charts.first_contact_chart(months, figures),
            dataset_charts.outcomes_chart(months, figures, code),
        ],
    }


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
