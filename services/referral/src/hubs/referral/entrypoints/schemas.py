"""Request and response schemas of the referral API."""

from enum import StrEnum

from marshmallow import Schema, fields, validate

from hubs.contracts import codes
from hubs.contracts.topics import HUB_ID_PATTERN
from hubs.referral.domain.model import OPEN_STATUSES, WAITING_STATES
from hubs.runtime.schema_fields import DateOfBirth, JsonBoolean, JsonInteger, RecordDateTime

PURPOSES = ("first-contact", "assessment", "care-coordination", "safeguarding", "transfer", "erasure-request")
CONSENT_METHODS = ("verbal", "written", "online-form", "email")
PHONE = validate.Regexp(r"^[0-9 +()-]{6,20}$", error="Not a phone number.")
NO_CONTROL_CHARACTERS = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Control characters are not allowed.")
# Free text written by a person may run over several lines, but carries no other control characters.
NO_CONTROL_CHARACTERS_BUT_LINES = validate.Regexp(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", error="Control characters other than new lines are not allowed."
)
REASON_MAX = 2000

# The most cases one caseload search takes: a hub's open cases are in the hundreds, rarely thousands.
MAX_CASES_LISTED = 5_000


class RiskScreenSchema(Schema):
    thoughts_of_self_harm = JsonBoolean(
        required=True, metadata={"description": "Thoughts of harming or ending their life at the moment"}
    )
    risk_to_others = JsonBoolean(required=True, metadata={"description": "A risk of harm to someone else"})


class DemographicsSchema(Schema):
    ethnic_category = fields.Enum(codes.EthnicCategory, by_value=True, load_default=None)
    sexual_orientation = fields.Enum(codes.SexualOrientation, by_value=True, load_default=None)
    gender_identity = fields.Enum(codes.GenderIdentity, by_value=True, load_default=None)
    gender_same_as_at_birth = fields.Enum(codes.GenderSameAsAtBirth, by_value=True, load_default=None)
    age_band = fields.Enum(codes.AgeBand, by_value=True, load_default=None)
    disability = fields.Enum(codes.Disability, by_value=True, load_default=None)


