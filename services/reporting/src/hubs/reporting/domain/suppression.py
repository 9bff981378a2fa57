"""Small-number suppression wherever figures below national level are published (NHS England
statistical disclosure control, as for HES): 0 stays 0, 1 to 7 become "*", any other count is
rounded to the nearest 5. Hubs send exact counts; the national service applies these rules to
every output but the national analysts' exact figures (`domain/national.py`).

Secondary suppression: wherever counts add up to a published total (catalogue.GROUPS), a
group with exactly one hidden member would give it away by subtraction. So the smallest
non-zero visible cell of that group is hidden too (the total if no cell qualifies; where the
total is published exactly, as England's are, a visible zero cell, so that the hidden cell is
one of two), and this is repeated until every group has no hidden member or at least two; cells belong to several
groups (a demographic cell, a total that is a cell of a larger total), hence the repetition.

Statistics: a median or percentile over a base of 1 to 7 becomes "*". A percentage also
becomes "*" when its numerator or base is hidden, or when the numerator or the rest of the
base is 1 to 7, since the percentage and its base would give the small count back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def _secondary(values: Mapping[Any, int], published: dict[Any, Published], groups, fixed=frozenset()) -> None:
    """Hide more cells until no group has exactly one hidden member. Cells in `fixed` keep
    their published value (England's exact totals, what a hub published itself)."""
    changed = True
    while changed:
        changed = False
        for total, cells in groups:
            members = [total, *cells]
            if any(m not in published for m in members):
                continue
            if sum(published[m] == SUPPRESSED for m in members) != 1:
                continue
            visible = [c for c in cells if published[c] != SUPPRESSED and c not in fixed]
            nonzero = [c for c in visible if values[c] > 0]
            if nonzero:
                chosen = min(nonzero, key=lambda c: (values[c], c))
            elif total not in fixed and published[total] != SUPPRESSED:
                chosen = total
            elif visible:
                # The total less visible zeros would give the hidden cell away, or the zeros
                # would give away a hidden total (which then gives away a cell of a larger
                # total): a zero is hidden too.
                chosen = min(visible)
            else:
                continue
            published[chosen] = SUPPRESSED
            changed = True


def protect(values: Mapping[Any, int], groups, fixed: Mapping[Any, Published] | None = None) -> dict[Any, Published]:
    """Primary and secondary suppression of a table of counts keyed by anything (for example
    (area, figure)); the cells in `fixed` are published as given and never hidden by the rules."""
    fixed = dict(fixed or {})
    published: dict[Any, Published] = {k: fixed[k] if k in fixed else suppress(v) for k, v in values.items()}
    _secondary(values, published, groups, fixed.keys())
    return published


def statistic(name: str, value: int, values: Mapping[str, int], published: Mapping[str, Published]) -> Published:
    """The publishable form of a statistic, given the counts it rests on and how they are published."""
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
            published[name] = statistic(name, value, figures, published)
    return dict(sorted(published.items()))
