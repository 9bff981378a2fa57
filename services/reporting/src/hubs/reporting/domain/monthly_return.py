"""The national monthly return as CSV: one row per area (hub, region, England) and figure,
in the layout docs/reporting.md defines, exact for analysts or suppressed for publication."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from hubs.reporting.domain.national import ENGLAND, EXACT, MISSING

COLUMNS = ("month", "area_type", "area", "region", "figure", "value", "status", "report_version", "final", "signed_off")
HIDDEN_CELL = "[c]"  # as NHS England's publications mark a suppressed cell


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def _rows(month: str, kind: str, area: str, region: str, shown: Mapping[str, Any], which: str, names, extra):
    markers = shown.get("markers", {})
    for name in names:
        if shown.get("missing"):
            value, status = "", MISSING
        elif name in markers:
            value, status = ("" if markers[name] != "suppressed" else HIDDEN_CELL), markers[name]
        elif name not in shown["figures"]:
            continue  # a statistic whose base is 0, or a figure this area's reports do not have
        else:
            value = shown["figures"][name]
            status = "exact" if which == EXACT or kind == ENGLAND else "published"
        yield [month, kind, area, region, name, value, status, *extra]


def monthly_return_csv(month: str, shown: Mapping[str, Any], which: str) -> str:
    """`shown` is national.view(...) of the month's reports."""
    names = sorted({n for area in [*shown["hubs"], *shown["regions"], shown["england"]] for n in area["figures"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for hub in shown["hubs"]:
        extra = [hub.get("report_version"), _flag(hub.get("final")), _flag(hub.get("signed_off"))]
        writer.writerows(_rows(month, "hub", hub["hub_id"], hub["region"], hub, which, sorted(hub["figures"]), extra))
    for region in shown["regions"]:
        writer.writerows(_rows(month, "region", region["region"], region["region"], region, which, names, ["", "", ""]))
    writer.writerows(_rows(month, ENGLAND, ENGLAND, "", shown["england"], which, names, ["", "", ""]))
    return out.getvalue()
