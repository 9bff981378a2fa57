"""HTTP API of the reporting service: the hub's own data set and sickness absence imports
(hub mode), or every hub's reports, regions and England (national mode)."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.reporting.domain import national
from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.data_quality import data_quality
from hubs.reporting.domain.periods import period_bounds, periods_overlapping
from hubs.reporting.domain.quarantine import REASONS
from hubs.reporting.domain.sickness_csv import CsvRefused
from hubs.reporting.domain.sign_off import SignOffRefused
from hubs.reporting.domain.suppression import suppress_all
from hubs.reporting.entrypoints.schemas import (
    ComparisonSchema,
    DataQualitySchema,
    HubDatasetSchema,
    HubReportPreviewSchema,
    MonthSignOffSchema,
    MonthSignOffsSchema,
    NationalDatasetSchema,
    PeriodQuerySchema,
    QuarantineSchema,
    SicknessImportSchema,
    SignOffRequestSchema,
    TrendQuerySchema,
    TrendSchema,
    resolve_period,
)
from hubs.reporting.service_layer.sickness import import_sickness_absence
from hubs.reporting.service_layer.sign_offs import period_state, recent_months, sign_off_month
from hubs.runtime.auth import Role, current_principal, requires
from hubs.runtime.problems import Problem

hub_blp = Blueprint("dataset", __name__, url_prefix="/v1", description="The hub's monitoring data set")
national_blp = Blueprint("national", __name__, url_prefix="/v1/national", description="Every hub's data set")

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _wiring():
    return current_app.extensions["hubs_wiring"]


def _uow():
    return _wiring().uow_factory()


def _today():
    return _wiring().extras["clock"]().astimezone(LOCAL_TIME).date()


@hub_blp.route("/dataset")
class HubDataset(MethodView):
    @hub_blp.arguments(PeriodQuerySchema, location="query")
    @hub_blp.response(200, HubDatasetSchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """The hub's figures for a period, before suppression (they stay in the hub), with the
        last report sent and whether the period is final and signed off."""
        period_type, period = resolve_period(query)
        days = _wiring().extras["sign_off_days"]
        with _uow() as uow:
            figures = uow.figures.figures(period_type, period)
            sent = uow.figures.report_state(period_type, period)
            state = period_state(period_type, period, _today(), uow, days)
            hub_id = uow.settings.hub_id
        return {"hub_id": hub_id, "period_type": period_type, "period": period, "figures": figures, **sent, **state}


@hub_blp.route("/dataset/sign-offs")
class MonthSignOffs(MethodView):
    @hub_blp.response(200, MonthSignOffsSchema)
    @requires(Role.HUB_LEAD)
    def get(self):
        """The last ended months, newest first, each awaiting sign-off, signed off, or final
        without sign-off."""
        wiring = _wiring()
        days = wiring.extras["sign_off_days"]
        months = recent_months(wiring.uow_factory, _today(), wiring.settings.records_start, days)
        return {"sign_off_days": days, "months": months}

    @hub_blp.arguments(SignOffRequestSchema)
    @hub_blp.response(201, MonthSignOffSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Sign off an ended month once its figures and data quality are checked: its report,
        and those of the periods it completes, leave the hub as final and signed off. Who signed
        it off and when stay in the hub."""
        wiring = _wiring()
        now = wiring.extras["clock"]()
        try:
            return sign_off_month(
                wiring.uow_factory, body["period_type"], body["period"], current_principal().subject, now,
                now.astimezone(LOCAL_TIME).date(), wiring.extras["sign_off_days"],
            )  # fmt: skip
        except SignOffRefused as exc:
            errors = {exc.field: [str(exc)]}
            if exc.conflict:
                raise Problem(409, "Conflict", str(exc), errors, slug="conflict") from exc
            raise Problem(422, "Unprocessable Content", str(exc), errors) from exc


