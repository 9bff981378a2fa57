"""Every figure of the national data set, each named and checked against a seeded month of the
hub's work, grouped as a hub lead reads the report. A figure added to the catalogue must be named
here (or in another test) before it can be sent: see test_every_figure_is_named_in_a_test.py."""

from __future__ import annotations

import uuid

from hubs.contracts.examples import EXAMPLES
from hubs.reporting.domain.catalogue import DIMENSIONS, OTHER_SOURCES, SERVICE_TYPES

from .conftest import Case

OCT = ("month", "2026-10")


def named(figures: dict[str, int], expected: dict[str, int | None]) -> dict[str, int | None]:
    """The figures named in `expected` as the hub computed them (None: not sent, its base is 0)."""
    return {name: figures.get(name) for name in expected}


def about_case(case: Case, event_type: str, /, **data) -> Case:
    """A contract example of an event about `case`, with the facts that matter here."""
    return case._send(event_type, {**EXAMPLES[f"{event_type}.v1"], **data})


def activity(hub, event_type: str, id_field: str, /, **data) -> None:
    """A contract example of the hub's work or of feedback, each with an id of its own."""
    hub.send(event_type, {**EXAMPLES[f"{event_type}.v1"], id_field: str(uuid.uuid4()), **data})


def test_referrals_coming_in_moving_between_hubs_and_withdrawn(hub, case):
    case().referred("2026-10-01T09:00:00+00:00")
    case().referred("2026-10-02T09:00:00+00:00", urgency="urgent")
    for source in OTHER_SOURCES:
        case().referred("2026-10-05T09:00:00+00:00", source=source)
    case().referred("2026-11-02T09:00:00+00:00", source="gp")  # November's
    about_case(case(), "ReferralTransferredIn", received_at="2026-10-08T09:00:00+00:00")
    about_case(case(), "ReferralTransferredOut", transferred_at="2026-10-09T09:00:00+00:00")
    about_case(case(), "ReferralWithdrawn", withdrawn_at="2026-10-10T09:00:00+00:00")
    expected = {
        "referrals_received": 9,
        "self_referrals": 2,
        "referrals_from_other_sources": 7,
        "referrals_by_source.occupational-health": 1,
        "referrals_by_source.hr": 1,
        "referrals_by_source.health-and-wellbeing-team": 1,
        "referrals_by_source.gp": 1,
        "referrals_by_source.line-manager": 1,
        "referrals_by_source.other-hub": 1,
        "referrals_by_source.other": 1,
        "referrals_by_urgency.urgent": 1,
        "referrals_by_urgency.routine": 8,
        "referrals_transferred_in": 1,
        "referrals_transferred_out": 1,
        "referrals_withdrawn": 1,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_time_to_first_contact_and_contacts_made_within_the_due_time(hub, case):
    due = {"triaged_at": "2026-10-05T08:00:00+00:00", "first_contact_due_by": "2026-10-07T09:00:00+00:00"}
    # (contacted at, working hours the referral service counted, triaged with a due time)
    for contacted_at, working_hours, triaged in (
        ("2026-10-05T10:00:00+00:00", 1, False),  # 60 minutes on the calendar
        ("2026-10-06T10:00:00+00:00", 9, True),  # 1500 minutes, within the due time
        ("2026-10-09T13:00:00+00:00", 30, True),  # 6000 minutes, after the due time
    ):
        c = case()
        if triaged:
            about_case(c, "ReferralTriaged", referral_id=c.referral_id, **due)
        about_case(
            c,
            "FirstContactMade",
            referral_id=c.referral_id,
            referral_received_at="2026-10-05T09:00:00+00:00",
            contacted_at=contacted_at,
            working_hours=working_hours,
        )
    expected = {
        "first_contacts": 3,
        "time_to_first_contact.calendar.median_minutes": 1500,
        "time_to_first_contact.calendar.p90_minutes": 6000,
        "time_to_first_contact.working.median_minutes": 540,
        "time_to_first_contact.working.p90_minutes": 1800,
        "time_to_first_contact.due_by_known": 2,
        "time_to_first_contact.within_standard": 1,
        "time_to_first_contact.within_standard_percent": 50,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_assessments_their_outcome_decisions_and_risk_escalations(hub, case):
    twice = case().assessed("2026-10-03T09:00:00+00:00", outcomes=["signpost", "refer-on"])
    twice.assessment_id = str(uuid.uuid4())
    twice.assessed("2026-10-20T09:00:00+00:00", outcomes=["monitor"])
    alone = case()
    about_case(
        alone,
        "AssessmentCompleted",
        assessment_id=alone.assessment_id,
        referral_id=alone.referral_id,
        completed_at="2026-10-04T09:00:00+00:00",
        multidisciplinary=False,
        disciplines=["nursing"],
        outcome_decisions=["liaise-occupational-health"],
    )
    case().assessed("2026-10-05T09:00:00+00:00", outcomes=["transfer-to-another-hub"])
    case().assessed("2026-10-06T09:00:00+00:00", outcomes=["no-further-action"])
    for at in ("2026-10-03T10:00:00+00:00", "2026-10-21T10:00:00+00:00", "2026-11-02T10:00:00+00:00"):
        about_case(twice, "RiskEscalated", risk_escalation_id=str(uuid.uuid4()), escalated_at=at)
    expected = {
        "staff_assessed": 4,  # each person once, however many assessments
        "assessments_completed": 5,
        "assessments_multidisciplinary": 4,
        "assessment_outcome.signpost": 1,
        "assessment_outcome.refer-on": 1,
        "assessment_outcome.liaise-occupational-health": 1,
        "assessment_outcome.monitor": 1,
        "assessment_outcome.transfer-to-another-hub": 1,
        "assessment_outcome.no-further-action": 1,
        "risk_escalations": 2,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_staff_signposted_and_referred_on_by_service_type(hub, case):
    signposted = case().signposted("2026-10-02", *SERVICE_TYPES)
    signposted.signposted("2026-10-03", "peer-support")
    referred_on = [case().referred_on("2026-10-05", service_type) for service_type in SERVICE_TYPES]
    referred_on[0].signposted("2026-10-04", "self-help")
    about_case(referred_on[1], "OnwardReferralAccepted", onward_referral_id=referred_on[1].onward_referral_id,
               accepted_on="2026-10-06", expected_start_on="2026-10-20")  # fmt: skip
    referred_on[2].declined("2026-10-07")
    expected = {
        "signpostings": 3,
        "staff_signposted": 2,
        "staff_referred_on": 13,
        "staff_signposted_or_referred_on": 14,
        "onward_referrals_made": 13,
        "onward_referrals_accepted": 1,
        "onward_referrals_declined": 1,
        "signposted_to.talking-therapies": 1,
        "signposted_to.secondary-care-mental-health": 1,
        "signposted_to.complex-addictions": 1,
        "signposted_to.occupational-health": 1,
        "signposted_to.peer-support": 2,
        "signposted_to.self-help": 2,
        "signposted_to.bereavement": 1,
        "signposted_to.domestic-abuse": 1,
        "signposted_to.relationship": 1,
        "signposted_to.debt-advice": 1,
        "signposted_to.immigration-advice": 1,
        "signposted_to.other-third-sector": 1,
        "signposted_to.hub-commissioned": 1,
        "onward_referrals.talking-therapies": 1,
        "onward_referrals.secondary-care-mental-health": 1,
        "onward_referrals.complex-addictions": 1,
        "onward_referrals.occupational-health": 1,
        "onward_referrals.peer-support": 1,
        "onward_referrals.self-help": 1,
        "onward_referrals.bereavement": 1,
        "onward_referrals.domestic-abuse": 1,
        "onward_referrals.relationship": 1,
        "onward_referrals.debt-advice": 1,
        "onward_referrals.immigration-advice": 1,
        "onward_referrals.other-third-sector": 1,
        "onward_referrals.hub-commissioned": 1,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_treatment_started_ended_and_the_waits_against_the_6_and_18_week_standards(hub, case):
    case().referred_on("2026-09-01", "talking-therapies").treatment_started("2026-10-13")  # waited 42 days
    case().referred_on("2026-06-01", "secondary-care-mental-health").treatment_started("2026-10-05")  # 126
    case().referred_on("2026-05-01", "complex-addictions").treatment_started("2026-10-06")  # 158
    waiting_91_days = case().referred_on("2026-08-01")
    case().referred_on("2026-05-01")  # waiting 183 days at the end of October
    case().referred_on("2026-10-30")  # waiting 1 day
    case().referred_on("2026-07-01").treatment_started("2026-08-01").treatment_ended("2026-10-20")
    for on in ("2026-10-15", "2026-10-20"):
        about_case(waiting_91_days, "WaitEscalated", onward_referral_id=waiting_91_days.onward_referral_id,
                   escalated_on=on)  # fmt: skip
    expected = {
        "treatments_started": 3,
        "staff_accessing_treatment": 3,
        "treatments_ended": 1,
        "staff_receiving_intervention": 4,  # the three who started, and the one who ended in October
        "treatment_waits": 3,
        "treatment_waits.within_6_weeks": 1,
        "treatment_waits.within_18_weeks": 2,
        "treatment_waits.within_6_weeks_percent": 33,
        "treatment_waits.within_18_weeks_percent": 67,
        "treatment_waits.median_days": 126,
        "treatment_waits.p90_days": 158,
        "staff_waiting_for_treatment": 3,
        "onward_referrals_waiting": 3,
        "onward_referrals_waiting.over_6_weeks": 2,
        "onward_referrals_waiting.over_18_weeks": 1,
        "onward_referrals_waiting.median_days": 91,
        "onward_referrals_waiting.p90_days": 183,
        "waits_escalated": 2,
        "treatment_started.talking-therapies": 1,
        "treatment_started.secondary-care-mental-health": 1,
        "treatment_started.complex-addictions": 1,
        "treatment_started.occupational-health": 0,
        "treatment_started.peer-support": 0,
        "treatment_started.self-help": 0,
        "treatment_started.bereavement": 0,
        "treatment_started.domestic-abuse": 0,
        "treatment_started.relationship": 0,
        "treatment_started.debt-advice": 0,
        "treatment_started.immigration-advice": 0,
        "treatment_started.other-third-sector": 0,
        "treatment_started.hub-commissioned": 0,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_staff_monitored_and_follow_ups_due_and_measured(hub, case):
    def monitored(c: Case, on: str) -> str:
        plan_id = str(uuid.uuid4())
        about_case(c, "MonitoringStarted", monitoring_plan_id=plan_id, started_on=on)
        return plan_id

    started_in_october = case()
    monitored(started_in_october, "2026-10-02")
    ended_in_october = case()
    about_case(ended_in_october, "MonitoringEnded", monitoring_plan_id=monitored(ended_in_october, "2026-09-01"),
               ended_on="2026-10-15")  # fmt: skip
    monitored(case(), "2026-09-10")  # still monitored at the end of October
    for due_on in ("2026-10-16", "2026-11-16"):
        about_case(started_in_october, "FollowUpDue", follow_up_id=str(uuid.uuid4()), due_on=due_on)
    started_in_october.followed_up("2026-10-16T09:00:00+00:00", 9, 7).followed_up("2026-10-30T09:00:00+00:00", 8, 6)
    expected = {
        "staff_monitored": 1,
        "staff_monitored_at_period_end": 2,
        "follow_ups_due": 1,
        "follow_ups_measured": 2,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_clinical_outcomes_reliable_improvement_deterioration_and_recovery(hub, case):
    # (PHQ-9, GAD-7) at assessment in September, then at the follow-up in October
    for before, after in (
        ((16, 11), (4, 3)),  # a case, reliably improved and recovered
        ((8, 5), (15, 6)),  # not a case, reliably worse
        ((12, 9), (9, 7)),  # a case, recovered without a reliable change
        ((20, 15), (18, 14)),  # a case, no change
    ):
        case().assessed("2026-09-10T09:00:00+00:00", *before).followed_up("2026-10-20T09:00:00+00:00", *after)
    expected = {
        "clinical_outcomes.paired": 4,
        "clinical_outcomes.reliable_improvement": 1,
        "clinical_outcomes.reliable_improvement_percent": 25,
        "clinical_outcomes.reliable_deterioration": 1,
        "clinical_outcomes.reliable_deterioration_percent": 25,
        "clinical_outcomes.caseness_at_assessment": 3,
        "clinical_outcomes.recovery": 2,
        "clinical_outcomes.recovery_percent": 67,
        "clinical_outcomes.reliable_recovery": 1,
        "clinical_outcomes.reliable_recovery_percent": 33,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_episodes_closed_by_reason(hub, case):
    for reason in (
        "not-eligible",
        "uncontactable",
        "withdrawn",
        "transferred-to-another-hub",
        "declined-assessment",
        "no-further-action",
        "signposted",
        "other",
    ):
        case().closed("2026-10-10T10:00:00+00:00", reason)
    for _ in range(2):
        case().closed("2026-10-12T10:00:00+00:00", "care-completed")
    expected = {
        "episodes_closed": 10,
        "episodes_closed.not-eligible": 1,
        "episodes_closed.uncontactable": 1,
        "episodes_closed.withdrawn": 1,
        "episodes_closed.transferred-to-another-hub": 1,
        "episodes_closed.declined-assessment": 1,
        "episodes_closed.no-further-action": 1,
        "episodes_closed.signposted": 1,
        "episodes_closed.care-completed": 2,
        "episodes_closed.other": 1,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_the_hubs_own_staff_supervision_check_ins_and_how_they_are(hub):
    for supervision_type, attendees in (("clinical-group", 6), ("clinical-one-to-one", 1), ("line-management", 4)):
        activity(hub, "SupervisionHeld", "supervision_session_id", held_on="2026-10-06",
                 supervision_type=supervision_type, attendees=attendees)  # fmt: skip
    for held_on in ("2026-10-07", "2026-10-21"):
        activity(hub, "HubStaffCheckInHeld", "check_in_id", held_on=held_on)
    activity(hub, "HubStaffFeedbackGiven", "feedback_id", given_on="2026-10-29", wellbeing=4, workload_manageable=3,
             feel_supported=5, supervision_helpful=4)  # fmt: skip
    hub.send("HubStaffFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "given_on": "2026-10-30", "wellbeing": 2,
                                       "workload_manageable": 5})  # fmt: skip
    expected = {
        "supervision_sessions": 3,
        "supervision_sessions.clinical-group": 1,
        "supervision_sessions.clinical-one-to-one": 1,
        "supervision_sessions.line-management": 1,
        "supervision_attendances": 11,
        "hub_staff_check_ins": 2,
        "hub_staff_feedback_responses": 2,
        "hub_staff_feedback.wellbeing.answered": 2,
        "hub_staff_feedback.wellbeing.positive": 1,
        "hub_staff_feedback.wellbeing.positive_percent": 50,
        "hub_staff_feedback.workload_manageable.answered": 2,
        "hub_staff_feedback.workload_manageable.positive": 1,
        "hub_staff_feedback.workload_manageable.positive_percent": 50,
        "hub_staff_feedback.feel_supported.answered": 1,
        "hub_staff_feedback.feel_supported.positive": 1,
        "hub_staff_feedback.feel_supported.positive_percent": 100,
        "hub_staff_feedback.supervision_helpful.answered": 1,
        "hub_staff_feedback.supervision_helpful.positive": 1,
        "hub_staff_feedback.supervision_helpful.positive_percent": 100,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_training_delivered_to_each_audience_and_what_attendees_said(hub):
    for audience in (
        "line-managers",
        "teams",
        "occupational-health",
        "health-and-wellbeing-teams",
        "hr",
        "senior-leaders",
        "peer-supporters",
        "other",
    ):
        activity(hub, "TrainingDelivered", "training_session_id", delivered_on="2026-10-07", audience=audience,
                 attendance=15)  # fmt: skip
    for useful, before, after in ((5, 2, 4), (3, 3, 3)):
        activity(hub, "TrainingFeedbackGiven", "feedback_id", given_on="2026-10-08", useful=useful,
                 confidence_before=before, confidence_after=after)  # fmt: skip
    hub.send("TrainingFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "training_session_id": str(uuid.uuid4()),
                                       "given_on": "2026-10-08", "useful": 4})  # fmt: skip
    expected = {
        "training_sessions": 8,
        "training_sessions.line-managers": 1,
        "training_sessions.teams": 1,
        "training_sessions.occupational-health": 1,
        "training_sessions.health-and-wellbeing-teams": 1,
        "training_sessions.hr": 1,
        "training_sessions.senior-leaders": 1,
        "training_sessions.peer-supporters": 1,
        "training_sessions.other": 1,
        "training_attendance": 120,
        "training_feedback_responses": 3,
        "training_feedback.useful.answered": 3,
        "training_feedback.useful.positive": 2,
        "training_feedback.useful.positive_percent": 67,
        "training_feedback.confidence_paired": 2,
        "training_feedback.confidence_improved": 1,
        "training_feedback.confidence_improved_percent": 50,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_outreach_and_inreach_events_and_whether_staff_would_now_seek_help(hub):
    activity(hub, "OutreachEventHeld", "outreach_event_id", event_type="outreach", held_on="2026-10-05", attendance=23)
    activity(hub, "OutreachEventHeld", "outreach_event_id", event_type="inreach", held_on="2026-10-06", attendance=12)
    activity(hub, "OutreachFeedbackGiven", "feedback_id", given_on="2026-10-05", useful=4, more_likely_to_seek_help=5)
    activity(hub, "OutreachFeedbackGiven", "feedback_id", given_on="2026-10-05", useful=2, more_likely_to_seek_help=4)
    hub.send("OutreachFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "outreach_event_id": str(uuid.uuid4()),
                                       "given_on": "2026-10-06", "useful": 5})  # fmt: skip
    expected = {
        "outreach_events_held": 2,
        "outreach_events.outreach": 1,
        "outreach_events.inreach": 1,
        "outreach_attendance": 35,
        "outreach_feedback_responses": 3,
        "outreach_feedback.useful.answered": 3,
        "outreach_feedback.useful.positive": 2,
        "outreach_feedback.useful.positive_percent": 67,
        "outreach_feedback.more_likely_to_seek_help.answered": 2,
        "outreach_feedback.more_likely_to_seek_help.positive": 2,
        "outreach_feedback.more_likely_to_seek_help.positive_percent": 100,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_what_staff_who_used_the_hub_said_of_it(hub):
    ratings = ("very-good", "good", "neither-good-nor-poor", "poor", "very-poor", "dont-know")
    for n, overall in enumerate(ratings):
        answers = {"felt_listened_to": 5, "easy_to_access": 4 if n < 3 else 2, "helped": (5, 1)[n] if n < 2 else None,
                   "confidentiality_trusted": 3 if n == 0 else None}  # fmt: skip
        hub.send(
            "ServiceUserFeedbackGiven",
            {
                "feedback_id": str(uuid.uuid4()),
                "given_on": "2026-10-09",
                "stage": "at-closure",
                "overall_experience": overall,
                **{item: answer for item, answer in answers.items() if answer is not None},
            },
        )
    expected = {
        "service_user_feedback_responses": 6,
        "service_user_feedback.positive": 2,  # very good or good
        "service_user_feedback.positive_percent": 33,
        "service_user_feedback.overall.very-good": 1,
        "service_user_feedback.overall.good": 1,
        "service_user_feedback.overall.neither-good-nor-poor": 1,
        "service_user_feedback.overall.poor": 1,
        "service_user_feedback.overall.very-poor": 1,
        "service_user_feedback.overall.dont-know": 1,
        "service_user_feedback.felt_listened_to.answered": 6,
        "service_user_feedback.felt_listened_to.positive": 6,
        "service_user_feedback.felt_listened_to.positive_percent": 100,
        "service_user_feedback.easy_to_access.answered": 6,
        "service_user_feedback.easy_to_access.positive": 3,
        "service_user_feedback.easy_to_access.positive_percent": 50,
        "service_user_feedback.helped.answered": 2,
        "service_user_feedback.helped.positive": 1,
        "service_user_feedback.helped.positive_percent": 50,
        "service_user_feedback.confidentiality_trusted.answered": 1,
        "service_user_feedback.confidentiality_trusted.positive": 0,
        "service_user_feedback.confidentiality_trusted.positive_percent": 0,
    }
    assert named(hub.figures(*OCT), expected) == expected


def test_sickness_absence_for_mental_health_from_the_employers_import(hub):
    hub.send(
        "SicknessAbsenceImported",
        {
            "import_id": str(uuid.uuid4()),
            "imported_at": "2026-11-02T09:00:00+00:00",
            "period_type": "month",
            "period": "2026-10",
            "employer_count": 3,
            "days_lost_mental_health": 10.4,
        },
    )
    expected = {"sickness_absence.months_reported": 1, "sickness_absence.days_lost_mental_health": 10}
    assert named(hub.figures(*OCT), expected) == expected


def test_who_is_referred_assessed_and_receiving_intervention_by_every_equality_code(hub, case):
    # One person for each code of each dimension (the 18 ethnic categories the most), and one
    # with nothing recorded: every cell is 1, "not recorded" holds the people a shorter list left out.
    fields = {"ethnicity": "ethnic_category", "sexual_orientation": "sexual_orientation",
              "gender_identity": "gender_identity", "trans_status": "gender_same_as_at_birth",
              "age_band": "age_band", "disability": "disability", "staff_group": "staff_group"}  # fmt: skip
    people = max(len(codes) for codes in DIMENSIONS.values()) + 1
    for n in range(people):
        recorded = {fields[dim]: codes[n] for dim, codes in DIMENSIONS.items() if n < len(codes)}
        c = case().referred("2026-10-01T09:00:00+00:00", **recorded).assessed("2026-10-02T09:00:00+00:00")
        c.referred_on("2026-10-03").treatment_started("2026-10-04")
    figures = hub.figures(*OCT)
    assert (figures["referrals_received"], figures["staff_assessed"], figures["staff_receiving_intervention"]) == (
        people,
        people,
        people,
    )
    stages = ("referred.", "assessed.", "receiving_intervention.")
    assert {name: value for name, value in figures.items() if name.startswith(stages)} == EVERY_EQUALITY_CODE_ONCE


# The cells of each stage for the 19 people above.
EVERY_EQUALITY_CODE_ONCE = {
    "referred.ethnicity.A": 1, "referred.ethnicity.B": 1, "referred.ethnicity.C": 1, "referred.ethnicity.D": 1,
    "referred.ethnicity.E": 1, "referred.ethnicity.F": 1, "referred.ethnicity.G": 1, "referred.ethnicity.H": 1,
    "referred.ethnicity.J": 1, "referred.ethnicity.K": 1, "referred.ethnicity.L": 1, "referred.ethnicity.M": 1,
    "referred.ethnicity.N": 1, "referred.ethnicity.P": 1, "referred.ethnicity.R": 1, "referred.ethnicity.S": 1,
    "referred.ethnicity.Z": 1, "referred.ethnicity.99": 1, "referred.ethnicity.not-recorded": 1,
    "referred.sexual_orientation.1": 1, "referred.sexual_orientation.2": 1, "referred.sexual_orientation.3": 1,
    "referred.sexual_orientation.4": 1, "referred.sexual_orientation.U": 1, "referred.sexual_orientation.Z": 1,
    "referred.sexual_orientation.9": 1, "referred.sexual_orientation.not-recorded": 12,
    "referred.gender_identity.1": 1, "referred.gender_identity.2": 1, "referred.gender_identity.3": 1,
    "referred.gender_identity.4": 1, "referred.gender_identity.Z": 1, "referred.gender_identity.X": 1,
    "referred.gender_identity.not-recorded": 13,
    "referred.trans_status.yes": 1, "referred.trans_status.no": 1, "referred.trans_status.not-stated": 1,
    "referred.trans_status.not-recorded": 16,
    "referred.age_band.16-24": 1, "referred.age_band.25-34": 1, "referred.age_band.35-44": 1,
    "referred.age_band.45-54": 1, "referred.age_band.55-64": 1, "referred.age_band.65+": 1,
    "referred.age_band.not-stated": 1, "referred.age_band.not-known": 1, "referred.age_band.not-recorded": 11,
    "referred.disability.yes": 1, "referred.disability.no": 1, "referred.disability.not-stated": 1,
    "referred.disability.not-recorded": 16,
    "referred.staff_group.nursing-and-midwifery": 1, "referred.staff_group.medical-and-dental": 1,
    "referred.staff_group.allied-health-professional": 1, "referred.staff_group.healthcare-scientist": 1,
    "referred.staff_group.ambulance": 1, "referred.staff_group.pharmacy": 1,
    "referred.staff_group.support-to-clinical": 1, "referred.staff_group.administrative-and-estates": 1,
    "referred.staff_group.managerial": 1, "referred.staff_group.social-care": 1,
    "referred.staff_group.primary-care": 1, "referred.staff_group.student-or-trainee": 1,
    "referred.staff_group.other": 1, "referred.staff_group.not-recorded": 6,
    "assessed.ethnicity.A": 1, "assessed.ethnicity.B": 1, "assessed.ethnicity.C": 1, "assessed.ethnicity.D": 1,
    "assessed.ethnicity.E": 1, "assessed.ethnicity.F": 1, "assessed.ethnicity.G": 1, "assessed.ethnicity.H": 1,
    "assessed.ethnicity.J": 1, "assessed.ethnicity.K": 1, "assessed.ethnicity.L": 1, "assessed.ethnicity.M": 1,
    "assessed.ethnicity.N": 1, "assessed.ethnicity.P": 1, "assessed.ethnicity.R": 1, "assessed.ethnicity.S": 1,
    "assessed.ethnicity.Z": 1, "assessed.ethnicity.99": 1, "assessed.ethnicity.not-recorded": 1,
    "assessed.sexual_orientation.1": 1, "assessed.sexual_orientation.2": 1, "assessed.sexual_orientation.3": 1,
    "assessed.sexual_orientation.4": 1, "assessed.sexual_orientation.U": 1, "assessed.sexual_orientation.Z": 1,
    "assessed.sexual_orientation.9": 1, "assessed.sexual_orientation.not-recorded": 12,
    "assessed.gender_identity.1": 1, "assessed.gender_identity.2": 1, "assessed.gender_identity.3": 1,
    "assessed.gender_identity.4": 1, "assessed.gender_identity.Z": 1, "assessed.gender_identity.X": 1,
    "assessed.gender_identity.not-recorded": 13,
    "assessed.trans_status.yes": 1, "assessed.trans_status.no": 1, "assessed.trans_status.not-stated": 1,
    "assessed.trans_status.not-recorded": 16,
    "assessed.age_band.16-24": 1, "assessed.age_band.25-34": 1, "assessed.age_band.35-44": 1,
    "assessed.age_band.45-54": 1, "assessed.age_band.55-64": 1, "assessed.age_band.65+": 1,
    "assessed.age_band.not-stated": 1, "assessed.age_band.not-known": 1, "assessed.age_band.not-recorded": 11,
    "assessed.disability.yes": 1, "assessed.disability.no": 1, "assessed.disability.not-stated": 1,
    "assessed.disability.not-recorded": 16,
    "assessed.staff_group.nursing-and-midwifery": 1, "assessed.staff_group.medical-and-dental": 1,
    "assessed.staff_group.allied-health-professional": 1, "assessed.staff_group.healthcare-scientist": 1,
    "assessed.staff_group.ambulance": 1, "assessed.staff_group.pharmacy": 1,
    "assessed.staff_group.support-to-clinical": 1, "assessed.staff_group.administrative-and-estates": 1,
    "assessed.staff_group.managerial": 1, "assessed.staff_group.social-care": 1,
    "assessed.staff_group.primary-care": 1, "assessed.staff_group.student-or-trainee": 1,
    "assessed.staff_group.other": 1, "assessed.staff_group.not-recorded": 6,
    "receiving_intervention.ethnicity.A": 1, "receiving_intervention.ethnicity.B": 1,
    "receiving_intervention.ethnicity.C": 1, "receiving_intervention.ethnicity.D": 1,
    "receiving_intervention.ethnicity.E": 1, "receiving_intervention.ethnicity.F": 1,
    "receiving_intervention.ethnicity.G": 1, "receiving_intervention.ethnicity.H": 1,
    "receiving_intervention.ethnicity.J": 1, "receiving_intervention.ethnicity.K": 1,
    "receiving_intervention.ethnicity.L": 1, "receiving_intervention.ethnicity.M": 1,
    "receiving_intervention.ethnicity.N": 1, "receiving_intervention.ethnicity.P": 1,
    "receiving_intervention.ethnicity.R": 1, "receiving_intervention.ethnicity.S": 1,
    "receiving_intervention.ethnicity.Z": 1, "receiving_intervention.ethnicity.99": 1,
    "receiving_intervention.ethnicity.not-recorded": 1,
    "receiving_intervention.sexual_orientation.1": 1, "receiving_intervention.sexual_orientation.2": 1,
    "receiving_intervention.sexual_orientation.3": 1, "receiving_intervention.sexual_orientation.4": 1,
    "receiving_intervention.sexual_orientation.U": 1, "receiving_intervention.sexual_orientation.Z": 1,
    "receiving_intervention.sexual_orientation.9": 1, "receiving_intervention.sexual_orientation.not-recorded": 12,
    "receiving_intervention.gender_identity.1": 1, "receiving_intervention.gender_identity.2": 1,
    "receiving_intervention.gender_identity.3": 1, "receiving_intervention.gender_identity.4": 1,
    "receiving_intervention.gender_identity.Z": 1, "receiving_intervention.gender_identity.X": 1,
    "receiving_intervention.gender_identity.not-recorded": 13,
    "receiving_intervention.trans_status.yes": 1, "receiving_intervention.trans_status.no": 1,
    "receiving_intervention.trans_status.not-stated": 1, "receiving_intervention.trans_status.not-recorded": 16,
    "receiving_intervention.age_band.16-24": 1, "receiving_intervention.age_band.25-34": 1,
    "receiving_intervention.age_band.35-44": 1, "receiving_intervention.age_band.45-54": 1,
    "receiving_intervention.age_band.55-64": 1, "receiving_intervention.age_band.65+": 1,
    "receiving_intervention.age_band.not-stated": 1, "receiving_intervention.age_band.not-known": 1,
    "receiving_intervention.age_band.not-recorded": 11,
    "receiving_intervention.disability.yes": 1, "receiving_intervention.disability.no": 1,
    "receiving_intervention.disability.not-stated": 1, "receiving_intervention.disability.not-recorded": 16,
    "receiving_intervention.staff_group.nursing-and-midwifery": 1,
    "receiving_intervention.staff_group.medical-and-dental": 1,
    "receiving_intervention.staff_group.allied-health-professional": 1,
    "receiving_intervention.staff_group.healthcare-scientist": 1, "receiving_intervention.staff_group.ambulance": 1,
    "receiving_intervention.staff_group.pharmacy": 1, "receiving_intervention.staff_group.support-to-clinical": 1,
    "receiving_intervention.staff_group.administrative-and-estates": 1,
    "receiving_intervention.staff_group.managerial": 1, "receiving_intervention.staff_group.social-care": 1,
    "receiving_intervention.staff_group.primary-care": 1, "receiving_intervention.staff_group.student-or-trainee": 1,
    "receiving_intervention.staff_group.other": 1, "receiving_intervention.staff_group.not-recorded": 6,
}  # fmt: skip
