"""Request and response schemas of the reporting API."""

from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.periods import PERIOD_TYPES, is_period, period_bounds, periods_of
from hubs.reporting.domain.quarantine import REASONS
from hubs.reporting.domain.sign_off import STATES
from hubs.runtime.schema_fields import DATE_SKEW, records_start, today

COUNT_OR_SUPPRESSED = {"description": 'a count or statistic, or "*" where it is suppressed'}
NOT_A_PERIOD = "not a period of that type (e.g. 2026-W05, 2026-01, 2025-26-Q4, 2025-26)"


def period_problem(period_type: str, period: str) -> str | None:
    """Why `period` cannot be asked for: not a period of its type, or one the hub has no
    records for (ended before the hub's records start, or not begun yet)."""
    if not is_period(period_type, period):
        return NOT_A_PERIOD
    first, last = period_bounds(period_type, period)
    if last < records_start():
        return f"must not end before {records_start().isoformat()} (the first day of this hub's records)"
    if first > today() + DATE_SKEW:
        return "must not be a period that has not begun"
    return None


class PeriodQuerySchema(Schema):
    period_type = fields.String(load_default="month", validate=validate.OneOf(PERIOD_TYPES))
    period = fields.String(load_default=None, validate=validate.Length(min=4, max=20))

    @validates_schema
    def _period_of_its_type(self, data, **kwargs):
        if data.get("period") and (problem := period_problem(data.get("period_type", "month"), data["period"])):
            raise ValidationError(problem, "period")


def resolve_period(query: dict) -> tuple[str, str]:
    """The period asked for, or the current one of the type asked for."""
    today = datetime.now(UTC).astimezone(LOCAL_TIME).date()
    period = query["period"] or periods_of(today)[query["period_type"]]
    return query["period_type"], period


STATE = {
    "description": "open (not ended); awaiting-sign-off (ended, not final yet); signed-off (final: the hub lead "
    "signed off every month of it); final-without-sign-off (final: the days to sign off went by)"
}


class HubDatasetSchema(Schema):
    hub_id = fields.String()
    period_type = fields.String()
    period = fields.String()
    figures = fields.Dict(keys=fields.String(), values=fields.Integer())
    report_version = fields.Integer(metadata={"description": "the last version sent to the national team; 0: none"})
    final = fields.Boolean(metadata={"description": "a version sent was final (see state)"})
    state = fields.String(validate=validate.OneOf(STATES), metadata=STATE)
    signed_off = fields.Boolean(metadata={"description": "the hub lead signed off every month of the period"})


class SignOffRequestSchema(Schema):
    period_type = fields.String(
        load_default="month",
        validate=validate.OneOf(["month"], error="only a month is signed off: quarters, years and weeks follow it"),
    )
    period = fields.String(required=True, validate=validate.Length(min=4, max=20))

    @validates_schema
    def _a_month_the_hub_has(self, data, **kwargs):
        if "period" in data and (problem := period_problem(data.get("period_type", "month"), data["period"])):
            raise ValidationError(problem, "period")


class MonthSignOffSchema(Schema):
    period_type = fields.String()
    period = fields.String()
    state = fields.String(metadata=STATE)
    final_without_sign_off_on = fields.Date(
        metadata={"description": "the day the month's report is final without sign-off, if not signed off before"}
    )
    signed_off_by = fields.String(
        allow_none=True, metadata={"description": "the subject of who signed it off (kept in the hub, never sent)"}
    )
    signed_off_at = fields.AwareDateTime(allow_none=True)


class MonthSignOffsSchema(Schema):
    sign_off_days = fields.Integer(metadata={"description": "days after a month ends to sign it off"})
    months = fields.List(
        fields.Nested(MonthSignOffSchema), metadata={"description": "the last ended months, newest first"}
    )


class HubReportPreviewSchema(Schema):
    hub_id = fields.String()
    period_type = fields.String()
    period = fields.String()
    figures = fields.Dict(keys=fields.String(), values=fields.Raw(metadata=COUNT_OR_SUPPRESSED))


VIEW = {
    "description": "exact: the hubs' exact counts (national analysts only; every read is audited); published: "
    "hub and region cells after small-number suppression, England exact. Analysts get exact unless they ask "
    "for published; everyone else gets published."
}
FIGURE_OR_HIDDEN = {"description": "a count or statistic; null where it is hidden or not known (see markers)"}
MARKERS = {
    "description": "why a figure is null: suppressed (small-number suppression where published), "
    'suppressed-by-hub (a hub of the earlier format sent "*": the figure and its totals are not known)'
}


class NationalPeriodQuerySchema(PeriodQuerySchema):
    view = fields.String(load_default=None, validate=validate.OneOf(["exact", "published"]), metadata=VIEW)


class HubReportSchema(Schema):
    hub_id = fields.String()
    region = fields.String()
    report_version = fields.Integer()
    final = fields.Boolean(allow_none=True, metadata={"description": "the hub's figures were final"})
    signed_off = fields.Boolean(
        allow_none=True, metadata={"description": "the hub lead signed off every month; null from older hubs"}
    )
    figures_exact = fields.Boolean(
        metadata={"description": 'the hub sent exact counts (false: an earlier-format report, "*" or rounded)'}
    )
    figures = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True, metadata=FIGURE_OR_HIDDEN))
    markers = fields.Dict(keys=fields.String(), values=fields.String(), metadata=MARKERS)
    received_at = fields.AwareDateTime()


class NationalDatasetSchema(Schema):
    period_type = fields.String()
    period = fields.String()
    view = fields.String(metadata=VIEW)
    hubs = fields.List(fields.Nested(HubReportSchema))


