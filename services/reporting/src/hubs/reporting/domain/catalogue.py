"""The figures of the national data set: their names, which counts add up to which totals
(for secondary suppression and for national totals), and which figures are statistics
(median, 90th percentile, percentage) computed over a base count.

Every count is always present, zeros included, so a report has the same shape every period
and a published 0 is an exact 0 (which secondary suppression relies on)."""

from __future__ import annotations

from dataclasses import dataclass

from hubs.contracts import codes

NOT_RECORDED = "not-recorded"

DIMENSIONS: dict[str, list[str]] = {
    "ethnicity": [c.value for c in codes.EthnicCategory],
    "sexual_orientation": [c.value for c in codes.SexualOrientation],
    "gender_identity": [c.value for c in codes.GenderIdentity],
    "trans_status": [c.value for c in codes.GenderSameAsAtBirth],
    "age_band": [c.value for c in codes.AgeBand],
    "disability": [c.value for c in codes.Disability],
    "staff_group": [c.value for c in codes.StaffGroup],
}
# Item 16: the demographics of staff at three stages, each adding up to its total.
STAGES = {
    "referred": "referrals_received",
    "assessed": "staff_assessed",
    "receiving_intervention": "staff_receiving_intervention",
}
OTHER_SOURCES = [s.value for s in codes.ReferralSource if s is not codes.ReferralSource.SELF]
SERVICE_TYPES = [s.value for s in codes.ServiceType]
OUTCOME_DECISIONS = [d.value for d in codes.OutcomeDecision]
CLOSURE_REASONS = [r.value for r in codes.ClosureReason]
URGENCIES = [u.value for u in codes.Urgency]
OUTREACH_TYPES = [t.value for t in codes.OutreachEventType]
TRAINING_AUDIENCES = [a.value for a in codes.TrainingAudience]
SUPERVISION_TYPES = [t.value for t in codes.SupervisionType]
FEEDBACK_RATINGS = [r.value for r in codes.FeedbackRating]

# Feedback answers on a 1-5 scale: "positive" means 4 or 5. (feedback kind, figure prefix, items)
SCALED_FEEDBACK = {
    "outreach-feedback": ("outreach_feedback", ("useful", "more_likely_to_seek_help")),
    "training-feedback": ("training_feedback", ("useful",)),
    "hub-staff-feedback": (
        "hub_staff_feedback",
        ("wellbeing", "workload_manageable", "feel_supported", "supervision_helpful"),
    ),
    "service-user-feedback": (
        "service_user_feedback",
        ("felt_listened_to", "easy_to_access", "helped", "confidentiality_trusted"),
    ),
}
TIME_KINDS = ("calendar", "working")


def _cells(prefix: str, values: list[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{v}" for v in values)


def demographic_cells(stage: str, dimension: str) -> tuple[str, ...]:
    """The cells of one stage by one dimension, including staff whose code was not recorded."""
    return _cells(f"{stage}.{dimension}", [*DIMENSIONS[dimension], NOT_RECORDED])


# (total, cells): each total is the sum of its cells, and each cell is a count of its own.
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("referrals_received", ("self_referrals", "referrals_from_other_sources")),
    ("referrals_from_other_sources", _cells("referrals_by_source", OTHER_SOURCES)),
    ("referrals_received", _cells("referrals_by_urgency", URGENCIES)),
    ("onward_referrals_made", _cells("onward_referrals", SERVICE_TYPES)),
    ("treatments_started", _cells("treatment_started", SERVICE_TYPES)),
    ("episodes_closed", _cells("episodes_closed", CLOSURE_REASONS)),
    ("outreach_events_held", _cells("outreach_events", OUTREACH_TYPES)),
    ("training_sessions", _cells("training_sessions", TRAINING_AUDIENCES)),
    ("supervision_sessions", _cells("supervision_sessions", SUPERVISION_TYPES)),
    ("service_user_feedback_responses", _cells("service_user_feedback.overall", FEEDBACK_RATINGS)),
    *[(total, demographic_cells(stage, dim)) for stage, total in STAGES.items() for dim in DIMENSIONS],
]

SIMPLE_COUNTS = (
    "referrals_received",
    "self_referrals",
    "referrals_from_other_sources",
    "referrals_transferred_in",
    "referrals_transferred_out",
    "referrals_withdrawn",
    "staff_assessed",
    "assessments_completed",
    "assessments_multidisciplinary",
    "risk_escalations",
    "first_contacts",
    "time_to_first_contact.due_by_known",
    "time_to_first_contact.within_standard",
    "staff_signposted",
    "signpostings",
    "staff_referred_on",
    "staff_signposted_or_referred_on",
    "onward_referrals_made",
    "onward_referrals_accepted",
    "onward_referrals_declined",
    "staff_monitored",
    "staff_monitored_at_period_end",
    "staff_accessing_treatment",
    "treatments_started",
    "treatments_ended",
    "staff_receiving_intervention",
    "staff_waiting_for_treatment",
    "onward_referrals_waiting",
    "onward_referrals_waiting.over_6_weeks",
    "onward_referrals_waiting.over_18_weeks",
    "treatment_waits",
    "treatment_waits.within_6_weeks",
    "treatment_waits.within_18_weeks",
    "waits_escalated",
    "follow_ups_due",
    "follow_ups_measured",
    "clinical_outcomes.paired",
    "clinical_outcomes.reliable_improvement",
    "clinical_outcomes.reliable_deterioration",
    "clinical_outcomes.caseness_at_assessment",
    "clinical_outcomes.recovery",
    "clinical_outcomes.reliable_recovery",
    "episodes_closed",
    "supervision_sessions",
    "supervision_attendances",
    "hub_staff_check_ins",
    "training_sessions",
    "training_attendance",
    "training_feedback.confidence_paired",
    "training_feedback.confidence_improved",
    "outreach_events_held",
    "outreach_attendance",
    "service_user_feedback.positive",
    "sickness_absence.months_reported",
    "sickness_absence.days_lost_mental_health",
)


def _feedback_counts() -> tuple[str, ...]:
    names = []
    for prefix, items in SCALED_FEEDBACK.values():
        names.append(f"{prefix}_responses")
        for item in items:
            names += [f"{prefix}.{item}.answered", f"{prefix}.{item}.positive"]
    return tuple(names)


COUNTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *SIMPLE_COUNTS,
            *(cell for _, cells in GROUPS for cell in cells),
            *_cells("signposted_to", SERVICE_TYPES),
            *_cells("assessment_outcome", OUTCOME_DECISIONS),
            *_feedback_counts(),
        ]
    )
)


