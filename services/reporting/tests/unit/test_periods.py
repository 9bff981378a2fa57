"""Reporting periods, with the financial year running April to March."""

from datetime import date

from hubs.reporting.domain.periods import financial_year, periods_of


def test_financial_year_starts_in_april():
    assert financial_year(date(2026, 3, 31)) == "2025-26"
    assert financial_year(date(2026, 4, 1)) == "2026-27"


def test_quarter_one_is_april_to_june_and_quarter_four_is_january_to_march():
    assert periods_of(date(2026, 4, 1))["quarter"] == "2026-27-Q1"
    assert periods_of(date(2026, 6, 30))["quarter"] == "2026-27-Q1"
    assert periods_of(date(2027, 1, 1))["quarter"] == "2026-27-Q4"
    assert periods_of(date(2027, 3, 31))["quarter"] == "2026-27-Q4"


def test_week_is_the_iso_week_and_month_the_calendar_month():
    periods = periods_of(date(2026, 11, 26))
    assert periods["week"] == "2026-W48"
    assert periods["month"] == "2026-11"
