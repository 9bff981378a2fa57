"""Request and response schemas of the assessment API."""

from marshmallow import Schema, ValidationError, fields, validate

from hubs.contracts import codes
from hubs.contracts import measures as registry
from hubs.contracts.topics import HUB_ID_PATTERN
from hubs.runtime.schema_fields import JsonBoolean, JsonInteger, RecordDateTime

STAFF_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}$", error="a pseudonymous staff id: letters, digits, . _ : -")


def _code(enum, **kwargs) -> fields.Enum:
    return fields.Enum(enum, by_value=True, **kwargs)


class ItemResponses(fields.List):
    """A measure's item responses, one JSON integer per item of the measure registry, each an
    answer that item allows (never "2" or 2.0). A wrong item is named by its number as clinicians
    count it, from 1 as on the form: `{"9": ["PHQ-9 item 9 must be ..."]}`, never marshmallow's index 8."""

    def __init__(self, measure: str, **kwargs):
        self.measure = registry.BY_KEY[measure]
        ranges = "; ".join(_values_in_words(item.values) for item in self.measure.items)
        if len({item.values for item in self.measure.items}) == 1:
            ranges = _values_in_words(self.measure.items[0].values)
        super().__init__(
            JsonInteger(validate=validate.Range(0, max(item.highest for item in self.measure.items))),
            validate=validate.Length(equal=len(self.measure.items), error=self.measure.count_message),
            metadata={"description": f"{self.measure.name}: {len(self.measure.items)} items, {ranges}"},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            answers = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            if not isinstance(exc.messages, dict):
                raise
            raise ValidationError(
                {str(index + 1): [self.measure.item_message(index + 1)] for index in exc.messages}
            ) from exc
        # An item may allow fewer answers than its range (AUDIT items 9 and 10: 0, 2 or 4).
        items = self.measure.items
        wrong = [n for n, (a, item) in enumerate(zip(answers, items, strict=False), 1) if a not in item.values]
        if wrong and len(answers) == len(items):
            raise ValidationError({str(n): [self.measure.item_message(n)] for n in wrong})
        return answers


def _values_in_words(values: tuple[int, ...]) -> str:
    if values == tuple(range(values[-1] + 1)):
        return f"each 0-{values[-1]}"
    return "each " + ", ".join(str(v) for v in values[:-1]) + f" or {values[-1]}"


class AssessmentQuerySchema(Schema):
    status = fields.String(load_default="to-do", validate=validate.OneOf(["to-do", "completed"]))


class AssessmentSchema(Schema):
    assessment_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    urgency = _code(codes.Urgency, dump_only=True)
    referred_at = fields.AwareDateTime(dump_only=True)
    first_contact_at = fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "null until first contact: not yet assessable"}
    )
    status = fields.String(dump_only=True)


class WsasResponsesSchema(Schema):
    items = ItemResponses("wsas", required=True)
    retired_or_not_working = JsonBoolean(
        load_default=False, metadata={"description": "retired or not working for other reasons: item 1 not scored"}
    )


def _responses(measure: registry.Measure) -> fields.Field:
    if measure is registry.WSAS:  # the one measure with more than its items
        return fields.Nested(WsasResponsesSchema, load_default=None)
    return ItemResponses(measure.key, load_default=None)


# Item responses per measure of the registry; leave out a measure not taken.
ResponsesSchema = type(
    "ResponsesSchema",
    (Schema,),
    {"__doc__": "Item responses per measure; leave out a measure not taken."}
    | {m.key: _responses(m) for m in registry.MEASURES},
)


class PractitionerSchema(Schema):
    practitioner_id = fields.String(required=True, validate=STAFF_ID)
    discipline = _code(codes.Discipline, required=True)


def _clinicians_name() -> fields.String:
    """The signed-in clinician's name as the hub's staff know them, for the risk history (kept in
    this service, never in an event); their sign-in subject when not given."""
    return fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the clinician's name as the hub's staff know them; default: their subject"},
    )


class RiskJudgementSchema(Schema):
    level = _code(codes.RiskLevel, load_default=codes.RiskLevel.LOW)
    risk_to_self = JsonBoolean(load_default=False)
    risk_to_others = JsonBoolean(load_default=False)
    route = _code(codes.EscalationRoute, load_default=None, metadata={"description": "where a raised risk went"})


class WorkSituationSchema(Schema):
    situation = _code(codes.WorkSituation, required=True)
    off_sick_for_mental_health = JsonBoolean(load_default=None, allow_none=True)


class OccupationalHealthConsentSchema(Schema):
    given = JsonBoolean(required=True)
    recorded_at = RecordDateTime(load_default=None, metadata={"description": "default: now; not in the future"})


