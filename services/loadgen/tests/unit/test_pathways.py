"""The synthetic population: seeded, contract-valid, and plausible in its mixes."""

import re
from collections import Counter
from datetime import date

from hubs.contracts import codes, parse_envelope
from hubs.contracts.events.reporting import PERIOD_PATTERN
from hubs.contracts.registry import spec_for
from hubs.loadgen.pathways import periods_of
from hubs.loadgen.population import Pathways, Population, england, period_reports

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
