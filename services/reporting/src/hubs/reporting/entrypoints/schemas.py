"""Request and response schemas of the reporting API."""

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from hubs.reporting.domain.periods import PERIOD_TYPES, periods_of


class PeriodQuerySchema(Schema):
    period_type = fields.String(load_default="month", validate=validate.OneOf(PERIOD_TYPES))
    period = fields.String(load_default=None, validate=validate.Length(min=4, max=20))


def resolve_period(query: dict) -> tuple[str, str]:
    """The period asked for, or the current one of the type asked for."""
    period = query["period"] or periods_of(datetime.now(UTC).date())[query["period_type"]]
    return query["period_type"], period


class HubDatasetSchema(Schema):
    hub_id = fields.String()
    period_type = fields.String()
    period = fields.String()
    figures = fields.Dict(keys=fields.String(), values=fields.Integer())


class HubReportSchema(Schema):
    hub_id = fields.String()
    region = fields.String()
    report_version = fields.Integer()
    figures = fields.Dict(keys=fields.String(), values=fields.Raw(metadata={"description": 'a count, or "*"'}))
    received_at = fields.AwareDateTime()


class NationalDatasetSchema(Schema):
    period_type = fields.String()
    period = fields.String()
    hubs = fields.List(fields.Nested(HubReportSchema))
