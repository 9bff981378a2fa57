"""The sixteen items of the national data set, built from contract events through the handlers."""

from __future__ import annotations

import uuid
from datetime import date

from hubs.contracts.outcomes import Totals, outcomes
from hubs.reporting.domain.catalogue import DIMENSIONS, GROUPS, STAGES
from hubs.reporting.domain.dataset import DatasetRules, median, percentile_90

OCT = ("month", "2026-10")


def test_self_referrals_and_referrals_from_other_sources_are_counted_by_source_and_urgency(hub, case):
    case().referred("2026-10-05T09:00:00+00:00", source="self")
    case().referred("2026-10-06T09:00:00+00:00", source="self", urgency="urgent")
    case().referred("2026-10-07T09:00:00+00:00", source="occupational-health")
    case().referred("2026-11-02T09:00:00+00:00", source="gp")  # another month
    figures = hub.figures(*OCT)
    assert figures["referrals_received"] == 3
    assert figures["self_referrals"] == 2
    assert figures["referrals_from_other_sources"] == 1
    assert figures["referrals_by_source.occupational-health"] == 1
    assert figures["referrals_by_source.gp"] == 0
    assert figures["referrals_by_urgency.urgent"] == 1
    assert hub.figures("month", "2026-11")["referrals_by_source.gp"] == 1
    assert hub.figures("quarter", "2026-27-Q3")["referrals_received"] == 4
    assert hub.figures("financial-year", "2026-27")["referrals_received"] == 4


def test_time_to_first_contact_is_a_distribution_in_calendar_and_working_time(hub, case):
    # Friday 2 October 2026 17:00 BST to Monday 10:00 BST: 65 hours on the calendar, 1 working hour.
    case().contacted("2026-10-02T16:00:00+00:00", "2026-10-05T09:00:00+00:00")
    # Within the same working day: 2 hours either way.
    for _ in range(3):
        case().contacted("2026-10-06T08:00:00+00:00", "2026-10-06T10:00:00+00:00")
    # Tuesday 09:00 BST to Thursday 13:00 BST: 52 hours on the calendar, 20 working hours.
    case().contacted("2026-10-06T08:00:00+00:00", "2026-10-08T12:00:00+00:00")
    figures = hub.figures(*OCT)
    assert figures["first_contacts"] == 5
    calendar = [65 * 60, 120, 120, 120, 52 * 60]
    working = [60, 120, 120, 120, 20 * 60]
    assert figures["time_to_first_contact.calendar.median_minutes"] == median(calendar) == 120
    assert figures["time_to_first_contact.calendar.p90_minutes"] == percentile_90(calendar) == 65 * 60
    assert figures["time_to_first_contact.working.median_minutes"] == median(working) == 120
    assert figures["time_to_first_contact.working.p90_minutes"] == percentile_90(working) == 20 * 60
    # Durations only: the standard is each referral's due time (below), not a second threshold here.
    assert not [name for name in figures if ".calendar.within" in name or ".working.within" in name]


def test_bank_holidays_are_not_working_time(make_hub):
    holiday_hub = make_hub(date(2026, 11, 26), DatasetRules(holidays=frozenset({date(2026, 10, 5)})))
    holiday_hub.send(
        "FirstContactMade",
        {
            "referral_id": str(uuid.uuid4()),
            "contact_attempt_id": str(uuid.uuid4()),
            "referral_received_at": "2026-10-02T16:00:00+00:00",
            "contacted_at": "2026-10-06T09:00:00+00:00",
            "channel": "phone",
        },
        case_id=str(uuid.uuid4()),
    )
    assert holiday_hub.figures(*OCT)["time_to_first_contact.working.median_minutes"] == 60


def test_working_time_counted_by_the_referral_service_is_used_when_the_event_carries_it(hub):
    # Friday 17:00 BST to Monday 10:00 BST is 1 working hour by the default calendar; the referral
    # service's own count (here 2.5 hours) is the one that stands.
    hub.send(
        "FirstContactMade",
        {
            "referral_id": str(uuid.uuid4()),
            "contact_attempt_id": str(uuid.uuid4()),
            "referral_received_at": "2026-10-02T16:00:00+00:00",
            "contacted_at": "2026-10-05T09:00:00+00:00",
            "channel": "phone",
            "working_hours": 2.5,
        },
        case_id=str(uuid.uuid4()),
    )
    assert hub.figures(*OCT)["time_to_first_contact.working.median_minutes"] == 150


