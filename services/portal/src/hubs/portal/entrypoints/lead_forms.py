"""The forms for recording what the hub did and who does it: a member of the hub's team, a directory
entry, a campaign, an outreach event, a training or supervision session, a staff check-in, a staff
survey; and what people said of it: a service user's feedback, an attendee's feedback on a training
session or an outreach event. Each field says how it is asked and sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.portal.domain.forms import in_order


def _options(enum: type) -> tuple[tuple[str, str], ...]:
    return tuple((c.value, c.value.replace("-", " ").capitalize()) for c in enum)


@dataclass(frozen=True)
class Field:
    """One question: `kind` is text, long-text, date, number, choice, yes-no or score (1 to 5)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class RecordForm:
    """A form that records one thing through a service's POST endpoint."""

    title: str
    service: str
    path: str
    fields: tuple[Field, ...]


# The 1 to 5 scale of every feedback question, its ends in words.
SCORES: tuple[tuple[str, str], ...] = (
    ("1", "1 (not at all)"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 (completely)"),
)  # fmt: skip
COMMENT_HINT = "Kept in the hub: it never leaves it, and is never sent to the national team"

# Anonymous feedback from people the hub supported (care co-ordination keeps it).
SERVICE_USER_FEEDBACK = RecordForm("Enter a service user's feedback", "care", "/v1/service-user-feedback", (
    Field("given_on", "Given on", "date"),
    Field("stage", "When it was given", "choice", options=_options(codes.FeedbackStage)),
    Field("overall_experience", "Overall experience of the hub", "choice", options=_options(codes.FeedbackRating)),
    Field("felt_listened_to", "I felt listened to", "score", required=False),
    Field("easy_to_access", "The hub was easy to reach", "score", required=False),
    Field("helped", "The hub helped me", "score", required=False),
    Field("confidentiality_trusted", "I trusted the hub to keep what I said confidential", "score", required=False),
    Field("comment", "Comment", "long-text", required=False, hint=COMMENT_HINT),
))  # fmt: skip

FORMS = {
    "directory": RecordForm("Add a service to the directory", "care", "/v1/directory", (
        Field("name", "Name of the service"),
        Field("service_type", "Type of service", "choice", options=_options(codes.ServiceType)),
        Field("target_wait_days", "Target wait, in days", "number", hint="From referral to the start of treatment"),
        Field("how_to_refer", "How to refer", "long-text"),
        Field("contact", "Contact details", required=False),
    )),
    "campaigns": RecordForm("Launch a campaign", "outreach", "/v1/campaigns", (
        Field("name", "Name of the campaign"),
        Field("starts_on", "Starts on", "date"),
        Field("ends_on", "Ends on", "date", required=False),
    )),
    "outreach-events": RecordForm("Record or plan an outreach event", "outreach", "/v1/outreach-events", (
        Field("kind", "Kind of event", "choice", options=_options(codes.OutreachEventType)),
        Field("held_on", "Held on (or planned for)", "date"),
        Field("attendance", "How many came", "number", required=False, hint="Leave empty to plan the event"),
        Field("delivery_mode", "How it was delivered", "choice", required=False, options=_options(codes.DeliveryMode)),
    )),
    "training": RecordForm("Record a training session", "outreach", "/v1/training-sessions", (
        Field("delivered_on", "Delivered on", "date"),
        Field("audience", "Audience", "choice", options=_options(codes.TrainingAudience)),
        Field("topic", "Topic", "choice", options=_options(codes.TrainingTopic)),
        Field("attendance", "How many came", "number"),
        Field("duration_minutes", "Length, in minutes", "number"),
        Field("delivery_mode", "How it was delivered", "choice", options=_options(codes.DeliveryMode)),
    )),
    "supervision": RecordForm("Record a supervision session", "outreach", "/v1/supervision-sessions", (
        Field("held_on", "Held on", "date"),
        Field("supervision_type", "Type of supervision", "choice", options=_options(codes.SupervisionType)),
        Field("attendees", "Hub staff supervised", "number", hint="Not counting the supervisor"),
        Field("duration_minutes", "Length, in minutes", "number"),
        Field("wellbeing_discussed", "Was wellbeing and the impact of the work discussed?", "yes-no"),
    )),
    "check-ins": RecordForm("Record a wellbeing check-in", "outreach", "/v1/check-ins", (
        Field("held_on", "Held on", "date"),
        Field("format", "Kind of check-in", "choice", options=_options(codes.CheckInFormat)),
        Field("attendees", "Hub staff who took part", "number", hint="A one-to-one check-in has 1"),
    )),
    "staff-feedback": RecordForm("Open a staff survey", "outreach", "/v1/staff-surveys", (
        Field("title", "Title of the survey", hint="Staff see it only as a staff survey; keep names out of it"),
        Field("opens_on", "Opens on", "date"),
        Field("closes_on", "Closes on", "date", hint="For example 2026-12-10. Answers are released when it closes"),
    )),
    "service-user-feedback": SERVICE_USER_FEEDBACK,
}  # fmt: skip


# A member of the hub's clinical team, as the hub lead keeps them (kept in the hub, never announced).
TEAM_MEMBER = RecordForm("Add a member of the team", "outreach", "/v1/team-members", (
    Field("staff_id", "Staff id", hint="The id assessments name them by: letters, digits, . _ : -"),
    Field("name", "Name", hint="As colleagues know them"),
    Field("discipline", "Discipline", "choice", options=_options(codes.Discipline)),
    Field("subject", "Sign-in id", required=False,
          hint="As your organisation's sign-in knows them. Only members with one can hold cases"),
    Field("active", "Are they in the team now?", "yes-no", hint="Answer No once they have left"),
))  # fmt: skip


# An attendee's anonymous feedback on one training session or outreach event, by the list it is in;
# `{id}` in the path is the session's or event's id.
FEEDBACK_FORMS = {
    "training": RecordForm("Enter feedback on this training session", "outreach",
                           "/v1/training-sessions/{id}/feedback", (
        Field("given_on", "Given on", "date", hint="On or after the day of the session, for example 2026-11-26"),
        Field("useful", "The session was useful", "score"),
        Field("confidence_before", "Confident to support staff, before the session", "score", required=False,
              hint="Give both confidence ratings, or neither"),
        Field("confidence_after", "Confident to support staff, after the session", "score", required=False),
        Field("comment", "Comment", "long-text", required=False, hint=COMMENT_HINT),
    )),
    "outreach-events": RecordForm("Enter feedback on this event", "outreach", "/v1/outreach-events/{id}/feedback", (
        Field("given_on", "Given on", "date", hint="On or after the day of the event, for example 2026-11-26"),
        Field("useful", "The event was useful", "score"),
        Field("more_likely_to_seek_help", "I am more likely to seek help", "score", required=False),
        Field("comment", "Comment", "long-text", required=False, hint=COMMENT_HINT),
    )),
}  # fmt: skip


def read(form: RecordForm, submitted: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The request body of a submitted form, and what to change (by field) if it cannot be sent."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in form.fields:
        raw = (submitted.get(f.name) or "").strip()
        if not raw:
            if f.required:
                verb = "Select" if f.kind in ("choice", "yes-no", "score") else "Enter"
                errors[f.name] = f"{verb} an answer for '{f.label}'"
            continue
        if f.kind == "number":
            if not raw.isdigit():
                errors[f.name] = f"{f.label} must be a whole number, like 12"
                continue
            body[f.name] = int(raw)
        elif f.kind == "date":
            try:
                body[f.name] = date.fromisoformat(raw).isoformat()
            except ValueError:
                errors[f.name] = f"{f.label} must be a real date, like 2026-11-26"
        elif f.kind == "choice":
            if raw not in dict(f.options):
                errors[f.name] = f"Select {f.label[:1].lower()}{f.label[1:]}"
                continue
            body[f.name] = raw
        elif f.kind == "score":
            if raw not in dict(SCORES):
                errors[f.name] = f"Give '{f.label}' a score from 1 to 5"
                continue
            body[f.name] = int(raw)
        elif f.kind == "yes-no":
            body[f.name] = raw == "yes"
        else:
            body[f.name] = raw[:2000]
    return body, errors


def ordered(form: RecordForm, errors: dict[str, str]) -> list[tuple[str, str]]:
    """Errors in the order of the form's questions, for the error summary."""
    return in_order(errors, [f.name for f in form.fields])
