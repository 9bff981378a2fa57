"""Events of the referral service: the front door of the hub."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes
from hubs.contracts.registry import event


@event("ReferralReceived", service="referral")
class ReferralReceived(Schema):
    """A referral was received: categories for reporting only, never identifiers."""

    referral_id = fields.UUID(required=True)
    received_at = fields.AwareDateTime(required=True)
    source = fields.Enum(codes.ReferralSource, by_value=True, required=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, required=True)
    staff_group = fields.Enum(codes.StaffGroup, by_value=True, allow_none=True, load_default=None)
    employment_type = fields.Enum(codes.EmploymentType, by_value=True, allow_none=True, load_default=None)
    at_risk_factors = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
    ethnic_category = fields.Enum(codes.EthnicCategory, by_value=True, allow_none=True, load_default=None)
    sexual_orientation = fields.Enum(codes.SexualOrientation, by_value=True, allow_none=True, load_default=None)
    gender_identity = fields.Enum(codes.GenderIdentity, by_value=True, allow_none=True, load_default=None)
    gender_same_as_at_birth = fields.Enum(
        codes.GenderSameAsAtBirth, by_value=True, allow_none=True, load_default=None
    )
    age_band = fields.Enum(codes.AgeBand, by_value=True, allow_none=True, load_default=None)
    disability = fields.Enum(codes.Disability, by_value=True, allow_none=True, load_default=None)
    heard_of_hub_via = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=64)
    )
