"""Events of the care-coordination service: onward referrals, waits, monitoring, closure."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes
from hubs.contracts.events._common import code, codes_list, count, optional_uuid, scale_score
from hubs.contracts.registry import event


@event("OnwardReferralMade", service="care")
class OnwardReferralMade(Schema):
    """The hub referred the person on to a service, by service type."""

    onward_referral_id = fields.UUID(required=True)
    service_type = fields.Enum(codes.ServiceType, by_value=True, required=True)
    directory_service_id = fields.UUID(allow_none=True, load_default=None)
    made_on = fields.Date(required=True)
    assessment_id = optional_uuid(metadata={"description": "the assessment that decided it"})
    urgency = code(codes.Urgency, required=False)


@event("OnwardReferralAccepted", service="care")
class OnwardReferralAccepted(Schema):
    """The service the person was referred on to accepted the referral."""

    onward_referral_id = fields.UUID(required=True)
    accepted_on = fields.Date(required=True)
    expected_start_on = fields.Date(allow_none=True, load_default=None)


@event("OnwardReferralDeclined", service="care")
class OnwardReferralDeclined(Schema):
    """The service the person was referred on to declined the referral."""

    onward_referral_id = fields.UUID(required=True)
    declined_on = fields.Date(required=True)
    reason = code(codes.OnwardReferralDeclineReason)


@event("Signposted", service="care")
class Signposted(Schema):
    """The person was signposted to self-help, peer support or other services."""

    signposting_id = fields.UUID(required=True)
    signposted_on = fields.Date(required=True)
    service_types = codes_list(codes.ServiceType, min_items=1)
    directory_service_ids = fields.List(fields.UUID(), load_default=list)
    assessment_id = optional_uuid()


@event("OccupationalHealthLiaised", service="care")
class OccupationalHealthLiaised(Schema):
    """The hub liaised with Occupational Health about the person, with their consent."""

    liaison_id = fields.UUID(required=True)
    liaised_on = fields.Date(required=True)
    consent_recorded_at = fields.AwareDateTime(required=True)


@event("TreatmentStarted", service="care")
class TreatmentStarted(Schema):
    """Treatment or an intervention started at the service referred on to."""

    onward_referral_id = fields.UUID(required=True)
    service_type = code(codes.ServiceType)
    started_on = fields.Date(required=True)


@event("TreatmentEnded", service="care")
class TreatmentEnded(Schema):
    """Treatment at the service referred on to ended."""

    onward_referral_id = fields.UUID(required=True)
    ended_on = fields.Date(required=True)
    reason = code(codes.TreatmentEndReason)


@event("WaitEscalated", service="care")
class WaitEscalated(Schema):
    """A wait for treatment passed its threshold and a contingency was triggered."""

    onward_referral_id = fields.UUID(required=True)
    escalated_on = fields.Date(required=True)
    waited_days = count()
    threshold_days = count(minimum=1)
    contingency = code(codes.ContingencyAction)


@event("MonitoringStarted", service="care")
class MonitoringStarted(Schema):
    """The hub started monitoring the person after assessment, with regular follow-ups."""

    monitoring_plan_id = fields.UUID(required=True)
    started_on = fields.Date(required=True)
    review_interval_days = fields.Integer(required=True, validate=validate.Range(1, 365))
    measures = codes_list(codes.Measure, min_items=1)
    planned_end_on = fields.Date(allow_none=True, load_default=None)


@event("MonitoringEnded", service="care")
class MonitoringEnded(Schema):
    """Monitoring of the person ended."""

    monitoring_plan_id = fields.UUID(required=True)
    ended_on = fields.Date(required=True)


@event("FollowUpDue", service="care")
class FollowUpDue(Schema):
    """A follow-up is due: the assessment service takes the measures and reports them."""

    follow_up_id = fields.UUID(required=True)
    due_on = fields.Date(required=True)
    measures_due = codes_list(codes.Measure, min_items=1)
    monitoring_plan_id = optional_uuid()


@event("EpisodeClosed", service="care")
class EpisodeClosed(Schema):
    """The hub closed the person's episode of care, with a reason."""

    closed_at = fields.AwareDateTime(required=True)
    reason = code(codes.ClosureReason)


@event("ServiceUserFeedbackGiven", service="care", about_case=False, key="feedback_id")
class ServiceUserFeedbackGiven(Schema):
    """A service user rated the hub; anonymous, scaled scores only."""

    feedback_id = fields.UUID(required=True)
    given_on = fields.Date(required=True)
    stage = code(codes.FeedbackStage)
    overall_experience = code(codes.FeedbackRating)
    felt_listened_to = scale_score(required=False, description="I felt listened to")
    easy_to_access = scale_score(required=False, description="the hub was easy to reach")
    helped = scale_score(required=False, description="the hub helped me")
    confidentiality_trusted = scale_score(required=False, description="I trusted the hub to keep it confidential")