def test_staff_assessed_counts_each_case_once_with_outcome_decisions(hub, case):
    c = case().referred("2026-10-01T09:00:00+00:00").assessed("2026-10-03T09:00:00+00:00", outcomes=["signpost"])
    c.assessment_id = str(uuid.uuid4())
    c.assessed("2026-10-20T09:00:00+00:00", outcomes=["monitor", "refer-on"])
    figures = hub.figures(*OCT)
    assert figures["staff_assessed"] == 1
    assert figures["assessments_completed"] == 2
    assert figures["assessment_outcome.signpost"] == 1
    assert figures["assessment_outcome.monitor"] == 1


def test_signposted_and_referred_on_are_counted_by_service_type(hub, case):
    case().signposted("2026-10-02", "peer-support", "self-help")
    case().signposted("2026-10-02", "debt-advice").referred_on("2026-10-03", "talking-therapies")
    case().referred_on("2026-10-04", "secondary-care-mental-health")
    figures = hub.figures(*OCT)
    assert figures["staff_signposted"] == 2
    assert figures["signposted_to.peer-support"] == 1
    assert figures["staff_referred_on"] == 2
    assert figures["staff_signposted_or_referred_on"] == 3
    assert figures["onward_referrals_made"] == 2
    assert figures["onward_referrals.talking-therapies"] == 1
    assert figures["onward_referrals.secondary-care-mental-health"] == 1


def test_staff_waiting_for_treatment_are_counted_at_the_end_of_the_period_with_their_waits(hub, case):
    case().referred_on("2026-09-01").treatment_started("2026-10-13")  # waited 42 days, started in October
    case().referred_on("2026-08-01")  # still waiting at the end of October: 91 days
    case().referred_on("2026-10-20").declined("2026-10-25")  # no longer waiting
    case().referred_on("2026-10-30")  # waiting 1 day at the end of October
    figures = hub.figures(*OCT)
    assert figures["staff_waiting_for_treatment"] == 2
    assert figures["onward_referrals_waiting.median_days"] == 46
    assert figures["onward_referrals_waiting.over_6_weeks"] == 1
    assert figures["staff_accessing_treatment"] == 1
    assert figures["treatment_waits.median_days"] == 42
    assert figures["treatment_waits.within_6_weeks"] == 1
    assert hub.figures("month", "2026-09")["staff_waiting_for_treatment"] == 2


def test_a_closed_episode_ends_the_wait_and_monitoring(hub, case):
    case().referred_on("2026-09-01").monitored("2026-09-02").closed("2026-10-10T10:00:00+00:00")
    assert hub.figures("month", "2026-09")["staff_waiting_for_treatment"] == 1
    assert hub.figures("month", "2026-09")["staff_monitored_at_period_end"] == 1
    figures = hub.figures(*OCT)
    assert figures["staff_waiting_for_treatment"] == 0
    assert figures["staff_monitored_at_period_end"] == 0
    assert figures["episodes_closed.care-completed"] == 1


def test_staff_receiving_intervention_includes_treatment_that_started_earlier(hub, case):
    case().referred_on("2026-08-01").treatment_started("2026-09-01").treatment_ended("2026-10-15")
    case().referred_on("2026-08-01").treatment_started("2026-08-10").treatment_ended("2026-09-15")
    figures = hub.figures(*OCT)
    assert figures["staff_receiving_intervention"] == 1
    assert figures["staff_accessing_treatment"] == 0
    assert figures["treatments_ended"] == 1


def test_clinical_outcomes_are_counts_and_rates_with_their_bases(hub, case):
    # improved and recovered: PHQ-9 15 -> 6, GAD-7 12 -> 5
    case().assessed("2026-09-01T09:00:00+00:00", 15, 12).followed_up("2026-10-05T09:00:00+00:00", 6, 5)
    # reliably improved, still a case: PHQ-9 22 -> 14
    case().assessed("2026-09-01T09:00:00+00:00", 22, 9).followed_up("2026-10-05T09:00:00+00:00", 14, 9)
    # not a case at first; reliably worse: GAD-7 3 -> 9
    case().assessed("2026-09-01T09:00:00+00:00", 4, 3).followed_up("2026-10-05T09:00:00+00:00", 5, 9)
    # no GAD-7 at follow-up: not paired
    case().assessed("2026-09-01T09:00:00+00:00", 15, 12).followed_up("2026-10-05T09:00:00+00:00", 6, None)
    figures = hub.figures(*OCT)
    assert figures["follow_ups_measured"] == 4
    assert figures["clinical_outcomes.paired"] == 3
    assert figures["clinical_outcomes.reliable_improvement"] == 2
    assert figures["clinical_outcomes.reliable_deterioration"] == 1
    assert figures["clinical_outcomes.caseness_at_assessment"] == 2
    assert figures["clinical_outcomes.recovery"] == 1
    assert figures["clinical_outcomes.reliable_recovery"] == 1
    assert figures["clinical_outcomes.reliable_improvement_percent"] == 67
    assert figures["clinical_outcomes.recovery_percent"] == 50


