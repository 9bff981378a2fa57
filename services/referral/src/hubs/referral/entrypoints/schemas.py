"""Request and response schemas of the referral API."""

from marshmallow import Schema, fields, validate

from hubs.contracts import codes


class RiskScreenSchema(Schema):
    thoughts_of_self_harm = fields.Boolean(
        required=True, metadata={"description": "Thoughts of harming or ending their life at the moment"}
    )
    risk_to_others = fields.Boolean(required=True, metadata={"description": "A risk of harm to someone else"})


class DemographicsSchema(Schema):
    ethnic_category = fields.Enum(codes.EthnicCategory, by_value=True, load_default=None)
    sexual_orientation = fields.Enum(codes.SexualOrientation, by_value=True, load_default=None)
    gender_identity = fields.Enum(codes.GenderIdentity, by_value=True, load_default=None)
    gender_same_as_at_birth = fields.Enum(codes.GenderSameAsAtBirth, by_value=True, load_default=None)
    age_band = fields.Enum(codes.AgeBand, by_value=True, load_default=None)
    disability = fields.Enum(codes.Disability, by_value=True, load_default=None)


class SelfReferralSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    email = fields.Email(load_default=None, validate=validate.Length(max=254), load_only=True)
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9 +()-]{6,20}$"), load_only=True)
    employer = fields.String(load_default=None, validate=validate.Length(max=200), load_only=True)
    job_role = fields.String(load_default=None, validate=validate.Length(max=200), load_only=True)
    staff_group = fields.Enum(codes.StaffGroup, by_value=True, load_default=None)
    employment_type = fields.Enum(codes.EmploymentType, by_value=True, load_default=None)
    at_risk_factors = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list)
    demographics = fields.Nested(DemographicsSchema, load_default=dict)
    heard_of_hub_via = fields.String(load_default=None, validate=validate.Length(max=64))
    risk_screen = fields.Nested(RiskScreenSchema, required=True)
    consent_to_contact = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="The hub can only accept a referral you consent to."),
        metadata={"description": "The person agrees to be contacted by the hub"},
    )


class ReferralAcceptedSchema(Schema):
    referral_id = fields.UUID(dump_only=True)
    reference = fields.String(dump_only=True, metadata={"description": "Quote this when you contact the hub"})
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    next_steps = fields.String(dump_only=True)


class QueueEntrySchema(Schema):
    referral_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    source = fields.Enum(codes.ReferralSource, by_value=True, dump_only=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