class PersonSchema(Schema):
    """Who is referred: contact details (sealed at rest), work and demographics codes."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    email = fields.Email(load_default=None, validate=validate.Length(max=254), load_only=True)
    phone = fields.String(load_default=None, validate=PHONE, load_only=True)
    date_of_birth = DateOfBirth(load_default=None, load_only=True)
    preferred_contact = fields.Enum(codes.ContactChannel, by_value=True, load_default=None, load_only=True)
    voicemail_ok = JsonBoolean(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "whether the hub may leave a voicemail (others may hear it); null: not asked"},
    )
    text_ok = JsonBoolean(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "whether the hub may send a text message (others may see it); null: not asked"},
    )
    employer = fields.String(load_default=None, validate=validate.Length(max=200), load_only=True)
    job_role = fields.String(load_default=None, validate=validate.Length(max=200), load_only=True)
    staff_group = fields.Enum(codes.StaffGroup, by_value=True, load_default=None)
    employment_type = fields.Enum(codes.EmploymentType, by_value=True, load_default=None)
    at_risk_factors = fields.List(
        fields.Enum(codes.AtRiskFactor, by_value=True), load_default=list, validate=validate.Length(max=20)
    )
    demographics = fields.Nested(DemographicsSchema, load_default=dict)
    heard_of_hub_via = fields.String(
        load_default=None,
        validate=[validate.Length(max=64), NO_CONTROL_CHARACTERS],
        metadata={"description": "how they heard of the hub, e.g. an outreach event's or campaign's code"},
    )
    risk_screen = fields.Nested(RiskScreenSchema, required=True)


class SelfReferralSchema(PersonSchema):
    consent_to_contact = JsonBoolean(
        required=True,
        validate=validate.Equal(True, error="The hub can only accept a referral you consent to."),
        metadata={"description": "The person agrees to be contacted by the hub"},
    )


class ConsentSchema(Schema):
    given_by = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Who gave consent: the person referred (or who recorded their consent)"},
    )
    given_at = RecordDateTime(required=True, metadata={"description": "when consent was given: not in the future"})
    method = fields.String(required=True, validate=validate.OneOf(CONSENT_METHODS))


class ReferrerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = fields.String(load_default=None, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, validate=PHONE)


# Who may refer someone else: every source but the person themself.
ThirdPartySource = StrEnum(
    "ThirdPartySource", {s.name: s.value for s in codes.ReferralSource if s is not codes.ReferralSource.SELF}
)


class ThirdPartyReferralSchema(PersonSchema):
    source = fields.Enum(ThirdPartySource, by_value=True, required=True)
    referrer = fields.Nested(ReferrerSchema, required=True, load_only=True)
    reason = fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=[
            validate.Length(
                max=REASON_MAX, error=f"The reason for referral must be {REASON_MAX:,} characters or fewer."
            ),
            NO_CONTROL_CHARACTERS_BUT_LINES,
        ],
        metadata={
            "description": "The reason for referral: what the referrer is worried about. Sealed with the personal "
            "details, shown only on the audited read, never in events, logs or metrics."
        },
    )
    consent = fields.Nested(
        ConsentSchema,
        required=True,
        load_only=True,
        metadata={"description": "The person's consent to this referral: no consent, no referral"},
    )


class ReferralAcceptedSchema(Schema):
    reference = fields.String(
        dump_only=True,
        metadata={"description": "Quote this when you contact the hub: this referral's own, new every time"},
    )
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    next_steps = fields.String(dump_only=True)
    first_contact_due_by = fields.AwareDateTime(
        dump_only=True,
        metadata={
            "description": "when the hub will have made first contact at the latest: the hub's standard "
            "for this urgency, counted in working days from now"
        },
    )


class ColleagueReferrerSchema(ReferrerSchema):
    """A referrer without an account is known by their work email, which the hub can check and answer."""

    email = fields.Email(required=True, validate=validate.Length(max=254))


class ColleagueReferralSchema(ThirdPartyReferralSchema):
    referrer = fields.Nested(ColleagueReferrerSchema, required=True, load_only=True)


class ColleagueReferralAcceptedSchema(Schema):
    """The same answer whether or not the person was already in touch with the hub."""

    reference = fields.String(dump_only=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    first_contact_due_by = fields.AwareDateTime(dump_only=True)


class ThirdPartyAcceptedSchema(Schema):
    """A referrer is told only this referral's own reference, its urgency and when it was
    received; clinicians and hub leads also get the referral id it is recorded against and
    whether it was linked."""

    referral_id = fields.UUID(dump_only=True)
    reference = fields.String(dump_only=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    linked = fields.Boolean(
        dump_only=True,
        metadata={"description": "The person already had an open referral (`referral_id`); the look-up is audited"},
    )


class QueueEntrySchema(Schema):
    referral_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    reference = fields.String(dump_only=True)
    source = fields.Enum(codes.ReferralSource, by_value=True, dump_only=True)
    urgency = fields.Enum(codes.Urgency, by_value=True, dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    first_contact_due_by = fields.AwareDateTime(dump_only=True, allow_none=True)
    hours_left = fields.Float(dump_only=True, allow_none=True, metadata={"description": "negative once breached"})
    breaches_today = fields.Boolean(dump_only=True, metadata={"description": "due before the end of today"})
    breached = fields.Boolean(dump_only=True)
    attempts = fields.Integer(dump_only=True)
    transferred_from_hub = fields.String(dump_only=True, allow_none=True)
    assigned_to = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "the sign-in subject of the clinician holding it"}
    )
    assigned_to_name = fields.String(dump_only=True, allow_none=True, metadata={"description": "their name"})
    assigned_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class CaseloadQuerySchema(Schema):
    status = fields.List(
        fields.String(validate=validate.OneOf(OPEN_STATUSES)),
        load_default=None,
        metadata={"description": "the open stages to list (repeat for several); default: every open stage"},
    )
    opened_by_me = fields.Boolean(
        load_default=False,
        metadata={"description": "only the referrals whose record the caller has opened (from the access audit)"},
    )
    reference = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9A-Fa-f]{1,8}$", error="a reference: up to 8 letters A-F and digits"),
        metadata={"description": "the reference a person quotes, or its start"},
    )
    assigned_to = fields.String(
        load_default=None,
        validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS],
        metadata={"description": "who holds the case: `me`, `nobody`, or a clinician's sign-in subject"},
    )
    urgency = fields.Enum(codes.Urgency, by_value=True, load_default=None)
    risk = fields.String(
        load_default=None,
        validate=validate.OneOf(["raised"]),
        metadata={"description": "`raised`: only referrals whose risk screen said yes (which made them urgent)"},
    )
    waiting = fields.String(
        load_default=None,
        validate=validate.OneOf(WAITING_STATES),
        metadata={
            "description": "awaiting first contact and, against the standard: `on-time`, `due-today` "
            "(due by the end of today) or `breached`"
        },
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class CaseSearchSchema(CaseloadQuerySchema):
    """The caseload among cases another service lists (follow-ups due, people waiting for a
    service), with the caseload's filters: the ids go in the body, too many for a URL."""

    case_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(max=MAX_CASES_LISTED),
        metadata={"description": f"the cases to list, as the other service gives them (up to {MAX_CASES_LISTED:,})"},
    )
    page = JsonInteger(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = JsonInteger(load_default=25, validate=validate.Range(min=1, max=100))


class PersonSearchSchema(Schema):
    """A search by what identifies the person: in the body, so that it is in no URL or access log."""

    words = fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(min=2, max=254), NO_CONTROL_CHARACTERS],
        metadata={"description": "the person's email address, telephone number, or name (or part of it)"},
    )
    page = JsonInteger(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = JsonInteger(load_default=25, validate=validate.Range(min=1, max=100))


class CaseloadEntrySchema(QueueEntrySchema):
    status = fields.String(dump_only=True)
    first_contacted_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class CaseloadSchema(Schema):
    referrals = fields.List(fields.Nested(CaseloadEntrySchema), dump_only=True)
    page = fields.Integer(dump_only=True)
    page_size = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True, metadata={"description": "how many referrals match, over all pages"})


