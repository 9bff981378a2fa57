"""The synthetic population: seeded, contract-valid, and plausible in its mixes."""

import re
from collections import Counter
from datetime import UTC, date, datetime, time

import pytest

from hubs.contracts import codes, parse_envelope
from hubs.contracts.events.reporting import PERIOD_PATTERN
from hubs.contracts.registry import spec_for
from hubs.loadgen.pathways import periods_of
from hubs.loadgen.population import Pathways, Population, england, period_reports
from hubs.runtime.settings import DEFAULT_RECORDS_START as RECORDS_START

FIRST_DAY = date(2024, 4, 1)


def quarter_of_events(seed: int = 7) -> list[dict]:
    return list(Pathways(england(seed)[0], seed).year(FIRST_DAY, days=91, referrals=300))


def test_england_has_42_hubs_in_all_seven_regions():
    hubs = england()
    assert len(hubs) == 42
    assert {h.hub_id for h in hubs} == {h.hub_id for h in england()}
    assert {h.region for h in hubs} == set(codes.Region)
    assert all(300 <= h.referrals_per_year <= 5000 for h in hubs)


def test_the_same_seed_draws_the_same_events_and_another_seed_others():
    assert quarter_of_events(7) == quarter_of_events(7)
    assert quarter_of_events(7)[0]["event_id"] != quarter_of_events(8)[0]["event_id"]


def test_every_event_satisfies_its_contract_and_names_its_hub():
    hub = england()[0]
    for envelope in quarter_of_events():
        parsed = parse_envelope(envelope)
        assert parsed["hub_id"] == hub.hub_id
        assert parsed["producer"] == f"{spec_for(parsed['event_type']).service}@{hub.hub_id}"


def test_each_case_runs_from_referral_to_closure_in_order():
    cases: dict[str, list[dict]] = {}
    for envelope in quarter_of_events():
        if envelope["case_id"]:
            cases.setdefault(envelope["case_id"], []).append(envelope)
    assert len(cases) == 300
    for events in cases.values():
        types = [e["event_type"] for e in events]
        assert "ReferralReceived" in types[:2]
        assert types[-1] == "ReferralClosed"
        assert [e["occurred_at"] for e in events] == sorted(e["occurred_at"] for e in events)


def test_mixes_are_plausible_most_refer_themselves_few_are_urgent_most_are_contacted():
    received = [e["data"] for e in quarter_of_events() if e["event_type"] == "ReferralReceived"]
    sources = Counter(r["source"] for r in received)
    urgent = sum(r["urgency"] == "urgent" for r in received)
    contacted = sum(e["event_type"] == "FirstContactMade" for e in quarter_of_events())
    assert sources.most_common(1)[0][0] == "self"
    assert 0.02 < urgent / len(received) < 0.15
    assert 0.7 < contacted / len(received) < 0.95


def test_a_year_of_reports_covers_every_period_of_every_hub_with_a_final_version():
    hubs = england()[:2]
    reports = [parse_envelope(e) for e in period_reports(hubs, 2024, ["referrals_received"], seed=1)]
    for hub in hubs:
        mine = [r["data"] for r in reports if r["hub_id"] == hub.hub_id]
        kinds = Counter(r["period_type"] for r in mine if r["final"])
        assert kinds["financial-year"] == 1 and kinds["quarter"] == 4 and kinds["month"] == 12
        assert 52 <= kinds["week"] <= 54
        for r in mine:
            assert re.fullmatch(PERIOD_PATTERN, r["period"])
            value = r["figures"]["referrals_received"]
            assert value in (0, "*") or (value >= 8 and value % 5 == 0)


def test_periods_are_named_as_the_reporting_service_names_them():
    assert periods_of(date(2021, 2, 1)) == {
        "week": "2021-W05",
        "month": "2021-02",
        "quarter": "2020-21-Q4",
        "financial-year": "2020-21",
    }


def test_demo_self_referrals_are_drawn_as_before():
    assert Population(2020).self_referral() == Population(2020).self_referral()


