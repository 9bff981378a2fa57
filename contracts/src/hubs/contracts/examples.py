"""One valid example of every event version: shown in asyncapi.yaml, checked by the contract
tests against both the marshmallow and the JSON schemas, and handy in services' tests.

Every value is fixed, so generated documents do not change from one run to the next."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hubs.contracts.envelope import new_envelope
from hubs.contracts.registry import EventSpec

_NAMESPACE = uuid.UUID("6f1d8a52-3c0e-4b7a-9a55-1f0c2b9e7d10")
EXAMPLE_HUB_ID = "example-hub"
EXAMPLE_OCCURRED_AT = datetime(2021, 1, 11, 9, 30, tzinfo=UTC)


def example_id(name: str) -> str:
    """A fixed UUID for a name, so that examples refer to each other consistently."""
    return str(uuid.uuid5(_NAMESPACE, name))


_PHQ9 = {"total": 14, "band": "moderate", "item9_positive": False}
_GAD7 = {"total": 11, "band": "moderate"}
_MEASURES = {
    "phq9": _PHQ9,
    "gad7": _GAD7,
    "pcl5": None,
    "pc_ptsd5": {"total": 2, "cut_off": 4, "positive": False},
    "wsas": {"total": 18, "band": "significant"},
    "audit_c": {"total": 3, "cut_off": 5, "positive": False},
    "audit": None,
}

EXAMPLES: dict[str, dict[str, Any]] = {
    # referral
    "ReferralReceived.v1": {
        "referral_id": example_id("referral"),
        "received_at": "2021-01-04T08:15:00+00:00",
        "source": "occupational-health",
        "urgency": "routine",
        "staff_group": "nursing-and-midwifery",
        "employment_type": "bank",
        "at_risk_factors": ["redeployed-intensive-role", "parent-of-dependent-children"],
        "ethnic_category": "N",
        "sexual_orientation": "Z",
        "gender_identity": "2",
        "gender_same_as_at_birth": "yes",
        "age_band": "35-44",
        "disability": "no",
        "heard_of_hub_via": "outreach-event",
    },
    "ReferralTriaged.v1": {
        "referral_id": example_id("referral"),
        "triaged_at": "2021-01-04T10:00:00+00:00",
        "decision": "accepted",
        "urgency": "routine",
        "first_contact_due_by": "2021-01-06T08:15:00+00:00",
    },
    "ContactAttempted.v1": {
        "contact_attempt_id": example_id("contact-attempt-2"),
        "referral_id": example_id("referral"),
        "attempted_at": "2021-01-05T14:00:00+00:00",
        "attempt_number": 2,
        "channel": "phone",
        "outcome": "contacted",
    },
    "FirstContactMade.v1": {
        "referral_id": example_id("referral"),
        "contact_attempt_id": example_id("contact-attempt-2"),
        "referral_received_at": "2021-01-04T08:15:00+00:00",
        "contacted_at": "2021-01-05T14:00:00+00:00",
        "channel": "phone",
    },
    "ReferralTransferredOut.v1": {
        "transfer_id": example_id("transfer"),
        "referral_id": example_id("referral"),
        "to_hub_id": "neighbouring-hub",
        "transferred_at": "2021-01-06T11:00:00+00:00",
        "reason": "confidentiality",
        "consent_recorded_at": "2021-01-05T14:20:00+00:00",
        "sealing_key_id": "neighbouring-hub:transfer-key:2021-01",
        "sealed_personal_details": "c2VhbGVkIGZvciB0aGUgcmVjZWl2aW5nIGh1YiBvbmx5",
    },
    "ReferralTransferredIn.v1": {
        "transfer_id": example_id("transfer"),
        "from_hub_id": "neighbouring-hub",
        "referral_id": example_id("referral-transferred-in"),
        "received_at": "2021-01-06T11:05:00+00:00",
    },
    "ReferralWithdrawn.v1": {
        "referral_id": example_id("referral"),
        "withdrawn_at": "2021-01-07T09:00:00+00:00",
        "reason": "support-found-elsewhere",
    },
    "ReferralClosed.v1": {
        "referral_id": example_id("referral"),
        "closed_at": "2021-04-30T16:00:00+00:00",
        "reason": "care-completed",
    },
    "PersonalDataErased.v1": {
        "referral_id": example_id("referral"),
        "erased_at": "2021-05-03T10:00:00+00:00",
        "reason": "person-requested",
    },
    "CaseAssigned.v1": {
        "referral_id": example_id("referral"),
        "assigned_at": "2021-01-12T10:00:00+00:00",
        "assigned": True,
        "reassignment": True,
        "reason": "caseload-balance",
    },
    # assessment
    "AssessmentCompleted.v1": {
        "assessment_id": example_id("assessment"),
        "referral_id": example_id("referral"),
        "completed_at": "2021-01-08T12:00:00+00:00",
        "multidisciplinary": True,
        "disciplines": ["psychology", "nursing"],
        "measures": _MEASURES,
        "risk_level": "low",
        "work_situation": "off-sick",
        "outcome_decisions": ["refer-on", "liaise-occupational-health", "monitor"],
        "occupational_health_consent": True,
    },
    "FollowUpMeasured.v1": {
        "follow_up_id": example_id("follow-up"),
        "assessment_id": example_id("assessment"),
        "measured_at": "2021-03-08T10:00:00+00:00",
        "measures": {
            "phq9": {"total": 6, "band": "mild", "item9_positive": False},
            "gad7": {"total": 5, "band": "mild"},
        },
        "work_situation": "at-work-with-adjustments",
    },
    "RiskEscalated.v1": {
        "risk_escalation_id": example_id("risk-escalation"),
        "escalated_at": "2021-01-08T12:30:00+00:00",
        "risk_level": "high",
        "risk_to_self": True,
        "risk_to_others": False,
        "route": "crisis-team",
        "assessment_id": example_id("assessment"),
    },
    # care
    "Signposted.v1": {
        "signposting_id": example_id("signposting"),
        "signposted_on": "2021-01-08",
        "service_types": ["peer-support", "debt-advice"],
        "directory_service_ids": [example_id("directory-debt-advice")],
        "assessment_id": example_id("assessment"),
    },
    "OnwardReferralMade.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "service_type": "talking-therapies",
        "directory_service_id": example_id("directory-talking-therapies"),
        "made_on": "2021-01-08",
        "assessment_id": example_id("assessment"),
        "urgency": "routine",
    },
    "OnwardReferralAccepted.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "accepted_on": "2021-01-11",
        "expected_start_on": "2021-01-25",
    },
    "OnwardReferralDeclined.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "declined_on": "2021-01-11",
        "reason": "no-capacity",
    },
    "OccupationalHealthLiaised.v1": {
        "liaison_id": example_id("oh-liaison"),
        "liaised_on": "2021-01-09",
        "consent_recorded_at": "2021-01-08T12:00:00+00:00",
    },
    "TreatmentStarted.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "service_type": "talking-therapies",
        "started_on": "2021-01-25",
    },
    "TreatmentEnded.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "ended_on": "2021-04-12",
        "reason": "completed",
    },
    "WaitEscalated.v1": {
        "onward_referral_id": example_id("onward-referral"),
        "escalated_on": "2021-01-22",
        "waited_days": 14,
        "threshold_days": 14,
        "contingency": "neighbouring-hub",
    },
    "MonitoringStarted.v1": {
        "monitoring_plan_id": example_id("monitoring-plan"),
        "started_on": "2021-01-08",
        "review_interval_days": 28,
        "measures": ["phq-9", "gad-7", "wsas"],
        "planned_end_on": "2021-04-30",
    },
    "MonitoringEnded.v1": {
        "monitoring_plan_id": example_id("monitoring-plan"),
        "ended_on": "2021-04-30",
    },
    "FollowUpDue.v1": {
        "follow_up_id": example_id("follow-up"),
        "due_on": "2021-03-08",
        "measures_due": ["phq-9", "gad-7"],
        "monitoring_plan_id": example_id("monitoring-plan"),
    },
    "EpisodeClosed.v1": {
        "closed_at": "2021-04-30T15:00:00+00:00",
        "reason": "care-completed",
    },
    "ServiceUserFeedbackGiven.v1": {
        "feedback_id": example_id("service-user-feedback"),
        "given_on": "2021-04-30",
        "stage": "at-closure",
        "overall_experience": "very-good",
        "felt_listened_to": 5,
        "easy_to_access": 4,
        "helped": 4,
        "confidentiality_trusted": 5,
    },
    # outreach
    "OutreachEventHeld.v1": {
        "outreach_event_id": example_id("outreach-event"),
        "event_type": "outreach",
        "held_on": "2021-01-05",
        "attendance": 23,
        "staff_groups": ["nursing-and-midwifery", "support-to-clinical"],
        "at_risk_groups": ["high-proximity-environment", "bame"],
        "campaign_id": example_id("campaign"),
        "delivery_mode": "in-person",
    },
    "OutreachFeedbackGiven.v1": {
        "feedback_id": example_id("outreach-feedback"),
        "outreach_event_id": example_id("outreach-event"),
        "given_on": "2021-01-05",
        "useful": 4,
        "more_likely_to_seek_help": 5,
    },
    "TrainingDelivered.v1": {
        "training_session_id": example_id("training-session"),
        "delivered_on": "2021-01-07",
        "audience": "line-managers",
        "topic": "supporting-staff-wellbeing",
        "attendance": 15,
        "duration_minutes": 90,
        "delivery_mode": "online",
        "staff_groups": ["managerial"],
    },
    "TrainingFeedbackGiven.v1": {
        "feedback_id": example_id("training-feedback"),
        "training_session_id": example_id("training-session"),
        "given_on": "2021-01-07",
        "useful": 5,
        "confidence_before": 2,
        "confidence_after": 4,
    },
    "SupervisionHeld.v1": {
        "supervision_session_id": example_id("supervision"),
        "held_on": "2021-01-06",
        "supervision_type": "clinical-group",
        "attendees": 6,
        "duration_minutes": 60,
    },
    "HubStaffCheckInHeld.v1": {
        "check_in_id": example_id("check-in"),
        "held_on": "2021-01-06",
        "format": "team",
        "attendees": 8,
    },
    "HubStaffFeedbackGiven.v1": {
        "feedback_id": example_id("hub-staff-feedback"),
        "given_on": "2021-01-29",
        "wellbeing": 4,
        "workload_manageable": 3,
        "feel_supported": 5,
        "supervision_helpful": 4,
    },
    # reporting
    "SicknessAbsenceImported.v1": {
        "import_id": example_id("sickness-import"),
        "imported_at": "2021-02-03T07:00:00+00:00",
        "period_type": "month",
        "period": "2021-01",
        "employer_count": 9,
        "days_lost_mental_health": 4210.5,
        "days_lost_all_causes": 15877.0,
    },
    "HubPeriodReport.v1": {
        "hub_id": EXAMPLE_HUB_ID,
        "region": "north-west",
        "period_type": "month",
        "period": "2021-01",
        "report_version": 1,
        "figures": {"self_referrals": 45, "referrals_from_gp": 3, "staff_assessed": 61},
        "figures_exact": True,
    },
}


def example_envelope(spec: EventSpec) -> dict[str, Any]:
    """The example of `spec` in its envelope, as it travels on the wire."""
    return new_envelope(
        spec.event_type,
        EXAMPLES[spec.name],
        hub_id=EXAMPLE_HUB_ID,
        producer=spec.service,
        case_id=example_id("case") if spec.about_case else None,
        correlation_id=example_id(f"correlation-{spec.name}"),
        occurred_at=EXAMPLE_OCCURRED_AT,
        event_id=uuid.UUID(example_id(f"event-{spec.name}")),
        version=spec.version,
    )