@hub_blp.route("/dataset/report")
class HubReportPreview(MethodView):
    @hub_blp.arguments(PeriodQuerySchema, location="query")
    @hub_blp.response(200, HubReportPreviewSchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """The figures of a period as they leave the hub: small numbers suppressed."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            figures = suppress_all(uow.figures.figures(period_type, period))
            hub_id = uow.settings.hub_id
        return {"hub_id": hub_id, "period_type": period_type, "period": period, "figures": figures}


@hub_blp.route("/data-quality")
class DataQuality(MethodView):
    @hub_blp.arguments(PeriodQuerySchema, location="query")
    @hub_blp.response(200, DataQualitySchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """Gaps in the hub's records for a period (demographics, outcomes, waits), to chase
        before the figures leave the hub: counts from the hub's own case facts."""
        period_type, period = resolve_period(query)
        first, last = period_bounds(period_type, period)
        today = _today()
        with _uow() as uow:
            cases = [c.facts for c in uow.cases.overlapping(first, last)]
            hub_id = uow.settings.hub_id
        found = data_quality(period_type, period, cases, today)
        return {"hub_id": hub_id, "period_type": period_type, "period": period, **found}


@hub_blp.route("/quarantine")
class Quarantine(MethodView):
    @hub_blp.response(200, QuarantineSchema)
    @requires(Role.HUB_LEAD)
    def get(self):
        """What reporting has set aside rather than fail on: periods whose figures could not be
        computed, and events whose dates no period holds (counted; no ids, no values)."""
        with _uow() as uow:
            periods = uow.quarantine.periods()
            events = uow.quarantine.events_by_reason()
        for row in (*periods, *events):
            row["explanation"] = REASONS.get(row["reason"], row["reason"])
        return {
            "periods_quarantined": len(periods),
            "events_quarantined": sum(e["events"] for e in events),
            "periods": periods,
            "events": events,
        }


@hub_blp.route("/sickness-absence")
class SicknessAbsence(MethodView):
    @hub_blp.response(201, SicknessImportSchema)
    @hub_blp.doc(
        requestBody={
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "CSV with a header line: employer,month,mental_health_days_lost[,all_causes_days_lost]; "
            "month as YYYY-MM. Good lines are imported; each bad line is reported with why.",
        }
    )
    @requires(Role.HUB_LEAD)
    def post(self):
        """Import employers' sickness days lost for mental health reasons (data item 14)."""
        if request.mimetype not in CSV_TYPES:
            raise Problem(415, "Unsupported Media Type", "Send the file as text/csv.", slug="unsupported-media-type")
        body = request.stream.read(MAX_UPLOAD_BYTES + 1)  # never more than the limit in memory
        if (request.content_length or 0) > MAX_UPLOAD_BYTES or len(body) > MAX_UPLOAD_BYTES:
            raise Problem(413, "Payload Too Large", "Upload at most 2 MiB at once.", slug="payload-too-large")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem(
                422, "Unprocessable Content", "The file must be UTF-8 text.", {"file": ["not UTF-8"]}
            ) from exc
        try:
            wiring = _wiring()
            result = import_sickness_absence(text, _uow(), wiring.extras["clock"](), wiring.settings.records_start)
        except CsvRefused as exc:
            raise Problem(422, "Unprocessable Content", "The file cannot be read.", exc.errors) from exc
        if result.accepted == 0:
            errors = {f"line {r.line}": r.errors for r in result.rejected} or {"file": ["has no lines to import"]}
            raise Problem(422, "Unprocessable Content", "No line of the file could be imported.", errors)
        return result


@national_blp.route("/dataset")
class NationalDataset(MethodView):
    @national_blp.arguments(PeriodQuerySchema, location="query")
    @national_blp.response(200, NationalDatasetSchema)
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """The newest report of every hub for a period, as the hubs published them."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            hubs = uow.national.for_period(period_type, period)
        return {"period_type": period_type, "period": period, "hubs": hubs}


@national_blp.route("/comparison")
class NationalComparison(MethodView):
    @national_blp.arguments(PeriodQuerySchema, location="query")
    @national_blp.response(200, ComparisonSchema)
    # Hub leads of every hub see their region and England beside their own figures: these are
    # the published, suppressed aggregates, nothing more.
    @requires(Role.NATIONAL_ANALYST, Role.HUB_LEAD, national=True)
    def get(self, query: dict):
        """Every region's totals and England's for a period, from what the hubs published."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            reports = uow.national.for_period(period_type, period)
        return {"period_type": period_type, "period": period, **national.compare(reports)}


@national_blp.route("/trend")
class NationalTrend(MethodView):
    @national_blp.arguments(TrendQuerySchema, location="query")
    @national_blp.response(200, TrendSchema)
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """One figure over time: England, every region and every hub, period by period."""
        period_type, figure = query["period_type"], query["figure"]
        first, _ = period_bounds(period_type, query["first"])
        _, last = period_bounds(period_type, query["last"])
        periods = sorted(p for _, p in periods_overlapping(first, last, (period_type,)))
        if len(periods) > 400:
            raise Problem(422, "Unprocessable Content", "Ask for at most 400 periods.", {"first": ["too far back"]})
        with _uow() as uow:
            reports = uow.national.for_periods(period_type, query["first"], query["last"])
        series = []
        for period in periods:
            mine = [r for r in reports if r["period"] == period]
            regions: dict[str, list] = {}
            for r in mine:
                regions.setdefault(r["region"], []).append(r)
            series.append(
                {
                    "period": period,
                    "england": national.series_value(mine, figure) if mine else None,
                    "regions": {region: national.series_value(rs, figure) for region, rs in sorted(regions.items())},
                    "hubs": {r["hub_id"]: r["figures"].get(figure) for r in mine},
                }
            )
        return {"figure": figure, "period_type": period_type, "series": series}
