"""The clinician's workspace: the queue, and one case from first contact to closure."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from hubs.contracts import codes
from hubs.portal.adapters import drafts
from hubs.portal.adapters.drafts import keeps_draft
from hubs.portal.adapters.services import Answer, first_submitted_at
from hubs.portal.domain import after_assessment as after
from hubs.portal.domain import assessment_form
from hubs.portal.domain.equality_at_assessment import EQUALITY_KEYS, EQUALITY_QUESTIONS, equality_answers
from hubs.portal.domain.forms import in_order, problem_fields
from hubs.portal.domain.measures import MEASURES, Measure, answers_from_form, score
from hubs.portal.domain.pathway_lists import PATHWAY_CHOICES, PATHWAY_LISTS, cases_listed
from hubs.portal.entrypoints.filters import LONDON, code
from hubs.portal.entrypoints.web import call, person, requires_role

bp = Blueprint("clinician", __name__)
# Whose each session is, so that a case form sent just after the sign-in expired is kept as their draft.
bp.before_app_request(drafts.remember_who_is_signed_in)
# The measures taken at every follow-up (the NHS Talking Therapies outcomes compare them with the assessment's).
FOLLOW_UP_MEASURES = tuple(m for m in MEASURES if m.key in ("phq9", "gad7"))
CASE_ROLES = ("clinician", "hub-lead")
# Reasons the referral service records itself (withdrawal, transfer), not a closure a clinician chooses.
CLOSED_ELSEWHERE = ("withdrawn", "transferred-to-another-hub")
PURPOSES = [
    ("first-contact", "First contact"),
    ("assessment", "Assessment"),
    ("care-coordination", "Care co-ordination"),
    ("safeguarding", "Safeguarding"),
]


def _options(enum: type) -> list[tuple[str, str]]:
    return [(c.value, c.value.replace("-", " ").capitalize()) for c in enum]


@bp.get("/queue")
@requires_role(*CASE_ROLES)
def queue():
    """Referrals awaiting first contact: urgent first, then by time left before breach."""
    waiting = call("referral", "GET", "/v1/queue")
    follow_ups = call("assessment", "GET", "/v1/follow-ups")
    entries = waiting.data if waiting.ok and isinstance(waiting.data, list) else []
    due = follow_ups.data if follow_ups.ok and isinstance(follow_ups.data, list) else []
    return render_template(
        "queue.html",
        waiting=waiting,
        entries=entries,
        breaching_today=sum(1 for e in entries if e.get("breaches_today")),
        follow_ups=follow_ups,
        cases=_open_cases_of([f["case_id"] for f in due]),
    )


def _open_cases_of(case_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The open referral of each of these cases (the first 100), by case id, for a link to the case:
    what the referral service's caseload says of it. Nothing when it cannot say: the ids stay."""
    wanted = list(dict.fromkeys(case_ids))[:100]
    if not wanted:
        return {}
    found = call("referral", "POST", "/v1/case-searches", json={"case_ids": wanted, "page_size": 100})
    entries = (found.data or {}).get("referrals", []) if found.ok and isinstance(found.data, dict) else []
    return {e["case_id"]: e for e in entries if isinstance(e, dict) and e.get("case_id")}


# The caseload's stages, as the referral service keeps them.
STAGES = [("awaiting-first-contact", "Awaiting first contact"), ("contacted", "First contact made")]
# Whose cases: the referral service's `assigned_to` for each view.
CASELOAD_VIEWS = [("mine", "My cases"), ("all", "All open cases"), ("nobody", "Not assigned")]
ASSIGNED_TO = {"mine": "me", "all": None, "nobody": "nobody"}
URGENCIES = [("urgent", "Urgent"), ("routine", "Routine")]
PAGE_SIZE = 25
REFERENCE = re.compile(r"^[0-9A-F]{1,8}$")


@bp.route("/caseload", methods=["GET", "POST"])
@requires_role(*CASE_ROLES)
def caseload():
    """Open cases after the queue: "my cases" (those assigned to me), every open case, or those nobody
    holds; by stage, urgency and raised risk, or found by reference; a page at a time. A search by the
    person's name, email or telephone number is posted, so that the words are in no URL."""
    if request.method == "POST":
        return _search()
    view = request.args.get("view") if request.args.get("view") in dict(CASELOAD_VIEWS) else "mine"
    stage = request.args.get("stage") if request.args.get("stage") in dict(STAGES) else ""
    urgency = request.args.get("urgency") if request.args.get("urgency") in dict(URGENCIES) else ""
    raised_risk = request.args.get("risk") == "raised"
    pathway = request.args.get("pathway") if request.args.get("pathway") in dict(PATHWAY_CHOICES) else ""
    reference = request.args.get("reference", "").strip().upper().lstrip("#")
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() and int(request.args["page"]) else 1
    errors: dict[str, str] = {}
    if reference and not REFERENCE.match(reference):
        errors["reference"] = "Enter a reference like 5E0955AA: up to 8 letters A to F and digits"
    found = None
    if not errors:
        params: dict[str, Any] = {
            "page": page,
            "page_size": PAGE_SIZE,
            "status": stage or None,
            "reference": reference or None,
            "assigned_to": ASSIGNED_TO[view],
            "urgency": urgency or None,
            "risk": "raised" if raised_risk else None,
        }
        found = _in_pathway(pathway, params) if pathway else call("referral", "GET", "/v1/referrals", params=params)
        if not found.ok and found.errors:
            errors = {"reference": f"The search was refused: {found.message}"}
    filters = {
        "view": view,
        "stage": stage or None,
        "urgency": urgency or None,
        "risk": "raised" if raised_risk else None,
        "pathway": pathway or None,
    }
    return _caseload_page(found, errors, filters, page=page, reference=reference)


