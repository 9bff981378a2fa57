"""The national page: exact figures for analysts or figures as published; a suppressed cell is
shown as suppressed and a region or period without a report as missing, never as 0."""

from __future__ import annotations

import csv
import io

from hubs.portal.adapters.services import Answer

PUBLISHED = {
    "period_type": "month", "period": "2026-10", "view": "published",
    "regions": [
        {"region": "london", "hubs": 2, "missing": False, "figures": {"supervision_sessions": None,
                                                                     "referrals_received": 30},
         "markers": {"supervision_sessions": "suppressed"}},
        {"region": "midlands", "hubs": 0, "missing": True, "figures": {}, "markers": {}},
    ],
    "england": {"region": "england", "hubs": 2, "missing": False,
                "figures": {"supervision_sessions": 1, "referrals_received": 32}, "markers": {}},
}  # fmt: skip


def test_published_national_figures_show_suppressed_cells_and_missing_regions_never_as_0(signed_in, services):
    services.answers[("national", "GET", "/v1/national/comparison")] = Answer(200, PUBLISHED)
    services.answers[("national", "GET", "/v1/national/dataset")] = Answer(200, {"hubs": []})
    client = signed_in("national-analyst")
    page = client.get("/national/?period_type=month&period=2026-10&view=published").get_data(as_text=True)
    assert services.calls_to("national", "GET", "/v1/national/comparison")[0]["params"]["view"] == "published"
    row = page[page.index('data-figure="supervision_sessions"') :].split("</tr>")[0]
    cells = row.split("nhsuk-table__cell--numeric")[1:]
    assert "fewer than 8 (suppressed)" in cells[0]  # london
    assert "missing (no report)" in cells[1]  # midlands
    assert ">1<" in cells[2]  # england, exact
    assert ">0<" not in row
    response = client.get("/national/comparison.csv?period_type=month&period=2026-10&view=published")
    rows = {r[0]: r for r in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    keys = rows["area"]
    at = keys.index("supervision_sessions")
    assert (rows["london"][at], rows["midlands"][at], rows["england"][at]) == ("[c]", "missing", "1")


def test_analysts_see_exact_figures_by_default_and_are_told_their_reading_is_recorded(signed_in, services):
    services.answers[("national", "GET", "/v1/national/comparison")] = Answer(200, {**PUBLISHED, "view": "exact"})
    services.answers[("national", "GET", "/v1/national/dataset")] = Answer(200, {"hubs": []})
    page = signed_in("national-analyst").get("/national/").get_data(as_text=True)
    assert services.calls_to("national", "GET", "/v1/national/comparison")[0]["params"]["view"] == "exact"
    assert "records that you read them" in page


def test_a_trend_shows_a_period_without_reports_as_missing_and_a_suppressed_hub_as_suppressed(signed_in, services):
    series = [
        {"period": "2026-09", "england": None, "regions": {"london": None}, "hubs": {"hub-a": None},
         "markers": {"england": "missing", "regions": {"london": "missing"}, "hubs": {"hub-a": "missing"}}},
        {"period": "2026-10", "england": 1, "regions": {"london": None}, "hubs": {"hub-a": None},
         "markers": {"regions": {"london": "suppressed"}, "hubs": {"hub-a": "suppressed"}}},
    ]  # fmt: skip
    services.answers[("national", "GET", "/v1/national/trend")] = Answer(200, {"series": series})
    client = signed_in("national-analyst")
    query = "figure=supervision_sessions&period_type=month&first=2026-09&last=2026-10&view=published"
    page = client.get(f"/national/trend?{query}").get_data(as_text=True)
    table = page[page.index('id="trend"') :]
    september = table[table.index(">2026-09<") :].split("</tr>")[0]
    october = table[table.index(">2026-10<") :].split("</tr>")[0]
    assert september.count("missing (no report)") == 2 and ">0<" not in september
    assert "fewer than 8 (suppressed)" in october and ">1<" in october
    rows = list(csv.reader(io.StringIO(client.get(f"/national/trend.csv?{query}").get_data(as_text=True))))
    assert rows == [["period", "england", "london", "hub-a"], ["2026-09", "missing", "missing", "missing"],
                    ["2026-10", "1", "[c]", "[c]"]]  # fmt: skip