@dataclass(frozen=True)
class Statistic:
    """A figure computed over `base` counted things; a percentage also names its numerator."""

    base: str
    numerator: str | None = None


def _percentages() -> dict[str, Statistic]:
    stats = {
        "time_to_first_contact.within_standard_percent": Statistic(
            "time_to_first_contact.due_by_known", "time_to_first_contact.within_standard"
        ),
        "treatment_waits.within_6_weeks_percent": Statistic("treatment_waits", "treatment_waits.within_6_weeks"),
        "treatment_waits.within_18_weeks_percent": Statistic("treatment_waits", "treatment_waits.within_18_weeks"),
        "clinical_outcomes.reliable_improvement_percent": Statistic(
            "clinical_outcomes.paired", "clinical_outcomes.reliable_improvement"
        ),
        "clinical_outcomes.reliable_deterioration_percent": Statistic(
            "clinical_outcomes.paired", "clinical_outcomes.reliable_deterioration"
        ),
        "clinical_outcomes.recovery_percent": Statistic(
            "clinical_outcomes.caseness_at_assessment", "clinical_outcomes.recovery"
        ),
        "clinical_outcomes.reliable_recovery_percent": Statistic(
            "clinical_outcomes.caseness_at_assessment", "clinical_outcomes.reliable_recovery"
        ),
        "service_user_feedback.positive_percent": Statistic(
            "service_user_feedback_responses", "service_user_feedback.positive"
        ),
        "training_feedback.confidence_improved_percent": Statistic(
            "training_feedback.confidence_paired", "training_feedback.confidence_improved"
        ),
    }
    for prefix, items in SCALED_FEEDBACK.values():
        for item in items:
            stats[f"{prefix}.{item}.positive_percent"] = Statistic(
                f"{prefix}.{item}.answered", f"{prefix}.{item}.positive"
            )
    return stats


STATISTICS: dict[str, Statistic] = {
    **{
        f"time_to_first_contact.{kind}.{stat}_minutes": Statistic("first_contacts")
        for kind in TIME_KINDS
        for stat in ("median", "p90")
    },
    "onward_referrals_waiting.median_days": Statistic("onward_referrals_waiting"),
    "onward_referrals_waiting.p90_days": Statistic("onward_referrals_waiting"),
    "treatment_waits.median_days": Statistic("treatment_waits"),
    "treatment_waits.p90_days": Statistic("treatment_waits"),
    **_percentages(),
}


# Statistics are named by what they measure, so a reader of another version still knows one.
STATISTIC_SUFFIXES = ("_percent", "_minutes", "_days")


def is_count(name: str) -> bool:
    """True for a count (suppressed and rounded), False for a statistic over a base."""
    return name not in STATISTICS and not name.endswith(STATISTIC_SUFFIXES)
