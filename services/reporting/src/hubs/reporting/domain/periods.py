"""Reporting periods: ISO week, calendar month, financial quarter and financial year
(April to March), as the national data set is submitted."""

from __future__ import annotations

from datetime import date

PERIOD_TYPES = ("week", "month", "quarter", "financial-year")


def financial_year(day: date) -> str:
    """'2026-27' for any day from 1 April 2026 to 31 March 2027."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def periods_of(day: date) -> dict[str, str]:
    """The period of every type that contains `day`."""
    iso_year, iso_week, _ = day.isocalendar()
    quarter = ((day.month - 4) % 12) // 3 + 1  # Q1 is April to June
    return {
        "week": f"{iso_year}-W{iso_week:02d}",
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{financial_year(day)}-Q{quarter}",
        "financial-year": financial_year(day),
    }
