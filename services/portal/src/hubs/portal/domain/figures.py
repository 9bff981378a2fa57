"""The figures of the data set as people read them: a plain-English name and definition for
each headline figure, and a readable fallback for every other figure the services report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """A figure of the data set, its name in words and what it counts."""

    key: str
    name: str
    definition: str

    @property
    def anchor(self) -> str:
        """The id of the figure's definition on the definitions page."""
        return "figure-" + self.key.replace(".", "-").replace("_", "-")


HEADLINE: tuple[Figure, ...] = (
    Figure("referrals_received", "Referrals received", "Referrals the hub received in the period, from any source."),
    Figure("self_referrals", "Self-referrals", "Referrals made by the member of staff themselves."),
    Figure(
        "referrals_from_other_sources",
        "Referrals from others",
        "Referrals made, with the person's consent, by Occupational Health, HR, a GP, a line manager or others.",
    ),
    Figure(
        "first_contacts",
        "First contacts",
        "People the hub spoke to for the first time in the period (the first successful contact attempt).",
    ),
    Figure(
        "time_to_first_contact.within_standard",
        "First contacts within the standard",
        "First contacts made by their due time: the hub's first-contact standard for the referral's urgency,"
        " in working days, as the queue shows it.",
    ),
    Figure(
        "time_to_first_contact.within_standard_percent",
        "First contacts within the standard (%)",
        "Of the first contacts whose due time was known, the percentage made by that time.",
    ),
    Figure(
        "time_to_first_contact.working.median_minutes",
        "Median time to first contact (working minutes)",
        "The middle of the working minutes between referral and first contact, over the period's first contacts.",
    ),
    Figure("staff_assessed", "Staff assessed", "People whose rapid assessment was completed in the period."),
    Figure(
        "risk_escalations", "Risk escalations", "Cases put on the urgent path because of a risk judged by a clinician."
    ),
    Figure("staff_signposted", "Staff signposted", "People signposted to a service in the period."),
    Figure("staff_referred_on", "Staff referred on", "People referred on to a service for treatment or support."),
    Figure(
        "staff_waiting_for_treatment",
        "Staff waiting for treatment",
        "People referred on whose treatment had not started at the end of the period.",
    ),
    Figure(
        "treatment_waits.within_18_weeks_percent",
        "Treatment started within 18 weeks (%)",
        "Of the treatments that started in the period, the percentage that started within 18 weeks of referral.",
    ),
    Figure(
        "clinical_outcomes.reliable_recovery_percent",
        "Reliable recovery (%)",
        "Of people who were a clinical case at assessment (PHQ-9 10 or more, or GAD-7 8 or more) and had a "
        "follow-up measure, the percentage who moved below caseness with a reliable improvement.",
    ),
    Figure("episodes_closed", "Episodes closed", "Episodes of care the hub closed in the period."),
    Figure("outreach_events_held", "Outreach events held", "Outreach and inreach events the hub held."),
    Figure("outreach_attendance", "Outreach attendance", "People who attended the hub's outreach events."),
    Figure("training_sessions", "Training sessions", "Training sessions delivered to employers, managers or teams."),
    Figure("supervision_sessions", "Supervision sessions", "Supervision sessions held for the hub's own staff."),
)
HEADLINE_BY_KEY = {f.key: f for f in HEADLINE}


def figure(key: str) -> Figure:
    """The figure called `key`: a headline figure, or one described from its name."""
    if key in HEADLINE_BY_KEY:
        return HEADLINE_BY_KEY[key]
    words = key.replace("_", " ").replace(".", ": ")
    name = words[0].upper() + words[1:]
    if key.endswith("_percent"):
        definition = "A percentage over its base count, reported by the hubs as they calculated it."
    elif key.endswith(("_minutes", "_days")):
        definition = "A statistic (median or 90th percentile) over the period's cases, in the unit it names."
    else:
        definition = "A count for the period, as the hub's reporting service builds it from its events."
    return Figure(key, name, definition)


def display(value: object) -> str:
    """A figure's value as shown: '*' explained in words, numbers with thousands separators."""
    if value == "*":
        return "fewer than 8 (suppressed)"
    if value is None:
        return "not reported"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)
