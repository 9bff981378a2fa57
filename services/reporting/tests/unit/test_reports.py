"""What leaves the hub: versioned reports, sent on change and when a period closes, corrected
by late events, idempotent, the same whatever order events arrive in."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest

from hubs.contracts import new_envelope
from hubs.reporting.adapters.published_reports import Published
from hubs.reporting.domain.catalogue import COUNTS, STATISTICS
from hubs.reporting.domain.dataset import DatasetRules
from hubs.reporting.service_layer import handlers
from hubs.reporting.service_layer.handlers import ReportCycle, publish_due_reports, refresh_figures

from .conftest import Case

OCT = ("month", "2026-10")


def reports_for(hub, period_type, period):
    return [r for r in hub.reports() if (r["period_type"], r["period"]) == (period_type, period)]


def test_a_report_is_sent_when_figures_change_and_not_again_while_they_do_not(hub, case):
    hub.today = date(2026, 10, 10)
    for _ in range(9):
        case().referred("2026-10-05T09:00:00+00:00")
    hub.cycle()
    first = reports_for(hub, *OCT)
    assert [r["report_version"] for r in first] == [1]
    assert first[0]["figures"]["self_referrals"] == 9
    assert first[0]["final"] is False
    hub.cycle()
    assert len(reports_for(hub, *OCT)) == 1
    case().referred("2026-10-06T09:00:00+00:00")
    hub.cycle()
    assert [r["report_version"] for r in reports_for(hub, *OCT)] == [1, 2]


def test_a_month_nobody_signs_off_is_sent_final_without_sign_off_ten_days_after_it_ended(hub, case):
    hub.today = date(2026, 10, 10)
    case().referred("2026-10-05T09:00:00+00:00")
    hub.cycle()
    for day in (1, 5, 10):  # ended, awaiting the hub lead's sign-off: nothing new leaves the hub
        hub.today = date(2026, 11, day)
        hub.cycle()
    assert [(r["report_version"], r["final"]) for r in reports_for(hub, *OCT)] == [(1, False)]
    hub.today = date(2026, 11, 11)
    hub.cycle()
    hub.cycle()
    sent = reports_for(hub, *OCT)
    assert [(r["report_version"], r["final"], r["signed_off"]) for r in sent] == [(1, False, False), (2, True, False)]
    assert sent[0]["figures"] == sent[1]["figures"]


def test_a_late_event_corrects_a_closed_period_with_a_newer_version(hub, case):
    hub.today = date(2026, 11, 15)
    case().referred("2026-10-05T09:00:00+00:00")
    hub.cycle()
    versions = [r["report_version"] for r in reports_for(hub, *OCT)]
    for _ in range(8):
        case().referred("2026-10-07T09:00:00+00:00")  # arrived late
    hub.cycle()
    newest = reports_for(hub, *OCT)[-1]
    assert newest["report_version"] == max(versions) + 1
    assert newest["final"] is True
    assert newest["figures"]["self_referrals"] == 9


def test_a_redelivered_event_even_with_a_new_event_id_changes_nothing(hub, case):
    c = case().referred("2026-10-05T09:00:00+00:00").referred_on("2026-10-06")
    hub.cycle()
    before = hub.uow.figures.all_figures()
    sent = len(hub.reports())
    c.referred("2026-10-05T09:00:00+00:00")
    hub.send(
        "OnwardReferralMade",
        {"onward_referral_id": c.onward_referral_id, "service_type": "talking-therapies", "made_on": "2026-10-06"},
        case_id=c.case_id,
    )
    hub.cycle()
    assert hub.uow.figures.all_figures() == before
    assert len(hub.reports()) == sent


def test_reports_carry_only_catalogue_figures_as_exact_counts_and_say_so(hub, case):
    for _ in range(3):
        case().referred("2026-10-05T09:00:00+00:00", source="gp", ethnic_category="A")
    case().referred("2026-10-05T09:00:00+00:00", source="hr", ethnic_category="B").assessed("2026-10-06T09:00:00+00:00")
    hub.today = date(2026, 11, 2)
    hub.cycle()
    for report in hub.reports():
        assert report["figures_exact"] is True
        for name, value in report["figures"].items():
            assert name in COUNTS or name in STATISTICS, name
            assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, name
        new_envelope("HubPeriodReport", report, hub_id="unit-hub", producer="reporting@unit-hub")  # contract-valid
    october = reports_for(hub, *OCT)[-1]["figures"]
    assert october["referrals_by_source.hr"] == 1 and october["staff_assessed"] == 1


def test_the_order_in_which_events_arrive_does_not_change_the_figures(make_hub):
    stories = []
    for n in range(6):
        case_id, assessment_id, onward_id = (str(uuid.uuid4()) for _ in range(3))
        stories += [
            ("ReferralReceived", case_id, {"referral_id": case_id, "received_at": f"2026-10-0{n + 1}T09:00:00+00:00",
                                           "source": "self", "urgency": "routine", "ethnic_category": "N"}),
            ("FollowUpMeasured", case_id, {"follow_up_id": str(uuid.uuid4()), "assessment_id": assessment_id,
                                           "measured_at": "2026-11-20T09:00:00+00:00",
                                           "measures": {"phq9": {"total": 4, "band": "none", "item9_positive": False},
                                                        "gad7": {"total": 3, "band": "minimal"}}}),
            ("AssessmentCompleted", case_id, {"assessment_id": assessment_id, "referral_id": case_id,
                                              "completed_at": "2026-10-12T09:00:00+00:00", "multidisciplinary": False,
                                              "disciplines": ["nursing"], "risk_level": "low",
                                              "measures": {"phq9": {"total": 16, "band": "moderately-severe",
                                                                    "item9_positive": False},
                                                           "gad7": {"total": 11, "band": "moderate"}},
                                              "work_situation": "off-sick", "outcome_decisions": ["refer-on"]}),
            ("OnwardReferralMade", case_id, {"onward_referral_id": onward_id, "service_type": "talking-therapies",
                                             "made_on": "2026-10-13"}),
            ("TreatmentStarted", case_id, {"onward_referral_id": onward_id, "service_type": "talking-therapies",
                                           "started_on": f"2026-11-1{n}"}),
        ]  # fmt: skip
    results = []
    for seed in range(3):
        hub = make_hub(date(2026, 11, 26))
        rng = random.Random(seed)
        shuffled = stories[:]
        rng.shuffle(shuffled)
        for event_type, case_id, data in shuffled:
            hub.send(event_type, data, case_id=case_id)
            if rng.random() < 0.3:
                hub.cycle()  # figures computed part way, as after a batch
        hub.cycle()
        results.append(hub.uow.figures.all_figures())
    assert results[0] == results[1] == results[2]
    assert results[0][OCT]["staff_waiting_for_treatment"] == 6
    assert results[0][("month", "2026-11")]["clinical_outcomes.recovery"] == 6


def test_twelve_self_referrals_one_onward_referral_and_one_event_leave_the_hub_exactly(hub, case):
    hub.today = date(2026, 10, 20)
    cases = [
        case().referred("2026-10-05T09:00:00+00:00", ethnic_category="M", age_band="25-34", staff_group="ambulance")
        for _ in range(12)
    ]
    cases[0].referred_on("2026-10-06", "talking-therapies")
    hub.send(
        "OutreachEventHeld",
        {"outreach_event_id": str(uuid.uuid4()), "event_type": "inreach", "held_on": "2026-10-07", "attendance": 23},
    )
    hub.cycle()
    published = reports_for(hub, *OCT)[-1]["figures"]
    assert {name: published[name] for name in ("self_referrals", "onward_referrals_made", "outreach_attendance")} == {
        "self_referrals": 12,
        "onward_referrals_made": 1,
        "outreach_attendance": 23,
    }
    assert published["onward_referrals.talking-therapies"] == 1
    assert published["outreach_events_held"] == 1
    assert published["referred.ethnicity.M"] == 12


def test_a_rebuilt_hub_starts_its_versions_above_the_floor(hub, case):
    case().referred("2026-10-05T09:00:00+00:00")
    while refresh_figures(lambda: hub.uow, DatasetRules()):
        pass
    publish_due_reports(lambda: hub.uow, date(2026, 10, 10), version_floor=40)
    assert {r["report_version"] for r in reports_for(hub, *OCT)} == {40}


def test_a_referral_arriving_late_updates_the_demographics_of_every_later_period(hub, case):
    c = case().referred_on("2026-09-01").treatment_started("2026-09-10")
    assert hub.figures("month", "2026-11")["receiving_intervention.ethnicity.not-recorded"] == 1
    c.referred("2026-08-20T09:00:00+00:00", ethnic_category="H")
    november = hub.figures("month", "2026-11")
    assert november["receiving_intervention.ethnicity.H"] == 1
    assert november["receiving_intervention.ethnicity.not-recorded"] == 0


def test_while_a_backlog_is_worked_off_figures_wait_for_the_backlog_interval_and_follow_once_caught_up(
    make_hub, monkeypatch
):
    hub = make_hub(date(2026, 10, 10))
    clock = {"now": 100.0}
    computing = ReportCycle(
        lambda: hub.uow,
        DatasetRules(),
        hub.now,
        close_every=0,
        monotonic=lambda: clock["now"],
        pause_ratio=2.0,
        backlog_every=5.0,
    )
    cycles = []

    def three_seconds_of_computing(*args, **kwargs):
        cycles.append(clock["now"])
        clock["now"] += 3.0
        return 0

    monkeypatch.setattr(handlers, "refresh_figures", three_seconds_of_computing)
    computing.after_batch(caught_up=False)  # a worker starting behind folds first
    clock["now"] += 4.9
    computing.after_batch(caught_up=False)
    assert cycles == []
    clock["now"] += 0.1  # 105: the backlog interval since the start
    computing.after_batch(caught_up=False)
    assert cycles == [105.0]  # 105 to 108
    clock["now"] += 5.9  # 113.9: not yet twice three seconds after the end (longer than the interval)
    computing.after_batch(caught_up=False)
    assert len(cycles) == 1
    clock["now"] += 0.1
    computing.after_batch(caught_up=False)
    assert cycles == [105.0, 114.0]  # 114 to 117
    computing.after_batch(caught_up=True)  # the backlog is done: computed at once
    assert len(cycles) == 3
    computing()  # idle: always computed
    assert len(cycles) == 4


def test_while_events_keep_coming_reports_go_at_most_every_send_interval_and_the_newest_figures_go_when_idle(
    make_hub,
):
    hub = make_hub(date(2026, 10, 10))
    clock = {"now": 100.0}
    cycle = ReportCycle(
        lambda: hub.uow, DatasetRules(), hub.now, close_every=0, monotonic=lambda: clock["now"], send_every=1.0
    )
    Case(hub).referred("2026-10-05T09:00:00+00:00")
    cycle.after_batch(caught_up=True)
    assert [r["figures"]["referrals_received"] for r in reports_for(hub, *OCT)] == [1]
    clock["now"] += 0.5
    Case(hub).referred("2026-10-06T09:00:00+00:00")
    cycle.after_batch(caught_up=True)
    assert hub.uow.figures.figures(*OCT)["referrals_received"] == 2  # the hub's own figures follow at once
    assert len(reports_for(hub, *OCT)) == 1  # no new version yet
    clock["now"] += 0.5
    Case(hub).referred("2026-10-07T09:00:00+00:00")
    cycle.after_batch(caught_up=True)  # a second after the last sending
    assert [r["figures"]["referrals_received"] for r in reports_for(hub, *OCT)] == [1, 3]
    clock["now"] += 0.1
    Case(hub).referred("2026-10-08T09:00:00+00:00")
    cycle.after_batch(caught_up=True)
    cycle()  # idle: what is due goes at once
    assert [r["figures"]["referrals_received"] for r in reports_for(hub, *OCT)] == [1, 3, 4]


def test_figures_computed_late_are_the_same_as_figures_computed_after_every_event(make_hub):
    every_time, at_the_end = make_hub(date(2026, 10, 10)), make_hub(date(2026, 10, 10))
    for hub, compute_each_time in ((every_time, True), (at_the_end, False)):
        for day in range(1, 9):
            c = Case(hub).referred(f"2026-10-0{day}T09:00:00+00:00", source="self" if day % 2 else "gp")
            c.contacted(f"2026-10-0{day}T09:00:00+00:00", f"2026-10-0{day}T15:00:00+00:00")
            if compute_each_time:
                hub.cycle()
    assert every_time.figures("month", "2026-10") == at_the_end.figures("month", "2026-10")
    assert every_time.figures("month", "2026-10")["referrals_received"] == 8


def test_a_rebuilt_instance_learns_the_versions_already_published_before_it_computes_anything(make_hub, case):
    hub = make_hub(date(2026, 10, 10))
    Case(hub).referred("2026-10-05T09:00:00+00:00")
    attempts = []

    def published() -> Published:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("the national cluster is not reachable yet")
        return Published({OCT: 7})

    cycle = ReportCycle(
        lambda: hub.uow,
        DatasetRules(),
        hub.now,
        close_every=0,
        before_first=lambda: handlers.carry_on_versions(lambda: hub.uow, published),
    )
    with pytest.raises(ConnectionError):
        cycle()
    assert hub.reports() == []  # nothing sent while the versions are unknown
    cycle()
    cycle()
    assert len(attempts) == 2  # read once it worked, not again
    assert [r["report_version"] for r in reports_for(hub, *OCT)] == [8]
