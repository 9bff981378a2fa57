"""A case's timeline: one chronological list of what happened, from what the case page already has
(the referral with the person's risk answers, its assessment, every escalation of its risk,
follow-ups and outcomes, care co-ordination's record and the notes).

Pure code: it takes the referral's detail and the records the case page fetched (each an answer
with `ok` and `data`) and says each step in the hub's words. A note shows its kind only: its text
stays in the Notes section, where the entry links to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hubs.portal.domain.measures import MEASURES

LONDON = ZoneInfo("Europe/London")

ONWARD_STEPS = (
    ("made_on", "Onward referral made"),
    ("accepted_on", "Onward referral accepted"),
    ("declined_on", "Onward referral declined"),
    ("started_on", "Treatment started"),
    ("ended_on", "Treatment ended"),
    ("escalated_on", "Wait for an onward referral escalated"),
)
ACTIVITIES = {"occupational-health-liaison": "Liaison with Occupational Health", "signposting": "Signposted"}
NOTE_KINDS = {
    "contact": "contact",
    "mdt-discussion": "multidisciplinary team discussion",
    "risk": "risk",
    "safeguarding": "safeguarding",
}


@dataclass(frozen=True)
class Entry:
    """One step of the case: when (an ISO date-time or date, as the service gave it; None when not
    recorded), what happened, more about it, and where on the page it is shown in full."""

    when: str | None
    what: str
    detail: str = ""
    link: str = ""

    @property
    def sort_key(self) -> tuple[date, int, datetime]:
        # A step known only by its day comes after the timed steps of that day (an onward referral
        # made on the day of the assessment follows it); one not dated comes last.
        if not self.when:
            return date.max, 2, datetime.min
        moment = datetime.fromisoformat(self.when.replace("Z", "+00:00"))
        if len(self.when) <= 10:
            return moment.date(), 1, datetime.min
        if moment.tzinfo is not None:
            moment = moment.astimezone(LONDON).replace(tzinfo=None)
        return moment.date(), 0, moment


def timeline(referral: Mapping[str, Any], records: Mapping[str, Any]) -> list[Entry]:
    """The case's steps, oldest first; what a service could not give is left out."""
    entries = [*_referral(referral)]
    assessment = _data(records.get("assessment"))
    history = _data(records.get("risk_history"))
    history = history if isinstance(history, list) else None
    if isinstance(assessment, Mapping):
        entries += _assessment(assessment, history)
    elif history is not None:
        entries += _escalations(history)
    follow_ups = _data(records.get("follow_ups"))
    entries += _follow_ups(follow_ups if isinstance(follow_ups, list) else [])
    care = _data(records.get("care"))
    if isinstance(care, Mapping):
        entries += _care(care)
    notes = _data(records.get("notes"))
    entries += _notes(notes if isinstance(notes, list) else [])
    entries += _closure(referral, care if isinstance(care, Mapping) else {})
    return sorted(entries, key=lambda e: e.sort_key)


def _data(answer: Any) -> Any:
    return answer.data if answer is not None and answer.ok else None


def _words(code: Any) -> str:
    """A code ('talking-therapies') as words ('talking therapies')."""
    if isinstance(code, list | tuple):
        return ", ".join(_words(c) for c in code)
    return str(code or "").replace("-", " ").replace("_", " ")


def _referral(r: Mapping[str, Any]) -> list[Entry]:
    source = "the person themselves" if r.get("source") == "self" else _words(r.get("source"))
    found = [Entry(r.get("received_at"), "Referral received", f"From {source}", "#referral")]
    consent = r.get("consent") or {}
    if consent.get("given_at"):
        by = "the person" if consent.get("given_by") == "self" else _words(consent.get("given_by"))
        how = f", {_words(consent['method'])}" if consent.get("method") else ""
        found.append(Entry(consent["given_at"], "Consent to the referral given", f"By {by}{how}", "#referral"))
    found.append(Entry(r.get("received_at"), "Risk questions answered", _risk_answers(r), "#risk"))
    for a in r.get("contact_attempts") or []:
        said = f"{_words(a.get('channel')).capitalize()}: {_words(a.get('outcome'))}"
        found.append(
            Entry(a.get("attempted_at"), f"Contact attempt {a.get('attempt_number', '')}".strip(), said, "#contact")
        )
    if r.get("first_contacted_at"):
        found.append(Entry(r["first_contacted_at"], "First contact made", "", "#contact"))
    return found


def _risk_answers(r: Mapping[str, Any]) -> str:
    """The person's answers to the risk questions, as far as the referral says them."""
    screen = r.get("risk_screen")
    if isinstance(screen, Mapping):
        said = [
            f"thoughts of self-harm: {'yes' if screen.get('thoughts_of_self_harm') else 'no'}",
            f"risk to others: {'yes' if screen.get('risk_to_others') else 'no'}",
        ]
        answers = "; ".join(said).capitalize()
    elif r.get("urgency") == "urgent":
        answers = "A yes to a risk question: urgent"
    else:
        answers = "No to both risk questions: routine"
    factors = r.get("at_risk_factors") or []
    return f"{answers}; at-risk factors: {_words(factors)}" if factors else answers


