"""Request and response schemas of the outreach API."""

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from hubs.contracts import codes
from hubs.outreach.domain.engagement import Pathway, StakeholderType
from hubs.runtime.schema_fields import JsonInteger, PlannedDate, RecordDate, not_before

SCORE = validate.Range(1, 5)
ORGANISATION = fields.String(validate=validate.Length(min=1, max=200))
COMMENT = {"validate": validate.Length(max=2000), "load_default": None, "allow_none": True}


def score(description: str, required: bool = False) -> JsonInteger:
    extra = {} if required else {"load_default": None, "allow_none": True}
    return JsonInteger(
        required=required,
        validate=SCORE,
        metadata={"description": f"{description}: 1 (not at all) to 5 (completely)"},
        **extra,
    )


def organisations() -> fields.List:
    return fields.List(
        ORGANISATION,
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "employers or teams taking part (kept in the hub, never in an event)"},
    )


class FeedbackScoresSchema(Schema):
    responses = fields.Integer(dump_only=True)
    mean_useful = fields.Float(dump_only=True, allow_none=True)
    mean_more_likely_to_seek_help = fields.Float(dump_only=True, allow_none=True)


class CampaignSchema(Schema):
    campaign_id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "print it on leaflets: referrals naming it count"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # A campaign may be launched ahead of its start.
    starts_on = PlannedDate(required=True)
    ends_on = PlannedDate(load_default=None, allow_none=True)
    target_at_risk_groups = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
    target_employers = fields.List(ORGANISATION, load_default=list, validate=validate.Length(max=100))
    events_planned = fields.Integer(dump_only=True)
    events_held = fields.Integer(dump_only=True)
    attendance = fields.Integer(dump_only=True)
    referrals = fields.Integer(
        dump_only=True, metadata={"description": "referrals naming its code or one of its events'"}
    )

    @validates_schema
    def _in_order(self, data: dict, **_: object) -> None:
        not_before(data, "ends_on", "starts_on", "A campaign cannot end before it starts.")


class OutreachEventSchema(Schema):
    outreach_event_id = fields.UUID(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "print it on leaflets: referrals naming it count"})
    kind = fields.Enum(codes.OutreachEventType, by_value=True, required=True)
    held_on = PlannedDate(
        required=True, metadata={"description": "the day it was held (not in the future), or is planned for"}
    )
    attendance = JsonInteger(
        load_default=None,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "leave out to plan the event; give it once held"},
    )
    status = fields.String(dump_only=True, metadata={"description": "planned or held"})
    staff_groups = fields.List(fields.Enum(codes.StaffGroup, by_value=True), load_default=list)
    at_risk_groups = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
    organisations = organisations()
    campaign_id = fields.UUID(load_default=None, allow_none=True)
    delivery_mode = fields.Enum(codes.DeliveryMode, by_value=True, load_default=None, allow_none=True)
    referrals = fields.Integer(dump_only=True)
    feedback = fields.Nested(FeedbackScoresSchema, dump_only=True)

    @validates_schema
    def _held_is_not_ahead(self, data: dict, **_: object) -> None:
        # With its attendance the event is recorded as held: a day that has happened.
        latest = RecordDate().latest()
        if data.get("attendance") is not None and data.get("held_on") and data["held_on"] > latest:
            raise ValidationError(
                {"held_on": [f"An event held cannot be in the future (after {latest.isoformat()}): "
                             "leave out the attendance to plan it."]}
            )  # fmt: skip


class HoldEventSchema(Schema):
    held_on = RecordDate(required=True)
    attendance = JsonInteger(required=True, validate=validate.Range(min=0, max=100_000))


class CampaignEventSchema(OutreachEventSchema):
    class Meta:
        exclude = ("referrals", "feedback")


class CampaignDetailSchema(CampaignSchema):
    events = fields.List(fields.Nested(CampaignEventSchema), dump_only=True)


class OutreachFeedbackSchema(Schema):
    feedback_id = fields.UUID(dump_only=True)
    given_on = RecordDate(required=True, metadata={"description": "on or after the event was held"})
    useful = score("the event was useful", required=True)
    more_likely_to_seek_help = score("I am more likely to seek help")
    comment = fields.String(load_only=True, metadata={"description": "kept in the hub, never in an event"}, **COMMENT)


