"""National figures: exact for analysts; suppressed hub and region cells where published,
England exact; missing periods missing."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from hubs.contracts import new_envelope, parse_envelope
from hubs.reporting.domain.national import exact_view, published_view, series_point
from hubs.reporting.service_layer.handlers import keep_hub_report
from hubs.runtime.consumer import PoisonMessage


def report(hub_id: str, region: str, exact: bool = True, **figures) -> dict:
    return {"hub_id": hub_id, "region": region, "figures": figures, "figures_exact": exact or None}


def area(view: dict, region: str) -> dict:
    return next(a for a in view["regions"] if a["region"] == region)


def hub(view: dict, hub_id: str) -> dict:
    return next(h for h in view["hubs"] if h["hub_id"] == hub_id)


ONE_SUPERVISION_SESSION = [
    report("a", "london", supervision_sessions=1),
    report("b", "london", supervision_sessions=0),
    report("c", "south-west", supervision_sessions=0),
]


def test_englands_totals_are_the_exact_sums_of_what_hubs_counted_even_a_single_session():
    for shown in (exact_view(ONE_SUPERVISION_SESSION), published_view(ONE_SUPERVISION_SESSION)):
        assert shown["england"]["figures"]["supervision_sessions"] == 1
        assert shown["england"]["markers"] == {}


def test_national_analysts_see_every_hub_and_region_exactly():
    shown = exact_view(ONE_SUPERVISION_SESSION)
    assert hub(shown, "a")["figures"]["supervision_sessions"] == 1
    assert area(shown, "london")["figures"]["supervision_sessions"] == 1


def test_a_published_small_hub_or_region_cell_is_shown_suppressed_never_as_0():
    shown = published_view(ONE_SUPERVISION_SESSION)
    for cell in (hub(shown, "a"), area(shown, "london")):
        assert cell["figures"]["supervision_sessions"] is None
        assert cell["markers"]["supervision_sessions"] == "suppressed"


def test_a_region_hidden_beside_an_exact_england_is_not_recoverable_by_subtraction():
    # England 1, London hidden: were every other region shown as 0, London would be England's 1.
    shown = published_view(ONE_SUPERVISION_SESSION)
    regions_with_reports = [a for a in shown["regions"] if not a["missing"]]
    hidden = [a["region"] for a in regions_with_reports if a["markers"].get("supervision_sessions")]
    assert hidden == ["london", "south-west"]
    # and south-west's hidden 0 is not given away by its only hub's 0
    assert hub(shown, "c")["markers"].get("supervision_sessions") == "suppressed"


def test_published_hub_and_region_counts_are_rounded_to_5_and_england_stays_exact():
    shown = published_view([report("a", "london", self_referrals=23), report("b", "london", self_referrals=11),
                            report("c", "midlands", self_referrals=12)])  # fmt: skip
    assert hub(shown, "a")["figures"]["self_referrals"] == 25
    assert area(shown, "london")["figures"]["self_referrals"] == 35
    assert area(shown, "midlands")["figures"]["self_referrals"] == 10
    assert shown["england"]["figures"]["self_referrals"] == 46


def test_a_region_with_no_report_for_the_period_is_missing_not_0():
    for shown in (exact_view(ONE_SUPERVISION_SESSION), published_view(ONE_SUPERVISION_SESSION)):
        midlands = area(shown, "midlands")
        assert midlands["missing"] is True and midlands["hubs"] == 0 and midlands["figures"] == {}


def test_a_cell_an_earlier_format_hub_sent_as_star_makes_its_totals_unknown_not_0():
    reports = [report("a", "london", self_referrals=10), report("b", "london", exact=False, self_referrals="*")]
    for shown in (exact_view(reports), published_view(reports)):
        assert hub(shown, "b")["figures"]["self_referrals"] is None
        assert hub(shown, "b")["markers"]["self_referrals"] == "suppressed-by-hub"
        assert area(shown, "london")["figures"]["self_referrals"] is None
        assert shown["england"]["figures"]["self_referrals"] is None
        assert shown["england"]["hubs_suppressed"] == {"self_referrals": 1}


def test_percentages_are_computed_again_from_the_summed_counts_and_medians_are_left_to_hubs():
    reports = [
        report("a", "london", **{"clinical_outcomes.paired": 20, "clinical_outcomes.recovery": 10,
                                 "clinical_outcomes.caseness_at_assessment": 20,
                                 "time_to_first_contact.calendar.median_minutes": 90}),
        report("b", "midlands", **{"clinical_outcomes.paired": 30, "clinical_outcomes.recovery": 20,
                                   "clinical_outcomes.caseness_at_assessment": 30}),
    ]  # fmt: skip
    england = exact_view(reports)["england"]["figures"]
    assert england["clinical_outcomes.recovery_percent"] == 60
    assert "time_to_first_contact.calendar.median_minutes" not in england


def test_a_published_percentage_over_a_small_base_is_suppressed():
    figures = {"clinical_outcomes.caseness_at_assessment": 5, "clinical_outcomes.recovery": 2,
               "clinical_outcomes.recovery_percent": 40}  # fmt: skip
    reports = [report("a", "london", **figures)]
    shown = published_view(reports)
    assert hub(shown, "a")["figures"]["clinical_outcomes.recovery_percent"] is None
    assert area(shown, "london")["figures"]["clinical_outcomes.recovery_percent"] is None
    assert shown["england"]["figures"]["clinical_outcomes.recovery_percent"] == 40


def test_a_period_without_any_report_is_missing_in_a_trend():
    point = series_point("2026-09", [], "exact", "self_referrals", ["a"], ["london"])
    assert point["england"] is None and point["markers"]["england"] == "missing"
    assert point["hubs"] == {"a": None} and point["markers"]["hubs"] == {"a": "missing"}
    later = series_point("2026-10", [report("b", "midlands", self_referrals=9)], "published", "self_referrals",
                         ["a", "b"], ["london", "midlands"])  # fmt: skip
    assert later["markers"]["hubs"]["a"] == "missing" and later["markers"]["regions"]["london"] == "missing"
    assert later["hubs"]["b"] == 10 and later["england"] == 9


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
