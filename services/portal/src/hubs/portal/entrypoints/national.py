"""The national page: hubs and regions compared over time, each figure's definition one
click away, and every table as a CSV download. National analysts see exact figures (their
reads are recorded by the national service) or, to check what may be published, the published
figures: hub and region cells suppressed, England exact. A suppressed cell is shown as
suppressed, a period without a report as missing: never as 0."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request

from hubs.portal.domain.figures import HEADLINE, display, figure
from hubs.portal.entrypoints.lead import PERIOD_TYPES
from hubs.portal.entrypoints.web import call, requires_role

bp = Blueprint("national", __name__, url_prefix="/national")
ROLES = ("national-analyst",)
VIEWS = (("exact", "Exact figures (not for publication)"), ("published", "As published (small numbers suppressed)"))
HIDDEN_IN_CSV = "[c]"  # as NHS England's publications mark a suppressed cell
MISSING = "missing"


def cell(area: dict[str, Any] | None, key: str) -> Any:
    """A cell as the page shows it: its value, "*" where it is suppressed, None where the area
    has no report for the period (shown as missing)."""
    if not area or area.get("missing"):
        return None
    if key in (area.get("markers") or {}):
        return "*"
    return (area.get("figures") or {}).get(key, "")  # "": not a figure of this area (a rate over 0)


def shown(value: Any) -> str:
    """A cell's words on the page: suppressed explained, missing said, never a 0 for either."""
    return "missing (no report)" if value is None else display(value)


def in_csv(value: Any) -> Any:
    return MISSING if value is None else HIDDEN_IN_CSV if value == "*" else value


def _view() -> str:
    view = request.args.get("view", "exact")
    return view if view in dict(VIEWS) else "exact"


def last_six_months(today: date) -> tuple[str, str]:
    """The first and last of the six months up to this one, as '2026-06' and '2026-11'."""
    months = today.year * 12 + today.month - 1 - 5
    return f"{months // 12}-{months % 12 + 1:02d}", f"{today.year}-{today.month:02d}"


def _period_args() -> tuple[str, str | None]:
    period_type = request.args.get("period_type", "month")
    if period_type not in dict(PERIOD_TYPES):
        period_type = "month"
    return period_type, (request.args.get("period") or "").strip()[:20] or None


def _comparison_rows(data: dict[str, Any], keys: list[str]) -> list[list[Any]]:
    areas = [*data.get("regions", []), data.get("england") or {}]
    return [[a.get("region", ""), a.get("hubs", 0), *[cell(a, k) for k in keys]] for a in areas if a]


@bp.get("/")
@requires_role(*ROLES)
def comparison():
    """Every region and England for a period, headline figures first."""
    period_type, period = _period_args()
    params = {"period_type": period_type, "period": period, "view": _view()}
    answer = call("national", "GET", "/v1/national/comparison", params=params)
    hubs = call("national", "GET", "/v1/national/dataset", params=params)
    keys = [f.key for f in HEADLINE]
    rows = _comparison_rows(answer.data, keys) if answer.ok else []
    hub_rows = [
        [h.get("hub_id"), h.get("region"), *[cell(h, k) for k in keys]]
        for h in (hubs.data.get("hubs", []) if hubs.ok else [])
    ]
    return render_template(
        "national.html",
        answer=answer,
        hubs=hubs,
        rows=rows,
        hub_rows=hub_rows,
        figures=list(HEADLINE),
        period_types=PERIOD_TYPES,
        period_type=period_type,
        period=(answer.data or {}).get("period", period or "") if answer.ok else (period or ""),
        display=shown,
        view=_view(),
        views=VIEWS,
    )


def _trend_point(point: dict[str, Any]) -> dict[str, Any]:
    """A trend's period with "*" for suppressed values and None for missing ones."""
    markers = point.get("markers") or {}
    regions, hubs = markers.get("regions") or {}, markers.get("hubs") or {}

    def value(v: Any, marker: str | None) -> Any:
        return None if marker == MISSING else "*" if marker else v

    return {
        "period": point.get("period"),
        "england": value(point.get("england"), markers.get("england")),
        "regions": {r: value(v, regions.get(r)) for r, v in (point.get("regions") or {}).items()},
        "hubs": {h: value(v, hubs.get(h)) for h, v in (point.get("hubs") or {}).items()},
    }


