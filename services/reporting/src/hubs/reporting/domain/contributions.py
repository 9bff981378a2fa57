"""A period's figures kept up to date by each case's change of facts.

What a case adds to a period (its contribution) is the same computation as the full one
(`dataset.period_figures`), for that case alone: its counts, and the values of the medians and
percentiles it brings (times to first contact, waits), each kept as "this value, once". A
period's totals are the sum of its cases' contributions; when a case's facts change, the
period's totals change by the difference (the new contribution less the old). The figures are
then made from the totals and the period's activities as the full computation makes them, so
the two agree figure by figure; the full one stays for periods not kept yet and for rebuilds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from hubs.reporting.domain import catalogue as cat
from hubs.reporting.domain import dataset as ds
from hubs.reporting.domain.activities import Activity
from hubs.reporting.domain.case_facts import CaseFacts, case_days, has_open_state
from hubs.reporting.domain.periods import Period

Totals = Counter  # item -> count; a value of a median is the item "<values>|<value>"
SAMPLE = "|"
# The value lists of the medians and percentiles, by the name a contribution keeps them under.
_TIMES = {kind: f"time_to_first_contact.{kind}" for kind in cat.TIME_KINDS}
_WAITS = {"waiting": "onward_referrals_waiting", "treatment": "treatment_waits"}


@lru_cache(maxsize=4096)
def _period(period_type: str, period: str) -> ds._Period:
    return ds._Period(period_type, period)


class CaseSpan:
    """The days a case's facts span, as the full computation picks the cases of a period."""

    __slots__ = ("facts", "first_day", "last_day", "open_wait")

    def __init__(self, facts: CaseFacts | None, first_day: date | None = None, last_day: date | None = None):
        self.facts = facts or {}
        self.open_wait = has_open_state(self.facts)
        try:
            days = case_days(self.facts)
        except (ValueError, OverflowError):
            # Facts kept by an older version that the figures cannot read: the days stored with
            # them, or else every period (each period they count in is then quarantined).
            self.first_day, self.last_day = first_day or date.min, last_day or date.max
            return
        self.first_day = days[0] if days else None
        self.last_day = days[-1] if days else None

    def counts_in(self, first: date, last: date) -> bool:
        """True when the full computation of a period from `first` to `last` reads this case."""
        if self.first_day is None:
            return False
        return self.first_day <= last and (self.last_day >= first or self.open_wait)


def case_contribution(case: CaseFacts, period_type: str, period: str, rules: ds.DatasetRules) -> Totals:
    """What one case adds to a period's totals."""
    p = _period(period_type, period)
    counted: Counter = Counter()
    times: dict[str, list[int]] = {kind: [] for kind in cat.TIME_KINDS}
    waits: dict[str, list[int]] = {"waiting": [], "treatment": []}
    ds._referral(counted, case, p)
    ds._first_contact(counted, times, case, p, rules)
    ds._assessment(counted, case, p)
    ds._care(counted, waits, case, p)
    ds._monitoring(counted, case, p)
    ds._clinical_outcomes(counted, case, p)
    for kind, values in times.items():
        counted.update(f"{_TIMES[kind]}{SAMPLE}{v}" for v in values)
    for kind, values in waits.items():
        counted.update(f"{_WAITS[kind]}{SAMPLE}{v}" for v in values)
    return Counter({k: int(v) for k, v in counted.items() if v})


def change_of_facts(
    before: CaseFacts | None,
    after: CaseFacts | None,
    periods: dict[Period, tuple[date, date]],
    rules: ds.DatasetRules,
) -> dict[Period, Totals]:
    """How the totals of each kept period change when a case's facts change from `before` to
    `after`: the new contribution less the old, for the periods either of them counts in."""
    if before == after:
        return {}  # told again: nothing changed
    old, new = CaseSpan(before), CaseSpan(after)
    changes: dict[Period, Totals] = {}
    for (period_type, period), (first, last) in periods.items():
        was, now = old.counts_in(first, last), new.counts_in(first, last)
        if not (was or now):
            continue
        change = case_contribution(new.facts, period_type, period, rules) if now else Counter()
        if was:
            change.subtract(case_contribution(old.facts, period_type, period, rules))
        change = Counter({k: v for k, v in change.items() if v})
        if change:
            changes[(period_type, period)] = change
    return changes


def period_totals(period_type: str, period: str, cases: Iterable[CaseFacts], rules: ds.DatasetRules) -> Totals:
    """A period's totals from every case it counts (the full computation, summed by case)."""
    totals: Counter = Counter()
    for case in cases:
        totals.update(case_contribution(case, period_type, period, rules))
    return totals


def figures_from_totals(
    period_type: str, period: str, totals: Totals, activities: Iterable[Activity]
) -> dict[str, int]:
    """Every figure of the period from its totals and its activities, as `period_figures` makes them."""
    p = _period(period_type, period)
    counted: Counter = Counter()
    times: dict[str, list[int]] = {kind: [] for kind in cat.TIME_KINDS}
    waits: dict[str, list[int]] = {"waiting": [], "treatment": []}
    lists = {**{name: times[k] for k, name in _TIMES.items()}, **{name: waits[k] for k, name in _WAITS.items()}}
    for item, count in totals.items():
        if not count:
            continue
        if SAMPLE in item:
            name, value = item.split(SAMPLE)
            lists[name].extend([int(value)] * count)
        else:
            counted[item] += count
    days_lost: list[float] = []
    for activity in activities:
        ds._activity(counted, days_lost, activity, p.first, p.last)
    counted["sickness_absence.days_lost_mental_health"] = int(sum(days_lost) + 0.5)
    figures = dict.fromkeys(cat.COUNTS, 0)
    figures.update((name, int(value)) for name, value in counted.items())
    ds._statistics(figures, times, waits)
    return dict(sorted(figures.items()))
