"""The hub's own team: recording the supervision sessions and wellbeing check-ins staff take
part in, and answering an anonymous staff survey. Clinicians and hub leads alike; only counts
are recorded, and a survey answer carries nothing that says who gave it."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hubs.portal.domain import staff_survey
from hubs.portal.domain.forms import errors_for_form
from hubs.portal.entrypoints import lead_forms
from hubs.portal.entrypoints.web import call, requires_role

bp = Blueprint("workforce", __name__)
TEAM_ROLES = ("clinician", "hub-lead")
# What the outreach service lets any member of the hub's clinical team record (POST only).
TEAM_FORMS = ("supervision", "check-ins")
ANONYMITY = (
    "They are stored without your name or any link to you, and nobody, "
    "including the hub lead, can see who answered or what you answered. Scores and comments are "
    "shown only as a whole, once enough of the team have answered. Your sign-in is used only to "
    "stop a second answer from the same person, and that check is deleted when the survey closes."
)


@bp.get("/team")
@requires_role(*TEAM_ROLES)
def team():
    """What a member of the hub's team can record for the team, and how surveys reach them."""
    return render_template("team.html", forms={name: lead_forms.FORMS[name] for name in TEAM_FORMS})


def _team_form(name: str) -> lead_forms.RecordForm:
    if name not in TEAM_FORMS:
        abort(404)
    return lead_forms.FORMS[name]


@bp.get("/team/<name>")
@requires_role(*TEAM_ROLES)
def record_form(name: str, values: dict | None = None, errors: dict | None = None, status: int = 200):
    """The form for recording a supervision session or a check-in."""
    form = _team_form(name)
    errors = errors or {}
    return render_template(
        "team_record.html", name=name, record=form, values=values or {}, errors=errors,
        ordered_errors=lead_forms.ordered(form, errors),
    ), status  # fmt: skip


@bp.post("/team/<name>")
@requires_role(*TEAM_ROLES)
def record(name: str):
    """Record it through the outreach service; the form again, with what to change, if refused."""
    form = _team_form(name)
    body, errors = lead_forms.read(form, request.form)
    if not errors:
        answer = call(form.service, "POST", form.path, json=body)
        if answer.ok:
            flash(f"{form.title}: done", "success")
            return redirect(url_for("workforce.team"), 303)
        errors = errors_for_form(answer.errors, [f.name for f in form.fields]) or {
            form.fields[0].name: f"Not recorded: {answer.message}"
        }
    return record_form(name, values=request.form, errors=errors, status=400)


def _survey_page(
    survey_id: uuid.UUID, answers: staff_survey.SurveyAnswers, status: int = 200, refusal: str = "", form: bool = True
):
    # The survey's title and state first: a survey that is not open shows no questions.
    found = call("outreach", "GET", f"/v1/staff-surveys/{survey_id}/questions")
    survey = found.data if found.ok and isinstance(found.data, dict) else None
    if survey is None:
        form = False
        if status in (200, 400):
            # No such survey (or another hub's) is the service's own 404; one that is down, a message.
            status = found.status if found.status in (403, 404) else 200
    elif survey.get("state") != staff_survey.OPEN:
        form = False
        if status == 400:
            status = 409  # nothing on the form to change: the survey takes no answers now
    return render_template(
        "staff_survey.html",
        survey_id=survey_id,
        survey=survey,
        survey_answer=found,
        answers=answers,
        statements=staff_survey.STATEMENTS,
        scale=staff_survey.SCALE,
        scale_hint=staff_survey.SCALE_HINT,
        anonymity=ANONYMITY,
        refusal=refusal,
        show_form=form,
    ), status


@bp.get("/staff-surveys/<uuid:survey_id>")
@requires_role(*TEAM_ROLES)
def survey(survey_id: uuid.UUID):
    """The survey's questions, with the promise of anonymity first."""
    return _survey_page(survey_id, staff_survey.SurveyAnswers())


@bp.post("/staff-surveys/<uuid:survey_id>")
@requires_role(*TEAM_ROLES)
def answer_survey(survey_id: uuid.UUID):
    """Send the answers, once; a survey that is closed, not open yet or already answered says so."""
    answers = staff_survey.read_form(request.form)
    if answers.errors:
        return _survey_page(survey_id, answers, 400)
    answer = call("outreach", "POST", f"/v1/staff-surveys/{survey_id}/responses",
                  json=staff_survey.request_body(answers))  # fmt: skip
    if answer.ok:
        return redirect(url_for("workforce.survey_answered"), 303)
    if answer.status == 422 and (found := staff_survey.field_errors(answer.errors)):
        answers.errors = found
        return _survey_page(survey_id, answers, 400)
    if answer.status in (404, 409):
        # Nothing to change on the form: the survey itself cannot take the answers.
        return _survey_page(survey_id, staff_survey.SurveyAnswers(), answer.status, answer.detail or answer.message,
                            form=False)  # fmt: skip
    return _survey_page(survey_id, answers, 503 if answer.status >= 500 else answer.status,
                        f"Your answers were not sent: {answer.message}")  # fmt: skip


@bp.get("/staff-surveys/answered")
@requires_role(*TEAM_ROLES)
def survey_answered():
    """Thanks, with nothing about which survey or what was answered."""
    return render_template("staff_survey_answered.html", anonymity=ANONYMITY)
