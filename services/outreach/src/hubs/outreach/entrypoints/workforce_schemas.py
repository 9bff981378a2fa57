"""Request and response schemas of the hub workforce API."""

from marshmallow import Schema, fields, validate, validates_schema

from hubs.contracts import codes
from hubs.outreach.entrypoints.schemas import COMMENT, score
from hubs.runtime.schema_fields import JsonBoolean, JsonInteger, PlannedDate, RecordDate, not_before


class SupervisionSchema(Schema):
    supervision_session_id = fields.UUID(dump_only=True)
    held_on = RecordDate(required=True)
    supervision_type = fields.Enum(codes.SupervisionType, by_value=True, required=True)
    attendees = JsonInteger(
        required=True,
        validate=validate.Range(min=1, max=200),
        metadata={"description": "hub staff supervised, not counting the supervisor"},
    )
    duration_minutes = JsonInteger(required=True, validate=validate.Range(min=1, max=24 * 60))
    wellbeing_discussed = JsonBoolean(
        load_default=True,
        metadata={"description": "an explicit conversation about wellbeing and the impact of the work"},
    )


class CheckInSchema(Schema):
    check_in_id = fields.UUID(dump_only=True)
    held_on = RecordDate(required=True)
    format = fields.Enum(codes.CheckInFormat, by_value=True, required=True)
    attendees = JsonInteger(required=True, validate=validate.Range(min=1, max=200))


class StaffSurveySchema(Schema):
    survey_id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    # A survey may be set up ahead of the day it opens.
    opens_on = PlannedDate(required=True)
    closes_on = PlannedDate(required=True, metadata={"description": "the last day answers are taken"})
    status = fields.String(dump_only=True)
    released_on = fields.Date(dump_only=True, allow_none=True)
    responses = fields.Integer(dump_only=True)
    withheld = fields.Boolean(dump_only=True, metadata={"description": "too few answers yet to show scores"})
    mean_wellbeing = fields.Float(dump_only=True, allow_none=True)
    mean_workload_manageable = fields.Float(dump_only=True, allow_none=True)
    mean_feel_supported = fields.Float(dump_only=True, allow_none=True)
    mean_supervision_helpful = fields.Float(dump_only=True, allow_none=True)
    comments = fields.List(fields.String(), dump_only=True)

    @validates_schema
    def _in_order(self, data: dict, **_: object) -> None:
        not_before(data, "closes_on", "opens_on", "A survey cannot close before it opens.")


class SurveyQuestionSchema(Schema):
    name = fields.String(dump_only=True, metadata={"description": "the answer's field name"})
    statement = fields.String(dump_only=True, metadata={"description": "scored 1 (not at all) to 5 (completely)"})
    required = fields.Boolean(dump_only=True)


class StaffSurveyQuestionsSchema(Schema):
    """A survey as the hub's staff see it before answering: no answers, counts or scores."""

    survey_id = fields.UUID(dump_only=True)
    title = fields.String(dump_only=True)
    opens_on = fields.Date(dump_only=True)
    closes_on = fields.Date(dump_only=True)
    state = fields.String(
        dump_only=True,
        validate=validate.OneOf(("open", "not-yet-open", "closed")),
        metadata={"description": "open (answers taken), not-yet-open or closed"},
    )
    questions = fields.List(fields.Nested(SurveyQuestionSchema), dump_only=True)


class SurveyAnswersSchema(Schema):
    wellbeing = score("my wellbeing at work is good", required=True)
    workload_manageable = score("my workload is manageable")
    feel_supported = score("I feel supported by the team")
    supervision_helpful = score("supervision helps me")
    comment = fields.String(
        metadata={"description": "kept in the hub; shown only once enough have answered"}, **COMMENT
    )


class SurveyReceiptSchema(Schema):
    survey_id = fields.UUID(dump_only=True)
    received = fields.Boolean(dump_only=True)
    message = fields.String(dump_only=True)


# The id an assessment names a practitioner by, as the assessment service takes it.
STAFF_ID = validate.Regexp(r"^[A-Za-z0-9._:-]{1,64}$", error="A staff id: letters, digits, . _ : - (up to 64).")
# Printable text on one line, not only spaces.
ONE_LINE = validate.Regexp(r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$", error="Enter it on one line, not only spaces.")


class TeamMemberSchema(Schema):
    """A member of the hub's clinical team. Kept in the hub: never in an event."""

    member_id = fields.UUID(dump_only=True)
    staff_id = fields.String(
        required=True, validate=STAFF_ID, metadata={"description": "the id assessments name them by; one in the hub"}
    )
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), ONE_LINE])
    discipline = fields.Enum(codes.Discipline, by_value=True, required=True)
    subject = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=200), ONE_LINE],
        metadata={"description": "their sign-in subject, when they can hold cases; one in the hub"},
    )
    active = JsonBoolean(load_default=True, metadata={"description": "false once they have left the team"})
