"""Request and response schemas of the care-coordination API."""

from marshmallow import Schema, fields

from hubs.contracts import codes


class OnwardReferralSchema(Schema):
    onward_referral_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(required=True)
    service_type = fields.Enum(codes.ServiceType, by_value=True, required=True)
    made_on = fields.Date(required=True)
    status = fields.String(dump_only=True)
