"""Events of the outreach service: outreach, training and the hub's own workforce."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes
from hubs.contracts.registry import event


@event("OutreachEventHeld", service="outreach", about_case=False)
class OutreachEventHeld(Schema):
    """An outreach or inreach event took place."""

    outreach_event_id = fields.UUID(required=True)
    event_type = fields.Enum(codes.OutreachEventType, by_value=True, required=True)
    held_on = fields.Date(required=True)
    attendance = fields.Integer(required=True, validate=validate.Range(min=0))
    staff_groups = fields.List(fields.Enum(codes.StaffGroup, by_value=True), load_default=list)
    at_risk_groups = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
