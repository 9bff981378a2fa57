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


def test_every_period_has_its_first_and_last_day():
    from hubs.reporting.domain.periods import period_bounds

    assert period_bounds("week", "2026-W01") == (date(2025, 12, 29), date(2026, 1, 4))
    assert period_bounds("month", "2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("quarter", "2026-27-Q4") == (date(2027, 1, 1), date(2027, 3, 31))
    assert period_bounds("quarter", "2026-27-Q2") == (date(2026, 7, 1), date(2026, 9, 30))
    assert period_bounds("financial-year", "2026-27") == (date(2026, 4, 1), date(2027, 3, 31))


def test_malformed_period_names_are_refused():
    from hubs.reporting.domain.periods import is_period

    assert is_period("month", "2026-10")
    assert not is_period("month", "2026-13")
    assert not is_period("week", "2026-10")
    assert not is_period("financial-year", "2026-28")
    assert not is_period("quarter", "2026-27-Q5")


def test_periods_overlapping_a_span_are_every_period_it_touches():
    from hubs.reporting.domain.periods import periods_overlapping

    found = periods_overlapping(date(2026, 3, 30), date(2026, 4, 2))
    assert ("week", "2026-W14") in found
    assert {p for t, p in found if t == "month"} == {"2026-03", "2026-04"}
    assert {p for t, p in found if t == "financial-year"} == {"2025-26", "2026-27"}
    assert {p for t, p in found if t == "quarter"} == {"2025-26-Q4", "2026-27-Q1"}
