"""Small-number suppression for every figure that leaves a hub (NHS England statistical
disclosure control, as for HES): 0 stays 0, 1 to 7 become "*", any other count is
rounded to the nearest 5.

Secondary suppression: wherever counts add up to a published total (catalogue.GROUPS), a
group with exactly one hidden member would give it away by subtraction. So the smallest
non-zero visible cell of that group is hidden too (the total if no cell qualifies), and this
is repeated until every group has no hidden member or at least two; cells belong to several
groups (a demographic cell, a total that is a cell of a larger total), hence the repetition.

Statistics: a median or percentile over a base of 1 to 7 becomes "*". A percentage also
becomes "*" when its numerator or base is hidden, or when the numerator or the rest of the
base is 1 to 7, since the percentage and its base would give the small count back."""

from __future__ import annotations

from collections.abc import Mapping

from hubs.reporting.domain.catalogue import GROUPS, STATISTICS, is_count

SUPPRESSED = "*"
SMALL = range(1, 8)

Published = int | str


def suppress(count: int) -> Published:
    """The publishable form of a count below national level."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return 0
    if count <= 7:
        return SUPPRESSED
    return 5 * ((count + 2) // 5)  # nearest 5, halves (x.5) rounded up


def _secondary(values: Mapping[str, int], published: dict[str, Published], groups) -> None:
    changed = True
    while changed:
        changed = False
        for total, cells in groups:
            members = [total, *cells]
            if any(m not in published for m in members):
                continue
            if sum(published[m] == SUPPRESSED for m in members) != 1:
                continue
            visible = [c for c in cells if published[c] != SUPPRESSED and values[c] > 0]
            chosen = min(visible, key=lambda c: (values[c], c)) if visible else total
            if published[chosen] == SUPPRESSED:
                continue  # the hidden total of cells that are all 0: nothing to give away
            published[chosen] = SUPPRESSED
            changed = True


def _statistic(name: str, value: int, values: Mapping[str, int], published: Mapping[str, Published]) -> Published:
    stat = STATISTICS.get(name)
    if stat is None:
        return SUPPRESSED  # a statistic without a known base cannot be checked, so it does not leave
    base = values.get(stat.base, 0)
    if base in SMALL or published.get(stat.base) == SUPPRESSED:
        return SUPPRESSED
    if stat.numerator is not None:
        numerator = values.get(stat.numerator, 0)
        if published.get(stat.numerator) == SUPPRESSED or numerator in SMALL or base - numerator in SMALL:
            return SUPPRESSED
    return value


def suppress_all(figures: Mapping[str, int], groups=GROUPS) -> dict[str, Published]:
    """The publishable form of a period's figures: primary, secondary and statistics rules."""
    published: dict[str, Published] = {name: suppress(v) for name, v in figures.items() if is_count(name)}
    _secondary(figures, published, groups)
    for name, value in figures.items():
        if not is_count(name):
            published[name] = _statistic(name, value, figures, published)
    return dict(sorted(published.items()))