class OutcomeSchema(Schema):
    decisions = fields.List(_code(codes.OutcomeDecision), required=True, validate=validate.Length(min=1))
    reasons = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "why: kept in the hub's record, never sent in an event"},
    )
    refer_on_to = fields.List(_code(codes.ServiceType), load_default=list)
    signpost_to = fields.List(_code(codes.ServiceType), load_default=list)
    transfer_to_hub_id = fields.String(load_default=None, validate=validate.Regexp(HUB_ID_PATTERN))
    monitoring_review_interval_days = JsonInteger(load_default=None, validate=validate.Range(1, 365))


class DemographicsSchema(Schema):
    """The equality questions, as the referral service asks them: each optional, with its code
    list's "not stated" for a person who prefers not to say. Leave out a question not asked."""

    ethnic_category = _code(codes.EthnicCategory, load_default=None)
    sexual_orientation = _code(codes.SexualOrientation, load_default=None)
    gender_identity = _code(codes.GenderIdentity, load_default=None)
    gender_same_as_at_birth = _code(codes.GenderSameAsAtBirth, load_default=None)
    age_band = _code(codes.AgeBand, load_default=None)
    disability = _code(codes.Disability, load_default=None)


class CompleteAssessmentSchema(Schema):
    practitioners = fields.List(fields.Nested(PractitionerSchema), required=True, validate=validate.Length(min=1))
    measures = fields.Nested(ResponsesSchema, required=True)
    risk = fields.Nested(RiskJudgementSchema, load_default=dict)
    work_situation = fields.Nested(WorkSituationSchema, required=True)
    occupational_health_consent = fields.Nested(OccupationalHealthConsentSchema, load_default=None)
    outcome = fields.Nested(OutcomeSchema, required=True)
    demographics = fields.Nested(
        DemographicsSchema,
        load_default=dict,
        metadata={"description": "equality answers given or corrected at assessment; they take the referral's place"},
    )
    signed_off_by_name = _clinicians_name()


class ScoreSchema(Schema):
    total = fields.Integer(dump_only=True)
    band = fields.String(dump_only=True)
    item9_positive = fields.Boolean(dump_only=True)
    provisional_ptsd = fields.Boolean(
        dump_only=True, metadata={"description": "PCL-5: the cut-off or the DSM-5 symptom-cluster rule met"}
    )
    cut_off_met = fields.Boolean(dump_only=True, metadata={"description": "PCL-5: a total of 33 or more"})
    dsm5_rule_met = fields.Boolean(
        dump_only=True, metadata={"description": "PCL-5: items rated 2 or more meet the DSM-5 clusters B, C, D and E"}
    )
    cut_off = fields.Integer(dump_only=True)
    positive = fields.Boolean(dump_only=True)
    retired_or_not_working = fields.Boolean(dump_only=True)


# The scores of every measure of the registry; a measure not taken is null.
MeasureScoresSchema = type(
    "MeasureScoresSchema", (Schema,), {m.key: fields.Nested(ScoreSchema, allow_none=True) for m in registry.MEASURES}
)


class RiskSchema(Schema):
    level = fields.String()
    risk_to_self = fields.Boolean()
    risk_to_others = fields.Boolean()
    route = fields.String(allow_none=True)


class AssessmentRecordSchema(AssessmentSchema):
    referral_id = fields.UUID(dump_only=True, allow_none=True)
    completed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    multidisciplinary = fields.Boolean(dump_only=True, allow_none=True)
    practitioners = fields.List(fields.Dict(), dump_only=True)
    measures = fields.Nested(MeasureScoresSchema, dump_only=True, allow_none=True)
    risk = fields.Nested(RiskSchema, dump_only=True, allow_none=True)
    work_situation = fields.Dict(dump_only=True, allow_none=True)
    outcome = fields.Dict(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the decisions as codes; the reasons are read at .../assessment/reasons (audited)"},
    )
    signed_off_by = fields.String(dump_only=True, allow_none=True)
    occupational_health_consent_recorded_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    referral_demographics = fields.Nested(
        DemographicsSchema,
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "the equality answers the referral recorded, each null when not answered there; "
            "null when not known (a case received before they were kept)"
        },
    )
    demographics = fields.Nested(
        DemographicsSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "the equality answers given at assessment (null until completed)"},
    )


class RiskEscalationSchema(RiskJudgementSchema):
    escalated_by_name = _clinicians_name()


