"""National figures: regions and England, from the reports hubs published and nothing else.

National totals are not suppressed (DOMAIN.md). A total is the sum of the hubs' published
values; where a hub published "*" its cell is not known nationally, so it adds nothing and
the number of such hubs is given beside the total. Percentages are computed again from the
summed numerators and bases; medians and percentiles cannot be added up and are given per
hub only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from hubs.reporting.domain.catalogue import STATISTICS, is_count
from hubs.reporting.domain.dataset import percent
from hubs.reporting.domain.suppression import SUPPRESSED

ENGLAND = "england"


def combine(reports: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The totals of several hubs' reports, with how many hubs hid each figure."""
    totals: Counter = Counter()
    hidden: Counter = Counter()
    hubs = 0
    for report in reports:
        hubs += 1
        for name, value in report["figures"].items():
            if not is_count(name):
                continue
            if value == SUPPRESSED:
                hidden[name] += 1
                totals[name] += 0
            else:
                totals[name] += int(value)
    figures: dict[str, int] = dict(totals)
    for name, stat in STATISTICS.items():
        if stat.numerator is not None and figures.get(stat.base):
            figures[name] = percent(figures.get(stat.numerator, 0), figures[stat.base])
    return {"hubs": hubs, "figures": dict(sorted(figures.items())), "hubs_suppressed": dict(sorted(hidden.items()))}


def compare(reports: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Every region's totals and England's, from the newest report of each hub."""
    by_region: dict[str, list[Mapping[str, Any]]] = {}
    for report in reports:
        by_region.setdefault(report["region"], []).append(report)
    regions = [{"region": region, **combine(rs)} for region, rs in sorted(by_region.items())]
    return {"regions": regions, "england": {"region": ENGLAND, **combine(reports)}}


def series_value(reports: list[Mapping[str, Any]], figure: str) -> int | str | None:
    """One figure for one area and period: the hub's own published value, or the sum over hubs."""
    if len(reports) == 1:
        return reports[0]["figures"].get(figure)
    return combine(reports)["figures"].get(figure)
