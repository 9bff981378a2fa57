"""The national monthly return as analysts and publishers read it: one CSV row per area and figure,
hubs then regions then England; a suppressed cell marked "[c]" as NHS England marks it, a missing area
marked missing, and exact or published said on every row."""

from __future__ import annotations

import csv
import io

from hubs.reporting.domain.monthly_return import COLUMNS, HIDDEN_CELL, monthly_return_csv

SHOWN = {
    "hubs": [
        {
            "hub_id": "hub-a",
            "region": "london",
            "report_version": 7,
            "final": True,
            "signed_off": False,
            "figures": {"self_referrals": 12, "first_contacts": 3},
            "markers": {"first_contacts": "suppressed"},
        },
        {
            "hub_id": "hub-b",
            "region": "london",
            "report_version": 2,
            "final": None,
            "signed_off": True,
            "figures": {"self_referrals": 9},
            "markers": {},
        },
    ],
    "regions": [
        {"region": "london", "figures": {"self_referrals": 21, "first_contacts": 10}, "markers": {}},
        {"region": "south-west", "missing": True, "figures": {}, "markers": {}},
        {"region": "midlands", "figures": {"self_referrals": 4}, "markers": {"self_referrals": "suppressed-by-hub"}},
    ],
    "england": {"region": "england", "figures": {"self_referrals": 25, "first_contacts": 10}, "markers": {}},
}


def rows(which: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(monthly_return_csv("2026-04", SHOWN, which))))


def test_the_return_has_its_columns_then_hubs_regions_and_england_figure_by_figure():
    got = rows("exact")
    assert got[0] == list(COLUMNS)
    assert got[1:] == [
        ["2026-04", "hub", "hub-a", "london", "first_contacts", "[c]", "suppressed", "7", "true", "false"],
        ["2026-04", "hub", "hub-a", "london", "self_referrals", "12", "exact", "7", "true", "false"],
        ["2026-04", "hub", "hub-b", "london", "self_referrals", "9", "exact", "2", "", "true"],
        ["2026-04", "region", "london", "london", "first_contacts", "10", "exact", "", "", ""],
        ["2026-04", "region", "london", "london", "self_referrals", "21", "exact", "", "", ""],
        ["2026-04", "region", "south-west", "south-west", "first_contacts", "", "missing", "", "", ""],
        ["2026-04", "region", "south-west", "south-west", "self_referrals", "", "missing", "", "", ""],
        ["2026-04", "region", "midlands", "midlands", "self_referrals", "", "suppressed-by-hub", "", "", ""],
        ["2026-04", "england", "england", "", "first_contacts", "10", "exact", "", "", ""],
        ["2026-04", "england", "england", "", "self_referrals", "25", "exact", "", "", ""],
    ]


def test_published_cells_say_published_and_england_stays_exact():
    got = rows("published")
    assert got[1] == [
        "2026-04",
        "hub",
        "hub-a",
        "london",
        "first_contacts",
        HIDDEN_CELL,
        "suppressed",
        "7",
        "true",
        "false",
    ]
    assert got[2][5:7] == ["12", "published"]
    assert got[4][5:7] == ["10", "published"]  # a region
    assert got[-1][1] == "england" and got[-1][5:7] == ["25", "exact"]
    assert HIDDEN_CELL == "[c]"


def test_each_row_ends_its_line_with_a_newline_only():
    text = monthly_return_csv("2026-04", SHOWN, "exact")
    assert "\r" not in text and text.endswith("\n")
