"""The one event that leaves a hub: its period report, counts only, after suppression."""

from marshmallow import Schema, ValidationError, fields, validate

from hubs.contracts import codes
from hubs.contracts.registry import event

SUPPRESSED = "*"


class SuppressedCount(fields.Field):
    """A count after small-number suppression: a non-negative integer, or "*"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if value == SUPPRESSED:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError('must be a non-negative integer or "*"')
        return value


@event("HubPeriodReport", service="reporting", about_case=False)
class HubPeriodReport(Schema):
    """A hub's monitoring data set for one period; the newest version wins."""

    hub_id = fields.String(required=True)
    region = fields.Enum(codes.Region, by_value=True, required=True)
    period_type = fields.String(required=True, validate=validate.OneOf(["week", "month", "quarter", "financial-year"]))
    period = fields.String(required=True)
    report_version = fields.Integer(required=True, validate=validate.Range(min=1))
    figures = fields.Dict(keys=fields.String(), values=SuppressedCount(), required=True)
