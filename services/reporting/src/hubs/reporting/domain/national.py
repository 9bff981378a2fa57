"""National figures: hubs, regions and England, from the reports hubs sent, and statistical
disclosure control where they are published (DOMAIN.md, "Small numbers").

Hubs send exact counts (`figures_exact`). Two views are made of them:

- **exact** (national analysts only, every read audited): every hub's figures as sent, and
  regions' and England's totals as their exact sums;
- **published** (everyone else, and files marked for publication): hub and region counts with
  primary suppression (0 stays 0, 1 to 7 hidden, others rounded to 5) and secondary
  suppression (no hidden cell recoverable by subtracting published ones, across the figures of
  an area and across the hubs of a region and the regions of England); England's totals exact.

A hidden cell is `None` in `figures` with its reason in `markers` (never 0): `suppressed`
(hidden here), or `suppressed-by-hub` (a hub of the earlier format sent "*": the cell, and
every total it belongs to, is not known). A region without any report for the period is
`missing`. Percentages are computed again from the summed numerators and bases; medians and
percentiles are per hub only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from hubs.contracts import codes
from hubs.reporting.domain.catalogue import GROUPS, STATISTICS, is_count
from hubs.reporting.domain.dataset import percent
from hubs.reporting.domain.suppression import SUPPRESSED, protect, statistic

ENGLAND = "england"
REGIONS = tuple(r.value for r in codes.Region)
EXACT, PUBLISHED = "exact", "published"
VIEWS = (EXACT, PUBLISHED)

HIDDEN = "suppressed"  # hidden by disclosure control where published
HIDDEN_BY_HUB = "suppressed-by-hub"  # a hub of the earlier format sent "*"
MISSING = "missing"  # no report for the period


def _is_exact(report: Mapping[str, Any]) -> bool:
    return bool(report.get("figures_exact"))


def _sum(reports: list[Mapping[str, Any]]) -> tuple[dict[str, int | None], dict[str, int], bool]:
    """Exact totals of the counts; a count some hub sent as "*" is not known (None)."""
    totals: Counter = Counter()
    hidden: Counter = Counter()
    for report in reports:
        for name, value in report["figures"].items():
            if not is_count(name):
                continue
            if value == SUPPRESSED:
                hidden[name] += 1
            else:
                totals[name] += int(value)
    figures: dict[str, int | None] = {name: None if hidden[name] else totals[name] for name in {*totals, *hidden}}
    return figures, dict(sorted(hidden.items())), all(_is_exact(r) for r in reports)


def _with_percentages(figures: dict[str, int | None]) -> dict[str, int | None]:
    for name, stat in STATISTICS.items():
        if stat.numerator is None:
            continue
        base, numerator = figures.get(stat.base), figures.get(stat.numerator)
        if base and numerator is not None:
            figures[name] = percent(numerator, base)
    return figures


def _cells(figures: Mapping[str, Any]) -> tuple[dict[str, int | None], dict[str, str]]:
    """A report's figures as shown: "*" becomes None with its marker."""
    shown = {name: None if v == SUPPRESSED else v for name, v in figures.items()}
    return dict(sorted(shown.items())), {name: HIDDEN_BY_HUB for name, v in sorted(figures.items()) if v == SUPPRESSED}


def _hub(report: Mapping[str, Any], figures: Mapping[str, Any], markers: Mapping[str, str]) -> dict[str, Any]:
    keep = ("hub_id", "region", "report_version", "final", "signed_off", "received_at")
    return {
        **{k: report.get(k) for k in keep},
        "figures_exact": _is_exact(report),
        "figures": dict(sorted(figures.items())),
        "markers": dict(sorted(markers.items())),
    }


def _area(
    region: str, hubs: int, figures: Mapping[str, Any], markers: Mapping[str, str], hidden: Mapping[str, int], exact
) -> dict[str, Any]:
    return {
        "region": region,
        "hubs": hubs,
        "missing": hubs == 0,
        "figures_exact": exact,
        "figures": dict(sorted(figures.items())),
        "markers": dict(sorted(markers.items())),
        "hubs_suppressed": dict(hidden),
    }


