"""Records of the hub's work that is not about a case (outreach, training, supervision, hub
staff, anonymous feedback) and of imported sickness absence, one per aggregate id, so that
a redelivered or replayed event lands on the same record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hubs.reporting.domain.case_facts import as_day, json_ready
from hubs.reporting.domain.periods import period_bounds


@dataclass(frozen=True)
class Activity:
    """One counted piece of work or feedback, on the day that places it in a period."""

    key: str
    kind: str
    day: date
    record: dict[str, Any]


# event type -> (kind, the data field naming the aggregate, the data field with its day)
ACTIVITY_EVENTS: dict[str, tuple[str, str, str]] = {
    "OutreachEventHeld": ("outreach-event", "outreach_event_id", "held_on"),
    "OutreachFeedbackGiven": ("outreach-feedback", "feedback_id", "given_on"),
    "TrainingDelivered": ("training", "training_session_id", "delivered_on"),
    "TrainingFeedbackGiven": ("training-feedback", "feedback_id", "given_on"),
    "SupervisionHeld": ("supervision", "supervision_session_id", "held_on"),
    "HubStaffCheckInHeld": ("check-in", "check_in_id", "held_on"),
    "HubStaffFeedbackGiven": ("hub-staff-feedback", "feedback_id", "given_on"),
    "ServiceUserFeedbackGiven": ("service-user-feedback", "feedback_id", "given_on"),
}
SICKNESS_ABSENCE = "sickness-absence"


def activity_of(event: Mapping[str, Any]) -> Activity | None:
    """The activity an event records, or None for an event that is not one."""
    kind = event["event_type"]
    data = {k: json_ready(v) for k, v in event["data"].items()}
    if kind == "SicknessAbsenceImported":
        first, _ = period_bounds(data["period_type"], data["period"])
        return Activity(f"{SICKNESS_ABSENCE}:{data['period_type']}:{data['period']}", SICKNESS_ABSENCE, first, data)
    if kind not in ACTIVITY_EVENTS:
        return None
    name, id_field, day_field = ACTIVITY_EVENTS[kind]
    return Activity(f"{name}:{data[id_field]}", name, as_day(data[day_field]), data)


def newer(candidate: Activity, current: Mapping[str, Any] | None) -> bool:
    """Whether `candidate` replaces the stored record: an import replaces an older import of
    the same period (by import time, then id); any other record is the same whenever it comes."""
    if current is None:
        return True
    if candidate.kind != SICKNESS_ABSENCE:
        return dict(current) != candidate.record
    mine = (candidate.record["imported_at"], candidate.record["import_id"])
    return mine > (current["imported_at"], current["import_id"])
