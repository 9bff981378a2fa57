"""National figures: regions and England from what hubs published, not suppressed."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from hubs.contracts import new_envelope, parse_envelope
from hubs.reporting.domain.national import combine, compare, series_value
from hubs.reporting.service_layer.handlers import keep_hub_report
from hubs.runtime.consumer import PoisonMessage


def report(hub_id: str, region: str, **figures) -> dict:
    return {"hub_id": hub_id, "region": region, "figures": figures}


def test_national_totals_add_what_hubs_published_and_say_how_many_hubs_hid_a_figure():
    totals = combine([report("a", "london", self_referrals=10), report("b", "london", self_referrals="*")])
    assert totals["figures"]["self_referrals"] == 10
    assert totals["hubs_suppressed"] == {"self_referrals": 1}
    assert totals["hubs"] == 2


def test_percentages_are_computed_again_from_the_summed_counts_and_medians_are_left_to_hubs():
    reports = [
        report("a", "london", **{"clinical_outcomes.paired": 20, "clinical_outcomes.recovery": 10,
                                 "clinical_outcomes.caseness_at_assessment": 20,
                                 "time_to_first_contact.calendar.median_minutes": 90}),
        report("b", "midlands", **{"clinical_outcomes.paired": 30, "clinical_outcomes.recovery": 20,
                                   "clinical_outcomes.caseness_at_assessment": 30}),
    ]  # fmt: skip
    england = compare(reports)["england"]["figures"]
    assert england["clinical_outcomes.recovery_percent"] == 60
    assert "time_to_first_contact.calendar.median_minutes" not in england


def test_regions_are_compared_side_by_side_with_england():
    compared = compare(
        [report("a", "london", self_referrals=10), report("b", "london", self_referrals=15),
         report("c", "south-west", self_referrals=20)]
    )  # fmt: skip
    assert [(r["region"], r["figures"]["self_referrals"]) for r in compared["regions"]] == [
        ("london", 25),
        ("south-west", 20),
    ]
    assert compared["england"]["figures"]["self_referrals"] == 45


def test_one_hub_in_a_series_keeps_its_published_value():
    assert series_value([report("a", "london", self_referrals="*")], "self_referrals") == "*"


class FakeNationalReports:
    def __init__(self):
        self.kept: dict[tuple[str, str, str], dict] = {}

    def version_of(self, hub_id, period_type, period):
        kept = self.kept.get((hub_id, period_type, period))
        return kept["report_version"] if kept else None

    def keep_if_newer(self, report):
        key = (report["hub_id"], report["period_type"], report["period"])
        if key in self.kept and self.kept[key]["report_version"] >= report["report_version"]:
            return False
        self.kept[key] = report
        return True


def received(hub_id: str, version: int, period: str = "2026-10", **figures):
    data = {"hub_id": hub_id, "region": "london", "period_type": "month", "period": period,
            "report_version": version, "figures": figures}  # fmt: skip
    return parse_envelope(json.loads(json.dumps(new_envelope("HubPeriodReport", data, hub_id=hub_id, producer="r"))))


def test_the_newest_version_of_a_hubs_report_wins_whatever_order_they_arrive_in():

    uow = SimpleNamespace(national=FakeNationalReports())
    keep_hub_report(received("hub-a", 2, self_referrals=20), uow)
    keep_hub_report(received("hub-a", 1, self_referrals=10), uow)
    keep_hub_report(received("hub-a", 2, self_referrals=10), uow)
    assert uow.national.kept[("hub-a", "month", "2026-10")]["figures"] == {"self_referrals": 20}


def test_a_report_for_no_real_period_or_for_another_hub_is_refused():
    uow = SimpleNamespace(national=FakeNationalReports())
    with pytest.raises(PoisonMessage):
        keep_hub_report(received("hub-a", 1, period="2026-13"), uow)
    forged = received("hub-a", 1)
    forged["hub_id"] = "hub-b"
    with pytest.raises(PoisonMessage):
        keep_hub_report(forged, uow)
    assert uow.national.kept == {}
