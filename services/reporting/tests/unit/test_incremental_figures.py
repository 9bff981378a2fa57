"""A period's figures kept up to date by each case's change of facts are the figures computed
again from every case of the period, figure by figure, for every period type."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.contributions import case_contribution, change_of_facts, figures_from_totals
from hubs.reporting.domain.dataset import DatasetRules, period_figures
from hubs.reporting.domain.periods import PERIOD_TYPES, periods_overlapping
from hubs.reporting.service_layer import handlers
from hubs.reporting.service_layer.handlers import ReportCycle
from hubs.reporting.testing import seeded_arrivals

YEAR_START = date(2025, 10, 1)
UNTIL = datetime(2026, 11, 20, 12, tzinfo=UTC)


def arrivals(seed: int, referrals: int) -> list[dict]:
    return seeded_arrivals(seed, referrals, YEAR_START, UNTIL)


def reference(hub, period_type: str, period: str) -> dict[str, int]:
    """The period's figures computed again from every case and activity."""
    cases = list(hub.uow.cases.all_facts().values())
    return period_figures(period_type, period, cases, hub.uow.activities.all(), DatasetRules())


def kept_figures(hub, period_type: str, period: str) -> dict[str, int]:
    totals = hub.uow.totals.totals(period_type, period)
    return figures_from_totals(period_type, period, totals, hub.uow.activities.all())


def assert_kept_figures_are_the_full_computation(hub, today: date) -> int:
    kept = hub.uow.totals.kept_periods()
    every_period = periods_overlapping(YEAR_START, today)
    assert every_period <= set(kept), "every period up to today is kept"
    for period_type, period in sorted(kept):
        full = reference(hub, period_type, period)
        incremental = kept_figures(hub, period_type, period)
        assert incremental == full, (period_type, period, {
            name: (incremental.get(name), full.get(name))
            for name in set(full) | set(incremental)
            if incremental.get(name) != full.get(name)
        })  # fmt: skip
    return len(kept)


@pytest.mark.parametrize("seed", [2020, 7])
def test_figures_kept_by_each_case_change_equal_the_full_computation_over_a_seeded_year(make_hub, seed):
    events = arrivals(seed, referrals=120)
    hub = make_hub(YEAR_START)
    rng = random.Random(seed)
    checks = 0
    for i, event in enumerate(events):
        if event["event_type"] not in hub.handlers:
            continue  # events the figures leave out on purpose
        # The hub's clock moves on with its events: new periods begin, open waits run into them.
        hub.today = max(hub.today, event["occurred_at"].astimezone(LOCAL_TIME).date())
        hub.handlers[event["event_type"]](event, hub.uow)
        if rng.random() < 12 / len(events):  # now and then, as a busy consumer does
            hub.cycle()
        if i in (len(events) // 3, 2 * len(events) // 3):
            hub.cycle()
            checks += assert_kept_figures_are_the_full_computation(hub, hub.today)
    hub.cycle()
    checks += assert_kept_figures_are_the_full_computation(hub, hub.today)
    assert checks > 3 * 60  # weeks, months, quarters and years, three times over
    assert {pt for pt, _ in hub.uow.totals.kept_periods()} == set(PERIOD_TYPES)
    # The figures a report carries are those of the full computation, for every period computed.
    hub.uow.figures.mark_stale(set(hub.uow.figures.all_figures()) & periods_overlapping(YEAR_START, hub.today))
    hub.cycle()
    for (period_type, period), stored in hub.uow.figures.all_figures().items():
        assert stored == reference(hub, period_type, period), (period_type, period)


def test_a_change_of_facts_moves_a_case_from_one_period_to_another(hub, case):
    # A referral told with the wrong month and then an earlier one: the case counts once, in October.
    c = case().referred("2026-11-03T09:00:00+00:00")
    assert hub.figures("month", "2026-11")["referrals_received"] == 1
    c.referred("2026-10-05T09:00:00+00:00")
    hub.cycle()
    assert hub.uow.totals.totals("month", "2026-11")["referrals_received"] == 0
    assert hub.figures("month", "2026-11")["referrals_received"] == 0
    assert hub.figures("month", "2026-10")["referrals_received"] == 1


def test_an_event_moving_a_case_out_of_a_period_marks_that_period_stale(hub, case):
    # The days the case named before the event count as much as the days it names after it.
    c = case().referred("2026-11-03T09:00:00+00:00")
    hub.cycle()
    assert hub.uow.figures.stale() == []
    c.referred("2026-10-05T09:00:00+00:00")
    stale = {(s.period_type, s.period) for s in hub.uow.figures.stale()}
    assert {("month", "2026-10"), ("month", "2026-11")} <= stale


def test_a_wait_still_open_counts_in_every_later_period_until_treatment_starts(hub, case):
    c = case().referred("2026-09-01T09:00:00+00:00").referred_on("2026-09-02")
    assert hub.figures("month", "2026-10")["staff_waiting_for_treatment"] == 1
    assert hub.figures("month", "2026-10")["onward_referrals_waiting.median_days"] == 59
    c.treatment_started("2026-09-20")
    assert hub.figures("month", "2026-10")["staff_waiting_for_treatment"] == 0
    assert "onward_referrals_waiting.median_days" not in hub.figures("month", "2026-10")
    assert hub.figures("month", "2026-09")["treatment_waits.median_days"] == 18


def test_the_change_of_a_case_is_its_new_contribution_less_its_old():
    rules = DatasetRules()
    before = {"referral": {"received_at": "2026-10-05T09:00:00+00:00", "source": "self", "urgency": "routine"}}
    after = {"referral": {**before["referral"], "received_at": "2026-11-03T09:00:00+00:00"}}
    periods = {("month", "2026-10"): (date(2026, 10, 1), date(2026, 10, 31))}
    periods[("month", "2026-11")] = (date(2026, 11, 1), date(2026, 11, 30))
    changes = change_of_facts(before, after, periods, rules)
    assert changes[("month", "2026-10")]["referrals_received"] == -1
    assert changes[("month", "2026-11")]["referrals_received"] == 1
    assert changes[("month", "2026-11")] == case_contribution(after, "month", "2026-11", rules)
    assert change_of_facts(after, after, periods, rules) == {}


def test_while_a_backlog_is_worked_off_a_long_cycle_waits_six_times_as_long_as_it_took(make_hub, monkeypatch):
    # A cycle counts each case changed since the last: the longer the wait, the fewer times a case is counted.
    hub = make_hub(date(2026, 10, 10))
    clock = {"now": 100.0}
    computing = ReportCycle(lambda: hub.uow, DatasetRules(), hub.now, close_every=0, monotonic=lambda: clock["now"])
    cycles = []

    def ten_seconds_of_computing(*args, **kwargs):
        cycles.append(clock["now"])
        clock["now"] += 10.0
        return 0

    monkeypatch.setattr(handlers, "refresh_figures", ten_seconds_of_computing)
    clock["now"] += 30.0  # the backlog interval (30 s) since the start
    computing.after_batch(caught_up=False)  # 130 to 140
    clock["now"] += 59.9
    computing.after_batch(caught_up=False)
    assert len(cycles) == 1
    clock["now"] += 0.1  # 200: sixty seconds after the end
    computing.after_batch(caught_up=False)
    assert cycles == [130.0, 200.0]
