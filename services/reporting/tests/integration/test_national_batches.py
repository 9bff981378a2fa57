"""The national worker keeps a poll's batch of hubs' reports in a fixed number of statements
(the versions kept read in one, the reports stored in one), and the newest version still wins:
a replica that stored a newer version meanwhile is never overwritten by an older one."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event

from hubs.contracts.codes import Region
from hubs.reporting.bootstrap import DEFINITION
from hubs.reporting.service_layer.handlers import keep_hub_report, load_reports_of

pytestmark = pytest.mark.integration


def report(hub_id: str, month: str, version: int) -> dict:
    data = {
        "hub_id": hub_id,
        "region": Region.LONDON,
        "period_type": "month",
        "period": month,
        "report_version": version,
        "figures": {"referrals_received": version},
        "figures_exact": True,
        "final": False,
        "signed_off": False,
    }
    return {"event_id": uuid.uuid4(), "event_type": "HubPeriodReport", "hub_id": hub_id, "data": data}


def kept(uow_factory) -> dict:
    with uow_factory() as uow:
        return {(r["hub_id"], r["period"]): r["report_version"] for r in uow.national.for_periods("month", "0", "9")}


def test_a_batch_of_reports_is_kept_in_two_statements_and_the_newest_version_wins(run_service):
    wiring = run_service(DEFINITION).wiring
    hubs = [f"hub-{n}" for n in range(5)]
    batch = [report(h, f"2026-{m:02d}", v) for h in hubs for m in (4, 5, 6) for v in (2, 1, 3)]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(wiring.engine, "before_cursor_execute", listener)
    try:
        with wiring.uow_factory() as uow:
            load_reports_of(batch, uow)
            for envelope in batch:
                keep_hub_report(envelope, uow)
            uow.commit()
    finally:
        event.remove(wiring.engine, "before_cursor_execute", listener)
    touching = [s for s in statements if "national_reports" in s]
    assert len(touching) == 2, touching  # 45 reports: one read, one write
    assert kept(wiring.uow_factory) == {(h, f"2026-{m:02d}"): 3 for h in hubs for m in (4, 5, 6)}


def test_a_newer_version_a_replica_stored_meanwhile_is_not_overwritten(run_service):
    uow_factory = run_service(DEFINITION).wiring.uow_factory
    older, newer = report("hub-a", "2026-04", 3), report("hub-a", "2026-04", 5)
    with uow_factory() as slow:
        load_reports_of([older], slow)  # read before the other replica stored its version
        with uow_factory() as quick:
            keep_hub_report(newer, quick)
            quick.commit()
        keep_hub_report(older, slow)
        slow.commit()
    assert kept(uow_factory) == {("hub-a", "2026-04"): 5}
