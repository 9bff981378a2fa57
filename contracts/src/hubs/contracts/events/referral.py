"""Events of the referral service: the front door of the hub."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hubs.contracts import codes
from hubs.contracts.events._common import BASE64, code, count, hub_id
from hubs.contracts.registry import event

SEALED_MAX_CHARS = 262_144  # 192 KiB of ciphertext: a referral's details with room to spare


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
    gender_same_as_at_birth = fields.Enum(codes.GenderSameAsAtBirth, by_value=True, allow_none=True, load_default=None)
    age_band = fields.Enum(codes.AgeBand, by_value=True, allow_none=True, load_default=None)
    disability = fields.Enum(codes.Disability, by_value=True, allow_none=True, load_default=None)
    heard_of_hub_via = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))


@event("ReferralTriaged", service="referral")
class ReferralTriaged(Schema):
    """A clinician read the referral, set its urgency and accepted it or not."""

    referral_id = fields.UUID(required=True)
    triaged_at = fields.AwareDateTime(required=True)
    decision = code(codes.TriageDecision)
    urgency = code(codes.Urgency)
    first_contact_due_by = fields.AwareDateTime(
        allow_none=True,
        load_default=None,
        metadata={"description": "when first contact must be made to meet the service standard"},
    )


@event("ContactAttempted", service="referral")
class ContactAttempted(Schema):
    """The hub tried to contact the person: when, how and with what outcome."""

    contact_attempt_id = fields.UUID(required=True)
    referral_id = fields.UUID(required=True)
    attempted_at = fields.AwareDateTime(required=True)
    attempt_number = count(minimum=1, metadata={"description": "1 for the first attempt on this referral"})
    channel = code(codes.ContactChannel)
    outcome = code(codes.ContactOutcome)


@event("FirstContactMade", service="referral")
class FirstContactMade(Schema):
    """The first successful contact after a referral: the national time-to-contact item."""

    referral_id = fields.UUID(required=True)
    contact_attempt_id = fields.UUID(required=True)
    referral_received_at = fields.AwareDateTime(required=True)
    contacted_at = fields.AwareDateTime(required=True)
    channel = code(codes.ContactChannel)
    working_hours = fields.Float(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0),
        metadata={
            "description": "working hours from referral to contact as the referral service counts them "
            "(weekdays 09:00-17:00, England and Wales bank holidays excluded); reporting uses it when present"
        },
    )

    @validates_schema
    def _contact_follows_referral(self, data: dict[str, Any], **kwargs: object) -> None:
        if data["contacted_at"] < data["referral_received_at"]:
            raise ValidationError("contact cannot come before the referral", "contacted_at")


@event("ReferralTransferredOut", service="referral")
class ReferralTransferredOut(Schema):
    """The person asked to move to another hub; their details go sealed for that hub alone."""

    transfer_id = fields.UUID(required=True)
    referral_id = fields.UUID(required=True)
    to_hub_id = hub_id(required=True)
    transferred_at = fields.AwareDateTime(required=True)
    reason = code(codes.TransferReason)
    consent_recorded_at = fields.AwareDateTime(
        required=True, metadata={"description": "when the person agreed to the transfer"}
    )
    sealing_key_id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9._:-]{1,128}$"),
        metadata={"description": "id of the receiving hub's public key the details are sealed with"},
    )
    sealed_personal_details = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=SEALED_MAX_CHARS), validate.Regexp(BASE64)],
        metadata={
            "description": "the referral with its personal details, encrypted for the receiving hub "
            "only, base64; opaque to every other reader"
        },
    )


@event("ReferralTransferredIn", service="referral")
class ReferralTransferredIn(Schema):
    """This hub took over a referral transferred from another; a ReferralReceived follows."""

    transfer_id = fields.UUID(required=True)
    from_hub_id = hub_id(required=True)
    referral_id = fields.UUID(required=True, metadata={"description": "the referral's id in this hub"})
    received_at = fields.AwareDateTime(required=True)


@event("ReferralWithdrawn", service="referral")
class ReferralWithdrawn(Schema):
    """The referral was withdrawn, by the person or because consent was withdrawn."""

    referral_id = fields.UUID(required=True)
    withdrawn_at = fields.AwareDateTime(required=True)
    reason = code(codes.WithdrawalReason)


@event("ReferralClosed", service="referral")
class ReferralClosed(Schema):
    """The referral record was closed; its retention period starts."""

    referral_id = fields.UUID(required=True)
    closed_at = fields.AwareDateTime(required=True)
    reason = code(codes.ClosureReason)


@event("PersonalDataErased", service="referral")
class PersonalDataErased(Schema):
    """The person's details were erased here; other services erase their free text of the case."""

    referral_id = fields.UUID(required=True)
    erased_at = fields.AwareDateTime(required=True)
    reason = code(codes.ErasureReason)


@event("CaseAssigned", service="referral")
class CaseAssigned(Schema):
    """Who holds a case changed: a clinician took it or was given it, or handed it back.

    Codes only: which clinician is staff data, kept in the referral service."""

    referral_id = fields.UUID(required=True)
    assigned_at = fields.AwareDateTime(required=True, metadata={"description": "when the change was made"})
    assigned = fields.Boolean(
        required=True,
        metadata={"description": "true: a clinician holds the case now; false: handed back, nobody holds it"},
    )
    reassignment = fields.Boolean(
        required=True, metadata={"description": "the case went from one clinician to another"}
    )
    reason = code(
        codes.AssignmentReason,
        required=False,
        metadata={"description": "why a re-assignment was made; null for a first assignment or a hand-back"},
    )