def test_clinical_outcome_figures_count_the_outcomes_the_assessment_service_sends(hub, case):
    # Totals either side of every threshold: caseness (PHQ-9 10, GAD-7 8), reliable change (6, 4).
    pairs = [((p1, g1), (p2, g2)) for p1, p2 in ((15, 9), (15, 10), (9, 15), (10, 4), (4, 3)) for g1, g2 in
             ((12, 8), (12, 7), (7, 11), (8, 4), (3, 3))]  # fmt: skip
    expected = {"paired": 0, "reliable_improvement": 0, "reliable_deterioration": 0, "caseness_at_assessment": 0,
                "recovery": 0, "reliable_recovery": 0}  # fmt: skip
    for (phq_before, gad_before), (phq_after, gad_after) in pairs:
        c = case().assessed("2026-09-01T09:00:00+00:00", phq_before, gad_before)
        c.followed_up("2026-10-05T09:00:00+00:00", phq_after, gad_after)
        sent = outcomes(Totals(phq_before, gad_before), Totals(phq_after, gad_after))
        expected["paired"] += 1
        expected["reliable_improvement"] += sent.reliable_improvement
        expected["reliable_deterioration"] += sent.reliable_deterioration
        expected["caseness_at_assessment"] += sent.case_at_first
        expected["recovery"] += bool(sent.recovery)
        expected["reliable_recovery"] += bool(sent.reliable_recovery)
    figures = hub.figures(*OCT)
    assert {name: figures[f"clinical_outcomes.{name}"] for name in expected} == expected


def test_a_follow_up_that_arrives_before_its_assessment_still_counts(hub, case):
    c = case()
    c.followed_up("2026-10-05T09:00:00+00:00", 6, 5)
    c.assessed("2026-09-01T09:00:00+00:00", 15, 12)
    assert hub.figures(*OCT)["clinical_outcomes.recovery"] == 1


def test_demographics_of_referred_assessed_and_receiving_intervention_add_up_to_their_totals(hub, case):
    demo = {"ethnic_category": "N", "sexual_orientation": "2", "gender_identity": "3", "age_band": "25-34"}
    c = case().referred("2026-10-01T09:00:00+00:00", staff_group="ambulance", gender_same_as_at_birth="no", **demo)
    c.assessed("2026-10-02T09:00:00+00:00").referred_on("2026-10-03").treatment_started("2026-10-04")
    case().referred("2026-10-01T09:00:00+00:00")  # nothing recorded
    figures = hub.figures(*OCT)
    for stage in STAGES:
        assert figures[f"{stage}.ethnicity.N"] == 1
        assert figures[f"{stage}.trans_status.no"] == 1
        assert figures[f"{stage}.staff_group.ambulance"] == 1
    assert figures["referred.ethnicity.not-recorded"] == 1
    assert figures["assessed.ethnicity.not-recorded"] == 0
    for total, cells in GROUPS:
        assert figures[total] == sum(figures[c] for c in cells), total
    assert len(DIMENSIONS) == 7


def assessed_answering(c, at: str, **answers):
    """The case assessed at `at`, the person answering equality questions there (AssessmentCompleted codes)."""
    c.hub.send(
        "AssessmentCompleted",
        {
            "assessment_id": str(uuid.uuid4()),
            "referral_id": c.referral_id,
            "completed_at": at,
            "multidisciplinary": False,
            "disciplines": ["nursing"],
            "measures": {
                "phq9": {"total": 12, "band": "moderate", "item9_positive": False},
                "gad7": {"total": 9, "band": "mild"},
            },
            "risk_level": "low",
            "work_situation": "at-work",
            "outcome_decisions": ["refer-on"],
            "demographics": answers,
        },
        case_id=c.case_id,
    )
    return c


