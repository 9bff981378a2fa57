"""The clinician's workspace: the queue, and one case from first contact to closure."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hubs.contracts import codes
from hubs.portal.adapters.services import Answer
from hubs.portal.domain.equality_at_assessment import EQUALITY_KEYS, EQUALITY_QUESTIONS, equality_answers
from hubs.portal.domain.forms import in_order, problem_fields
from hubs.portal.domain.measures import MEASURES, Measure, answers_from_form, score
from hubs.portal.entrypoints.web import call, person, requires_role

bp = Blueprint("clinician", __name__)
CASE_ROLES = ("clinician", "hub-lead")
# The hub's rule: every rapid assessment takes the PHQ-9 and the GAD-7.
ALWAYS_TAKEN = ("phq9", "gad7")
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
    return render_template(
        "queue.html",
        waiting=waiting,
        entries=entries,
        breaching_today=sum(1 for e in entries if e.get("breaches_today")),
        follow_ups=follow_ups,
    )


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
    return {
        "assessment": assessment,
        "follow_ups": call("assessment", "GET", f"/v1/cases/{case_id}/follow-ups"),
        "care": care,
        "first_contact_known": bool(assessment.ok and (assessment.data or {}).get("first_contact_at")),
        # The equality answers the referral recorded, as the assessment service has them (None: not said).
        "at_referral": (assessment.data or {}).get("referral_demographics") if assessment.ok else None,
        "assessment_known_to_care": bool(care.ok and (care.data or {}).get("assessment_id")),
    }


def _form_choices() -> dict[str, Any]:
    return {
        "measures": MEASURES,
        "channels": _options(codes.ContactChannel),
        "contact_outcomes": _options(codes.ContactOutcome),
        "closure_reasons": [o for o in _options(codes.ClosureReason) if o[0] not in CLOSED_ELSEWHERE],
        "decisions": _options(codes.OutcomeDecision),
        "service_types": _options(codes.ServiceType),
        "work_situations": _options(codes.WorkSituation),
        "disciplines": _options(codes.Discipline),
        "risk_levels": _options(codes.RiskLevel),
        "equality_questions": EQUALITY_QUESTIONS,
        "scores": {},
        "values": {},
        "errors": {},
    }


def _back(referral_id: str) -> Any:
    purpose = request.form.get("purpose") or "first-contact"
    return redirect(url_for("clinician.case", referral_id=referral_id, purpose=purpose), 303)


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
@requires_role(*CASE_ROLES)
def assessment(referral_id: str):
    """Check the scores, or complete and sign off the rapid assessment."""
    referral_id = _referral_id(referral_id)
    form = request.form
    answers = {m.key: answers_from_form(m, form) for m in MEASURES}
    scores = {m.key: score(m, answers[m.key]) for m in MEASURES}
    errors: dict[str, str] = {}
    for m in MEASURES:
        if m.key in ALWAYS_TAKEN and not scores[m.key].complete:
            errors[m.key] = f"Answer all {len(m.items)} questions of the {m.name}: it is taken at every assessment"
        elif 0 < scores[m.key].answered < len(m.items):
            errors[m.key] = f"Answer all {len(m.items)} questions of the {m.name}, or none of them"
    if form.get("work_situation") not in dict(_options(codes.WorkSituation)):
        errors["work_situation"] = "Select the person's work situation"
    decisions = [d for d in form.getlist("decisions") if d in dict(_options(codes.OutcomeDecision))]
    if not decisions:
        errors["decisions"] = "Select at least one outcome"
    for decision, field, words in (
        ("signpost", "signpost_to", "signposting"),
        ("refer-on", "refer_on_to", "referring on"),
    ):
        if (decision in decisions) != bool(form.getlist(field)):
            errors[field] = f"Select the services for {words}, and the outcome '{decision.replace('-', ' ')}', together"
    if not form.get("reasons", "").strip():
        errors["reasons"] = "Enter the reasons for the outcome"
    if form.get("action") == "check":
        # Checking the scores is not yet submitting: no messages about the rest of the form.
        return _case_again(referral_id, scores, {})
    if errors:
        return _case_again(referral_id, scores, errors)
    who = person()
    body = {
        "practitioners": [{"practitioner_id": who.subject[:64], "discipline": form.get("discipline") or "other"}],
        "measures": {m.key: answers[m.key] for m in MEASURES if scores[m.key].complete},
        "risk": {
            "level": form.get("risk_level") or "low",
            "risk_to_self": form.get("risk_to_self") == "yes",
            "risk_to_others": form.get("risk_to_others") == "yes",
        },
        "work_situation": {"situation": form["work_situation"]},
        "outcome": {
            "decisions": decisions,
            "reasons": form["reasons"].strip()[:2000],
            "refer_on_to": [s for s in form.getlist("refer_on_to") if s in dict(_options(codes.ServiceType))],
            "signpost_to": [s for s in form.getlist("signpost_to") if s in dict(_options(codes.ServiceType))],
        },
    }
    # Only the equality questions answered: one left unanswered keeps the referral's answer.
    if demographics := equality_answers(form):
        body["demographics"] = demographics
    case_id = str(uuid.UUID(form.get("case_id", "")))
    answer = call("assessment", "POST", f"/v1/cases/{case_id}/assessment", json=body)
    if not answer.ok:
        return _case_again(referral_id, scores, assessment_errors(answer))
    flash("Assessment completed and signed off", "success")
    return _back(referral_id)


def _case_again(referral_id: str, scores: dict, errors: dict[str, str]):
    purpose = request.form.get("purpose") or "assessment"
    detail = call("referral", "GET", f"/v1/referrals/{referral_id}", params={"purpose": purpose})
    if not detail.ok:
        abort(detail.status if detail.status in (403, 404) else 503)
    choices = _form_choices() | {"scores": scores, "values": request.form, "errors": errors}
    return render_template(
        "case.html",
        referral_id=referral_id,
        purpose=purpose,
        detail=detail,
        **_case_records(detail.data["case_id"]),
        **choices,
    ), (400 if errors else 200)


# Where the assessment service's field names are asked on the case page.
OUTCOME_QUESTIONS = ("decisions", "refer_on_to", "signpost_to", "reasons")
# The questions asked of the service's nested objects: `outcome.reasons`, `demographics.disability`.
NESTED_QUESTIONS = {"outcome": OUTCOME_QUESTIONS, "demographics": EQUALITY_KEYS}


def assessment_errors(answer: Answer, measures: tuple[Measure, ...] = MEASURES) -> dict[str, str]:
    """The assessment service's refusal against the questions of the assessment form.

    An item is named as clinicians count it (`measures.phq9.9`, WSAS `measures.wsas.items.1`) and
    lands on that question's radio group (`phq9-9`), else on its measure's group; a missing first
    contact is said once, in the error summary, linking to the page's "Record first contact before
    the assessment"; anything else is said above the form, all of it."""
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
            question = parts[0]
        elif parts[0] == "risk":
            question = "risk_level"
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
    return ["first_contact", "assessment", *items, "risk_level", "work_situation", *EQUALITY_KEYS, *OUTCOME_QUESTIONS]


def _refusal(answer: Answer) -> str:
    """What a service said, once: its field messages, else its detail."""
    said = list(dict.fromkeys(problem_fields(answer.errors).values()))
    return " ".join(said) if said else answer.message


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
    answer = call("care", "POST", "/v1/onward-referrals", json=body)
    flash("Onward referral made" if answer.ok else f"The onward referral was not made: {_refusal(answer)}",
          "success" if answer.ok else "error")  # fmt: skip
    return _back(referral_id)


@bp.post("/cases/<referral_id>/closure")
@requires_role(*CASE_ROLES)
def closure(referral_id: str):
    """Close the referral with a reason."""
    referral_id = _referral_id(referral_id)
    answer = call("referral", "POST", f"/v1/referrals/{referral_id}/closure",
                  json={"reason": request.form.get("reason")})  # fmt: skip
    flash("Referral closed" if answer.ok else f"The referral was not closed: {answer.message}",
          "success" if answer.ok else "error")  # fmt: skip
    return _back(referral_id)
