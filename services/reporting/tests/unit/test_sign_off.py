"""A month's report is final once the hub lead signs it off, or, flagged as not signed off, once
the days to sign it off have gone by; quarters, years and weeks follow their months. Who signed
off and when stay in the hub."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hubs.reporting.adapters.published_reports import Published
from hubs.reporting.bootstrap import sign_off_days
from hubs.reporting.domain.sign_off import (
    AWAITING_SIGN_OFF,
    FINAL_WITHOUT_SIGN_OFF,
    OPEN,
    SIGNED_OFF,
    SignOffRefused,
)
from hubs.reporting.service_layer.handlers import ReportCycle, carry_on_versions
from hubs.reporting.service_layer.sign_offs import recent_months, sign_off_month
from hubs.runtime.settings import Settings

LEAD = "lead-subject-7f3a"


def sign_off(hub, period: str, period_type: str = "month", days: int = 10) -> dict:
    return sign_off_month(lambda: hub.uow, period_type, period, LEAD, hub.now(), hub.today, days)


def newest(hub, period_type: str, period: str) -> dict | None:
    sent = [r for r in hub.reports() if (r["period_type"], r["period"]) == (period_type, period)]
    return sent[-1] if sent else None


def sent_as(hub, period_type: str, period: str) -> tuple | None:
    report = newest(hub, period_type, period)
    return (report["final"], report["signed_off"]) if report else None


def test_a_month_signed_off_by_the_hub_lead_leaves_the_hub_final_and_signed_off_at_once(hub, case):
    hub.today = date(2026, 10, 20)
    case().referred("2026-10-05T09:00:00+00:00")
    hub.cycle()
    hub.today = date(2026, 11, 3)
    hub.cycle()
    assert sent_as(hub, "month", "2026-10") == (False, False)  # ended, awaiting sign-off

    answer = sign_off(hub, "2026-10")
    hub.cycle()

    assert answer["state"] == SIGNED_OFF
    assert sent_as(hub, "month", "2026-10") == (True, True)
    assert sent_as(hub, "week", "2026-W41") == (True, True)  # 5 to 11 October: all in October
    # Its quarter and year go on: December and March have not ended.
    assert sent_as(hub, "quarter", "2026-27-Q3") == (False, False)
    assert sent_as(hub, "financial-year", "2026-27") == (False, False)


def test_a_week_running_into_an_unfinished_month_waits_for_that_month(hub, case):
    hub.today = date(2026, 11, 3)
    case().referred("2026-10-27T09:00:00+00:00")  # week 2026-W44: 26 October to 1 November
    hub.cycle()
    sign_off(hub, "2026-10")
    hub.cycle()
    assert sent_as(hub, "week", "2026-W44") == (False, False)
    hub.today = date(2026, 12, 11)  # November not signed off, its ten days gone by
    hub.cycle()
    assert sent_as(hub, "week", "2026-W44") == (True, False)


def test_a_quarter_is_final_once_every_month_of_it_is_and_signed_off_only_if_every_month_was(hub, case):
    hub.today = date(2026, 10, 5)
    for day in ("2026-07-06", "2026-08-04", "2026-09-08"):
        case().referred(f"{day}T09:00:00+00:00")
    hub.cycle()
    # July and August are final without sign-off; September still awaits it.
    assert sent_as(hub, "month", "2026-07") == (True, False)
    assert sent_as(hub, "quarter", "2026-27-Q2") == (False, False)

    sign_off(hub, "2026-09")
    hub.cycle()

    assert sent_as(hub, "month", "2026-09") == (True, True)
    assert sent_as(hub, "quarter", "2026-27-Q2") == (True, False)


def test_a_quarter_every_month_of_which_was_signed_off_is_sent_signed_off(hub, case):
    hub.today = date(2026, 7, 2)
    case().referred("2026-04-06T09:00:00+00:00")
    hub.cycle()
    for month in ("2026-04", "2026-05", "2026-06"):
        sign_off_month(lambda: hub.uow, "month", month, LEAD, hub.now(), hub.today, days=400)
    hub.cycle()
    assert sent_as(hub, "quarter", "2026-27-Q1") == (True, True)


@pytest.mark.parametrize(
    ("today", "period_type", "period", "field", "conflict"),
    [
        (date(2026, 11, 20), "month", "2026-11", "period", False),  # not ended
        (date(2026, 11, 20), "quarter", "2026-27-Q2", "period_type", False),  # quarters follow their months
        (date(2026, 11, 20), "month", "2026-09", "period", True),  # final without sign-off on 11 October
    ],
)
def test_a_sign_off_is_refused_for_a_month_not_ended_or_already_final_and_nothing_is_kept(
    hub, case, today, period_type, period, field, conflict
):
    hub.today = today
    case().referred("2026-09-05T09:00:00+00:00")
    hub.cycle()
    sent = len(hub.reports())
    with pytest.raises(SignOffRefused) as refused:
        sign_off(hub, period, period_type)
    assert (refused.value.field, refused.value.conflict) == (field, conflict)
    assert hub.uow.sign_offs.stored == {}
    hub.cycle()
    assert len(hub.reports()) == sent


def test_a_month_is_signed_off_once(hub):
    hub.today = date(2026, 11, 3)
    first = sign_off(hub, "2026-10")
    with pytest.raises(SignOffRefused) as again:
        sign_off_month(lambda: hub.uow, "month", "2026-10", "someone-else", hub.now(), hub.today, 10)
    assert again.value.conflict
    assert hub.uow.sign_offs.stored[("month", "2026-10")] == {
        "signed_off_by": LEAD,
        "signed_off_at": first["signed_off_at"],
    }


def test_who_signed_off_and_when_never_leave_the_hub(hub, case):
    hub.today = date(2026, 11, 3)
    case().referred("2026-10-05T09:00:00+00:00")
    sign_off(hub, "2026-10")
    hub.cycle()
    national = [e for e in hub.uow.outbox.events if e["national"]]
    assert national
    assert all(LEAD not in json.dumps(e["envelope"], default=str) for e in national)
    assert newest(hub, "month", "2026-10")["signed_off"] is True


def test_the_last_ended_months_show_whether_they_await_sign_off_were_signed_off_or_are_final_without(hub):
    hub.today = date(2026, 11, 3)
    sign_off(hub, "2026-10")
    months = recent_months(lambda: hub.uow, hub.today, date(2026, 6, 15), 10)
    assert [(m["period"], m["state"]) for m in months] == [
        ("2026-10", SIGNED_OFF),
        ("2026-09", FINAL_WITHOUT_SIGN_OFF),
        ("2026-08", FINAL_WITHOUT_SIGN_OFF),
        ("2026-07", FINAL_WITHOUT_SIGN_OFF),
        ("2026-06", FINAL_WITHOUT_SIGN_OFF),  # the month the hub's records start in
    ]
    assert months[0]["signed_off_by"] == LEAD
    later = recent_months(lambda: hub.uow, date(2026, 12, 5), date(2026, 6, 15), 10)
    assert (later[0]["period"], later[0]["state"], later[0]["final_without_sign_off_on"]) == (
        "2026-11",
        AWAITING_SIGN_OFF,
        date(2026, 12, 11),
    )
    assert OPEN not in {m["state"] for m in later}


def test_with_no_days_to_sign_off_a_month_is_final_as_soon_as_it_ends(make_hub):
    hub = make_hub(date(2026, 10, 20))
    hub.cycle = ReportCycle(lambda: hub.uow, hub.cycle._rules, hub.now, close_every=0, sign_off_days=0)
    hub.send(
        "OutreachEventHeld",
        {"outreach_event_id": "9f0b5a7e-3b1c-4d2e-8f6a-1b2c3d4e5f60", "event_type": "inreach",
         "held_on": "2026-10-07", "attendance": 23},
    )  # fmt: skip
    hub.cycle()
    hub.today = date(2026, 11, 1)
    hub.cycle()
    assert sent_as(hub, "month", "2026-10") == (True, False)


@pytest.mark.parametrize(("value", "days"), [(None, 10), ("0", 0), ("21", 21)])
def test_the_days_to_sign_off_are_a_setting(value, days):
    extra = {} if value is None else {"HUBS_REPORT_SIGN_OFF_DAYS": value}
    assert sign_off_days(Settings(service="reporting", extra=extra)) == days


@pytest.mark.parametrize("value", ["ten", "-1", "1.5", "9999"])
def test_days_to_sign_off_that_are_not_a_number_of_days_stop_the_service_at_start(value):
    with pytest.raises(ValueError, match="HUBS_REPORT_SIGN_OFF_DAYS"):
        sign_off_days(Settings(service="reporting", extra={"HUBS_REPORT_SIGN_OFF_DAYS": value}))


def test_a_rebuilt_instance_keeps_the_months_its_hub_published_as_signed_off(make_hub):
    hub = make_hub(date(2026, 11, 3))
    hub.send("ReferralReceived", {"referral_id": "5e0955aa-1111-4222-8333-444455556666",
                                  "received_at": "2026-10-05T09:00:00+00:00", "source": "self",
                                  "urgency": "routine"}, case_id="5e0955aa-1111-4222-8333-444455556666")  # fmt: skip
    published = Published({("month", "2026-10"): 7}, {"2026-10"})
    hub.cycle = ReportCycle(lambda: hub.uow, hub.cycle._rules, hub.now, close_every=0,
                            before_first=lambda: carry_on_versions(lambda: hub.uow, lambda: published))  # fmt: skip
    hub.cycle()
    report = newest(hub, "month", "2026-10")
    assert (report["report_version"], report["final"], report["signed_off"]) == (8, True, True)
    assert hub.uow.sign_offs.stored[("month", "2026-10")] == {"signed_off_by": None, "signed_off_at": None}
