"""Request and response schemas of the assessment API."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes


class AssessmentQuerySchema(Schema):
    status = fields.String(load_default="to-do", validate=validate.OneOf(["to-do", "completed"]))


class AssessmentSchema(Schema):
    assessment_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    referred_at = fields.AwareDateTime(dump_only=True)
    status = fields.String(dump_only=True)
