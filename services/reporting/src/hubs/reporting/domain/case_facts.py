"""Per-case facts, kept inside the hub and keyed by the pseudonymous case id.

Each event about a case is folded into a plain JSON document of that case. Records are
keyed by their own ids (assessment, follow-up, onward referral...) and "first" facts keep
the earliest value, so the result does not depend on the order in which events from
different topics arrive, nor on a redelivery: the figures rebuilt from a replay are the same."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

CaseFacts = dict[str, Any]
# Days are counted in England's local time: a referral at 00:30 on 1 April (BST) belongs to
# the new financial year although it is still 31 March in UTC.
LOCAL_TIME = ZoneInfo("Europe/London")

# Events about a case that the case's facts leave out on purpose, and why: each contract event
# about a case is either folded (CASE_FOLDS, below) or named here, so a new one is never missed unseen.
IGNORED_CASE_EVENTS = {
    "CaseAssigned": "no figure of the hub's reports counts who holds a case, or how often it changed hands",
    "ContactAttempted": "attempts that do not reach the person count for nothing: first contact does",
    "OccupationalHealthLiaised": "no figure of the hub's reports counts liaisons with Occupational Health",
    "PersonalDataErased": "the facts hold no personal details to erase",
}

# Item 16's dimensions and the fields of ReferralReceived they come from.
DEMOGRAPHIC_FIELDS = {
    "ethnicity": "ethnic_category",
    "sexual_orientation": "sexual_orientation",
    "gender_identity": "gender_identity",
    "trans_status": "gender_same_as_at_birth",
    "age_band": "age_band",
    "disability": "disability",
    "staff_group": "staff_group",
}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_ready(value: Any) -> Any:
    """The JSON form of a value loaded by a contract schema."""
    if type(value) in _PLAIN:  # most values: codes, numbers, flags (a code's Enum is a subclass)
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()  # one offset, so that strings sort as times
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, Mapping):
        return {k: json_ready(v) for k, v in value.items()}
    return value


def _copy(value: Any) -> Any:
    """A deep copy of stored facts (plain JSON values only)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _earliest(current: str | None, candidate: str) -> str:
    # ISO strings of one kind (all UTC datetimes, or all dates) sort as the times they name.
    return candidate if current is None or candidate < current else current


def _scores(measures: Mapping[str, Any]) -> dict[str, int | None]:
    """PHQ-9 and GAD-7 totals: the two measures clinical outcomes are defined on."""
    return {name: (measures.get(name) or {}).get("total") for name in ("phq9", "gad7")}


def _answers_at_assessment(data: Mapping[str, Any]) -> dict[str, str]:
    """The equality answers given at assessment (AssessmentCompleted's `demographics`), by dimension."""
    given = data.get("demographics") or {}
    return {dimension: given[field] for dimension, field in DEMOGRAPHIC_FIELDS.items() if given.get(field)}


def _record(facts: CaseFacts, collection: str, record_id: Any) -> dict[str, Any]:
    return facts.setdefault(collection, {}).setdefault(str(record_id), {})


def _keep_earliest(facts: CaseFacts, name: str, value: str) -> None:
    facts[name] = _earliest(facts.get(name), value)


# A fold puts one event's data (in its JSON form) into the case's facts, changing them in place.
Fold = Callable[[CaseFacts, dict[str, Any]], None]


def _referral_received(facts: CaseFacts, data: dict[str, Any]) -> None:
    referral = {
        "received_at": data["received_at"],
        "source": data["source"],
        "urgency": data["urgency"],
        **{dimension: data.get(field) for dimension, field in DEMOGRAPHIC_FIELDS.items()},
    }
    if "referral" not in facts or referral["received_at"] < facts["referral"]["received_at"]:
        facts["referral"] = referral


def _referral_triaged(facts: CaseFacts, data: dict[str, Any]) -> None:
    if data["triaged_at"] < (facts.get("triage") or {}).get("triaged_at", ""):
        return  # an older triage arriving late: the newest one stands
    facts["triage"] = {
        "triaged_at": data["triaged_at"],
        "urgency": data["urgency"],
        "decision": data["decision"],
        "first_contact_due_by": data.get("first_contact_due_by"),
    }


def _first_contact_made(facts: CaseFacts, data: dict[str, Any]) -> None:
    current = facts.get("first_contact")
    if current is None or data["contacted_at"] < current["contacted_at"]:
        facts["first_contact"] = {
            "referral_received_at": data["referral_received_at"],
            "contacted_at": data["contacted_at"],
            "working_hours": data.get("working_hours"),
        }


def _earliest_of(name: str, field: str) -> Fold:
    """A fold keeping the earliest `field` of the events as the fact `name`."""

    def fold(facts: CaseFacts, data: dict[str, Any]) -> None:
        _keep_earliest(facts, name, data[field])

    return fold


