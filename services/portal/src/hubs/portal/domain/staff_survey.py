"""The anonymous staff survey as the hub's own staff answer it: the statements they score from
1 to 5, what each answer means to the outreach service, and what to change before sending."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubs.portal.domain.forms import Answers, errors_for_form

SCALE = tuple((str(n), str(n)) for n in range(1, 6))
# A survey's state as the outreach service gives it; answers are taken only while it is open.
OPEN, NOT_YET_OPEN, CLOSED = "open", "not-yet-open", "closed"
SCALE_HINT = "1 means not at all, 5 means completely"


@dataclass(frozen=True)
class Statement:
    """A statement to score from 1 (not at all) to 5 (completely)."""

    name: str
    text: str
    required: bool = False
    missing: str = ""


STATEMENTS = (
    Statement(
        "wellbeing",
        "My wellbeing at work is good",
        required=True,
        missing="Select a score from 1 to 5 for 'My wellbeing at work is good'",
    ),
    Statement("workload_manageable", "My workload is manageable"),
    Statement("feel_supported", "I feel supported by the team"),
    Statement("supervision_helpful", "Supervision helps me"),
)
COMMENT_LIMIT = 2000
QUESTIONS = (*(s.name for s in STATEMENTS), "comment")


class SurveyAnswers(Answers):
    """Answers as given, kept to show again, with what to change by question."""

    order = QUESTIONS


def read_form(form: Any) -> SurveyAnswers:
    """Read and check the answers; only the wellbeing statement must be scored."""
    values = {name: (form.get(name) or "").strip() for name in QUESTIONS}
    errors: dict[str, str] = {}
    for s in STATEMENTS:
        if values[s.name] and values[s.name] not in dict(SCALE):
            values[s.name] = ""
        if s.required and not values[s.name]:
            errors[s.name] = s.missing
    if len(values["comment"]) > COMMENT_LIMIT:
        errors["comment"] = f"Your comment must be {COMMENT_LIMIT:,} characters or fewer"
    return SurveyAnswers(values, errors)


def request_body(answers: SurveyAnswers) -> dict[str, Any]:
    """The outreach service's survey answer for checked answers (nothing about who gives them)."""
    v = answers.values
    body: dict[str, Any] = {s.name: int(v[s.name]) if v[s.name] else None for s in STATEMENTS}
    body["comment"] = v["comment"] or None
    return body


def field_errors(problem_errors: Any) -> dict[str, str]:
    """The outreach service's field messages against the questions."""
    return errors_for_form(problem_errors, QUESTIONS, prefix="Check this answer: ")
