"""One careless date never stops a hub's reporting: an event whose dates no period can hold,
and a period that cannot be computed, are quarantined with their reason, and every other
period goes on being computed and published."""

from __future__ import annotations

import uuid
from datetime import date

from prometheus_client import REGISTRY

from hubs.reporting.service_layer import handlers

OCT = ("month", "2026-10")


def reports_for(hub, period_type, period):
    return [r for r in hub.reports() if (r["period_type"], r["period"]) == (period_type, period)]


def counted(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_period_no_code_can_compute_is_quarantined_and_every_other_period_is_still_computed_and_sent(hub, case):
    hub.today = date(2026, 10, 10)
    # Marked before periods carried four-digit years (a referral dated in the year 5).
    hub.uow.figures.mark_stale([("month", "5-01"), ("week", "5-W01")])
    for _ in range(9):
        case().referred("2026-10-05T09:00:00+00:00")
    before = counted("hubs_reporting_periods_quarantined_total", period_type="month", reason="period-unplaceable")

    hub.cycle()

    assert hub.uow.figures.figures(*OCT)["referrals_received"] == 9
    assert [r["report_version"] for r in reports_for(hub, *OCT)] == [1]
    quarantined = hub.uow.quarantine.periods
    assert set(quarantined) == {("month", "5-01"), ("week", "5-W01")}
    assert quarantined[("month", "5-01")]["reason"] == "period-unplaceable"
    assert hub.uow.figures.stale() == []  # set aside, not tried again on every cycle
    after = counted("hubs_reporting_periods_quarantined_total", period_type="month", reason="period-unplaceable")
    assert after == before + 1


def test_a_period_whose_facts_cannot_be_computed_is_quarantined_alone_and_released_once_it_computes(hub, case):
    hub.today = date(2026, 10, 10)
    case().referred("2026-10-05T09:00:00+00:00")
    # Facts stored by an older version, which today's figures cannot read.
    hub.uow.cases.put(
        "legacy", {"referral": {"received_at": "late September"}}, date(2026, 9, 20), date(2026, 9, 20), False
    )
    hub.uow.figures.mark_stale([("month", "2026-09")])

    hub.cycle()

    assert hub.uow.quarantine.periods[("month", "2026-09")]["reason"] == "figures-failed"
    assert hub.uow.figures.figures(*OCT)["referrals_received"] == 1
    assert reports_for(hub, *OCT)

    hub.uow.cases.put("legacy", {"referral": None}, date(2026, 9, 20), date(2026, 9, 20), False)
    hub.uow.figures.mark_stale([("month", "2026-09")])
    hub.cycle()
    assert ("month", "2026-09") not in hub.uow.quarantine.periods


def test_events_dated_where_no_period_can_hold_them_are_quarantined_and_the_rest_of_the_batch_applies(hub, case):
    hub.today = date(2026, 10, 10)
    for _ in range(8):
        case().referred("2026-10-05T09:00:00+00:00")
    case().referred("0005-10-05T09:00:00+00:00")
    case().referred("9999-12-31T23:30:00-05:00")  # past the last day Python has, in UTC
    case().referred("2026-10-06T09:00:00+00:00").referred_on("9999-01-04")
    hub.cycle()

    assert hub.uow.figures.figures(*OCT)["referrals_received"] == 9
    assert reports_for(hub, *OCT)[-1]["figures"]["referrals_received"] == 9
    reasons = sorted((e["event_type"], e["reason"], e["field"]) for e in hub.uow.quarantine.events.values())
    assert reasons == [
        ("OnwardReferralMade", "date-unplaceable", "made_on"),
        ("ReferralReceived", "date-unplaceable", "received_at"),
        ("ReferralReceived", "date-unplaceable", "received_at"),
    ]
    assert len(hub.facts()) == 9  # nothing of a quarantined event is folded in
    assert all(period.startswith("2") for _, period in hub.uow.figures.stored)


def test_events_dated_before_the_hubs_records_or_beyond_any_plan_are_quarantined(hub, case):
    case().referred("2019-06-01T09:00:00+00:00")
    case().referred("2026-10-05T09:00:00+00:00").monitored("3026-10-05")
    reasons = sorted(e["reason"] for e in hub.uow.quarantine.events.values())
    assert reasons == ["date-before-records-start", "date-too-far-ahead"]
    # Only the good referral's periods: not a thousand years of them.
    assert {p for _, p in hub.uow.figures.stale_marks} == {"2026-W41", "2026-10", "2026-27-Q3", "2026-27"}


def test_a_sickness_absence_import_for_a_month_no_period_holds_is_quarantined_and_good_imports_count(hub, new_id):
    hub.today = date(2026, 11, 26)
    for period, days in (("0000-11", 50.0), ("2026-10", 12.5)):
        hub.send(
            "SicknessAbsenceImported",
            {
                "import_id": new_id(), "imported_at": "2026-11-02T09:00:00+00:00", "period_type": "month",
                "period": period, "employer_count": 1, "days_lost_mental_health": days, "days_lost_all_causes": None,
            },
        )  # fmt: skip
    assert hub.figures(*OCT)["sickness_absence.days_lost_mental_health"] == 13
    [event] = hub.uow.quarantine.events.values()
    assert (event["event_type"], event["reason"], event["field"]) == (
        "SicknessAbsenceImported",
        "period-unplaceable",
        "period",
    )


def test_periods_are_still_closed_when_facts_from_before_the_checks_carry_a_day_in_the_year_5(hub, case):
    hub.today = date(2026, 10, 10)
    case().referred("2026-10-05T09:00:00+00:00")
    hub.uow.cases.put(str(uuid.uuid4()), {"referral": None}, date(5, 1, 5), date(5, 1, 5), False)
    hub.cycle()
    hub.today = date(2026, 11, 11)  # October is final without sign-off
    hub.cycle()
    assert [r["final"] for r in reports_for(hub, *OCT)] == [False, True]


def test_the_quarantine_gauge_shows_what_is_set_aside_by_kind_only(hub, case):
    hub.uow.figures.mark_stale([("month", "5-01")])
    case().referred("0005-10-05T09:00:00+00:00")
    hub.cycle()
    assert handlers.count_quarantined(lambda: hub.uow) == {"period": 1, "event": 1}
    assert counted("hubs_reporting_quarantined", kind="period") == 1
    assert counted("hubs_reporting_quarantined", kind="event") == 1
    labels = {
        frozenset(s.labels)
        for metric in REGISTRY.collect()
        if metric.name.startswith("hubs_reporting_") and "quarantined" in metric.name
        for s in metric.samples
    }
    assert labels <= {frozenset({"kind"}), frozenset({"reason"}), frozenset({"period_type", "reason"}), frozenset()}
