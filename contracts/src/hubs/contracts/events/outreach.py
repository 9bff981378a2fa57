"""Events of the outreach service: outreach, training and the hub's own workforce.

None of them is about a case, and none carries an identifier of a person: feedback of hub
staff in particular is anonymous."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes
from hubs.contracts.events._common import code, codes_list, count, optional_uuid, scale_score
from hubs.contracts.registry import event


@event("OutreachEventHeld", service="outreach", about_case=False, key="outreach_event_id")
class OutreachEventHeld(Schema):
    """An outreach or inreach event took place."""

    outreach_event_id = fields.UUID(required=True)
    event_type = fields.Enum(codes.OutreachEventType, by_value=True, required=True)
    held_on = fields.Date(required=True)
    attendance = fields.Integer(required=True, validate=validate.Range(min=0))
    staff_groups = fields.List(fields.Enum(codes.StaffGroup, by_value=True), load_default=list)
    at_risk_groups = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
    campaign_id = optional_uuid(metadata={"description": "the outreach campaign it belonged to"})
    delivery_mode = code(codes.DeliveryMode, required=False)


@event("OutreachFeedbackGiven", service="outreach", about_case=False, key="outreach_event_id")
class OutreachFeedbackGiven(Schema):
    """An attendee rated an outreach or inreach event; anonymous, scaled scores only."""

    feedback_id = fields.UUID(required=True)
    outreach_event_id = fields.UUID(required=True)
    given_on = fields.Date(required=True)
    useful = scale_score(description="the event was useful")
    more_likely_to_seek_help = scale_score(required=False, description="I am more likely to seek help")


@event("TrainingDelivered", service="outreach", about_case=False, key="training_session_id")
class TrainingDelivered(Schema):
    """A training session that builds capacity in employers, managers or teams took place."""

    training_session_id = fields.UUID(required=True)
    delivered_on = fields.Date(required=True)
    audience = code(codes.TrainingAudience)
    topic = code(codes.TrainingTopic)
    attendance = count()
    duration_minutes = count(minimum=1)
    delivery_mode = code(codes.DeliveryMode)
    staff_groups = codes_list(codes.StaffGroup)


@event("TrainingFeedbackGiven", service="outreach", about_case=False, key="training_session_id")
class TrainingFeedbackGiven(Schema):
    """An attendee rated a training session; anonymous, scaled scores only."""

    feedback_id = fields.UUID(required=True)
    training_session_id = fields.UUID(required=True)
    given_on = fields.Date(required=True)
    useful = scale_score(description="the session was useful")
    confidence_before = scale_score(required=False, description="confident to support staff, before")
    confidence_after = scale_score(required=False, description="confident to support staff, after")


@event("SupervisionHeld", service="outreach", about_case=False, key="supervision_session_id")
class SupervisionHeld(Schema):
    """A supervision session for hub staff took place."""

    supervision_session_id = fields.UUID(required=True)
    held_on = fields.Date(required=True)
    supervision_type = code(codes.SupervisionType)
    attendees = count(minimum=1)
    duration_minutes = count(minimum=1)


@event("HubStaffCheckInHeld", service="outreach", about_case=False, key="check_in_id")
class HubStaffCheckInHeld(Schema):
    """A wellbeing check-in of hub staff took place."""

    check_in_id = fields.UUID(required=True)
    held_on = fields.Date(required=True)
    format = code(codes.CheckInFormat)
    attendees = count(minimum=1)


@event("HubStaffFeedbackGiven", service="outreach", about_case=False, key="feedback_id")
class HubStaffFeedbackGiven(Schema):
    """A member of hub staff gave feedback; anonymous, no staff identifier, scaled scores only."""

    feedback_id = fields.UUID(required=True)
    given_on = fields.Date(required=True)
    wellbeing = scale_score(description="my wellbeing at work is good")
    workload_manageable = scale_score(required=False, description="my workload is manageable")
    feel_supported = scale_score(required=False, description="I feel supported by the team")
    supervision_helpful = scale_score(required=False, description="supervision helps me")
