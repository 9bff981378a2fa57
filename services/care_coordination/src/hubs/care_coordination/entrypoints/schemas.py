"""Request and response schemas of the care-coordination API."""

from marshmallow import Schema, fields, validate, validates_schema

from hubs.care_coordination.domain.directory import Competency
from hubs.contracts import codes
from hubs.runtime.schema_fields import JsonBoolean, JsonInteger, PlannedDate, RecordDate, not_before


def _code(enum, **kwargs) -> fields.Enum:
    return fields.Enum(enum, by_value=True, **kwargs)


def _scale(description: str) -> JsonInteger:
    return JsonInteger(
        load_default=None, validate=validate.Range(1, 5), metadata={"description": f"{description}: 1 to 5"}
    )


class OnwardReferralSchema(Schema):
    onward_referral_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(required=True)
    service_type = _code(codes.ServiceType, required=True)
    made_on = RecordDate(required=True, metadata={"description": "on or after the case's assessment"})
    directory_service_id = fields.UUID(load_default=None, allow_none=True)
    status = fields.String(dump_only=True)
    urgency = _code(codes.Urgency, dump_only=True, allow_none=True)
    target_wait_days = fields.Integer(dump_only=True)
    accepted_on = fields.Date(dump_only=True, allow_none=True)
    expected_start_on = fields.Date(dump_only=True, allow_none=True)
    declined_on = fields.Date(dump_only=True, allow_none=True)
    decline_reason = _code(codes.OnwardReferralDeclineReason, dump_only=True, allow_none=True)
    started_on = fields.Date(dump_only=True, allow_none=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    end_reason = _code(codes.TreatmentEndReason, dump_only=True, allow_none=True)
    escalated_on = fields.Date(dump_only=True, allow_none=True)
    contingency = _code(codes.ContingencyAction, dump_only=True, allow_none=True)


class AcceptanceSchema(Schema):
    accepted_on = RecordDate(required=True, metadata={"description": "on or after the day it was made"})
    expected_start_on = PlannedDate(load_default=None, allow_none=True)

    @validates_schema
    def _starts_after_acceptance(self, data: dict, **_: object) -> None:
        not_before(data, "expected_start_on", "accepted_on", "Treatment cannot be expected to start before acceptance.")


class DeclineSchema(Schema):
    declined_on = RecordDate(required=True)
    reason = _code(codes.OnwardReferralDeclineReason, required=True)


class TreatmentStartSchema(Schema):
    started_on = RecordDate(required=True)


class TreatmentEndSchema(Schema):
    ended_on = RecordDate(required=True)
    reason = _code(codes.TreatmentEndReason, required=True)


class WaitQuerySchema(Schema):
    over_target = fields.Boolean(load_default=False, metadata={"description": "only waits past their target"})


class WaitSchema(Schema):
    onward_referral_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    service_type = _code(codes.ServiceType, dump_only=True)
    urgency = _code(codes.Urgency, dump_only=True, allow_none=True)
    made_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True)
    waited_days = fields.Integer(dump_only=True)
    target_wait_days = fields.Integer(dump_only=True)
    over_target = fields.Boolean(dump_only=True)
    escalated_on = fields.Date(dump_only=True, allow_none=True)
    contingency = _code(codes.ContingencyAction, dump_only=True, allow_none=True)


class LiaisonSchema(Schema):
    liaised_on = RecordDate(required=True)
    liaison_id = fields.UUID(dump_only=True)
    consent_recorded_at = fields.AwareDateTime(dump_only=True)
    advice = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "the advice given to Occupational Health: kept in the hub, never in an event"},
    )


class SignpostingSchema(Schema):
    signposting_id = fields.UUID(dump_only=True)
    signposted_on = RecordDate(required=True)
    service_types = fields.List(_code(codes.ServiceType), required=True, validate=validate.Length(min=1))