def _assessment_completed(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "assessments", data["assessment_id"]).update(
        completed_at=data["completed_at"],
        outcomes=sorted(data["outcome_decisions"]),
        multidisciplinary=data["multidisciplinary"],
        demographics=_answers_at_assessment(data),
        **_scores(data["measures"]),
    )


def _follow_up_measured(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "follow_ups", data["follow_up_id"]).update(
        assessment_id=data["assessment_id"], measured_at=data["measured_at"], **_scores(data["measures"])
    )


def _risk_escalated(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "risk_escalations", data["risk_escalation_id"]).update(escalated_at=data["escalated_at"])


def _signposted(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "signposted", data["signposting_id"]).update(
        on=data["signposted_on"], service_types=sorted(data["service_types"])
    )


def _onward_referral_made(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "onward", data["onward_referral_id"]).update(
        made_on=data["made_on"], service_type=data["service_type"]
    )


def _onward_referral_accepted(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "onward", data["onward_referral_id"]).update(accepted_on=data["accepted_on"])


def _onward_referral_declined(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "onward", data["onward_referral_id"]).update(declined_on=data["declined_on"])


def _treatment_started(facts: CaseFacts, data: dict[str, Any]) -> None:
    onward = _record(facts, "onward", data["onward_referral_id"])
    onward["started_on"] = _earliest(onward.get("started_on"), data["started_on"])
    onward.setdefault("service_type", data["service_type"])


def _treatment_ended(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "onward", data["onward_referral_id"]).update(ended_on=data["ended_on"])


def _wait_escalated(facts: CaseFacts, data: dict[str, Any]) -> None:
    onward = _record(facts, "onward", data["onward_referral_id"])
    onward["escalated_on"] = sorted(set(onward.get("escalated_on", [])) | {data["escalated_on"]})


def _monitoring_started(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "monitoring", data["monitoring_plan_id"]).update(started_on=data["started_on"])


def _monitoring_ended(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "monitoring", data["monitoring_plan_id"]).update(ended_on=data["ended_on"])


def _follow_up_due(facts: CaseFacts, data: dict[str, Any]) -> None:
    _record(facts, "follow_ups_due", data["follow_up_id"]).update(due_on=data["due_on"])


def _episode_closed(facts: CaseFacts, data: dict[str, Any]) -> None:
    current = facts.get("episode_closed")
    if current is None or data["closed_at"] < current["closed_at"]:
        facts["episode_closed"] = {"closed_at": data["closed_at"], "reason": data["reason"]}


# Every event about a case that reporting folds into the case's facts, with its fold: the one
# list of them (the hub's consumer handles exactly these, besides the activities).
CASE_FOLDS: dict[str, Fold] = {
    "ReferralReceived": _referral_received,
    "ReferralTriaged": _referral_triaged,
    "FirstContactMade": _first_contact_made,
    "ReferralTransferredIn": _earliest_of("transferred_in_at", "received_at"),
    "ReferralTransferredOut": _earliest_of("transferred_out_at", "transferred_at"),
    "ReferralWithdrawn": _earliest_of("withdrawn_at", "withdrawn_at"),
    "ReferralClosed": _earliest_of("referral_closed_at", "closed_at"),
    "AssessmentCompleted": _assessment_completed,
    "FollowUpMeasured": _follow_up_measured,
    "RiskEscalated": _risk_escalated,
    "Signposted": _signposted,
    "OnwardReferralMade": _onward_referral_made,
    "OnwardReferralAccepted": _onward_referral_accepted,
    "OnwardReferralDeclined": _onward_referral_declined,
    "TreatmentStarted": _treatment_started,
    "TreatmentEnded": _treatment_ended,
    "WaitEscalated": _wait_escalated,
    "MonitoringStarted": _monitoring_started,
    "MonitoringEnded": _monitoring_ended,
    "FollowUpDue": _follow_up_due,
    "EpisodeClosed": _episode_closed,
}
CASE_EVENTS = tuple(CASE_FOLDS)


def apply_case_event(facts: CaseFacts, event: Mapping[str, Any]) -> CaseFacts:
    """The case's facts with one more event folded in (a new dict; `facts` is not changed)."""
    facts = _copy(dict(facts))
    fold = CASE_FOLDS.get(event["event_type"])
    if fold is not None:
        fold(facts, {k: json_ready(v) for k, v in event["data"].items()})
    return facts


@lru_cache(maxsize=65536)
def as_day(value: str) -> date:
    """The local day of an ISO date or datetime string."""
    if len(value) <= 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).astimezone(LOCAL_TIME).date()


def case_days(facts: CaseFacts) -> list[date]:
    """Every day on which something happened to the case: the periods its figures touch."""
    days: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (key.endswith(("_at", "_on")) or key == "on"):
            days.append(value)

    walk(facts)
    return sorted({as_day(d) for d in set(days)})


def has_open_state(facts: CaseFacts) -> bool:
    """True when the case was ever referred on or monitored: a wait, a treatment or monitoring
    may count in periods after the case's last event."""
    return bool(facts.get("onward") or facts.get("monitoring"))
