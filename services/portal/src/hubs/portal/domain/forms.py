"""What the portal's forms share: the services' field messages put against the right question,
errors listed in the order of the questions, and dates typed as day, month and year."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

# Where a service says a message came from (webargs' locations), not part of a field's name.
LOCATIONS = ("json", "query", "form", "path", "_schema")


def problem_fields(errors: Any, where: str = "") -> dict[str, str]:
    """The first message for each field of a problem's `errors`, by dotted path ('referrer.email').

    Takes both shapes the services answer with: one location flattened (`{"email": [...]}`) or
    kept (`{"json": {"email": [...]}}`), nested schemas as nested objects, and list items by index."""
    if isinstance(errors, Mapping):
        found: dict[str, str] = {}
        for key, value in errors.items():
            path = where if key in LOCATIONS else f"{where}.{key}".strip(".")
            for name, message in problem_fields(value, path).items():
                found.setdefault(name, message)
        return found
    if isinstance(errors, list | tuple):
        found = {}
        for item in errors:
            for name, message in problem_fields(item, where).items():
                found.setdefault(name, message)
        return found
    return {where: str(errors)}


def errors_for_form(
    errors: Any, questions: Iterable[str], aliases: Mapping[str, str] | None = None, prefix: str = ""
) -> dict[str, str]:
    """The service's field messages against the form's questions.

    A path is matched whole ('referrer.email'), then without list indexes, then by its last part
    ('risk_screen.risk_to_others'), then by its first ('risk_screen'); `aliases` name the question
    a path (or part) belongs to, and are looked up first at each step."""
    aliases = aliases or {}
    asked = set(questions)
    found: dict[str, str] = {}
    for path, message in problem_fields(errors).items():
        parts = [p for p in path.split(".") if p and not p.isdigit()]
        for candidate in (path, ".".join(parts), parts[-1] if parts else "", parts[0] if parts else ""):
            question = aliases.get(candidate, candidate)
            if question in asked:
                found.setdefault(question, f"{prefix}{message}")
                break
    return found


def in_order(errors: Mapping[str, str], order: Iterable[str]) -> list[tuple[str, str]]:
    """Errors in the order the questions are asked (for the error summary); unknown ones last."""
    ranked = {name: i for i, name in enumerate(order)}
    return sorted(errors.items(), key=lambda kv: ranked.get(kv[0], len(ranked)))


def typed_date(day: str, month: str, year: str) -> date:
    """The date typed into the three boxes of a date question; ValueError if it is not a real date."""
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise ValueError("not a date")
    return date(int(year), int(month), int(day))


@dataclass
class Answers:
    """A submitted form: the answers, kept to show again, and what to change, by question.
    A form's own kind names its questions in `order`, the order they are asked."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    order: ClassVar[tuple[str, ...]] = ()

    @property
    def ordered_errors(self) -> list[tuple[str, str]]:
        """Errors in the order of the questions, for the error summary."""
        return in_order(self.errors, self.order)