def _scores(measures: Mapping[str, Any] | None) -> str:
    said = []
    for m in MEASURES:
        result = (measures or {}).get(m.key)
        if not result or result.get("total") is None:
            continue
        band = m.band_in_words(result["total"])
        said.append(f"{m.name} {result['total']}" + (f" ({band})" if band else ""))
    return ", ".join(said)


def _raised(risk: Mapping[str, Any]) -> str:
    """'Moderate risk to self; escalated to crisis team'."""
    asked = (("to self", risk.get("risk_to_self")), ("to others", risk.get("risk_to_others")))
    towards = [words for words, yes in asked if yes]
    said = f"{_words(risk.get('level')).capitalize()} risk" + (f" {' and '.join(towards)}" if towards else "")
    return f"{said}; escalated to {_words(risk.get('route'))}"


def _escalations(history: Sequence[Mapping[str, Any]]) -> list[Entry]:
    """Every escalation the assessment service keeps: at assessment, at a follow-up, between sittings."""
    found = []
    for e in history:
        by = f"; by {e['escalated_by_name']}" if e.get("escalated_by_name") else ""
        link = f"#escalation-{e['risk_escalation_id']}" if e.get("risk_escalation_id") else "#risk"
        found.append(Entry(e.get("escalated_at"), "Risk escalated", _raised(e) + by, link))
    return found


def _assessment(a: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None) -> list[Entry]:
    """The assessment's steps, with every escalation of the risk (`history`; None when the service
    did not give it, and then the escalation made at assessment at least)."""
    escalations = _escalations(history or [])
    if a.get("status") not in ("completed", "closed") or not a.get("completed_at"):
        return escalations
    at = a["completed_at"]
    # An escalation made at assessment follows "Assessment completed", at the same moment.
    found = [Entry(at, "Assessment completed", _scores(a.get("measures")), "#scores"), *escalations]
    risk = a.get("risk") or {}
    if risk.get("route") and history is None:
        found.append(Entry(at, "Risk escalated", _raised(risk), "#risk"))
    decisions = (a.get("outcome") or {}).get("decisions")
    if decisions:
        found.append(Entry(at, "Outcome decided", _words(decisions).capitalize(), "#scores"))
    return found


def _follow_ups(follow_ups: Sequence[Mapping[str, Any]]) -> list[Entry]:
    found = []
    for f in follow_ups:
        if f.get("measured_at"):
            found.append(Entry(f["measured_at"], "Follow-up measured", _scores(f.get("measures")), "#follow-ups"))
        elif f.get("due_on"):
            found.append(Entry(f["due_on"], "Follow-up due", _words(f.get("measures_due")).upper(), "#follow-ups"))
    return found


def _care(care: Mapping[str, Any]) -> list[Entry]:
    found = []
    for o in care.get("onward_referrals") or []:
        service = _words(o.get("service_type")).capitalize()
        for key, what in ONWARD_STEPS:
            if o.get(key):
                found.append(Entry(o[key], what, service, "#care"))
    for m in care.get("monitoring_plans") or []:
        if m.get("started_on"):
            every = f"Reviews every {m.get('review_interval_days')} days"
            found.append(Entry(m["started_on"], "Monitoring started", every, "#monitoring"))
        if m.get("ended_on"):
            found.append(Entry(m["ended_on"], "Monitoring ended", "", "#monitoring"))
    for activity in care.get("activities") or []:
        what = ACTIVITIES.get(activity.get("kind"))
        if what:
            detail = activity.get("detail") or {}
            said = _words(detail.get("service_types")).capitalize() if detail.get("service_types") else ""
            anchor = "#liaison" if activity.get("kind") == "occupational-health-liaison" else "#signposting"
            found.append(Entry(activity.get("on_date"), what, said, anchor))
    return found


def _notes(notes: Sequence[Mapping[str, Any]]) -> list[Entry]:
    found = []
    for n in notes:
        kind = NOTE_KINDS.get(n.get("kind"), _words(n.get("kind")))
        what = f"Note: {kind}" + (" (a correction)" if n.get("corrects") else "")
        by = f"By {n['written_by_name']}" if n.get("written_by_name") else ""
        found.append(Entry(n.get("written_at"), what, by, f"#note-{n.get('note_id')}"))
    return found


def _closure(r: Mapping[str, Any], care: Mapping[str, Any]) -> list[Entry]:
    if r.get("status") != "closed":
        return []
    reason = r.get("closure_reason") or care.get("closure_reason")
    return [Entry(care.get("closed_at"), "Case closed", _words(reason).capitalize() if reason else "", "#closure")]