def test_disability_is_reported_at_every_stage_and_adds_up_to_its_stages_total(hub, case):
    c = case().referred("2026-10-01T09:00:00+00:00", disability="yes")
    c.assessed("2026-10-02T09:00:00+00:00").referred_on("2026-10-03").treatment_started("2026-10-04")
    case().referred("2026-10-01T09:00:00+00:00", disability="not-stated")  # preferred not to say
    case().referred("2026-10-01T09:00:00+00:00")  # not asked
    figures = hub.figures(*OCT)
    for stage in STAGES:
        assert figures[f"{stage}.disability.yes"] == 1
    assert figures["referred.disability.not-stated"] == 1
    assert figures["referred.disability.not-recorded"] == 1
    assert figures["assessed.disability.not-recorded"] == 0
    for stage, total in STAGES.items():
        cells = [f"{stage}.disability.{code}" for code in ("yes", "no", "not-stated", "not-recorded")]
        assert figures[total] == sum(figures[cell] for cell in cells)
    disability = tuple(f"referred.disability.{code}" for code in ("yes", "no", "not-stated", "not-recorded"))
    assert ("referrals_received", disability) in GROUPS  # so that suppression keeps the dimension whole


def test_an_answer_given_at_assessment_takes_the_place_of_one_the_referral_did_not_record(hub, case):
    c = case().referred("2026-10-01T09:00:00+00:00", age_band="35-44")
    assessed_answering(c, "2026-10-05T09:00:00+00:00", ethnic_category="H", disability="no")
    c.referred_on("2026-10-06").treatment_started("2026-10-07")
    figures = hub.figures(*OCT)
    for stage in STAGES:
        assert figures[f"{stage}.ethnicity.H"] == 1 and figures[f"{stage}.ethnicity.not-recorded"] == 0
        assert figures[f"{stage}.disability.no"] == 1
        assert figures[f"{stage}.age_band.35-44"] == 1  # the referral's answer stands where none was given
        assert figures[f"{stage}.sexual_orientation.not-recorded"] == 1
    for total, cells in GROUPS:
        assert figures[total] == sum(figures[c] for c in cells), total


def test_the_persons_own_answer_at_assessment_wins_over_the_referrals_prefer_not_to_say_included(hub, case):
    # A manager's referral recorded an ethnic group; at assessment the person preferred not to say.
    c = case().referred("2026-10-01T09:00:00+00:00", source="line-manager", ethnic_category="A", disability="no")
    assessed_answering(c, "2026-10-05T09:00:00+00:00", ethnic_category="Z", disability="yes")
    figures = hub.figures(*OCT)
    assert figures["assessed.ethnicity.Z"] == 1 and figures["assessed.ethnicity.A"] == 0
    assert figures["referred.ethnicity.Z"] == 1 and figures["referred.ethnicity.A"] == 0
    assert figures["assessed.disability.yes"] == 1 and figures["assessed.disability.no"] == 0


def test_an_assessment_after_the_period_leaves_the_periods_demographics_as_they_were(hub, case):
    c = case().referred("2026-10-28T09:00:00+00:00")
    october = hub.figures(*OCT)
    assessed_answering(c, "2026-11-03T09:00:00+00:00", ethnic_category="M")
    assert hub.figures(*OCT) == october
    assert october["referred.ethnicity.not-recorded"] == 1
    november = hub.figures("month", "2026-11")
    assert november["assessed.ethnicity.M"] == 1 and november["assessed.ethnicity.not-recorded"] == 0
    assert hub.figures("quarter", "2026-27-Q3")["referred.ethnicity.M"] == 1  # known by the quarter's end


