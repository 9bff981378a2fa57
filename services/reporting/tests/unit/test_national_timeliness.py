"""The national team sees, per registered hub, how long it has been quiet and how late its
final report of the last month due is."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from hubs.reporting.adapters.metrics import NATIONAL_HUB_SILENT, NATIONAL_REPORT_LATE
from hubs.reporting.adapters.timeliness import HubTimeliness, grace_days, last_month_due
from hubs.reporting.bootstrap import sign_off_days

DAY = 86400.0


class FakeNationalReports:
    def __init__(self):
        self.kept: dict[tuple[str, str], dict] = {}  # (hub, month) -> received_at, final

    def take(self, hub_id: str, month: str, at: datetime, final: bool | None = True) -> None:
        self.kept[(hub_id, month)] = {"received_at": at, "final": final}

    def last_received(self):
        last: dict[str, datetime] = {}
        for (hub_id, _), report in self.kept.items():
            last[hub_id] = max(last.get(hub_id, report["received_at"]), report["received_at"])
        return last

    def finality_for(self, period_type, period):
        assert period_type == "month"
        return {hub_id: r["final"] for (hub_id, month), r in self.kept.items() if month == period}


class FakeNationalUnitOfWork:
    def __init__(self, national: FakeNationalReports):
        self.national = national
        self.opened = 0

    def __call__(self):
        self.opened += 1
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def gauges(hub_id: str, region: str) -> tuple[float, float]:
    return (
        NATIONAL_HUB_SILENT.labels(hub_id, region)._value.get(),
        NATIONAL_REPORT_LATE.labels(hub_id, region)._value.get(),
    )


def timeliness(hubs: dict[str, str], reports: FakeNationalReports, now: datetime, grace: int = 10) -> HubTimeliness:
    return HubTimeliness(hubs, FakeNationalUnitOfWork(reports), lambda: now, grace)


def test_each_registered_hub_shows_how_long_since_its_last_report_was_taken():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    reports = FakeNationalReports()
    reports.take("quiet-hub", "2026-09", now - timedelta(days=40))
    reports.take("quiet-hub", "2026-10", now - timedelta(days=3))  # its newest report counts
    reports.take("busy-hub", "2026-10", now - timedelta(minutes=5))
    timeliness({"quiet-hub": "london", "busy-hub": "north-west"}, reports, now).refresh()
    assert gauges("quiet-hub", "london")[0] == 3 * DAY
    assert gauges("busy-hub", "north-west")[0] == 300


def test_a_registered_hub_that_has_never_reported_is_silent_for_ever():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    timeliness({"new-hub": "midlands"}, FakeNationalReports(), now).refresh()
    silent, late = gauges("new-hub", "midlands")
    assert math.isinf(silent) and silent > 0
    assert late == 9 * DAY  # October was due on 11 November


def test_a_months_final_report_is_late_from_its_grace_days_after_the_month_until_it_is_taken():
    now = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)  # October's final reports were due on 11 November
    reports = FakeNationalReports()
    reports.take("on-time-hub", "2026-10", datetime(2026, 11, 10, tzinfo=UTC), final=True)
    reports.take("unfinal-hub", "2026-10", datetime(2026, 11, 2, tzinfo=UTC), final=False)
    reports.take("older-format-hub", "2026-10", datetime(2026, 11, 2, tzinfo=UTC), final=None)
    reports.take("missing-hub", "2026-09", datetime(2026, 10, 9, tzinfo=UTC), final=True)
    hubs = dict.fromkeys(("on-time-hub", "unfinal-hub", "older-format-hub", "missing-hub"), "london")
    timeliness(hubs, reports, now).refresh()
    assert gauges("on-time-hub", "london")[1] == 0
    assert gauges("older-format-hub", "london")[1] == 0  # cannot say it is final: counted in
    assert gauges("unfinal-hub", "london")[1] == 3.5 * DAY  # not final yet: still late
    assert gauges("missing-hub", "london")[1] == 3.5 * DAY


def test_no_hub_is_late_before_the_months_grace_days_are_over():
    reports = FakeNationalReports()
    reports.take("waiting-hub", "2026-09", datetime(2026, 10, 10, tzinfo=UTC), final=True)
    # 5 November: October is not due until the 11th, and September is in.
    timeliness({"waiting-hub": "london"}, reports, datetime(2026, 11, 5, tzinfo=UTC)).refresh()
    assert gauges("waiting-hub", "london")[1] == 0
    # With no grace at all October is due on 1 November.
    timeliness({"waiting-hub": "london"}, reports, datetime(2026, 11, 5, tzinfo=UTC), grace=0).refresh()
    assert gauges("waiting-hub", "london")[1] == 4 * DAY


def test_the_last_month_due_follows_the_grace_days():
    assert last_month_due(datetime(2026, 11, 10, 23, 59, tzinfo=UTC), 10) == "2026-09"
    assert last_month_due(datetime(2026, 11, 11, 0, 0, tzinfo=UTC), 10) == "2026-10"
    assert last_month_due(datetime(2026, 1, 1, tzinfo=UTC), 0) == "2025-12"
    # 40 days: January is due on 13 March, so until then the last month due is December.
    assert last_month_due(datetime(2026, 3, 12, tzinfo=UTC), 40) == "2025-12"
    assert last_month_due(datetime(2026, 3, 13, tzinfo=UTC), 40) == "2026-01"


def test_the_gauges_are_read_from_the_database_at_most_once_a_minute():
    reports = FakeNationalReports()
    uow = FakeNationalUnitOfWork(reports)
    check = HubTimeliness({"throttled-hub": "london"}, uow, lambda: datetime(2026, 11, 20, tzinfo=UTC), 10, every=60)
    check()
    check()
    check.after_batch(True)
    assert uow.opened == 1


def settings(**extra):
    return SimpleNamespace(extra=extra)


def test_the_grace_days_are_the_hubs_sign_off_days_unless_set():
    assert grace_days(settings(), sign_off_days(settings())) == 10
    assert (
        grace_days(settings(HUBS_REPORT_SIGN_OFF_DAYS="5"), sign_off_days(settings(HUBS_REPORT_SIGN_OFF_DAYS="5"))) == 5
    )
    assert grace_days(settings(HUBS_NATIONAL_REPORT_GRACE_DAYS="3"), 10) == 3


@pytest.mark.parametrize("text", ["-1", "two", "367", "1.5"])
def test_grace_days_that_cannot_work_stop_the_worker_at_start(text):
    with pytest.raises(ValueError, match="HUBS_NATIONAL_REPORT_GRACE_DAYS"):
        grace_days(settings(HUBS_NATIONAL_REPORT_GRACE_DAYS=text), 10)