@bp.get("/trend")
@requires_role(*ROLES)
def trend():
    """One figure over time for England, every region and every hub, as a table and a chart."""
    period_type, _ = _period_args()
    key = (request.args.get("figure") or "referrals_received")[:100]
    first = (request.args.get("first") or "").strip()[:20]
    last = (request.args.get("last") or "").strip()[:20]
    if not (first or last) and period_type == "month":
        first, last = last_six_months(date.today())
    answer = None
    if first and last:
        answer = call("national", "GET", "/v1/national/trend",
                      params={"figure": key, "period_type": period_type, "first": first, "last": last,
                              "view": _view()})  # fmt: skip
    series = [_trend_point(p) for p in answer.data.get("series", [])] if answer is not None and answer.ok else []
    regions = sorted({r for point in series for r in point.get("regions", {})})
    peak = max([p.get("england") for p in series if isinstance(p.get("england"), int | float)] or [0])
    return render_template(
        "national_trend.html",
        answer=answer,
        series=series,
        regions=regions,
        peak=peak or 1,
        figure=figure(key),
        figures=list(HEADLINE),
        period_types=PERIOD_TYPES,
        period_type=period_type,
        first=first,
        last=last,
        display=shown,
        view=_view(),
        views=VIEWS,
    )


@bp.get("/definitions")
@requires_role(*ROLES, "hub-lead")
def definitions():
    """What each figure counts."""
    return render_template("definitions.html", figures=list(HEADLINE))


def _csv(rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # Cells are figures and codes; neutralise anything a spreadsheet would run as a formula.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.get("/comparison.csv")
@requires_role(*ROLES)
def comparison_csv():
    """The comparison of regions for a period, every figure, as CSV."""
    period_type, period = _period_args()
    params = {"period_type": period_type, "period": period, "view": _view()}
    answer = call("national", "GET", "/v1/national/comparison", params=params)
    if not answer.ok:
        return render_template("error.html", status=answer.status, title="No figures to download",
                               detail=answer.message), 503  # fmt: skip
    keys = sorted({k for a in [*answer.data.get("regions", []), answer.data.get("england") or {}]
                   for k in a.get("figures", {})})  # fmt: skip
    rows = [["area", "hubs", *keys], *[[*r[:2], *map(in_csv, r[2:])] for r in _comparison_rows(answer.data, keys)]]
    return _csv(rows, f"national-{period_type}-{answer.data.get('period', 'latest')}-{_view()}.csv")


@bp.get("/trend.csv")
@requires_role(*ROLES)
def trend_csv():
    """One figure over time as CSV: a row per period, a column per area and hub."""
    period_type, _ = _period_args()
    key = (request.args.get("figure") or "referrals_received")[:100]
    params = {"figure": key, "period_type": period_type, "first": request.args.get("first", ""),
              "last": request.args.get("last", ""), "view": _view()}  # fmt: skip
    answer = call("national", "GET", "/v1/national/trend", params=params)
    if not answer.ok:
        return render_template("error.html", status=answer.status, title="No figures to download",
                               detail=answer.message), 503  # fmt: skip
    series = [_trend_point(p) for p in answer.data.get("series", [])]
    regions = sorted({r for p in series for r in p.get("regions", {})})
    hubs = sorted({h for p in series for h in p.get("hubs", {})})
    rows = [["period", "england", *regions, *hubs]]
    for p in series:
        rows.append([p.get("period"), in_csv(p.get("england")), *[in_csv(p["regions"].get(r)) for r in regions],
                     *[in_csv(p["hubs"].get(h)) for h in hubs]])  # fmt: skip
    return _csv(rows, f"trend-{key}-{period_type}.csv")