def _in_pathway(pathway: str, params: dict[str, Any]) -> Answer:
    """The caseload among the cases another service lists at this point of the pathway; when that
    service cannot give its list, an answer saying which list could not be read."""
    kept = PATHWAY_LISTS[pathway]
    listed = call(kept.service, "GET", kept.path)
    if not listed.ok or not isinstance(listed.data, list):
        status, said = (listed.status, listed.message) if not listed.ok else (502, "its answer was not a list")
        return Answer(status, detail=f"{kept.name} could not be read: {said}")
    today = datetime.now(LONDON).date()
    body = {name: value for name, value in params.items() if value is not None}
    if "status" in body:
        body["status"] = [body["status"]]
    body["case_ids"] = cases_listed(pathway, listed.data, today)
    return call("referral", "POST", "/v1/case-searches", json=body)


def _search():
    """A search by reference, or by the person's name, email or telephone number (audited by the
    referral service, never in a URL or a log)."""
    words = request.form.get("words", "").strip()
    filters = {"view": "all"}
    if not 2 <= len(words) <= 254:
        errors = {"words": "Enter a reference, or the person's name, email address or telephone number"}
        return _caseload_page(None, errors, filters, words=words)
    reference = words.upper().lstrip("#")
    if REFERENCE.match(reference):
        found = call("referral", "GET", "/v1/referrals", params={"reference": reference, "page_size": PAGE_SIZE})
        if not found.ok or (found.data or {}).get("total") or not words.isalpha():
            return _caseload_page(found, {}, filters, reference=reference, searched=True)
    # A name that is also a reference's start ("Deb") is looked for as a name when no reference matched.
    found = call("referral", "POST", "/v1/referral-searches", json={"words": words, "page_size": PAGE_SIZE})
    errors = {"words": f"The search was refused: {found.message}"} if not found.ok and found.errors else {}
    return _caseload_page(found, errors, filters, words=words, searched=True)


def _caseload_page(found, errors, filters, *, page=1, reference="", words="", searched=False):
    entries = (found.data or {}).get("referrals", []) if found is not None and found.ok else []
    total = (found.data or {}).get("total", 0) if found is not None and found.ok else 0
    return render_template(
        "caseload.html",
        found=found,
        entries=entries,
        assessed=_assessment_statuses() if entries else {},
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        view=filters["view"],
        views=CASELOAD_VIEWS,
        stage=filters.get("stage") or "",
        stages=STAGES,
        pathway=filters.get("pathway") or "",
        pathways=PATHWAY_CHOICES,
        urgency=filters.get("urgency") or "",
        urgencies=URGENCIES,
        raised_risk=bool(filters.get("risk")),
        reference=reference,
        words=words,
        searched=searched,
        me=person().subject,
        errors=errors,
    ), (400 if errors else 200)


def _assessment_statuses() -> dict[str, str]:
    """Each case's assessment, to do or completed, as the assessment service lists them."""
    statuses: dict[str, str] = {}
    for status in ("to-do", "completed"):
        answer = call("assessment", "GET", "/v1/assessments", params={"status": status})
        for a in answer.data if answer.ok and isinstance(answer.data, list) else []:
            statuses[str(a.get("case_id"))] = status
    return statuses


def _referral_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        abort(404)


@bp.get("/cases/<referral_id>")
@requires_role(*CASE_ROLES)
def case(referral_id: str):
    """One case; the person's details are opened only with a purpose, which is audited."""
    referral_id = _referral_id(referral_id)
    purpose = request.args.get("purpose")
    if purpose not in dict(PURPOSES):
        return render_template("case_purpose.html", referral_id=referral_id, purposes=PURPOSES)
    detail = call("referral", "GET", f"/v1/referrals/{referral_id}", params={"purpose": purpose})
    context: dict[str, Any] = {"referral_id": referral_id, "purpose": purpose, "detail": detail}
    if detail.ok:
        context |= _case_records(detail.data["case_id"])
    # No such referral (or another hub's): the page says so, with the same 404 the service gave.
    return render_template("case.html", **context, **_form_choices()), 404 if detail.status == 404 else 200