class MonitoringPlanSchema(Schema):
    monitoring_plan_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    started_on = RecordDate(required=True)
    review_interval_days = JsonInteger(required=True, validate=validate.Range(1, 365))
    measures = fields.List(_code(codes.Measure), load_default=list)
    planned_end_on = PlannedDate(load_default=None, allow_none=True, metadata={"description": "after the start"})
    next_due_on = fields.Date(dump_only=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)


class MonitoringEndSchema(Schema):
    ended_on = RecordDate(required=True, metadata={"description": "on or after the plan started"})


class ClosureSchema(Schema):
    reason = _code(codes.ClosureReason, required=True)


class FeedbackLinkSchema(Schema):
    """A one-use feedback link for the person: shown once, never kept (only its hash is)."""

    token = fields.String(dump_only=True, metadata={"description": "the link's token: give it to the person"})
    expires_on = fields.Date(dump_only=True, metadata={"description": "the last day the link works"})


class ActivitySchema(Schema):
    activity_id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    on_date = fields.Date(dump_only=True)
    detail = fields.Dict(dump_only=True)


class CaseSchema(Schema):
    case_id = fields.UUID(dump_only=True)
    status = fields.String(dump_only=True)
    urgency = _code(codes.Urgency, dump_only=True)
    opened_at = fields.AwareDateTime(dump_only=True)
    assessment_id = fields.UUID(dump_only=True, allow_none=True)
    competencies_wanted = fields.List(_code(Competency), dump_only=True)
    occupational_health_consent_recorded_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    closure_reason = _code(codes.ClosureReason, dump_only=True, allow_none=True)
    feedback_link_given = fields.Boolean(dump_only=True)
    feedback_link = fields.Nested(
        FeedbackLinkSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "only in the closure's answer, once: the person's one-use feedback link"},
    )
    onward_referrals = fields.List(fields.Nested(OnwardReferralSchema), dump_only=True)
    monitoring_plans = fields.List(fields.Nested(MonitoringPlanSchema), dump_only=True)
    activities = fields.List(fields.Nested(ActivitySchema), dump_only=True)


class DirectoryServiceSchema(Schema):
    directory_service_id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    service_type = _code(codes.ServiceType, required=True)
    target_wait_days = JsonInteger(required=True, validate=validate.Range(1, 365))
    how_to_refer = fields.String(required=True, validate=validate.Length(1, 2000))
    competencies = fields.List(_code(Competency), load_default=list)
    languages = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]{2,3}$", error="an ISO 639 language code")), load_default=list
    )
    active = JsonBoolean(load_default=True)
    contact = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DirectoryQuerySchema(Schema):
    service_type = _code(codes.ServiceType, load_default=None)
    competency = fields.List(_code(Competency), load_default=list)
    language = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z]{2,3}$"))


class FeedbackSchema(Schema):
    feedback_id = fields.UUID(dump_only=True)
    given_on = RecordDate(required=True)
    stage = _code(codes.FeedbackStage, required=True)
    overall_experience = _code(codes.FeedbackRating, required=True)
    felt_listened_to = _scale("I felt listened to")
    easy_to_access = _scale("the hub was easy to reach")
    helped = _scale("the hub helped me")
    confidentiality_trusted = _scale("I trusted the hub to keep it confidential")
    comment = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "free text: read by the hub only, never sent anywhere"},
    )


class FeedbackByLinkSchema(Schema):
    """The person's own feedback through their link: the hub lead's questions, given today at closure."""

    token = fields.String(
        required=True, load_only=True, validate=validate.Length(1, 200), metadata={"description": "the link's token"}
    )
    feedback_id = fields.UUID(dump_only=True)
    given_on = fields.Date(dump_only=True)
    stage = _code(codes.FeedbackStage, dump_only=True)
    overall_experience = _code(codes.FeedbackRating, required=True)
    felt_listened_to = _scale("I felt listened to")
    easy_to_access = _scale("the hub was easy to reach")
    helped = _scale("the hub helped me")
    confidentiality_trusted = _scale("I trusted the hub to keep it confidential")
    comment = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "free text: read by the hub only, never sent anywhere"},
    )
