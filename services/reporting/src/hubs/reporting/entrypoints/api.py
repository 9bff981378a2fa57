"""HTTP API of the reporting service: the hub's own data set and sickness absence imports
(hub mode), or every hub's reports, regions and England (national mode)."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.reporting.domain import national
from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.data_quality import data_quality
from hubs.reporting.domain.monthly_return import monthly_return_csv
from hubs.reporting.domain.periods import period_bounds, periods_overlapping
from hubs.reporting.domain.quarantine import REASONS
from hubs.reporting.domain.suppression import suppress_all
from hubs.reporting.entrypoints.schemas import (
    ComparisonSchema,
    DataQualitySchema,
    HubDatasetSchema,
    HubReportPreviewSchema,
    MonthlyReturnQuerySchema,
    MonthSignOffSchema,
    MonthSignOffsSchema,
    NationalDatasetSchema,
    NationalPeriodQuerySchema,
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
    @hub_blp.arguments(PeriodQuerySchema(), location="query")
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

    @hub_blp.arguments(SignOffRequestSchema())
    @hub_blp.response(201, MonthSignOffSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Sign off an ended month once its figures and data quality are checked: its report,
        and those of the periods it completes, leave the hub as final and signed off. Who signed
        it off and when stay in the hub."""
        wiring = _wiring()
        now = wiring.extras["clock"]()
        return sign_off_month(
            wiring.uow_factory, body["period_type"], body["period"], current_principal().subject, now,
            now.astimezone(LOCAL_TIME).date(), wiring.extras["sign_off_days"],
        )  # fmt: skip


@hub_blp.route("/dataset/report")
class HubReportPreview(MethodView):
    @hub_blp.arguments(PeriodQuerySchema(), location="query")
    @hub_blp.response(200, HubReportPreviewSchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """The hub's figures of a period as the national service would publish them on their own
        (small numbers suppressed); the report itself carries the exact counts."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            figures = suppress_all(uow.figures.figures(period_type, period))
            hub_id = uow.settings.hub_id
        return {"hub_id": hub_id, "period_type": period_type, "period": period, "figures": figures}


@hub_blp.route("/data-quality")
class DataQuality(MethodView):
    @hub_blp.arguments(PeriodQuerySchema(), location="query")
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
        wiring = _wiring()
        result = import_sickness_absence(text, _uow(), wiring.extras["clock"](), wiring.settings.records_start)
        if result.accepted == 0:
            errors = {f"line {r.line}": r.errors for r in result.rejected} or {"file": ["has no lines to import"]}
            raise Problem(422, "Unprocessable Content", "No line of the file could be imported.", errors)
        return result


def _view(asked: str | None) -> str:
    """Exact figures for national analysts (unless they ask for the published ones), published
    figures for everyone else; asking for exact figures without the role is refused."""
    analyst = str(Role.NATIONAL_ANALYST) in current_principal().roles
    if asked == national.EXACT and not analyst:
        raise Problem(403, "Forbidden", "Only national analysts may read exact figures.", slug="forbidden")
    return asked or (national.EXACT if analyst else national.PUBLISHED)


def _audit_exact(uow, what: str, period_type: str, first: str, last: str) -> None:
    """Record who read exact figures of which periods, in the same transaction as the read."""
    who = current_principal()
    uow.national.record_exact_read(who.subject, ",".join(sorted(who.roles)), who.hub_id, what, period_type, first, last)


def _reports(what: str, which: str, period_type: str, first: str, last: str) -> list[dict]:
    with _uow() as uow:
        reports = uow.national.for_periods(period_type, first, last)
        if which == national.EXACT:
            _audit_exact(uow, what, period_type, first, last)
        uow.commit()
    return reports


@national_blp.route("/dataset")
class NationalDataset(MethodView):
    @national_blp.arguments(NationalPeriodQuerySchema(), location="query")
    @national_blp.response(200, NationalDatasetSchema)
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """The newest report of every hub for a period: exact (audited) or as published."""
        period_type, period = resolve_period(query)
        which = _view(query.get("view"))
        reports = _reports("dataset", which, period_type, period, period)
        return {"period_type": period_type, "period": period, "view": which,
                "hubs": national.view(reports, which)["hubs"]}  # fmt: skip


@national_blp.route("/comparison")
class NationalComparison(MethodView):
    @national_blp.arguments(NationalPeriodQuerySchema(), location="query")
    @national_blp.response(200, ComparisonSchema)
    # Hub leads of every hub see every region and England beside their own figures: published
    # figures only (regions suppressed, England exact).
    @requires(Role.NATIONAL_ANALYST, Role.HUB_LEAD, national=True)
    def get(self, query: dict):
        """Every region's totals and England's for a period; a region without reports is missing."""
        period_type, period = resolve_period(query)
        which = _view(query.get("view"))
        shown = national.view(_reports("comparison", which, period_type, period, period), which)
        return {"period_type": period_type, "period": period, "view": which,
                "regions": shown["regions"], "england": shown["england"]}  # fmt: skip


@national_blp.route("/trend")
class NationalTrend(MethodView):
    @national_blp.arguments(TrendQuerySchema(), location="query")
    @national_blp.response(200, TrendSchema)
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """One figure over time: England, every region and every hub, period by period; a
        period without a report is missing (null), never 0."""
        period_type, figure = query["period_type"], query["figure"]
        first, _ = period_bounds(period_type, query["first"])
        _, last = period_bounds(period_type, query["last"])
        periods = sorted(p for _, p in periods_overlapping(first, last, (period_type,)))
        if len(periods) > 400:
            raise Problem(422, "Unprocessable Content", "Ask for at most 400 periods.", {"first": ["too far back"]})
        which = _view(query.get("view"))
        reports = _reports("trend", which, period_type, query["first"], query["last"])
        hubs_seen = sorted({r["hub_id"] for r in reports})
        regions_seen = sorted({r["region"] for r in reports})
        series = [
            national.series_point(p, [r for r in reports if r["period"] == p], which, figure, hubs_seen, regions_seen)
            for p in periods
        ]
        return {"figure": figure, "period_type": period_type, "view": which, "series": series}


@national_blp.route("/monthly-return")
class MonthlyReturn(MethodView):
    @national_blp.arguments(MonthlyReturnQuerySchema(), location="query")
    @national_blp.response(200, {"type": "string"}, content_type="text/csv")
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """The month's return as CSV, one row per area and figure (layout in docs/reporting.md):
        exact (audited), or with `view=published` the file for publication."""
        which = _view(query.get("view"))
        month = query["month"]
        reports = _reports("monthly-return", which, "month", month, month)
        text = monthly_return_csv(month, national.view(reports, which), which)
        name = f"monthly-return-{month}{'' if which == national.EXACT else '-published'}.csv"
        return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
