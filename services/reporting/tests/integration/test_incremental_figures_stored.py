"""On real PostgreSQL: the totals kept by each case's change of facts, in batches as the
consumer folds them, make the figures the full computation makes from every case."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime

import pytest

from hubs.reporting.bootstrap import DEFINITION
from hubs.reporting.domain.case_facts import LOCAL_TIME
from hubs.reporting.domain.contributions import figures_from_totals
from hubs.reporting.domain.dataset import DatasetRules, period_figures
from hubs.reporting.domain.periods import periods_overlapping
from hubs.reporting.service_layer.handlers import ReportCycle, hub_event_handlers, load_cases_of, refresh_figures
from hubs.reporting.testing import seeded_arrivals

pytestmark = pytest.mark.integration

YEAR_START = date(2025, 10, 1)
UNTIL = datetime(2026, 11, 20, 12, tzinfo=UTC)


def arrivals(seed: int, referrals: int) -> list[dict]:
    return seeded_arrivals(seed, referrals, YEAR_START, UNTIL)


def test_figures_kept_in_postgresql_equal_the_full_computation_for_every_period_of_a_seeded_year(run_service):
    uow_factory = run_service(DEFINITION).wiring.uow_factory
    events = arrivals(2021, referrals=90)
    today = [YEAR_START]
    now = lambda: datetime.combine(today[0], datetime.min.time(), UTC).replace(hour=12)  # noqa: E731
    handlers = hub_event_handlers(now)
    cycle = ReportCycle(uow_factory, DatasetRules(), now, close_every=0)
    rng = random.Random(2021)
    batch: list[dict] = []
    for i, event in enumerate(events):
        if event["event_type"] in handlers:
            batch.append(event)
        if len(batch) >= rng.randint(1, 60) or i == len(events) - 1:
            # One poll's batch in one transaction, as the consumer folds it; the clock moves on.
            today[0] = max(today[0], *(e["occurred_at"].astimezone(LOCAL_TIME).date() for e in batch))
            with uow_factory() as uow:
                load_cases_of(batch, uow)
                for e in batch:
                    handlers[e["event_type"]](e, uow)
                uow.commit()
            batch = []
            if rng.random() < 0.15:
                cycle()
    cycle()

    with uow_factory() as uow:
        kept = uow.totals.kept_periods()
        assert periods_overlapping(YEAR_START, today[0]) <= set(kept)
        cases = list(uow.cases.all_facts().values())
        activities = uow.activities.all()
        totals = uow.totals.totals_of(kept)
        stored = uow.figures.all_figures()
    assert len(kept) > 60
    for period_type, period in sorted(kept):
        full = period_figures(period_type, period, cases, activities, DatasetRules())
        assert figures_from_totals(period_type, period, totals[(period_type, period)], activities) == full
        if (period_type, period) in stored and (period_type, period) in periods_overlapping(YEAR_START, today[0]):
            assert stored[(period_type, period)] == full, (period_type, period)


def test_a_replica_finding_another_computing_totals_leaves_the_periods_stale_for_it(run_service):
    uow_factory = run_service(DEFINITION).wiring.uow_factory
    with uow_factory() as uow:
        uow.figures.mark_stale([("month", "2026-10")])
        uow.commit()
    with uow_factory() as computing:
        assert computing.totals.lock()
        taken: list[int] = []
        other = threading.Thread(target=lambda: taken.append(refresh_figures(uow_factory, DatasetRules())))
        other.start()
        other.join(timeout=10)
        # Not waiting: the other replica goes back to folding events; the period stays stale.
        assert not other.is_alive() and taken == [0]
    other.join()
    assert refresh_figures(uow_factory, DatasetRules()) == 1
    with uow_factory() as uow:
        assert uow.figures.stale() == []
        assert ("month", "2026-10") in uow.totals.kept_periods()


def test_a_replica_folding_a_case_is_not_held_up_by_a_computation_and_its_change_is_counted_next(run_service):
    uow_factory = run_service(DEFINITION).wiring.uow_factory
    now = lambda: datetime(2026, 11, 21, 12, tzinfo=UTC)  # noqa: E731
    handlers = hub_event_handlers(now)
    by_case: dict[str, list[dict]] = {}
    for e in arrivals(2022, referrals=30):
        if e["case_id"] is not None and e["event_type"] in handlers:
            by_case.setdefault(str(e["case_id"]), []).append(e)
    case_id, events = max(by_case.items(), key=lambda item: len(item[1]))
    events = sorted({e["event_id"]: e for e in events}.values(), key=lambda e: e["occurred_at"])

    def fold(batch: list[dict]) -> None:
        with uow_factory() as uow:
            load_cases_of(batch, uow)
            for e in batch:
                handlers[e["event_type"]](e, uow)
            uow.commit()

    fold(events[:1])
    ReportCycle(uow_factory, DatasetRules(), now, close_every=0)()  # its periods kept, the case counted
    fold(events[1:2])
    with uow_factory() as computing:
        [(changed_case, _, read)] = computing.cases.changed_since_counted()
        other = threading.Thread(target=fold, args=(events[2:],))
        other.start()
        other.join(timeout=20)
        assert not other.is_alive()  # the other replica's fold went through while this one computes
        computing.cases.counted([(changed_case, read)])
        computing.commit()
    assert changed_case == case_id
    with uow_factory() as uow:
        [(_, counted, facts)] = uow.cases.changed_since_counted()
    assert counted == read and facts != read  # the rest of the change is counted next

    ReportCycle(uow_factory, DatasetRules(), now, close_every=0)()
    with uow_factory() as uow:
        kept = uow.totals.kept_periods()
        totals = uow.totals.totals_of(kept)
        cases = list(uow.cases.all_facts().values())
        activities = uow.activities.all()
    assert kept
    for period_type, period in sorted(kept):
        full = period_figures(period_type, period, cases, activities, DatasetRules())
        assert figures_from_totals(period_type, period, totals[(period_type, period)], activities) == full


def test_a_cycle_computing_every_period_of_a_year_writes_each_kind_of_row_in_one_statement(run_service):
    from sqlalchemy import event

    wiring = run_service(DEFINITION).wiring
    events = arrivals(2022, referrals=60)
    now = lambda: UNTIL  # noqa: E731
    handlers = hub_event_handlers(now)
    wanted = [e for e in events if e["event_type"] in handlers]
    with wiring.uow_factory() as uow:
        load_cases_of(wanted, uow)
        for e in wanted:
            handlers[e["event_type"]](e, uow)
        uow.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    event.listen(wiring.engine, "before_cursor_execute", count)
    try:
        ReportCycle(wiring.uow_factory, DatasetRules(), now, close_every=0)()
    finally:
        event.remove(wiring.engine, "before_cursor_execute", count)
    with wiring.uow_factory() as uow:
        periods = len(uow.totals.kept_periods())
        assert not uow.figures.stale()
    assert periods > 60
    # Periods kept, figures written, reports due and sent, periods made fresh: a statement each
    # per transaction, not one per period.
    assert statements.count("INSERT") + statements.count("UPDATE") + statements.count("DELETE") < periods / 4
