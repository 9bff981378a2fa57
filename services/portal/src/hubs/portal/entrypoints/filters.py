"""Template filters: dates, codes and values as people read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from hubs.portal.domain.figures import display

LONDON = ZoneInfo("Europe/London")


def when(value: Any) -> str:
    """An ISO date-time as '26 Nov 2026, 09:05' in UK time; a date as '26 Nov 2026'."""
    if not value:
        return "Not recorded"
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if len(text) <= 10:
        return moment.strftime("%-d %b %Y")
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return moment.strftime("%-d %b %Y, %H:%M")


def code(value: Any) -> str:
    """A code ('moderately-severe') in words ('Moderately severe')."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(code(v) for v in value) or "None"
    text = str(value).replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]


def hours_left(value: Any) -> str:
    """Time left before first contact is due, in words (negative: overdue)."""
    if value is None:
        return "No standard"
    hours = float(value)
    span = abs(hours)
    words = f"{int(span)} h {round((span % 1) * 60)} min" if span >= 1 else f"{round(span * 60)} min"
    return f"Overdue by {words}" if hours < 0 else words


def cell(value: Any, key: str = "") -> str:
    """A table cell: dates, codes and lists in words."""
    if key.endswith(("_on", "_at")) or key == "at":
        return when(value)
    if isinstance(value, bool | list) or value is None:
        return code(value)
    if isinstance(value, dict):
        return ", ".join(f"{code(k)}: {v}" for k, v in value.items()) or "None"
    if key.endswith(
        ("type", "kind", "format", "status", "mode", "audience", "topic", "urgency", "purpose", "action", "roles")
    ):
        return code(value)
    return str(value)


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(when=when, code=code, hours_left=hours_left, cell=cell, figure_value=display)