def _case_records(case_id: str) -> dict[str, Any]:
    """The case as the assessment and care co-ordination services know it, and what each allows next.

    The services keep the pathway's order: an assessment only after first contact (as the assessment
    service has heard of it), an onward referral only once care co-ordination has the assessment."""
    assessment = call("assessment", "GET", f"/v1/cases/{case_id}/assessment")
    care = call("care", "GET", f"/v1/cases/{case_id}")
    completed = bool(assessment.ok and (assessment.data or {}).get("status") == "completed")
    # The outcomes come with every follow-up, measured and due: one call for both once assessed.
    outcomes = call("assessment", "GET", f"/v1/cases/{case_id}/outcomes") if completed else None
    if outcomes is not None and outcomes.ok:
        follow_ups = Answer(200, data=(outcomes.data or {}).get("follow_ups") or [])
    else:
        follow_ups = call("assessment", "GET", f"/v1/cases/{case_id}/follow-ups")
    over_time = after.measured_over_time(assessment.data if completed else None, follow_ups.data or [])
    # Every escalation of the case's risk, newest first (at assessment, at a follow-up, between sittings).
    risk_history = call("assessment", "GET", f"/v1/cases/{case_id}/risk-history") if assessment.ok else None
    return {
        "assessment": assessment,
        "risk_history": risk_history,
        "risk_rows": risk_rows(assessment.data if assessment.ok else None, risk_history),
        "follow_ups": follow_ups,
        "outcomes": outcomes,
        "over_time": over_time,
        "chart": after.chart(over_time),
        "chart_description": after.chart_description(over_time) if over_time else "",
        "outcome_headline": after.outcome_in_words((outcomes.data or {}).get("outcomes") if outcomes else None),
        "outcome_definitions": after.outcome_rows((outcomes.data or {}).get("outcomes") if outcomes else None),
        "care": care,
        "first_contact_known": bool(assessment.ok and (assessment.data or {}).get("first_contact_at")),
        # The equality answers the referral recorded, as the assessment service has them (None: not said).
        "at_referral": (assessment.data or {}).get("referral_demographics") if assessment.ok else None,
        "assessment_known_to_care": bool(care.ok and (care.data or {}).get("assessment_id")),
    }


# When in the pathway a risk was escalated, as the risk history says it.
OCCASIONS = {"assessment": "Assessed", "follow-up": "At a follow-up", "between-sittings": "Escalated between sittings"}


def _raised_in_words(risk: dict[str, Any]) -> str:
    """'Moderate risk, to self; escalated to Crisis team'."""
    said = f"{code(risk.get('level'))} risk"
    said += ", to self" if risk.get("risk_to_self") else ""
    said += ", to others" if risk.get("risk_to_others") else ""
    return said + (f"; escalated to {code(risk['route'])}" if risk.get("route") else "")


def risk_rows(assessment: dict[str, Any] | None, risk_history: Answer | None) -> list[dict[str, Any]]:
    """The Risk section's rows between "now" and the referral, newest first: every escalation the
    assessment service keeps (when, how raised, where to, by whom), and the risk judged at assessment
    when it was not escalated, or when the history cannot be had."""
    history = risk_history.data if risk_history is not None and risk_history.ok else None
    history = history if isinstance(history, list) else []
    rows = [
        {"when": e.get("escalated_at"), "what": f"{OCCASIONS.get(e.get('occasion'), 'Escalated')}: "
         f"{_raised_in_words(e)}", "by": e.get("escalated_by_name") or "",
         "id": f"escalation-{e.get('risk_escalation_id')}"}
        for e in history
    ]  # fmt: skip
    risk = (assessment or {}).get("risk")
    escalated = any(e.get("occasion") == "assessment" for e in history)
    if risk and assessment.get("completed_at") and not escalated:
        rows.append({"when": assessment["completed_at"], "what": f"Assessed: {_raised_in_words(risk)}", "by": "",
                     "id": None})  # fmt: skip
    return sorted(rows, key=lambda row: _moment(row["when"]), reverse=True)