class PurposeSchema(Schema):
    purpose = fields.String(
        required=True, validate=validate.OneOf(PURPOSES), metadata={"description": "Why personal data is read"}
    )


class ContactAttemptSchema(Schema):
    attempted_at = RecordDateTime(
        load_default=None,
        metadata={"description": "default: now; not before the referral was received, not in the future"},
    )
    channel = fields.Enum(codes.ContactChannel, by_value=True, required=True)
    outcome = fields.Enum(codes.ContactOutcome, by_value=True, required=True)


class ContactAttemptRecordedSchema(Schema):
    contact_attempt_id = fields.UUID(dump_only=True)
    attempt_number = fields.Integer(dump_only=True)
    first_contact = fields.Boolean(dump_only=True)
    first_contacted_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    hours_to_first_contact = fields.Float(dump_only=True, allow_none=True)
    working_hours_to_first_contact = fields.Float(dump_only=True, allow_none=True)
    breached = fields.Boolean(dump_only=True)


class TransferConsentSchema(Schema):
    recorded_at = RecordDateTime(
        required=True,
        metadata={"description": "when the person agreed: not before the referral was received, not in the future"},
    )
    method = fields.String(required=True, validate=validate.OneOf(CONSENT_METHODS))


class TransferSchema(Schema):
    to_hub_id = fields.String(required=True, validate=validate.Regexp(HUB_ID_PATTERN))
    reason = fields.Enum(codes.TransferReason, by_value=True, required=True)
    consent = fields.Nested(TransferConsentSchema, required=True)


class TransferredSchema(Schema):
    transfer_id = fields.UUID(dump_only=True)
    to_hub_id = fields.String(dump_only=True)


class AssignmentSchema(Schema):
    clinician = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS],
        metadata={"description": "the sign-in subject of the clinician who is to hold the case"},
    )
    name = fields.String(
        load_default=None,
        validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS],
        metadata={"description": "their name as colleagues know it; default, for yourself: your token's name"},
    )
    reason = fields.Enum(
        codes.AssignmentReason,
        by_value=True,
        load_default=None,
        metadata={"description": "why, when the case goes from one clinician to another (required then)"},
    )