def test_outreach_training_supervision_and_feedback_are_counted_with_feedback(hub):
    event_id = str(uuid.uuid4())
    hub.send(
        "OutreachEventHeld",
        {"outreach_event_id": event_id, "event_type": "inreach", "held_on": "2026-10-02", "attendance": 23},
    )
    for useful in (5, 4, 2):
        hub.send(
            "OutreachFeedbackGiven",
            {
                "feedback_id": str(uuid.uuid4()),
                "outreach_event_id": event_id,
                "given_on": "2026-10-02",
                "useful": useful,
            },
        )
    hub.send(
        "TrainingDelivered",
        {
            "training_session_id": str(uuid.uuid4()),
            "delivered_on": "2026-10-03",
            "audience": "line-managers",
            "topic": "help-seeking",
            "attendance": 12,
            "duration_minutes": 90,
            "delivery_mode": "online",
        },
    )
    hub.send(
        "SupervisionHeld",
        {
            "supervision_session_id": str(uuid.uuid4()),
            "held_on": "2026-10-04",
            "supervision_type": "clinical-group",
            "attendees": 6,
            "duration_minutes": 60,
        },
    )
    hub.send("HubStaffFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "given_on": "2026-10-05", "wellbeing": 4})
    hub.send(
        "ServiceUserFeedbackGiven",
        {
            "feedback_id": str(uuid.uuid4()),
            "given_on": "2026-10-06",
            "stage": "at-closure",
            "overall_experience": "good",
        },
    )
    figures = hub.figures(*OCT)
    assert figures["outreach_events_held"] == 1
    assert figures["outreach_events.inreach"] == 1
    assert figures["outreach_attendance"] == 23
    assert figures["outreach_feedback_responses"] == 3
    assert figures["outreach_feedback.useful.positive"] == 2
    assert figures["outreach_feedback.useful.positive_percent"] == 67
    assert figures["training_sessions.line-managers"] == 1
    assert figures["training_attendance"] == 12
    assert figures["supervision_sessions.clinical-group"] == 1
    assert figures["hub_staff_feedback.wellbeing.positive"] == 1
    assert figures["service_user_feedback.positive"] == 1
    assert figures["service_user_feedback.overall.good"] == 1


def test_imported_sickness_absence_counts_in_its_month_quarter_and_year_and_a_newer_import_wins(hub):
    def imported(at: str, days: float) -> None:
        hub.send(
            "SicknessAbsenceImported",
            {
                "import_id": str(uuid.uuid4()),
                "imported_at": at,
                "period_type": "month",
                "period": "2026-10",
                "employer_count": 3,
                "days_lost_mental_health": days,
            },
        )

    imported("2026-11-02T09:00:00+00:00", 120.5)
    imported("2026-11-01T09:00:00+00:00", 999)  # an older import, arriving late
    assert hub.figures(*OCT)["sickness_absence.days_lost_mental_health"] == 121
    assert hub.figures("quarter", "2026-27-Q3")["sickness_absence.days_lost_mental_health"] == 121
    assert hub.figures("quarter", "2026-27-Q3")["sickness_absence.months_reported"] == 1
    assert hub.figures("week", "2026-W41").get("sickness_absence.days_lost_mental_health", 0) == 0


def test_days_are_placed_in_england_local_time(hub, case):
    case().referred("2026-03-31T23:30:00+00:00")  # 00:30 on 1 April, British Summer Time
    assert hub.figures("financial-year", "2026-27")["referrals_received"] == 1
    assert hub.figures("financial-year", "2025-26").get("referrals_received", 0) == 0


def test_first_contacts_within_the_standard_are_those_made_by_the_due_time_the_queue_showed(hub, case):
    for contacted_at in ("2026-10-06T10:00:00+00:00", "2026-10-09T10:00:00+00:00"):
        c = case()
        c._send(
            "ReferralTriaged",
            {"referral_id": c.referral_id, "triaged_at": "2026-10-05T10:00:00+00:00", "decision": "accepted",
             "urgency": "routine", "first_contact_due_by": "2026-10-07T09:00:00+00:00"},
        )  # fmt: skip
        c.contacted("2026-10-05T09:00:00+00:00", contacted_at)
    case().contacted("2026-10-05T09:00:00+00:00", "2026-10-05T10:00:00+00:00")  # never triaged
    figures = hub.figures(*OCT)
    assert figures["time_to_first_contact.due_by_known"] == 2
    assert figures["time_to_first_contact.within_standard"] == 1
    assert figures["time_to_first_contact.within_standard_percent"] == 50


def test_treatment_with_no_end_known_counts_until_the_episode_closed_and_not_after(hub, case):
    c = case().referred_on("2026-08-01").treatment_started("2026-08-10").closed("2026-09-15T10:00:00+00:00")
    assert hub.figures("month", "2026-09")["staff_receiving_intervention"] == 1
    assert hub.figures("month", "2026-10")["staff_receiving_intervention"] == 0
    assert hub.figures("month", "2026-10")["receiving_intervention.ethnicity.not-recorded"] == 0
    c.treatment_ended("2026-09-30")  # told later: it ended after the closure, still before October
    assert hub.figures("month", "2026-10")["staff_receiving_intervention"] == 0