def _moment(when: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# An onward referral's states as care co-ordination keeps them, in the hub's words, and what may be recorded next.
ONWARD_STATUS_WORDS = {
    "awaiting-response": "Awaiting a response",
    "accepted": "Accepted",
    "declined": "Declined",
    "in-treatment": "Treatment started",
    "treatment-ended": "Treatment ended",
    "withdrawn": "Called off: the person withdrew",
}
ONWARD_STEPS_ALLOWED = {
    "awaiting-response": [("acceptance", "Record acceptance"), ("decline", "Record decline"),
                          ("treatment-start", "Record start of treatment")],
    "accepted": [("decline", "Record decline"), ("treatment-start", "Record start of treatment")],
    "in-treatment": [("treatment-end", "Record end of treatment")],
}  # fmt: skip
ONWARD_DAY_QUESTIONS = {
    "acceptance": "Day the service accepted",
    "decline": "Day the service declined",
    "treatment-start": "Day treatment started",
    "treatment-end": "Day treatment ended",
}


def _case_page(referral_id: str) -> str:
    """The case page a case form is on (the page its draft comes back to)."""
    return url_for("clinician.case", referral_id=referral_id, purpose=request.form.get("purpose") or "assessment")


def _form_choices() -> dict[str, Any]:
    # Answers typed before the sign-in or the form expired come back on the page they were typed on.
    values, said = drafts.restored(request.path) if request.method == "GET" else ({}, {})
    restored: dict[str, Any] = {}
    if said:
        restored = {"values": values, "errors": said, "item9_positive": assessment_form.item9_positive(values),
                    "scores": {m.key: score(m, answers_from_form(m, values)) for m in MEASURES}}  # fmt: skip
    team = _active_team() or []
    # The other practitioners and the colleague a case moves to are chosen from the hub's team; with
    # no team to choose from (none kept yet, or the outreach service not answering) they are typed.
    practitioners = [(m["staff_id"], f"{m['name']} ({m['staff_id']}, {code(m['discipline'])})") for m in team]
    holders = [(m["subject"], f"{m['name']} ({m['staff_id']})") for m in team if m.get("subject")]
    return _choices() | {"team_practitioners": practitioners, "case_holders": holders} | restored


def _active_team() -> list[dict[str, Any]] | None:
    """The hub's active team members, as the outreach service keeps them; None if it does not answer."""
    answer = call("outreach", "GET", "/v1/team-members")
    if not answer.ok or not isinstance(answer.data, list):
        return None
    return [m for m in answer.data if isinstance(m, dict) and m.get("active")]


def _with_team_disciplines(form: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The assessment form with each other practitioner chosen from the team given their discipline
    as the team has it (the choice asks only who they are), and what is wrong with a choice: someone
    who left the team since the form was shown. Said of the choice itself, as the page shown again
    has no discipline question to point to; with no team to read, it asks their discipline again."""
    filled = form.to_dict()
    chosen = [n for n in assessment_form.OTHER_PRACTITIONERS
              if filled.get(f"practitioner-{n}-id") and not filled.get(f"practitioner-{n}-discipline")]  # fmt: skip
    errors: dict[str, str] = {}
    if chosen and filled.get("others_took_part") == "yes":
        team = _active_team()
        disciplines = {m["staff_id"]: m["discipline"] for m in team or []}
        for n in chosen:
            staff_id = filled[f"practitioner-{n}-id"]
            if found := disciplines.get(staff_id):
                filled[f"practitioner-{n}-discipline"] = found
            elif team:  # the page shown again chooses from the team: no discipline question there
                errors[f"practitioner-{n}-id"] = (
                    f"{staff_id[:64]} is no longer in the hub's team: choose someone who is"
                )
    return filled, errors


def _choices() -> dict[str, Any]:
    return {
        "measures": MEASURES,
        "channels": _options(codes.ContactChannel),
        "contact_outcomes": _options(codes.ContactOutcome),
        "closure_reasons": [o for o in _options(codes.ClosureReason) if o[0] not in CLOSED_ELSEWHERE],
        "assignment_reasons": ASSIGNMENT_REASONS,
        "decisions": _options(codes.OutcomeDecision),
        "service_types": _options(codes.ServiceType),
        "work_situations": _options(codes.WorkSituation),
        "disciplines": _options(codes.Discipline),
        "risk_levels": _options(codes.RiskLevel),
        "raised_levels": [o for o in _options(codes.RiskLevel) if o[0] != "low"],
        "escalation_routes": _options(codes.EscalationRoute),
        "decline_reasons": _options(codes.OnwardReferralDeclineReason),
        "treatment_end_reasons": _options(codes.TreatmentEndReason),
        "onward_status_words": ONWARD_STATUS_WORDS,
        "onward_steps_allowed": ONWARD_STEPS_ALLOWED,
        "onward_day_questions": ONWARD_DAY_QUESTIONS,
        "follow_up_measures": FOLLOW_UP_MEASURES,
        "today_iso": date.today().isoformat(),
        "item9_positive": False,
        "equality_questions": EQUALITY_QUESTIONS,
        "scores": {},
        "values": {},
        "errors": {},
    }


def _back(referral_id: str, section: str | None = None) -> Any:
    """Back to the case, at the section the form was in."""
    purpose = request.form.get("purpose") or "first-contact"
    return redirect(url_for("clinician.case", referral_id=referral_id, purpose=purpose, _anchor=section), 303)


ASSIGNMENT_REASONS = [
    ("leave", "Leave"),
    ("caseload-balance", "Balancing caseloads"),
    ("specialism", "A colleague's specialism"),
    ("person-asked", "The person asked"),
]


@bp.post("/cases/<referral_id>/assignment")
@requires_role(*CASE_ROLES)
def assignment(referral_id: str):
    """Take the case, hand it back, or re-assign it to a colleague (with why, when someone holds it)."""
    referral_id = _referral_id(referral_id)
    form, me = request.form, person()
    url = f"/v1/referrals/{referral_id}/assignment"
    action = form.get("action")
    if action == "hand-back":
        answer = call("referral", "DELETE", url)
        done = "You handed the case back: nobody holds it now"
    elif action == "reassign":
        colleague = form.get("colleague", "").strip()
        # Chosen from the team, the colleague's name is the team's; typed, it is what was typed.
        names = {m["subject"]: m["name"] for m in _active_team() or [] if m.get("subject")}
        body = {"clinician": colleague, "name": names.get(colleague) or form.get("colleague_name", "").strip() or None}
        if form.get("assignment_reason"):
            body["reason"] = form["assignment_reason"]
        answer = call("referral", "POST", url, json=body)
        done = f"The case is now assigned to {body['name'] or 'your colleague'}"
    else:
        body = {"clinician": me.subject, "name": me.display_name}
        if form.get("take_reason"):
            body["reason"] = form["take_reason"]
        answer = call("referral", "POST", url, json=body)
        done = "You have taken this case: it is in your cases"
    if answer.ok:
        flash(done, "success")
    else:
        flash(f"Who holds the case did not change: {answer.message}", "error")
    return _back(referral_id, "assignment")


@bp.post("/cases/<referral_id>/contact-attempts")
@requires_role(*CASE_ROLES)
def contact_attempt(referral_id: str):
    """Record a contact attempt; the first that reaches the person is first contact."""
    referral_id = _referral_id(referral_id)
    body = {"channel": request.form.get("channel"), "outcome": request.form.get("outcome")}
    answer = call("referral", "POST", f"/v1/referrals/{referral_id}/contact-attempts", json=body)
    if answer.ok:
        first = answer.data.get("first_contact")
        flash("First contact recorded" if first else "Contact attempt recorded", "success")
    else:
        flash(f"The contact attempt was not recorded: {answer.message}", "error")
    return _back(referral_id)


@bp.post("/cases/<referral_id>/assessment")
@keeps_draft("assessment", page=_case_page)
@requires_role(*CASE_ROLES)
def assessment(referral_id: str):
    """Check the scores, or complete and sign off the rapid assessment."""
    referral_id = _referral_id(referral_id)
    form = request.form
    answers = {m.key: answers_from_form(m, form) for m in MEASURES}
    scores = {m.key: score(m, answers[m.key]) for m in MEASURES}
    if form.get("action") == "check":
        # Checking the scores is not yet submitting: no messages about the rest of the form.
        return _case_again(referral_id, scores, {})
    filled, team_errors = _with_team_disciplines(form)
    staff, errors = assessment_form.practitioners(filled, person().subject)
    for question in team_errors:  # the choice is wrong, not a discipline the page does not ask
        errors.pop(question.replace("-id", "-discipline"), None)
    errors |= team_errors
    errors |= assessment_form.check(form, scores)
    if errors:
        return _case_again(referral_id, scores, errors)
    body = assessment_form.request_body(form, answers, scores, staff, first_submitted_at(datetime.now(UTC)))
    # Only the equality questions answered: one left unanswered keeps the referral's answer.
    if demographics := equality_answers(form):
        body["demographics"] = demographics
    # Who signed it off, as the risk history shows them to colleagues when it raised the risk.
    body["signed_off_by_name"] = person().display_name or None
    case_id = _case_id()
    answer = call("assessment", "POST", f"/v1/cases/{case_id}/assessment", json=body)
    if not answer.ok:
        return _case_again(referral_id, scores, assessment_errors(answer))
    flash("Assessment completed and signed off", "success")
    return _back(referral_id)


# Case forms shown again at once, with every answer, when sent signed in with an expired form token.
RESENT_AT_ONCE = ("clinician.assessment", "clinician.risk_escalation")


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError):
    """A case form sent with an expired form token: nothing is sent to the service. Signed in, the
    assessment or escalation comes back with everything typed, to check and send again; with the
    sign-in expired too, a form that keeps drafts keeps what was typed, and the person signs in again
    and finds it on the case page."""
    draft = drafts.opted_in(request.endpoint)
    if draft is not None and (person() is None or request.endpoint not in RESENT_AT_ONCE):
        form, page = draft
        if person() is None:
            return drafts.keep_and_sign_in_again(form, page(**(request.view_args or {})))
        drafts.drafts().keep(person().subject, form, page(**(request.view_args or {})), request.form)
        return redirect(page(**(request.view_args or {})), 303)
    if request.endpoint not in RESENT_AT_ONCE or person() is None or not person().has(*CASE_ROLES):
        return render_template("error.html", status=400, title="Your form has expired",
                               detail="Go back, reload the page and try again."), 400  # fmt: skip
    referral_id = _referral_id((request.view_args or {}).get("referral_id", ""))
    scores = {m.key: score(m, answers_from_form(m, request.form)) for m in MEASURES}
    said = "Your form had expired, so nothing was saved. Your answers are below: check them and send the form again."
    where = "assessment" if request.endpoint == "clinician.assessment" else "escalation"
    return _case_again(referral_id, scores, {where: said}, status=400)


def _case_id() -> str:
    try:
        return str(uuid.UUID(request.form.get("case_id", "")))
    except ValueError:
        abort(400)


def _case_again(referral_id: str, scores: dict, errors: dict[str, str], status: int | None = None):
    """The case page again with everything the clinician typed, and what to change beside each answer."""
    purpose = request.form.get("purpose") or "assessment"
    detail = call("referral", "GET", f"/v1/referrals/{referral_id}", params={"purpose": purpose})
    if not detail.ok:
        abort(detail.status if detail.status in (403, 404) else 503)
    choices = _form_choices() | {"scores": scores, "values": request.form, "errors": errors,
                                 "item9_positive": assessment_form.item9_positive(request.form)}  # fmt: skip
    return render_template(
        "case.html",
        referral_id=referral_id,
        purpose=purpose,
        detail=detail,
        **_case_records(detail.data["case_id"]),
        **choices,
    ), status or (400 if errors else 200)


# Where the assessment service's field names are asked on the case page.
OUTCOME_QUESTIONS = ("decisions", "refer_on_to", "signpost_to", "transfer_to_hub_id", "monitoring_review_interval_days",
                     "reasons")  # fmt: skip
# The questions asked of the service's nested objects: `outcome.reasons`, `demographics.disability`.
NESTED_QUESTIONS = {"outcome": OUTCOME_QUESTIONS, "demographics": EQUALITY_KEYS}
# The risk judgement's answers, as the service names them, and the question asking each.
RISK_QUESTIONS = {"level": "risk_level", "risk_to_self": "risk_to_self", "risk_to_others": "risk_to_others",
                  "route": "risk_route"}  # fmt: skip
WORK_QUESTIONS = {"situation": "work_situation", "off_sick_for_mental_health": "off_sick_for_mental_health"}


def _practitioner_question(parts: list[str]) -> str:
    """`practitioners.1.practitioner_id`: the second practitioner's staff id (the first is the one signing off)."""
    if len(parts) < 2 or not parts[1].isdigit():
        return "assessment"
    n = int(parts[1]) + 1
    if n == 1:
        return "discipline"
    if n > 1 + len(assessment_form.OTHER_PRACTITIONERS):
        return "assessment"
    return f"practitioner-{n}-discipline" if parts[2:] == ["discipline"] else f"practitioner-{n}-id"


def assessment_errors(answer: Answer, measures: tuple[Measure, ...] = MEASURES) -> dict[str, str]:
    """The assessment service's refusal against the questions of the assessment form.

    An item is named as clinicians count it (`measures.phq9.9`, WSAS `measures.wsas.items.1`) and
    lands on that question's radio group (`phq9-9`), else on its measure's group; a missing first
    contact is said once, in the error summary, linking to the page's "Record first contact before
    the assessment"; a raised risk without its route (`risk`) lands on the route; anything else
    is said above the form, all of it."""
    on_form = {m.key: len(m.items) for m in measures}
    found: dict[str, str] = {}
    elsewhere: list[str] = []
    for path, message in problem_fields(answer.errors).items():
        parts = path.split(".")
        question = "assessment"
        if parts[0] == "first_contact":
            question = "first_contact"
        elif parts[0] == "measures" and len(parts) > 1 and parts[1] in on_form:
            key, rest = parts[1], [p for p in parts[2:] if p != "items"]
            item = rest[0] if rest and rest[0].isdigit() else ""
            question = f"{key}-{item}" if item and 1 <= int(item) <= on_form[key] else key
        elif len(parts) > 1 and parts[1] in NESTED_QUESTIONS.get(parts[0], ()):
            question = parts[1]
        elif parts[0] in ("work_situation", *OUTCOME_QUESTIONS):
            question = WORK_QUESTIONS.get(parts[1], parts[0]) if len(parts) > 1 else parts[0]
        elif parts[0] == "risk":
            # The service's own rule (a raised risk needs its route) names the whole judgement.
            question = RISK_QUESTIONS.get(parts[1], "risk_level") if len(parts) > 1 else "risk_route"
        elif parts[0] == "occupational_health_consent":
            question = "occupational_health_consent"
        elif parts[0] == "practitioners":
            question = _practitioner_question(parts)
        if question == "assessment":
            elsewhere.append(message)
        else:
            found.setdefault(question, message)
    if elsewhere or not found:
        said = "; ".join(dict.fromkeys(elsewhere)) if elsewhere else answer.message
        found["assessment"] = f"The assessment was not saved: {said}"
    return dict(in_order(found, _assessment_questions(measures)))


def _assessment_questions(measures: tuple[Measure, ...]) -> list[str]:
    """The assessment form's questions in the order they are asked (for the error summary)."""
    items = [q for m in measures for q in (m.key, *(f"{m.key}-{n}" for n in range(1, len(m.items) + 1)))]
    others = [f"practitioner-{n}-{part}" for n in assessment_form.OTHER_PRACTITIONERS for part in ("id", "discipline")]
    return ["first_contact", "assessment", *items, "risk_level", "risk_to_self", "risk_to_others", "risk_route",
            "work_situation", "off_sick_for_mental_health", "discipline", *others, *EQUALITY_KEYS, "decisions",
            "refer_on_to", "signpost_to", "transfer_to_hub_id", "monitoring_review_interval_days",
            "occupational_health_consent", "reasons"]  # fmt: skip


def _refusal(answer: Answer) -> str:
    """What a service said, once: its field messages, else its detail."""
    said = list(dict.fromkeys(problem_fields(answer.errors).values()))
    return " ".join(said) if said else answer.message


# The escalation form's questions, and the risk judgement's names for them in the service's refusal.
ESCALATION_QUESTIONS = {"level": "escalation_level", "risk_to_self": "escalation_to_self",
                        "risk_to_others": "escalation_to_others", "route": "escalation_route"}  # fmt: skip


@bp.post("/cases/<referral_id>/risk-escalations")
@keeps_draft("escalation", page=_case_page)
@requires_role(*CASE_ROLES)
def risk_escalation(referral_id: str):
    """Escalate a raised risk judged between assessment and follow-up: the case goes on the urgent path."""
    referral_id = _referral_id(referral_id)
    form = request.form
    errors: dict[str, str] = {}
    if form.get("escalation_level") not in ("moderate", "high"):
        errors["escalation_level"] = "Select the level of the raised risk: moderate or high"
    if form.get("escalation_route") not in {c.value for c in codes.EscalationRoute}:
        errors["escalation_route"] = "Select where the risk was escalated to"
    if errors:
        return _case_again(referral_id, {}, errors)
    body = {
        "level": form["escalation_level"],
        "risk_to_self": form.get("escalation_to_self") == "yes",
        "risk_to_others": form.get("escalation_to_others") == "yes",
        "route": form["escalation_route"],
        # Who escalated, as the risk history shows them to colleagues (kept by the service, never in an event).
        "escalated_by_name": person().display_name or None,
    }
    answer = call("assessment", "POST", f"/v1/cases/{_case_id()}/risk-escalations", json=body)
    if not answer.ok:
        found: dict[str, str] = {}
        for path, message in problem_fields(answer.errors).items():
            found.setdefault(ESCALATION_QUESTIONS.get(path.split(".")[-1], "escalation"), message)
        said = found.pop("escalation", None) or (None if found else answer.message)
        if said:
            found = {"escalation": f"The risk was not escalated: {said}", **found}
        return _case_again(referral_id, {}, found)
    route = dict(_options(codes.EscalationRoute))[body["route"]].lower()
    flash(f"Risk escalated ({body['level']}, to {route}): the case is on the urgent path", "success")
    return _back(referral_id)


def _send_to_care(path: str, body: dict[str, Any], done: str, not_done: str) -> None:
    """Send one of the case's after-assessment steps to care co-ordination and say how it went:
    `done` when it was taken, `not_done` and the service's reason when it was refused."""
    answer = call("care", "POST", path, json=body)
    if answer.ok:
        flash(done, "success")
    else:
        flash(f"{not_done}: {_refusal(answer)}", "error")


@bp.post("/cases/<referral_id>/onward-referrals")
@requires_role(*CASE_ROLES)
def onward_referral(referral_id: str):
    """Refer the person on to a type of service; their wait starts today."""
    referral_id = _referral_id(referral_id)
    service_type = request.form.get("service_type", "")
    if service_type not in dict(_options(codes.ServiceType)):
        flash("Select the type of service to refer the person on to", "error")
        return _back(referral_id)
    try:
        case_id = str(uuid.UUID(request.form.get("case_id", "")))
    except ValueError:
        abort(400)
    body = {"case_id": case_id, "service_type": service_type, "made_on": date.today().isoformat()}
    _send_to_care("/v1/onward-referrals", body, "Onward referral made", "The onward referral was not made")
    return _back(referral_id)


# The steps of an onward referral as care co-ordination takes them: the day each names, and its reason.
ONWARD_STEPS = {
    "acceptance": ("accepted_on", None, "Acceptance recorded"),
    "decline": ("declined_on", codes.OnwardReferralDeclineReason, "Decline recorded"),
    "treatment-start": ("started_on", None, "Start of treatment recorded: the wait has ended"),
    "treatment-end": ("ended_on", codes.TreatmentEndReason, "End of treatment recorded: a follow-up is due"),
}


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        abort(404)


@bp.post("/cases/<referral_id>/onward-referrals/<onward_referral_id>/<step>")
@requires_role(*CASE_ROLES)
def onward_referral_step(referral_id: str, onward_referral_id: str, step: str):
    """Record what the other service said or did: accepted, declined, treatment started or ended."""
    referral_id = _referral_id(referral_id)
    onward_referral_id = _uuid_or_404(onward_referral_id)
    if step not in ONWARD_STEPS:
        abort(404)
    day_field, reasons, done = ONWARD_STEPS[step]
    form = request.form
    on = after.day_from_form(form.get("on"))
    problems = [] if on else ["Enter the day as a date, like 2026-11-03"]
    body: dict[str, Any] = {day_field: on.isoformat() if on else None}
    if reasons is not None:
        if form.get("reason") not in {c.value for c in reasons}:
            problems.append("Select the reason")
        body["reason"] = form.get("reason")
    if step == "acceptance" and form.get("expected_start_on"):
        expected = after.day_from_form(form.get("expected_start_on"))
        if expected is None:
            problems.append("Enter the expected start as a date, like 2026-11-03, or leave it empty")
        body["expected_start_on"] = expected.isoformat() if expected else None
    if problems:
        flash(f"Nothing was recorded: {' '.join(problems)}", "error")
        return _back(referral_id, "care")
    _send_to_care(f"/v1/onward-referrals/{onward_referral_id}/{step}", body, done, "Nothing was recorded")
    return _back(referral_id, "care")


@bp.post("/cases/<referral_id>/monitoring-plans")
@requires_role(*CASE_ROLES)
def monitoring_plan(referral_id: str):
    """Start monitoring from today: a PHQ-9 and GAD-7 follow-up falls due at every review."""
    referral_id = _referral_id(referral_id)
    days = (request.form.get("review_interval_days") or "").strip()
    if not days.isdigit() or not 1 <= int(days) <= 365:
        flash("Nothing was recorded: enter the days between reviews as a whole number from 1 to 365", "error")
        return _back(referral_id, "monitoring")
    body = {"started_on": date.today().isoformat(), "review_interval_days": int(days), "measures": ["phq-9", "gad-7"]}
    _send_to_care(f"/v1/cases/{_case_id()}/monitoring-plans", body, "Monitoring started", "Monitoring was not started")
    return _back(referral_id, "monitoring")


@bp.post("/cases/<referral_id>/monitoring-plans/<monitoring_plan_id>/end")
@requires_role(*CASE_ROLES)
def monitoring_end(referral_id: str, monitoring_plan_id: str):
    """End a monitoring plan today: no more follow-ups fall due from it."""
    referral_id = _referral_id(referral_id)
    plan = _uuid_or_404(monitoring_plan_id)
    body = {"ended_on": date.today().isoformat()}
    _send_to_care(f"/v1/monitoring-plans/{plan}/end", body, "Monitoring ended", "Monitoring was not ended")
    return _back(referral_id, "monitoring")


@bp.post("/cases/<referral_id>/follow-ups")
@requires_role(*CASE_ROLES)
def follow_up(referral_id: str):
    """Take the PHQ-9 and GAD-7 at a follow-up (a due one, or unprompted)."""
    referral_id = _referral_id(referral_id)
    form = request.form
    answers = {m.key: answers_from_form(m, form) for m in FOLLOW_UP_MEASURES}
    scores = {m.key: score(m, answers[m.key]) for m in FOLLOW_UP_MEASURES}
    errors = {
        m.key: f"Answer all {len(m.items)} questions of the {m.name}: it is taken at every follow-up"
        for m in FOLLOW_UP_MEASURES
        if not scores[m.key].complete
    }
    raised = assessment_form.item9_positive(form)
    if raised and form.get("follow_up_route") not in {c.value for c in codes.EscalationRoute}:
        errors["follow_up_route"] = "Select where the raised risk was escalated to"
    if errors:
        return _case_again(referral_id, scores, errors)
    # Who took them, as the risk history shows them to colleagues when item 9 raised the risk.
    body: dict[str, Any] = {"measures": answers, "measured_by_name": person().display_name or None}
    if form.get("follow_up_id"):
        body["follow_up_id"] = _uuid_or_404(form["follow_up_id"])
    if raised:
        # The service raises the level itself for item 9; the route is the clinician's to say.
        body["risk"] = {"route": form["follow_up_route"]}
    answer = call("assessment", "POST", f"/v1/cases/{_case_id()}/follow-ups", json=body)
    if not answer.ok:
        found: dict[str, str] = {}
        for path, message in problem_fields(answer.errors).items():
            parts = path.split(".")
            where = parts[1] if parts[0] == "measures" and len(parts) > 1 and parts[1] in answers else "follow_up"
            found.setdefault("follow_up_route" if parts[0] == "risk" else where, message)
        said = found.pop("follow_up", None) or (None if found else answer.message)
        if said:
            found = {"follow_up": f"The follow-up was not recorded: {said}", **found}
        return _case_again(referral_id, scores, found)
    flash("Follow-up measures recorded", "success")
    return _back(referral_id, "follow-ups")


@bp.post("/cases/<referral_id>/occupational-health-liaisons")
@requires_role(*CASE_ROLES)
def liaison(referral_id: str):
    """Record a liaison with Occupational Health and the advice given (only with the person's consent)."""
    referral_id = _referral_id(referral_id)
    on = after.day_from_form(request.form.get("liaised_on"))
    advice = (request.form.get("advice") or "").strip()
    if on is None or len(advice) > 2000:
        flash("Nothing was recorded: " + ("enter the day as a date, like 2026-11-03" if on is None else
              "the advice is longer than 2,000 characters"), "error")  # fmt: skip
        return _back(referral_id, "liaison")
    body = {"liaised_on": on.isoformat(), **({"advice": advice} if advice else {})}
    path = f"/v1/cases/{_case_id()}/occupational-health-liaisons"
    _send_to_care(path, body, "Liaison with Occupational Health recorded", "The liaison was not recorded")
    return _back(referral_id, "liaison")


@bp.post("/cases/<referral_id>/signpostings")
@requires_role(*CASE_ROLES)
def signposting(referral_id: str):
    """Signpost the person to types of service, today."""
    referral_id = _referral_id(referral_id)
    chosen = [t for t in request.form.getlist("signpost_service_types") if t in dict(_options(codes.ServiceType))]
    if not chosen:
        flash("Nothing was recorded: select at least one type of service to signpost to", "error")
        return _back(referral_id, "signposting")
    body = {"service_types": chosen, "signposted_on": date.today().isoformat()}
    path = f"/v1/cases/{_case_id()}/signpostings"
    _send_to_care(path, body, "Signposting recorded", "The signposting was not recorded")
    return _back(referral_id, "signposting")


@bp.post("/cases/<referral_id>/closure")
@requires_role(*CASE_ROLES)
def closure(referral_id: str):
    """Close the case: first a confirmation page, then the referral and the episode of care together.

    The confirmation's form key makes both calls idempotent: a double click closes each once."""
    referral_id = _referral_id(referral_id)
    form = request.form
    reasons = [o for o in _options(codes.ClosureReason) if o[0] not in CLOSED_ELSEWHERE]
    reason = form.get("reason", "")
    if reason not in dict(reasons):
        flash("Select the reason for closing the case", "error")
        return _back(referral_id, "closure")
    if form.get("confirm") != "yes":
        purpose = form.get("purpose") or "first-contact"
        return render_template("case_close.html", referral_id=referral_id, purpose=purpose, case_id=_case_id(),
                               reason=reason, reason_words=dict(reasons)[reason])  # fmt: skip
    case_id = _case_id()
    closed = call("referral", "POST", f"/v1/referrals/{referral_id}/closure", json={"reason": reason})
    if not closed.ok:
        flash(f"The case was not closed: {_refusal(closed)}", "error")
        return _back(referral_id, "closure")
    episode = call("care", "POST", f"/v1/cases/{case_id}/closure", json={"reason": reason})
    # The referral's closure reaches care co-ordination as an event too: an episode it already
    # closed is closed all the same (409), and one the service cannot close now closes from the event.
    if episode.ok or episode.status == 409:
        flash("Case closed: the referral and the episode of care", "success")
    else:
        flash("The referral is closed; the episode of care closes when care co-ordination hears of it "
              f"({episode.message})", "success")  # fmt: skip
    link = _feedback_link(case_id, episode)
    if link is None:
        return _back(referral_id, "closure")
    # Shown once, on this answer only: the hub keeps no copy of the link (never cached, never flashed).
    return render_template("case_closed_feedback_link.html", referral_id=referral_id, purpose=form.get("purpose")
                           or "first-contact", link=link)  # fmt: skip


def _feedback_link(case_id: str, episode: Answer) -> dict[str, Any] | None:
    """The person's one-use feedback link from the closure's answer; for an episode the referral's
    closure had closed first (409), asked for once afterwards. None when there is none to give."""
    given = (episode.data or {}).get("feedback_link") if episode.ok and isinstance(episode.data, dict) else None
    if given is None and episode.status == 409:
        asked = call("care", "POST", f"/v1/cases/{case_id}/feedback-link")
        given = asked.data if asked.ok and isinstance(asked.data, dict) else None
    if not given or not given.get("token"):
        return None
    return {"url": url_for("feedback_link.form", token=given["token"], _external=True),
            "expires_on": given.get("expires_on")}  # fmt: skip
