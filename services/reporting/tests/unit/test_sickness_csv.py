"""Sickness absence returns: checked line by line, good lines kept, bad lines reported."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hubs.reporting.domain.sickness_csv import CsvRefused, parse_returns
from hubs.reporting.service_layer.sickness import import_sickness_absence

TODAY = date(2026, 11, 26)
RECORDS_START = date(2020, 10, 1)


def test_good_lines_are_kept_and_each_bad_line_is_reported_with_why():
    text = (
        "Employer,Month,Mental_Health_Days_Lost,All_Causes_Days_Lost\n"
        "North Trust,2026-10,120.5,400\n"
        ",2026-10,3,\n"
        "South Trust,2026/10,3,\n"
        "East Trust,2026-10,-1,\n"
        "West Trust,2027-01,3,\n"
        "North Trust,2026-10,7,\n"
        "Care Home Ltd,2026-09,12,5\n"
        "\n"
        "GP Practice,2026-09,0\n"
    )
    accepted, rejected = parse_returns(text, TODAY, RECORDS_START)
    assert [(r.employer, r.month, r.days_lost_mental_health) for r in accepted] == [
        ("North Trust", "2026-10", 120.5),
        ("GP Practice", "2026-09", 0.0),
    ]
    reasons = {r.line: r.errors for r in rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "employer" in reasons[3]
    assert "month" in reasons[4]
    assert "mental_health_days_lost" in reasons[5]
    assert reasons[6]["month"] == ["must not be in the future"]
    assert "repeats line 2" in reasons[7]["employer"][0]
    assert "all_causes_days_lost" in reasons[8]


def test_a_file_without_the_columns_is_refused_as_a_whole():
    with pytest.raises(CsvRefused) as refused:
        parse_returns("employer,days\nNorth Trust,3\n", TODAY, RECORDS_START)
    assert "month" in refused.value.errors["header"][0]


def test_a_file_whose_lines_end_in_bare_carriage_returns_is_read_line_by_line():
    text = "employer,month,mental_health_days_lost\rNorth Trust,2026-10,12\rSouth Trust,2026-09,3\r"
    accepted, rejected = parse_returns(text, TODAY, RECORDS_START)
    assert [(r.employer, r.month) for r in accepted] == [("North Trust", "2026-10"), ("South Trust", "2026-09")]
    assert rejected == []


def test_a_file_the_csv_reader_cannot_split_is_refused_with_its_line_not_failed():
    oversized = "x" * 200_000  # beyond what the csv module takes in one field
    text = f"employer,month,mental_health_days_lost\nNorth Trust,2026-10,12\n{oversized},2026-10,1\n"
    with pytest.raises(CsvRefused) as refused:
        parse_returns(text, TODAY, RECORDS_START)
    assert refused.value.errors["file"][0].startswith("line 3 cannot be read as CSV")


def test_an_import_publishes_each_months_new_total(hub):
    text = "employer,month,mental_health_days_lost\nNorth Trust,2026-10,10\nSouth Trust,2026-10,5.5\n"
    result = import_sickness_absence(text, hub.uow, datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert result.accepted == 2
    events = [e for e in hub.uow.outbox.events if e["envelope"]["event_type"] == "SicknessAbsenceImported"]
    assert len(events) == 1 and not events[0]["national"]
    data = events[0]["envelope"]["data"]
    assert (data["period"], data["employer_count"], data["days_lost_mental_health"]) == ("2026-10", 2, 15.5)
    assert events[0]["key"] == "month:2026-10"
    again = import_sickness_absence(
        "employer,month,mental_health_days_lost\nNorth Trust,2026-10,4\n", hub.uow, datetime(2026, 11, 3, tzinfo=UTC)
    )
    assert again.months == [{"month": "2026-10", "employer_count": 2, "days_lost_mental_health": 9.5}]


def test_an_import_is_kept_and_announced_only_when_its_transaction_commits(hub, monkeypatch):
    def commit_fails():
        raise ConnectionError("the database went away")

    monkeypatch.setattr(hub.uow, "commit", commit_fails)
    with pytest.raises(ConnectionError):
        import_sickness_absence(
            "employer,month,mental_health_days_lost\nNorth Trust,2026-10,10\n",
            hub.uow,
            datetime(2026, 11, 2, 9, tzinfo=UTC),
        )

    assert hub.uow.sickness.rows == {} and hub.uow.outbox.events == []


@pytest.mark.parametrize(
    ("month", "why"),
    [
        ("0000-11", "must be a month written YYYY-MM, e.g. 2026-10"),
        ("0999-11", "must be a month written YYYY-MM, e.g. 2026-10"),
        ("2020-09", "must not be before 2020-10 (the first month of this hub's records)"),
    ],
)
def test_a_month_no_period_of_the_hubs_records_holds_is_refused_on_its_line(month, why):
    accepted, rejected = parse_returns(f"employer,month,mental_health_days_lost\nNorth Trust,{month},3\n", TODAY,
                                       RECORDS_START)  # fmt: skip
    assert accepted == []
    assert [(r.line, r.errors) for r in rejected] == [(2, {"month": [why]})]


@pytest.mark.parametrize("days", ["1e3", "1_000", "٣"])
def test_days_lost_are_plain_decimal_numbers(days):
    accepted, rejected = parse_returns(f'employer,month,mental_health_days_lost\nNorth Trust,2026-10,"{days}"\n',
                                       TODAY, RECORDS_START)  # fmt: skip
    assert accepted == []
    assert rejected[0].errors == {"mental_health_days_lost": ["must be a number of days, e.g. 12.5"]}


def test_an_upload_whose_only_line_has_month_0000_11_stores_nothing_and_sends_nothing(hub):
    result = import_sickness_absence(
        "employer,month,mental_health_days_lost\nNorth Trust,0000-11,3\n", hub.uow, datetime(2026, 11, 2, tzinfo=UTC)
    )
    assert result.accepted == 0
    assert [(r.line, list(r.errors)) for r in result.rejected] == [(2, ["month"])]
    assert hub.uow.sickness.rows == {} and hub.uow.outbox.events == []
