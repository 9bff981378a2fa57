"""Request and response schemas of the outreach API."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes


class OutreachEventSchema(Schema):
    outreach_event_id = fields.UUID(dump_only=True)
    kind = fields.Enum(codes.OutreachEventType, by_value=True, required=True)
    held_on = fields.Date(required=True)
    attendance = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    staff_groups = fields.List(fields.Enum(codes.StaffGroup, by_value=True), load_default=list)
    at_risk_groups = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