class RiskHistoryEntrySchema(Schema):
    """One escalation of the case's risk; who made it is kept in this service only, never in an event."""

    risk_escalation_id = fields.UUID(dump_only=True, metadata={"description": "as its RiskEscalated event"})
    escalated_at = fields.AwareDateTime(dump_only=True)
    level = _code(codes.RiskLevel, dump_only=True)
    risk_to_self = fields.Boolean(dump_only=True)
    risk_to_others = fields.Boolean(dump_only=True)
    route = _code(codes.EscalationRoute, dump_only=True, metadata={"description": "where the risk was escalated"})
    occasion = fields.String(
        dump_only=True, metadata={"description": "`assessment`, `follow-up` or `between-sittings`"}
    )
    escalated_by = fields.String(dump_only=True, metadata={"description": "the clinician's sign-in subject"})
    escalated_by_name = fields.String(dump_only=True)


# Why a clinician or hub lead reads a case's outcome reasons (written to the audit).
PURPOSES = ("assessment", "care-coordination", "safeguarding", "transfer", "erasure-request")


class ReasonsQuerySchema(Schema):
    purpose = fields.String(
        required=True, validate=validate.OneOf(PURPOSES), metadata={"description": "why the reasons are read"}
    )


class OutcomeReasonsSchema(Schema):
    case_id = fields.UUID(dump_only=True)
    reasons = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "null when none were kept, or once erased"}
    )
    erased_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class AuditQuerySchema(Schema):
    case_id = fields.UUID(load_default=None)
    since = RecordDateTime(load_default=None)


class AuditRecordSchema(Schema):
    audit_id = fields.UUID(dump_only=True)
    at = fields.AwareDateTime(dump_only=True)
    subject = fields.String(dump_only=True)
    roles = fields.String(dump_only=True)
    hub_id = fields.String(dump_only=True)
    case_id = fields.UUID(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    purpose = fields.String(dump_only=True)


# Why a clinician or hub lead reads a case's notes (written to the audit): the portal's purposes of
# opening a case, and those of reading the outcome reasons.
NOTE_PURPOSES = ("first-contact", *PURPOSES)


class CaseNoteRequestSchema(Schema):
    kind = _code(codes.CaseNoteKind, required=True, metadata={"description": "what the note records"})
    text = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=10_000, error="A note is 1 to 10,000 characters."),
            validate.Regexp(r"\S", error="Write the note: it is blank."),
        ],
        metadata={"description": "the note, sealed at rest; read only on the audited read"},
    )
    author_name = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the writer's name as the hub's staff know them; default: the caller's subject"},
    )
    corrects = fields.UUID(load_default=None, metadata={"description": "the note of this case it corrects"})


class CaseNotesQuerySchema(Schema):
    purpose = fields.String(
        required=True, validate=validate.OneOf(NOTE_PURPOSES), metadata={"description": "why the notes are read"}
    )


class CaseNoteWrittenSchema(Schema):
    """A note as the answer to writing it: everything but its text, which only the audited read shows."""

    note_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    written_at = fields.AwareDateTime(dump_only=True)
    written_by = fields.String(dump_only=True, metadata={"description": "the writer's subject"})
    written_by_name = fields.String(dump_only=True)
    corrects = fields.UUID(dump_only=True, allow_none=True)
    erased_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class CaseNoteSchema(CaseNoteWrittenSchema):
    text = fields.String(dump_only=True, allow_none=True, metadata={"description": "null once erased"})


class FollowUpRequestSchema(Schema):
    follow_up_id = fields.UUID(load_default=None, metadata={"description": "the due follow-up this answers"})
    measured_at = RecordDateTime(
        load_default=None, metadata={"description": "default: now; after the assessment, not in the future"}
    )
    measures = fields.Nested(ResponsesSchema, required=True)
    work_situation = _code(codes.WorkSituation, load_default=None)
    risk = fields.Nested(RiskJudgementSchema, load_default=dict)
    measured_by_name = _clinicians_name()


class OutcomesSchema(Schema):
    case_at_first = fields.Boolean()
    case_at_latest = fields.Boolean()
    reliable_improvement = fields.Boolean()
    reliable_deterioration = fields.Boolean()
    recovery = fields.Boolean(allow_none=True)
    reliable_recovery = fields.Boolean(allow_none=True)


class FollowUpSchema(Schema):
    follow_up_id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    status = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True, allow_none=True)
    measures_due = fields.List(fields.String(), dump_only=True)
    measured_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    measures = fields.Nested(MeasureScoresSchema, dump_only=True, allow_none=True)
    work_situation = fields.String(dump_only=True, allow_none=True)


class CaseOutcomesSchema(Schema):
    case_id = fields.UUID(dump_only=True)
    first_measured_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    latest_measured_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    outcomes = fields.Nested(OutcomesSchema, dump_only=True, allow_none=True)
    follow_ups = fields.List(fields.Nested(FollowUpSchema), dump_only=True)