class AssignmentStatusSchema(Schema):
    referral_id = fields.UUID(dump_only=True)
    assigned_to = fields.String(dump_only=True, allow_none=True)
    assigned_to_name = fields.String(dump_only=True, allow_none=True)
    assigned_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class WithdrawalSchema(Schema):
    reason = fields.Enum(codes.WithdrawalReason, by_value=True, required=True)


# Withdrawal and transfer close a referral through their own endpoints.
ReferralClosureReason = StrEnum(
    "ReferralClosureReason",
    {
        r.name: r.value
        for r in codes.ClosureReason
        if r not in (codes.ClosureReason.WITHDRAWN, codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB)
    },
)


class ClosureSchema(Schema):
    reason = fields.Enum(ReferralClosureReason, by_value=True, required=True)


class StatusSchema(Schema):
    referral_id = fields.UUID(dump_only=True)
    status = fields.String(dump_only=True)
    closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    closure_reason = fields.Enum(codes.ClosureReason, by_value=True, dump_only=True, allow_none=True)
    erased_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class AttemptSchema(Schema):
    contact_attempt_id = fields.UUID(dump_only=True)
    attempted_at = fields.AwareDateTime(dump_only=True)
    attempt_number = fields.Integer(dump_only=True)
    channel = fields.Enum(codes.ContactChannel, by_value=True, dump_only=True)
    outcome = fields.Enum(codes.ContactOutcome, by_value=True, dump_only=True)


class ReferralDetailSchema(QueueEntrySchema):
    status = fields.String(dump_only=True)
    staff_group = fields.Enum(codes.StaffGroup, by_value=True, dump_only=True, allow_none=True)
    employment_type = fields.Enum(codes.EmploymentType, by_value=True, dump_only=True, allow_none=True)
    at_risk_factors = fields.List(fields.Enum(codes.AtRiskFactor, by_value=True), dump_only=True)
    first_contacted_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    contact_attempts = fields.List(fields.Nested(AttemptSchema), dump_only=True)
    personal = fields.Dict(dump_only=True, allow_none=True, metadata={"description": "null once erased"})
    consent = fields.Dict(dump_only=True, allow_none=True)
    reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the referrer's reason for referral; null once erased"},
    )
    heard_of_hub_via = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "how the person heard of the hub, in their own words (sealed); null once erased"},
    )
    linked_referrals = fields.List(
        fields.Dict(),
        dump_only=True,
        metadata={"description": "later referrals of the person: their own reference, source, time and reason"},
    )
    risk_screen = fields.Nested(
        RiskScreenSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "the person's answers to the risk questions at referral (sealed with the consent); "
            "null once erased, or for a referral received before the answers were kept"
        },
    )


class ConcernSchema(Schema):
    concern = fields.String(required=True, validate=validate.Length(min=1, max=4000), load_only=True)


class ConcernRecordedSchema(Schema):
    concern_id = fields.UUID(dump_only=True)


class ConcernEntrySchema(Schema):
    concern_id = fields.UUID(dump_only=True)
    raised_at = fields.AwareDateTime(dump_only=True)
    raised_by = fields.String(dump_only=True)
    concern = fields.String(dump_only=True, allow_none=True)


class AuditQuerySchema(Schema):
    referral_id = fields.UUID(load_default=None)
    subject = fields.String(load_default=None, validate=[validate.Length(max=200), NO_CONTROL_CHARACTERS])
    since = RecordDateTime(load_default=None)


class AuditRecordSchema(Schema):
    audit_id = fields.UUID(dump_only=True)
    at = fields.AwareDateTime(dump_only=True)
    subject = fields.String(dump_only=True)
    roles = fields.String(dump_only=True)
    hub_id = fields.String(dump_only=True)
    referral_id = fields.UUID(dump_only=True, allow_none=True)
    case_id = fields.UUID(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    purpose = fields.String(dump_only=True)


class KeyRotationSchema(Schema):
    resealed = fields.Integer(dump_only=True, metadata={"description": "personal values re-sealed"})
