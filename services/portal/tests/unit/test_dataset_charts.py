"""The hub lead's data set page charts the last six months (referrals, the wait for first contact,
the outcomes of assessments), drawn on the server as SVG, each with its numbers in a table."""

from __future__ import annotations

import re

from hubs.portal.adapters.services import Answer
from hubs.portal.domain import dataset_charts as charts
from hubs.portal.entrypoints.filters import code

MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
FIGURES = {
    "2026-10": {"self_referrals": 3, "referrals_from_other_sources": 1, "assessment_outcome.refer-on": 2,
                "time_to_first_contact.working.median_minutes": 90,
                "time_to_first_contact.working.p90_minutes": 300},
    "2026-11": {"self_referrals": 12, "referrals_from_other_sources": 0, "assessment_outcome.signpost": 4,
                "assessment_outcome.no-further-action": 1},
}  # fmt: skip


class MonthlyDataset:
    """The reporting service's /v1/dataset for any month: November's and October's figures, others empty."""

    def __init__(self, services, missing: tuple[str, ...] = ()):
        self.missing, self.asked = missing, []
        original = services.call

        def call(service, method, path, **kwargs):
            if (service, method, path) == ("reporting", "GET", "/v1/dataset"):
                month = (kwargs.get("params") or {}).get("period") or "2026-11"
                self.asked.append(month)
                if month in self.missing:
                    return Answer(422, errors={"period": ["must not end before 2026-08-01"]})
                figures = FIGURES.get(month, {})
                return Answer(200, {"period_type": "month", "period": month, "figures": figures, "state": "open"})
            return original(service, method, path, **kwargs)

        services.call = call


def section(page: str, slug: str) -> str:
    start = page.index(f'id="chart-{slug}"')
    return page[start : page.index("</section>", start)]


def test_the_data_set_page_charts_the_six_months_up_to_the_month_shown(signed_in, services):
    dataset = MonthlyDataset(services)
    page = signed_in("hub-lead").get("/lead/dataset?period_type=month&period=2026-11").get_data(as_text=True)

    assert sorted(set(dataset.asked)) == list(MONTHS)
    referrals = section(page, "referrals")
    assert '<svg class="portal-chart__svg"' in referrals and 'role="img"' in referrals
    assert '<title id="chart-referrals-title">Referrals received by month</title>' in referrals
    assert "November 2026: Self-referrals 12, From others 0" in referrals  # the description
    assert "June 2026: Self-referrals 0, From others 0" in referrals  # a month reported with nothing in it
    assert re.search(r"<th scope=\"row\" class=\"nhsuk-table__cell\">November 2026</th><td[^>]*>12</td><td[^>]*>0</td>",
                     referrals)  # fmt: skip
    assert "<script" not in referrals and " style=" not in referrals


def test_the_wait_for_first_contact_is_charted_in_working_hours(signed_in, services):
    MonthlyDataset(services)
    page = signed_in("hub-lead").get("/lead/dataset?period_type=month&period=2026-11").get_data(as_text=True)

    waits = section(page, "first-contact")
    assert "Wait for first contact (working hours)" in waits
    assert "October 2026: Median 1.5, 90th percentile 5" in waits
    assert "November 2026: Median not reported, 90th percentile not reported" in waits


def test_outcomes_are_named_in_words_and_only_those_decided_are_charted(signed_in, services):
    MonthlyDataset(services)
    page = signed_in("hub-lead").get("/lead/dataset?period_type=month&period=2026-11").get_data(as_text=True)

    outcomes = section(page, "outcomes")
    assert ">Refer on</th>" in outcomes and ">Signpost</th>" in outcomes and ">No further action</th>" in outcomes
    assert "refer-on" not in outcomes.replace("assessment_outcome", "")
    assert "Monitor" not in outcomes


def test_a_month_the_service_does_not_answer_for_is_not_reported_and_not_drawn():
    figures = {**FIGURES, "2026-06": None}
    chart = charts.referrals_chart(MONTHS, figures)

    assert chart.rows[0] == ("June 2026", ["not reported", "not reported"])
    assert len(chart.bars) == 3  # October's two, November's self-referrals (0 is not drawn)
    assert [b.value for b in chart.bars] == ["3", "1", "12"]


def test_every_bar_and_label_stays_inside_the_drawing():
    chart = charts.outcomes_chart(MONTHS, FIGURES, code)

    assert chart.ticks[-1] >= 4
    for bar in chart.bars:
        assert chart.left <= bar.x and bar.x + bar.width <= chart.right
        assert chart.top <= bar.y and bar.y + bar.height <= chart.bottom + 0.1
    last_label_x = chart.x_labels[-1][2]
    assert last_label_x + 40 <= chart.width  # "2026" at 13 px is about 32 px wide, centred
    assert chart.x_labels[-1][:2] == ("Nov", "2026")


def test_the_months_charted_run_back_over_the_new_year():
    assert charts.months_up_to("2027-02") == ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02")


def test_the_axis_goes_up_in_round_whole_steps_for_counts():
    assert charts.axis_ticks(0) == [0, 1]
    assert charts.axis_ticks(3) == [0, 1, 2, 3]
    assert charts.axis_ticks(12) == [0, 5, 10, 15]
    assert charts.axis_ticks(1.5, whole=False) == [0, 0.5, 1.0, 1.5]
    assert charts.axis_ticks(0, whole=False) == [0, 0.5, 1.0]  # an empty wait chart still has distinct steps


def test_charts_are_told_apart_by_fill_as_well_as_colour():
    chart = charts.outcomes_chart(MONTHS, FIGURES, code)
    assert len(set(chart.looks)) == len(chart.series)
    assert len({fill for _, fill in chart.looks}) > 1