def _by_region(reports: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    by_region: dict[str, list[Mapping[str, Any]]] = {region: [] for region in REGIONS}
    for report in reports:
        by_region.setdefault(report["region"], []).append(report)
    return by_region


def exact_view(reports: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Every hub's figures as sent and every region's and England's exact totals."""
    hubs = [_hub(r, *_cells(r["figures"])) for r in reports]
    regions = []
    for region, rs in _by_region(reports).items():
        figures, hidden, exact = _sum(rs)
        figures = _with_percentages(figures) if rs else {}
        regions.append(_area(region, len(rs), figures, _unknown(figures), hidden, exact))
    figures, hidden, exact = _sum(reports)
    england = _area(ENGLAND, len(reports), _with_percentages(figures), _unknown(figures), hidden, exact)
    return {"hubs": hubs, "regions": regions, "england": england}


def _unknown(figures: Mapping[str, Any]) -> dict[str, str]:
    return {name: HIDDEN_BY_HUB for name, v in figures.items() if v is None}


def published_view(reports: list[Mapping[str, Any]]) -> dict[str, Any]:
    """What may be published: hub and region cells suppressed (primary and secondary), England exact."""
    by_region = _by_region(reports)
    values: dict[tuple[str, str], int] = {}  # (area, figure): exact count, for the rules
    fixed: dict[tuple[str, str], Any] = {}  # cells shown as they are: England, earlier-format hubs
    names: set[str] = set()
    area_sums: dict[str, tuple[dict[str, int | None], dict[str, int], bool]] = {}
    for region, rs in by_region.items():
        area_sums[region] = _sum(rs)
    area_sums[ENGLAND] = _sum(reports)
    for report in reports:
        hub = f"hub:{report['hub_id']}"
        for name, value in report["figures"].items():
            if not is_count(name):
                continue
            names.add(name)
            values[(hub, name)] = 0 if value == SUPPRESSED else int(value)
            if not _is_exact(report):
                fixed[(hub, name)] = value  # already published by the hub in the earlier format
    for area, (figures, _, _) in area_sums.items():
        if area != ENGLAND and not by_region.get(area):
            continue
        for name, value in figures.items():
            values[(area, name)] = value or 0
            if value is None:
                fixed[(area, name)] = SUPPRESSED  # not known: a hub sent "*"
            elif area == ENGLAND:
                fixed[(area, name)] = value  # England's totals are exact (DOMAIN.md)
    groups: list[tuple[Any, list[Any]]] = []
    areas = [f"hub:{r['hub_id']}" for r in reports] + [region for region, rs in by_region.items() if rs] + [ENGLAND]
    for area in areas:
        groups += [((area, total), [(area, c) for c in cells]) for total, cells in GROUPS]
    for name in names:
        for region, rs in by_region.items():
            if rs:
                groups.append(((region, name), [(f"hub:{r['hub_id']}", name) for r in rs]))
        groups.append(((ENGLAND, name), [(region, name) for region, rs in by_region.items() if rs]))
    published = protect(values, groups, fixed)

    def shown(area: str, counts: Mapping[str, Any], own_values: Mapping[str, int], stats: Mapping[str, Any]):
        area_published = {name: published[(area, name)] for name in counts if (area, name) in published}
        figures: dict[str, Any] = {}
        markers: dict[str, str] = {}
        for name, value in area_published.items():
            if value == SUPPRESSED:
                figures[name], markers[name] = None, HIDDEN_BY_HUB if (area, name) in fixed else HIDDEN
            else:
                figures[name] = value
        for name, value in stats.items():
            if value == SUPPRESSED or value is None:
                figures[name], markers[name] = None, HIDDEN_BY_HUB
            elif area == ENGLAND:
                figures[name] = value
            elif statistic(name, value, own_values, area_published) == SUPPRESSED:
                figures[name], markers[name] = None, HIDDEN
            else:
                figures[name] = value
        return figures, markers

    hubs = []
    for report in reports:
        area = f"hub:{report['hub_id']}"
        counts = {n: v for n, v in report["figures"].items() if is_count(n)}
        stats = {n: v for n, v in report["figures"].items() if not is_count(n)}
        if not _is_exact(report):
            hubs.append(_hub(report, *_cells(report["figures"])))  # as the hub published it
            continue
        hubs.append(_hub(report, *shown(area, counts, counts, stats)))
    result_areas = []
    for area in [*by_region, ENGLAND]:
        rs = reports if area == ENGLAND else by_region[area]
        sums, hidden, exact = area_sums[area]
        if not rs:
            result_areas.append(_area(area, 0, {}, {}, hidden, exact))
            continue
        known = {n: v for n, v in sums.items() if v is not None}
        stats = {n: v for n, v in _with_percentages(dict(sums)).items() if not is_count(n)}
        figures, markers = shown(area, sums, known, stats)
        result_areas.append(_area(area, len(rs), figures, markers, hidden, exact))
    return {"hubs": hubs, "regions": result_areas[:-1], "england": result_areas[-1]}


def view(reports: list[Mapping[str, Any]], which: str) -> dict[str, Any]:
    return exact_view(reports) if which == EXACT else published_view(reports)


def series_point(period: str, reports: list[Mapping[str, Any]], which: str, figure: str, hubs_seen, regions_seen):
    """One figure for one period: England, every region and every hub seen in the series; a
    hub or region without a report for the period is missing (None), never 0."""
    if not reports:
        return {
            "period": period,
            "england": None,
            "regions": dict.fromkeys(regions_seen),
            "hubs": dict.fromkeys(hubs_seen),
            "markers": {"england": MISSING, "regions": dict.fromkeys(regions_seen, MISSING),
                        "hubs": dict.fromkeys(hubs_seen, MISSING)},
        }  # fmt: skip
    shown = view(reports, which)
    regions = {a["region"]: a for a in shown["regions"]}
    hubs = {h["hub_id"]: h for h in shown["hubs"]}
    markers: dict[str, Any] = {"regions": {}, "hubs": {}}

    def cell(area: Mapping[str, Any] | None, kind: str, key: str):
        if area is None or area.get("missing"):
            markers[kind][key] = MISSING
            return None
        value = area["figures"].get(figure)
        if figure in area.get("markers", {}):
            markers[kind][key] = area["markers"][figure]
        return value

    point = {
        "period": period,
        "regions": {r: cell(regions.get(r), "regions", r) for r in regions_seen},
        "hubs": {h: cell(hubs.get(h), "hubs", h) for h in hubs_seen},
    }
    england = shown["england"]
    point["england"] = england["figures"].get(figure)
    if figure in england["markers"]:
        markers["england"] = england["markers"][figure]
    point["markers"] = markers
    return point
