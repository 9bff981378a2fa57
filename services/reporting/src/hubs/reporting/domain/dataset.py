"""The figures of one period, computed from the hub's facts alone: a pure function, so that
the figures rebuilt from a replay of the topics are the figures that were published."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hubs.contracts.outcomes import Totals, outcomes
from hubs.reporting.domain import catalogue as cat
from hubs.reporting.domain.activities import SICKNESS_ABSENCE, Activity
from hubs.reporting.domain.case_facts import CaseFacts, as_day
from hubs.reporting.domain.periods import period_bounds
from hubs.reporting.domain.working_time import calendar_minutes, working_minutes

# NHS Talking Therapies waiting standards: 6 and 18 weeks from referral to treatment.
WAIT_STANDARDS_DAYS = {"6_weeks": 42, "18_weeks": 126}


@dataclass(frozen=True)
class DatasetRules:
    """The hub's own calendar that some figures are measured with. (The first-contact standard is
    the referral service's: each referral's due time, set at triage, travels on its events.)"""

    holidays: frozenset[date] = field(default_factory=frozenset)


def median(values: list[int]) -> int:
    """The median, the mean of the two middle values rounded half up for an even count."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def percentile_90(values: list[int]) -> int:
    """The 90th percentile by the nearest-rank method."""
    ordered = sorted(values)
    rank = -(-9 * len(ordered) // 10)  # ceil(0.9 n)
    return ordered[max(rank, 1) - 1]


def percent(numerator: int, base: int) -> int:
    """A whole percentage, rounded half up."""
    return (200 * numerator + base) // (2 * base)


class _Period:
    def __init__(self, period_type: str, period: str):
        self.first, self.last = period_bounds(period_type, period)

    def holds(self, value: str | None) -> bool:
        return value is not None and self.first <= as_day(value) <= self.last

    def by_end(self, value: str | None) -> bool:
        """True when the thing happened on or before the period's last day."""
        return value is not None and as_day(value) <= self.last


def _demographics(case: CaseFacts, p: _Period) -> dict[str, str]:
    """The person's codes as the hub knew them at the period's end: the referral's, each replaced
    by an answer given at an assessment completed by then (the latest such answer). The person's
    own answer to a clinician wins over what a referral recorded, "prefer not to say" included;
    an assessment completed after the period leaves the period's figures as they were."""
    referral = case.get("referral") or {}
    found = {dim: referral.get(dim) for dim in cat.DIMENSIONS}
    assessments = sorted((a["completed_at"], key, a) for key, a in (case.get("assessments") or {}).items())
    for completed_at, _, a in assessments:
        if p.by_end(completed_at):
            found.update(a.get("demographics") or {})
    return {dim: found[dim] or cat.NOT_RECORDED for dim in cat.DIMENSIONS}


def _count_demographics(figures: Counter, stage: str, case: CaseFacts, p: _Period) -> None:
    for dimension, code in _demographics(case, p).items():
        figures[f"{stage}.{dimension}.{code}"] += 1


def _closures(case: CaseFacts) -> list[str | None]:
    return [
        case.get("withdrawn_at"),
        case.get("referral_closed_at"),
        case.get("transferred_out_at"),
        (case.get("episode_closed") or {}).get("closed_at"),
    ]


def _closed_by(case: CaseFacts, p: _Period) -> bool:
    return any(p.by_end(e) for e in _closures(case))


def _closed_before(case: CaseFacts, p: _Period) -> bool:
    """True when the hub's part in the case ended before the period began."""
    return any(e is not None and as_day(e) < p.first for e in _closures(case))


def _referral(figures: Counter, case: CaseFacts, p: _Period) -> None:
    referral = case.get("referral")
    if referral and p.holds(referral["received_at"]):
        figures["referrals_received"] += 1
        if referral["source"] == "self":
            figures["self_referrals"] += 1
        else:
            figures["referrals_from_other_sources"] += 1
            figures[f"referrals_by_source.{referral['source']}"] += 1
        figures[f"referrals_by_urgency.{referral['urgency']}"] += 1
        _count_demographics(figures, "referred", case, p)
    for name, fact in (
        ("referrals_transferred_in", "transferred_in_at"),
        ("referrals_transferred_out", "transferred_out_at"),
        ("referrals_withdrawn", "withdrawn_at"),
    ):
        figures[name] += p.holds(case.get(fact))
    closed = case.get("episode_closed")
    if closed and p.holds(closed["closed_at"]):
        figures["episodes_closed"] += 1
        figures[f"episodes_closed.{closed['reason']}"] += 1


def _first_contact(figures: Counter, times: dict[str, list[int]], case: CaseFacts, p: _Period, rules) -> None:
    contact = case.get("first_contact")
    if not contact or not p.holds(contact["contacted_at"]):
        return
    received = datetime.fromisoformat(contact["referral_received_at"])
    contacted = datetime.fromisoformat(contact["contacted_at"])
    # Working time as the referral service counted it, when the event says; older events are counted here.
    stated = contact.get("working_hours")
    working = round(stated * 60) if stated is not None else working_minutes(received, contacted, rules.holidays)
    figures["first_contacts"] += 1
    times["calendar"].append(calendar_minutes(received, contacted))
    times["working"].append(working)
    # One standard, the one the queue and the alerts use: the due time the referral service set
    # at triage for the referral's urgency (working days, the hub's setting).
    due_by = (case.get("triage") or {}).get("first_contact_due_by")
    if due_by:
        figures["time_to_first_contact.due_by_known"] += 1
        figures["time_to_first_contact.within_standard"] += contacted <= datetime.fromisoformat(due_by)


def _assessment(figures: Counter, case: CaseFacts, p: _Period) -> None:
    assessments = (case.get("assessments") or {}).values()
    if assessments and p.holds(min(a["completed_at"] for a in assessments)):
        figures["staff_assessed"] += 1
        _count_demographics(figures, "assessed", case, p)
    for a in assessments:
        if p.holds(a["completed_at"]):
            figures["assessments_completed"] += 1
            figures["assessments_multidisciplinary"] += bool(a.get("multidisciplinary"))
            for decision in a["outcomes"]:
                figures[f"assessment_outcome.{decision}"] += 1
    figures["risk_escalations"] += sum(
        p.holds(r["escalated_at"]) for r in (case.get("risk_escalations") or {}).values()
    )


def _care(figures: Counter, waits: dict[str, list[int]], case: CaseFacts, p: _Period) -> None:
    signposted = [s for s in (case.get("signposted") or {}).values() if p.holds(s["on"])]
    onward = (case.get("onward") or {}).values()
    made = [o for o in onward if p.holds(o.get("made_on"))]
    figures["signpostings"] += len(signposted)
    for s in signposted:
        for service_type in s["service_types"]:
            figures[f"signposted_to.{service_type}"] += 1
    figures["staff_signposted"] += bool(signposted)
    figures["staff_referred_on"] += bool(made)
    figures["staff_signposted_or_referred_on"] += bool(signposted or made)
    for o in made:
        figures["onward_referrals_made"] += 1
        figures[f"onward_referrals.{o['service_type']}"] += 1
    closed = _closed_by(case, p)
    started, receiving, waiting = False, False, False
    for o in onward:
        figures["onward_referrals_accepted"] += p.holds(o.get("accepted_on"))
        figures["onward_referrals_declined"] += p.holds(o.get("declined_on"))
        figures["treatments_ended"] += p.holds(o.get("ended_on"))
        figures["waits_escalated"] += sum(p.holds(d) for d in o.get("escalated_on", []))
        if p.holds(o.get("started_on")):
            started = True
            figures["treatments_started"] += 1
            figures[f"treatment_started.{o.get('service_type')}"] += 1
            if o.get("made_on"):
                waits["treatment"].append((as_day(o["started_on"]) - as_day(o["made_on"])).days)
        # A treatment with no end known is counted until the hub's part in the case ended: after
        # that the hub no longer knows, and would otherwise count the person for ever.
        ended_before = o.get("ended_on") and as_day(o["ended_on"]) < p.first
        if p.by_end(o.get("started_on")) and not ended_before and not _closed_before(case, p):
            receiving = True
        still_waiting = not any(p.by_end(o.get(e)) for e in ("started_on", "declined_on", "ended_on"))
        if p.by_end(o.get("made_on")) and still_waiting and not closed:
            waiting = True
            waits["waiting"].append((p.last - as_day(o["made_on"])).days)
    figures["staff_accessing_treatment"] += started
    figures["staff_waiting_for_treatment"] += waiting
    if receiving:
        figures["staff_receiving_intervention"] += 1
        _count_demographics(figures, "receiving_intervention", case, p)


def _monitoring(figures: Counter, case: CaseFacts, p: _Period) -> None:
    plans = (case.get("monitoring") or {}).values()
    figures["staff_monitored"] += any(p.holds(m.get("started_on")) for m in plans)
    active = any(p.by_end(m.get("started_on")) and not p.by_end(m.get("ended_on")) for m in plans)
    figures["staff_monitored_at_period_end"] += active and not _closed_by(case, p)
    figures["follow_ups_due"] += sum(p.holds(f["due_on"]) for f in (case.get("follow_ups_due") or {}).values())


def _clinical_outcomes(figures: Counter, case: CaseFacts, p: _Period) -> None:
    """Item 11: the case's latest follow-up in the period against the assessment it refers to."""
    follow_ups = [f for f in (case.get("follow_ups") or {}).values() if p.holds(f["measured_at"])]
    figures["follow_ups_measured"] += len(follow_ups)
    if not follow_ups:
        return
    last = max(follow_ups, key=lambda f: f["measured_at"])
    first = (case.get("assessments") or {}).get(last["assessment_id"])
    scores = [first and first.get("phq9"), first and first.get("gad7"), last.get("phq9"), last.get("gad7")]
    if first is None or any(s is None for s in scores):
        return
    phq_before, gad_before, phq_after, gad_after = scores
    # The NHS Talking Therapies definitions, as the assessment service applies them.
    found = outcomes(Totals(phq_before, gad_before), Totals(phq_after, gad_after))
    figures["clinical_outcomes.paired"] += 1
    figures["clinical_outcomes.reliable_improvement"] += found.reliable_improvement
    figures["clinical_outcomes.reliable_deterioration"] += found.reliable_deterioration
    if found.case_at_first:
        figures["clinical_outcomes.caseness_at_assessment"] += 1
        figures["clinical_outcomes.recovery"] += bool(found.recovery)
        figures["clinical_outcomes.reliable_recovery"] += bool(found.reliable_recovery)


def _activity(figures: Counter, days_lost: list[float], a: Activity, first: date, last: date) -> None:
    r: dict[str, Any] = a.record
    if a.kind == SICKNESS_ABSENCE:
        imported_first, imported_last = period_bounds(r["period_type"], r["period"])
        if first <= imported_first and imported_last <= last:
            figures["sickness_absence.months_reported"] += r["period_type"] == "month"
            days_lost.append(r["days_lost_mental_health"])
        return
    if not first <= a.day <= last:
        return
    if a.kind == "outreach-event":
        figures["outreach_events_held"] += 1
        figures[f"outreach_events.{r['event_type']}"] += 1
        figures["outreach_attendance"] += r["attendance"]
    elif a.kind == "training":
        figures["training_sessions"] += 1
        figures[f"training_sessions.{r['audience']}"] += 1
        figures["training_attendance"] += r["attendance"]
    elif a.kind == "supervision":
        figures["supervision_sessions"] += 1
        figures[f"supervision_sessions.{r['supervision_type']}"] += 1
        figures["supervision_attendances"] += r["attendees"]
    elif a.kind == "check-in":
        figures["hub_staff_check_ins"] += 1
    if a.kind in cat.SCALED_FEEDBACK:
        prefix, items = cat.SCALED_FEEDBACK[a.kind]
        figures[f"{prefix}_responses"] += 1
        for item in items:
            if r.get(item) is not None:
                figures[f"{prefix}.{item}.answered"] += 1
                figures[f"{prefix}.{item}.positive"] += r[item] >= 4
    if a.kind == "service-user-feedback":
        figures[f"service_user_feedback.overall.{r['overall_experience']}"] += 1
        figures["service_user_feedback.positive"] += r["overall_experience"] in ("very-good", "good")
    if a.kind == "training-feedback" and r.get("confidence_before") and r.get("confidence_after"):
        figures["training_feedback.confidence_paired"] += 1
        figures["training_feedback.confidence_improved"] += r["confidence_after"] > r["confidence_before"]


def _statistics(figures: dict[str, int], times: dict[str, list[int]], waits: dict[str, list[int]]) -> None:
    for kind in cat.TIME_KINDS:
        if times[kind]:
            figures[f"time_to_first_contact.{kind}.median_minutes"] = median(times[kind])
            figures[f"time_to_first_contact.{kind}.p90_minutes"] = percentile_90(times[kind])
    for name, values in (("onward_referrals_waiting", waits["waiting"]), ("treatment_waits", waits["treatment"])):
        figures[name] = len(values)
        if values:
            figures[f"{name}.median_days"] = median(values)
            figures[f"{name}.p90_days"] = percentile_90(values)
    for standard, days in WAIT_STANDARDS_DAYS.items():
        figures[f"onward_referrals_waiting.over_{standard}"] = sum(w > days for w in waits["waiting"])
        figures[f"treatment_waits.within_{standard}"] = sum(w <= days for w in waits["treatment"])
    for name, stat in cat.STATISTICS.items():
        if stat.numerator is not None and figures.get(stat.base):
            figures[name] = percent(figures[stat.numerator], figures[stat.base])


def period_figures(
    period_type: str,
    period: str,
    cases: Iterable[CaseFacts],
    activities: Iterable[Activity],
    rules: DatasetRules | None = None,
) -> dict[str, int]:
    """Every figure of the data set for one period: all counts (zeros included), and each
    statistic whose base is not zero."""
    rules = rules or DatasetRules()
    p = _Period(period_type, period)
    counted: Counter = Counter()
    times: dict[str, list[int]] = {kind: [] for kind in cat.TIME_KINDS}
    waits: dict[str, list[int]] = {"waiting": [], "treatment": []}
    for case in cases:
        _referral(counted, case, p)
        _first_contact(counted, times, case, p, rules)
        _assessment(counted, case, p)
        _care(counted, waits, case, p)
        _monitoring(counted, case, p)
        _clinical_outcomes(counted, case, p)
    days_lost: list[float] = []
    for activity in activities:
        _activity(counted, days_lost, activity, p.first, p.last)
    counted["sickness_absence.days_lost_mental_health"] = int(sum(days_lost) + 0.5)
    figures = dict.fromkeys(cat.COUNTS, 0)
    figures.update((name, int(value)) for name, value in counted.items())
    _statistics(figures, times, waits)
    return dict(sorted(figures.items()))