class AreaTotalsSchema(Schema):
    region = fields.String(metadata={"description": "a region, or england"})
    hubs = fields.Integer(metadata={"description": "hubs whose reports are included"})
    missing = fields.Boolean(metadata={"description": "no hub of the region reported for the period (not 0)"})
    figures_exact = fields.Boolean(metadata={"description": "every report included carries exact counts"})
    figures = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True, metadata=FIGURE_OR_HIDDEN))
    markers = fields.Dict(keys=fields.String(), values=fields.String(), metadata=MARKERS)
    hubs_suppressed = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": 'per figure, hubs of the earlier format that sent "*" for it (the total is null)'},
    )


class ComparisonSchema(Schema):
    period_type = fields.String()
    period = fields.String()
    view = fields.String(metadata=VIEW)
    regions = fields.List(fields.Nested(AreaTotalsSchema))
    england = fields.Nested(AreaTotalsSchema)


class MonthlyReturnQuerySchema(Schema):
    month = fields.String(required=True, validate=validate.Length(min=7, max=7))
    view = fields.String(load_default=None, validate=validate.OneOf(["exact", "published"]), metadata=VIEW)

    @validates_schema
    def _a_month_of_records(self, data, **kwargs):
        if "month" in data and (problem := period_problem("month", data["month"])):
            raise ValidationError(problem, "month")


class TrendQuerySchema(Schema):
    figure = fields.String(required=True, validate=validate.Length(min=1, max=100))
    view = fields.String(load_default=None, validate=validate.OneOf(["exact", "published"]), metadata=VIEW)
    period_type = fields.String(load_default="month", validate=validate.OneOf(PERIOD_TYPES))
    first = fields.String(required=True, validate=validate.Length(min=4, max=20))
    last = fields.String(required=True, validate=validate.Length(min=4, max=20))

    @validates_schema
    def _periods_of_its_type(self, data, **kwargs):
        errors = {}
        for name in ("first", "last"):
            if name in data and (problem := period_problem(data.get("period_type", "month"), data[name])):
                errors[name] = [problem]
        if errors:
            raise ValidationError(errors)
        if data["first"] > data["last"]:
            raise ValidationError("must not come after last", "first")


class TrendMarkersSchema(Schema):
    england = fields.String(metadata={"description": "missing (no hub reported), or why England's figure is null"})
    regions = fields.Dict(keys=fields.String(), values=fields.String())
    hubs = fields.Dict(keys=fields.String(), values=fields.String())


class TrendPointSchema(Schema):
    period = fields.String()
    england = fields.Integer(allow_none=True, metadata=FIGURE_OR_HIDDEN)
    regions = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True, metadata=FIGURE_OR_HIDDEN))
    hubs = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True, metadata=FIGURE_OR_HIDDEN))
    markers = fields.Nested(
        TrendMarkersSchema,
        metadata={"description": "why a value is null: missing (no report for the period), " + MARKERS["description"]},
    )


class TrendSchema(Schema):
    figure = fields.String()
    view = fields.String(metadata=VIEW)
    period_type = fields.String()
    series = fields.List(fields.Nested(TrendPointSchema))


class RejectedLineSchema(Schema):
    line = fields.Integer(metadata={"description": "line number in the file, the header being line 1"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class MonthTotalSchema(Schema):
    month = fields.String()
    employer_count = fields.Integer()
    days_lost_mental_health = fields.Float()


class SicknessImportSchema(Schema):
    import_id = fields.UUID()
    accepted = fields.Integer(metadata={"description": "lines imported"})
    rejected = fields.List(fields.Nested(RejectedLineSchema))
    months = fields.List(fields.Nested(MonthTotalSchema), metadata={"description": "the months' new totals"})


class QuarantinedPeriodSchema(Schema):
    period_type = fields.String()
    period = fields.String()
    reason = fields.String(metadata={"description": "one of: " + ", ".join(REASONS)})
    explanation = fields.String()
    first_quarantined_at = fields.AwareDateTime()
    last_quarantined_at = fields.AwareDateTime()
    attempts = fields.Integer(metadata={"description": "times the period was set aside"})


class QuarantinedEventsSchema(Schema):
    event_type = fields.String()
    reason = fields.String(metadata={"description": "one of: " + ", ".join(REASONS)})
    explanation = fields.String()
    field = fields.String(allow_none=True, metadata={"description": "the field of the event's data at fault"})
    events = fields.Integer()
    first_quarantined_at = fields.AwareDateTime()
    last_quarantined_at = fields.AwareDateTime()


class QuarantineSchema(Schema):
    periods_quarantined = fields.Integer()
    events_quarantined = fields.Integer()
    periods = fields.List(fields.Nested(QuarantinedPeriodSchema))
    events = fields.List(
        fields.Nested(QuarantinedEventsSchema), metadata={"description": "counted by type, reason and field"}
    )


class DataQualitySchema(Schema):
    hub_id = fields.String()
    period_type = fields.String()
    period = fields.String()
    referrals_received = fields.Integer()
    referrals_missing_demographics = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "per dimension, referrals received in the period with no value recorded"},
    )
    referrals_without_outcome = fields.Integer(
        metadata={
            "description": "referrals received in the period with, by its end (or today), no assessment, "
            "signposting, onward referral, withdrawal, transfer or closure"
        }
    )
    cases_without_referral = fields.Integer(
        metadata={"description": "cases with facts in the period but no referral received (nor a transfer in)"}
    )
    treatments_started_with_unknown_wait = fields.Integer(
        metadata={"description": "treatments started in the period whose onward referral date is not known"}
    )
    onward_referrals_without_reply_after_6_weeks = fields.Integer(
        metadata={"description": "at the period's end (or today): made over 6 weeks before, not accepted, "
                  "declined, started or ended"}
    )  # fmt: skip