def test_the_events_command_writes_a_hubs_contract_valid_envelopes_as_json_lines(monkeypatch, capsys):
    import json
    import sys

    from hubs.loadgen import cli

    monkeypatch.setattr(sys, "argv", ["hubs-loadgen", "events", "--hub", "london-2", "--days", "14"])
    cli.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines
    assert all(parse_envelope(json.loads(line))["hub_id"] == "london-2" for line in lines)


UNTIL = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def days_and_moments(value) -> list:
    """Every date and datetime in an event's data, however nested."""
    if isinstance(value, dict):
        return [d for v in value.values() for d in days_and_moments(v)]
    if isinstance(value, list):
        return [d for v in value for d in days_and_moments(v)]
    return [value] if isinstance(value, date) else []


def test_every_case_keeps_the_pathways_order_with_its_days_from_the_records_start_to_now():
    hub = england()[0]
    events = [parse_envelope(e) for e in Pathways(hub, 7, until=UNTIL).year(date(2025, 11, 26), days=365)]
    cases: dict = {}
    for event in events:
        assert event["occurred_at"].date() >= RECORDS_START and event["occurred_at"] <= UNTIL
        for day in days_and_moments(event["data"]):
            moment = day if isinstance(day, datetime) else datetime.combine(day, time(0), UTC)
            assert moment.date() >= RECORDS_START and moment <= UNTIL, (event["event_type"], day)
        if event["case_id"]:
            cases.setdefault(event["case_id"], []).append(event)
    under_way = 0
    for case in cases.values():
        kinds = [e["event_type"] for e in case]
        under_way += kinds[-1] != "ReferralClosed"
        if "AssessmentCompleted" in kinds:
            assessed = case[kinds.index("AssessmentCompleted")]
            assert kinds.index("FirstContactMade") < kinds.index("AssessmentCompleted")
            assert case[kinds.index("FirstContactMade")]["occurred_at"] <= assessed["occurred_at"]
        for onward in (e for e in case if e["event_type"] == "OnwardReferralMade"):
            assert "AssessmentCompleted" in kinds[: case.index(onward)]
            assert onward["data"]["made_on"] >= assessed["data"]["completed_at"].date()
    assert under_way > 0  # cases received lately are still under way at `until`, not closed in the future


def test_no_events_are_drawn_before_the_hubs_records_start():
    with pytest.raises(ValueError, match="records start 2020-10-01"):
        Pathways(england()[0], 7).year(date(2020, 9, 30), days=30)
    first = next(iter(Pathways(england()[0], 7).year(RECORDS_START, days=30)))
    assert parse_envelope(first)["occurred_at"].date() >= RECORDS_START


def test_period_reports_cover_only_days_from_the_records_start_to_today():
    hubs = england()[:1]
    first_year = [parse_envelope(e) for e in period_reports(hubs, 2020, ["referrals_received"], seed=1)]
    months = {r["data"]["period"] for r in first_year if r["data"]["period_type"] == "month"}
    assert min(months) == "2020-10"
    assert all(r["occurred_at"].date() >= RECORDS_START for r in first_year)
    this_year = [parse_envelope(e) for e in period_reports(hubs, 2026, ["referrals_received"], today=date(2026, 6, 15))]
    months = {r["data"]["period"] for r in this_year if r["data"]["period_type"] == "month"}
    assert months == {"2026-04", "2026-05", "2026-06"}
    with pytest.raises(ValueError):
        period_reports(hubs, 2019, ["referrals_received"])


def test_the_events_command_refuses_days_before_the_records_start(monkeypatch):
    import sys

    from hubs.loadgen import cli

    monkeypatch.setattr(sys, "argv", ["hubs-loadgen", "events", "--first-day", "2020-09-01", "--days", "60"])
    with pytest.raises(SystemExit, match="before the hub's records start"):
        cli.main()


def test_reports_by_default_are_of_the_last_financial_year_that_has_ended():
    from hubs.loadgen.cli import last_complete_financial_year

    assert last_complete_financial_year(date(2026, 3, 31)) == 2024
    assert last_complete_financial_year(date(2026, 4, 1)) == 2025
