"""Reporting periods, with the financial year running April to March."""

from datetime import date

import pytest

from hubs.reporting.domain.periods import financial_year, is_period, period_bounds, periods_of


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


@pytest.mark.parametrize("day", [date(5, 1, 1), date(999, 12, 31), date(9999, 1, 1), date(9999, 12, 31)])
def test_a_day_outside_the_years_periods_can_name_is_refused_not_misnamed(day):
    with pytest.raises(ValueError, match="no reporting period"):
        periods_of(day)


@pytest.mark.parametrize(
    ("period_type", "period"),
    [("week", "9999-W52"), ("month", "9999-12"), ("financial-year", "9999-00"), ("quarter", "9998-99-Q4"),
     ("month", "0005-01"), ("week", "0999-W01")],
)  # fmt: skip
def test_a_period_name_outside_the_years_this_code_can_compute_is_a_value_error(period_type, period):
    with pytest.raises(ValueError):
        period_bounds(period_type, period)
    assert not is_period(period_type, period)


def test_the_earliest_and_latest_computable_days_have_four_digit_period_names():
    assert periods_of(date(1000, 1, 1))["month"] == "1000-01"
    assert periods_of(date(9998, 12, 31))["financial-year"] == "9998-99"
