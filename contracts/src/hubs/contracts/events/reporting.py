"""Events of the reporting service: imported figures, and the hub's period report, the one
event that leaves a hub (aggregate counts only, never anything about a person). Hubs send their
exact counts (`figures_exact`); small-number suppression is applied where figures are published.
Hubs of the earlier format sent counts already suppressed ("*")."""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from marshmallow.exceptions import SCHEMA

from hubs.contracts import codes
from hubs.contracts.events._common import code, count
from hubs.contracts.registry import event

SUPPRESSED = "*"
# Periods as the reporting service names them: 2021-W05 (ISO week), 2021-01 (month),
# 2020-21-Q4 (financial quarter, Q1 is April to June) and 2020-21 (financial year).
PERIOD_PATTERN = r"^\d{4}-(W(0[1-9]|[1-4]\d|5[0-3])|\d{2}|\d{2}-Q[1-4])$"


class SuppressedCount(fields.Field[int | str]):
    """A count: a non-negative integer, or "*" from hubs that suppressed before sending."""

    def _serialize(self, value: int | str | None, attr: str | None, obj: Any, **kwargs: Any) -> int | str | None:
        return value

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> int | str:
        if value == SUPPRESSED:
            return SUPPRESSED
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError('must be a non-negative integer or "*"')
        return value


class SuppressedCounts(fields.Dict):
    """Figures by name, each a count (exact, or "*" from hubs that suppressed). Checked in one pass: a report carries
    hundreds, and a field object per key and value made reading reports slow."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=SuppressedCount(), **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> dict[str, int | str]:
        if not isinstance(value, Mapping):
            raise self.make_error("invalid")
        # By the name as sent, which may not be text at all.
        errors: dict[object, dict[str, list[str]]] = {}
        for name, figure in value.items():
            if not isinstance(name, str):
                errors[name] = {"key": ["Not a valid string."]}
            elif figure != SUPPRESSED and (isinstance(figure, bool) or not isinstance(figure, int) or figure < 0):
                errors[name] = {"value": ['must be a non-negative integer or "*"']}
        if errors:
            # Loaded outside a schema there is no field name: marshmallow's own default then.
            raise ValidationError(errors, field_name=SCHEMA if attr is None else attr)
        return dict(value)


@event("SicknessAbsenceImported", service="reporting", about_case=False, key="period_type:period")
class SicknessAbsenceImported(Schema):
    """Employers' sickness absence for mental health reasons in the ICS/STP area was imported."""

    import_id = fields.UUID(required=True)
    imported_at = fields.AwareDateTime(required=True)
    period_type = code(codes.PeriodType)
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))
    employer_count = count(metadata={"description": "employers whose figures are included"})
    days_lost_mental_health = fields.Float(required=True, validate=validate.Range(min=0))
    days_lost_all_causes = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=0))


@event("HubPeriodReport", service="reporting", about_case=False, key="hub_id:period_type:period", national=True)
class HubPeriodReport(Schema):
    """A hub's monitoring data set for one period; the newest version wins."""

    hub_id = fields.String(required=True)
    region = fields.Enum(codes.Region, by_value=True, required=True)
    period_type = fields.String(required=True, validate=validate.OneOf([p.value for p in codes.PeriodType]))
    period = fields.String(required=True)
    report_version = fields.Integer(required=True, validate=validate.Range(min=1))
    figures = SuppressedCounts(required=True)
    figures_exact = fields.Boolean(
        allow_none=True,
        load_default=None,
        metadata={
            "description": 'true when every figure is the hub\'s exact count (never "*"): the national '
            "service applies small-number suppression where it publishes them; absent or null from hubs "
            'that suppressed before sending (their counts are "*" or rounded to 5)'
        },
    )
    final = fields.Boolean(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "true when the period's figures were final when this version was made: it has "
            "ended and every month of it was signed off by the hub lead or left unsigned past the hub's days "
            "to sign off (a later version corrects it after late events); false or absent before"
        },
    )
    signed_off = fields.Boolean(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "true when the hub lead signed off every month of the period before it became "
            "final; false when it is final without sign-off (the hub's days to sign off went by) or not final "
            "yet; absent from hubs that do not sign off"
        },
    )

    @validates_schema
    def _exact_figures_are_counts(self, data: dict[str, Any], **kwargs: object) -> None:
        # "*" is a suppressed cell: a report saying its figures are exact cannot carry one.
        if data.get("figures_exact") and any(v == SUPPRESSED for v in data.get("figures", {}).values()):
            raise ValidationError('an exact report carries counts only, never "*"', "figures")

    @classmethod
    def json_schema_rule(cls) -> dict[str, Any]:
        """The same rule in the JSON Schema."""
        return {
            "if": {"required": ["figures_exact"], "properties": {"figures_exact": {"const": True}}},
            "then": {"properties": {"figures": {"additionalProperties": {"not": {"const": SUPPRESSED}}}}},
        }
