"""The rapid assessment as the form asks it: every answer the assessment service takes, checked
here first where the portal can tell (a raised risk without its escalation route, a transfer
without its hub), and turned into the service's request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hubs.contracts import codes
from hubs.contracts import measures as registry
from hubs.contracts.topics import HUB_ID_PATTERN
from hubs.portal.domain.measures import MEASURES, Scored

# The hub's rule: every rapid assessment takes the PHQ-9 and the GAD-7.
ALWAYS_TAKEN = ("phq9", "gad7")
# The practitioners who took part besides the one signing off (a multidisciplinary assessment).
OTHER_PRACTITIONERS = (2, 3)
STAFF_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _codes(enum: type) -> set[str]:
    return {c.value for c in enum}


def item9_positive(form: Mapping[str, str]) -> bool:
    """PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0."""
    item = registry.PHQ9.items[registry.PHQ9_RISK_ITEM - 1]
    return form.get(f"phq9-{registry.PHQ9_RISK_ITEM}", "0") in {str(v) for v in item.values if v > 0}


def risk_raised(form: Mapping[str, str]) -> bool:
    """A raised risk, as the assessment service judges it: moderate or high, a risk to self or to
    others, or PHQ-9 item 9 above 0. It must say where it was escalated."""
    return (
        form.get("risk_level") in ("moderate", "high")
        or form.get("risk_to_self") == "yes"
        or form.get("risk_to_others") == "yes"
        or item9_positive(form)
    )


def practitioners(form: Mapping[str, str], signing_off: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The practitioners of the assessment: the one signing off first, then any others named."""
    found = [{"practitioner_id": signing_off[:64], "discipline": form.get("discipline") or "other"}]
    errors: dict[str, str] = {}
    if form.get("others_took_part") != "yes":
        return found, errors
    for n in OTHER_PRACTITIONERS:
        staff_id = (form.get(f"practitioner-{n}-id") or "").strip()
        discipline = form.get(f"practitioner-{n}-discipline") or ""
        if not staff_id and not discipline:
            continue
        if not STAFF_ID.match(staff_id):
            errors[f"practitioner-{n}-id"] = "Enter their staff id: letters, digits, full stops, colons, - or _"
        if discipline not in _codes(codes.Discipline):
            errors[f"practitioner-{n}-discipline"] = "Select their discipline"
        found.append({"practitioner_id": staff_id, "discipline": discipline})
    if len(found) == 1 and not errors:
        errors["practitioner-2-id"] = "Enter the staff id of the practitioner who took part with you, or answer No"
    return found, errors


def check(form: Mapping[str, Any], scores: Mapping[str, Scored]) -> dict[str, str]:
    """What the portal can tell is missing or wrong before asking the service, by question."""
    errors: dict[str, str] = {}
    for m in MEASURES:
        if m.key in ALWAYS_TAKEN and not scores[m.key].complete:
            errors[m.key] = f"Answer all {len(m.items)} questions of the {m.name}: it is taken at every assessment"
        elif 0 < scores[m.key].answered < len(m.items):
            errors[m.key] = f"Answer all {len(m.items)} questions of the {m.name}, or none of them"
    # The clinician judges the risk level every time: nothing is chosen for them, not even "low".
    if form.get("risk_level") not in _codes(codes.RiskLevel):
        errors["risk_level"] = "Select the risk level you judged"
    if risk_raised(form) and form.get("risk_route") not in _codes(codes.EscalationRoute):
        errors["risk_route"] = "Select where the raised risk was escalated to"
    situation = form.get("work_situation")
    if situation not in _codes(codes.WorkSituation):
        errors["work_situation"] = "Select the person's work situation"
    elif situation == "off-sick" and form.get("off_sick_for_mental_health") not in ("yes", "no"):
        errors["off_sick_for_mental_health"] = "Say whether the person is off sick for mental health reasons"
    decisions = _decisions(form)
    if not decisions:
        errors["decisions"] = "Select at least one outcome"
    for decision, question, words in (
        ("signpost", "signpost_to", "signposting"),
        ("refer-on", "refer_on_to", "referring on"),
    ):
        if (decision in decisions) != bool(form.getlist(question)):
            outcome = decision.replace("-", " ")
            errors[question] = f"Select the services for {words}, and the outcome '{outcome}', together"
    if "transfer-to-another-hub" in decisions and not re.match(HUB_ID_PATTERN, form.get("transfer_to_hub_id", "")):
        errors["transfer_to_hub_id"] = "Enter the id of the hub the person transfers to, like north-east"
    if "monitor" in decisions and form.get("monitoring_review_interval_days", "").strip():
        days = form["monitoring_review_interval_days"].strip()
        if not days.isdigit() or not 1 <= int(days) <= 365:
            errors["monitoring_review_interval_days"] = "Enter the days between reviews, a whole number from 1 to 365"
    if "liaise-occupational-health" in decisions and form.get("occupational_health_consent") != "yes":
        errors["occupational_health_consent"] = "Liaising with Occupational Health needs the person's consent"
    if not form.get("reasons", "").strip():
        errors["reasons"] = "Enter the reasons for the outcome"
    return errors


def _decisions(form: Mapping[str, Any]) -> list[str]:
    return [d for d in form.getlist("decisions") if d in _codes(codes.OutcomeDecision)]


def _services(form: Mapping[str, Any], question: str) -> list[str]:
    return [s for s in form.getlist(question) if s in _codes(codes.ServiceType)]


def request_body(
    form: Mapping[str, Any], answers: Mapping[str, list], scores: Mapping[str, Scored], staff: list, now: datetime
) -> dict[str, Any]:
    """The assessment service's request from a checked form; `now` is when consent was recorded."""
    decisions = _decisions(form)
    measures: dict[str, Any] = {m.key: answers[m.key] for m in MEASURES if scores[m.key].complete}
    if "wsas" in measures:
        measures["wsas"] = {"items": measures["wsas"], "retired_or_not_working": form.get("wsas_retired") == "yes"}
    off_sick = form.get("work_situation") == "off-sick"
    raised = risk_raised(form)
    body: dict[str, Any] = {
        "practitioners": staff,
        "measures": measures,
        "risk": {
            "level": form.get("risk_level"),
            "risk_to_self": form.get("risk_to_self") == "yes",
            "risk_to_others": form.get("risk_to_others") == "yes",
            # Only a raised risk has a route: the service keeps none for a low one.
            "route": form.get("risk_route") if raised else None,
        },
        "work_situation": {
            "situation": form.get("work_situation"),
            "off_sick_for_mental_health": (form.get("off_sick_for_mental_health") == "yes") if off_sick else None,
        },
        "outcome": {
            "decisions": decisions,
            "reasons": form.get("reasons", "").strip()[:2000],
            "refer_on_to": _services(form, "refer_on_to") if "refer-on" in decisions else [],
            "signpost_to": _services(form, "signpost_to") if "signpost" in decisions else [],
            "transfer_to_hub_id": form.get("transfer_to_hub_id") if "transfer-to-another-hub" in decisions else None,
            "monitoring_review_interval_days": (
                int(form["monitoring_review_interval_days"])
                if "monitor" in decisions and form.get("monitoring_review_interval_days", "").strip().isdigit()
                else None
            ),
        },
    }
    if form.get("occupational_health_consent") in ("yes", "no"):
        given = form["occupational_health_consent"] == "yes"
        body["occupational_health_consent"] = {"given": given, "recorded_at": now.isoformat() if given else None}
    return body
