"""Marking periods to compute again, against real PostgreSQL and the SQLite of local runs:
a mark made while a computation runs is never lost; and a whole cycle on SQLite."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hubs.contracts import new_envelope, parse_envelope
from hubs.reporting.adapters.orm import outbox
from hubs.reporting.bootstrap import DEFINITION
from hubs.reporting.domain.dataset import DatasetRules
from hubs.reporting.service_layer.handlers import ReportCycle, hub_event_handlers
from hubs.runtime.migrations import upgrade
from hubs.runtime.settings import Settings

pytestmark = pytest.mark.integration

OCTOBER, NOVEMBER = ("month", "2026-10"), ("month", "2026-11")


def mark(uow_factory, *periods) -> None:
    with uow_factory() as uow:
        uow.figures.mark_stale(periods)
        uow.commit()


def still_stale(uow_factory) -> list:
    with uow_factory() as uow:
        return [(s.period_type, s.period) for s in uow.figures.stale()]


def test_an_event_during_a_computation_leaves_its_period_stale_in_postgresql(run_service):
    uow_factory = run_service(DEFINITION).wiring.uow_factory
    mark(uow_factory, OCTOBER, NOVEMBER)
    with uow_factory() as computing:
        read = computing.figures.stale()  # claims the periods: another replica skips them
        assert still_stale(uow_factory) == []
        event = threading.Thread(target=mark, args=(uow_factory, OCTOBER))
        event.start()
        event.join(timeout=5)
        assert not event.is_alive()  # marking a period being computed does not wait for it
        computing.figures.fresh(read)
        computing.commit()
    assert still_stale(uow_factory) == [OCTOBER]


def test_a_period_marked_again_after_it_was_read_stays_stale_in_sqlite(tmp_path):
    settings = Settings(service="reporting", database_url=f"sqlite:///{tmp_path / 'reporting.db'}")
    upgrade(settings, DEFINITION.migrations_dir)
    wiring = DEFINITION.bootstrap(settings)
    uow_factory = wiring.uow_factory
    try:
        mark(uow_factory, OCTOBER, NOVEMBER)
        with uow_factory() as uow:
            read = uow.figures.stale()
        mark(uow_factory, OCTOBER)
        with uow_factory() as uow:
            uow.figures.fresh(read)
            uow.commit()
        assert still_stale(uow_factory) == [OCTOBER]
    finally:
        wiring.engine.dispose()


def test_a_hub_on_sqlite_builds_its_figures_and_queues_its_report(tmp_path):
    settings = Settings(service="reporting", database_url=f"sqlite:///{tmp_path / 'reporting.db'}")
    upgrade(settings, DEFINITION.migrations_dir)
    wiring = DEFINITION.bootstrap(settings)
    try:
        now = datetime(2026, 11, 26, 12, tzinfo=UTC)
        handlers = hub_event_handlers(lambda: now)
        for _ in range(9):
            case_id = str(uuid.uuid4())
            data = {"referral_id": case_id, "received_at": "2026-10-05T09:00:00+00:00", "source": "self",
                    "urgency": "routine"}  # fmt: skip
            envelope = new_envelope("ReferralReceived", data, hub_id="demo-hub", producer="t", case_id=case_id)
            with wiring.uow_factory() as uow:
                handlers["ReferralReceived"](parse_envelope(json.loads(json.dumps(envelope))), uow)
                uow.commit()
        ReportCycle(wiring.uow_factory, DatasetRules(), lambda: now)()
        with wiring.uow_factory() as uow:
            assert uow.figures.figures("month", "2026-10")["self_referrals"] == 9
            payloads = [r.payload for r in uow.session.execute(select(outbox.c.payload)).all()]
        october = [p["data"] for p in payloads if p["data"]["period"] == "2026-10"]
        assert october[0]["figures"]["self_referrals"] == 9 and october[0]["final"] is True
    finally:
        wiring.engine.dispose()