class TrainingFeedbackScoresSchema(Schema):
    responses = fields.Integer(dump_only=True)
    mean_useful = fields.Float(dump_only=True, allow_none=True)
    mean_confidence_before = fields.Float(dump_only=True, allow_none=True)
    mean_confidence_after = fields.Float(dump_only=True, allow_none=True)
    mean_confidence_change = fields.Float(dump_only=True, allow_none=True)
    more_confident = fields.Integer(dump_only=True)


class TrainingSessionSchema(Schema):
    training_session_id = fields.UUID(dump_only=True)
    # A session is recorded once delivered (TrainingDelivered): a day that has happened.
    delivered_on = RecordDate(required=True)
    audience = fields.Enum(codes.TrainingAudience, by_value=True, required=True)
    topic = fields.Enum(codes.TrainingTopic, by_value=True, required=True)
    attendance = JsonInteger(required=True, validate=validate.Range(min=0, max=100_000))
    duration_minutes = JsonInteger(required=True, validate=validate.Range(min=1, max=24 * 60))
    delivery_mode = fields.Enum(codes.DeliveryMode, by_value=True, required=True)
    staff_groups = fields.List(fields.Enum(codes.StaffGroup, by_value=True), load_default=list)
    organisations = organisations()
    campaign_id = fields.UUID(load_default=None, allow_none=True)
    feedback = fields.Nested(TrainingFeedbackScoresSchema, dump_only=True)


class TrainingFeedbackSchema(Schema):
    feedback_id = fields.UUID(dump_only=True)
    given_on = RecordDate(required=True, metadata={"description": "on or after the session was delivered"})
    useful = score("the session was useful", required=True)
    confidence_before = score("confident to support staff, before the session")
    confidence_after = score("confident to support staff, after the session")
    comment = fields.String(load_only=True, metadata={"description": "kept in the hub, never in an event"}, **COMMENT)


class EngagementSchema(Schema):
    engagement_id = fields.UUID(dump_only=True)
    stakeholder = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stakeholder_type = fields.Enum(StakeholderType, by_value=True, required=True)
    held_on = RecordDate(required=True)
    pathways = fields.List(fields.Enum(Pathway, by_value=True), required=True, validate=validate.Length(min=1))
    agreed = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    follow_up_on = PlannedDate(load_default=None, allow_none=True)
    campaign_id = fields.UUID(load_default=None, allow_none=True)

    @validates_schema
    def _in_order(self, data: dict, **_: object) -> None:
        not_before(data, "follow_up_on", "held_on", "A follow-up cannot come before the meeting.")


class AttributedCampaignSchema(Schema):
    campaign_id = fields.UUID()
    code = fields.String()
    name = fields.String()
    referrals = fields.Integer()


class AttributedEventSchema(Schema):
    outreach_event_id = fields.UUID()
    code = fields.String()
    campaign_id = fields.UUID(allow_none=True)
    held_on = fields.Date()
    referrals = fields.Integer()


class AttributionSchema(Schema):
    campaigns = fields.List(fields.Nested(AttributedCampaignSchema))
    outreach_events = fields.List(fields.Nested(AttributedEventSchema))


class ReachQuerySchema(Schema):
    since = RecordDate(load_default=None, metadata={"description": "default: the last HUBS_OUTREACH_REACH_DAYS days"})


class GroupReachSchema(Schema):
    at_risk_group = fields.String()
    last_reached_on = fields.Date(allow_none=True)


class EmployerReachSchema(Schema):
    employer = fields.String()
    last_reached_on = fields.Date(allow_none=True)


class ReachSchema(Schema):
    since = fields.Date()
    at_risk_groups_not_reached = fields.List(fields.Nested(GroupReachSchema))
    employers_not_reached = fields.List(fields.Nested(EmployerReachSchema))
    at_risk_groups = fields.List(fields.Nested(GroupReachSchema))
    employers = fields.List(fields.Nested(EmployerReachSchema))


class PeriodQuerySchema(Schema):
    starts_on = RecordDate(load_default=None, metadata={"description": "default: the first of this month"})
    # A period may reach ahead: planned events are counted too.
    ends_on = PlannedDate(load_default=None, metadata={"description": "default: today"})

    @validates_schema
    def _in_order(self, data: dict, **_: object) -> None:
        not_before(data, "ends_on", "starts_on", "The period cannot end before it starts.")


class SummarySchema(Schema):
    starts_on = fields.Date()
    ends_on = fields.Date()
    outreach = fields.Dict()
    training = fields.Dict()
    workforce = fields.Dict()
