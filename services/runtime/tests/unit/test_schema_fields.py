"""Strict JSON booleans and integers, and dates and times checked for range, in request bodies."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from marshmallow import Schema, ValidationError, validates_schema

from hubs.runtime.schema_fields import (
    DateOfBirth,
    JsonBoolean,
    JsonInteger,
    PlannedDate,
    RecordDate,
    RecordDateTime,
    RecordMonth,
    not_before,
)
from hubs.runtime.settings import DEFAULT_RECORDS_START, Settings


class Answer(Schema):
    risk = JsonBoolean(required=True)


@pytest.mark.parametrize("value", [True, False])
def test_json_true_and_false_are_accepted(value):
    assert Answer().load({"risk": value}) == {"risk": value}


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, "true", "yes", "1", None])
def test_anything_else_is_refused_rather_than_guessed(value):
    with pytest.raises(ValidationError) as refused:
        Answer().load({"risk": value})
    assert "risk" in refused.value.messages


TODAY = datetime.now(UTC).date()


class Record(Schema):
    count = JsonInteger()
    happened_on = RecordDate()
    planned_on = PlannedDate()
    happened_at = RecordDateTime()
    month = RecordMonth()
    started_on = RecordDate()
    ended_on = RecordDate()

    @validates_schema
    def _ended_after_started(self, data, **_kwargs):
        not_before(data, "ended_on", "started_on", "The end cannot be before the start.")


def refused(**fields) -> dict:
    with pytest.raises(ValidationError) as error:
        Record().load(fields)
    return error.value.messages


@pytest.mark.parametrize("value", ["7", 7.5, 7.0, True, False, "seven"])
def test_an_integer_given_as_text_a_decimal_or_a_boolean_is_refused(value):
    assert "whole number" in refused(count=value)["count"][0]


def test_a_json_integer_is_taken_as_it_is():
    assert Record().load({"count": 7}) == {"count": 7}


@pytest.mark.parametrize("value", ["0026-01-05", "26-01-05", "9999-12-31", "2026-13-01", "2026-02-30", 20260105, ""])
def test_a_date_without_a_real_four_digit_year_month_and_day_is_refused(value):
    assert "happened_on" in refused(happened_on=value)


def test_a_date_before_the_hubs_records_start_is_refused_naming_that_day():
    before = (DEFAULT_RECORDS_START - timedelta(days=1)).isoformat()
    assert DEFAULT_RECORDS_START.isoformat() in refused(happened_on=before)["happened_on"][0]


def test_the_records_start_is_the_hubs_own_setting_inside_an_app():
    app = Flask("test")
    app.extensions["hubs_settings"] = Settings(service="test", records_start=date(2024, 4, 1))
    with app.app_context():
        assert "2024-04-01" in refused(happened_on="2024-03-31")["happened_on"][0]
        assert Record().load({"happened_on": "2024-04-01"}) == {"happened_on": date(2024, 4, 1)}


def test_a_day_that_happened_may_be_today_or_tomorrow_for_time_zones_but_no_later():
    today = datetime.now(UTC).date()  # now, not when the module was read: a run may pass midnight
    assert Record().load({"happened_on": today.isoformat()}) == {"happened_on": today}
    assert "future" in refused(happened_on=(today + timedelta(days=2)).isoformat())["happened_on"][0]


def test_a_planned_day_may_be_ahead_but_not_more_than_three_years():
    ahead = TODAY + timedelta(days=365)
    assert Record().load({"planned_on": ahead.isoformat()}) == {"planned_on": ahead}
    assert "three years" in refused(planned_on=(TODAY + timedelta(days=4 * 365)).isoformat())["planned_on"][0]


def test_a_moment_in_the_future_beyond_clock_skew_is_refused():
    soon = datetime.now(UTC) + timedelta(minutes=1)
    assert Record().load({"happened_at": soon.isoformat()})["happened_at"] == soon
    assert "future" in refused(happened_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())["happened_at"][0]


@pytest.mark.parametrize("value", ["0026-01-05T10:00:00+00:00", "2026-01-05T10:00:00", "2019-01-05T10:00:00+00:00"])
def test_a_moment_with_no_time_zone_or_out_of_range_is_refused(value):
    assert "happened_at" in refused(happened_at=value)


@pytest.mark.parametrize("value", ["0000-11", "2026-13", "2026-00", "26-11", "2026-1", "2019-12"])
def test_a_month_that_is_not_a_real_month_of_the_hubs_records_is_refused(value):
    assert "month" in refused(month=value)


def test_a_month_after_this_one_is_refused_and_this_one_is_taken():
    this_month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    assert Record().load({"month": this_month}) == {"month": this_month}
    following = TODAY.replace(day=1) + timedelta(days=32)
    assert "after this month" in refused(month=f"{following.year:04d}-{following.month:02d}")["month"][0]


def test_an_order_rule_names_the_later_field():
    messages = refused(started_on=TODAY.isoformat(), ended_on=(TODAY - timedelta(days=1)).isoformat())
    assert messages == {"ended_on": ["The end cannot be before the start."]}
    same_day = {"started_on": TODAY.isoformat(), "ended_on": TODAY.isoformat()}
    assert Record().load(same_day) == {"started_on": TODAY, "ended_on": TODAY}


class Person(Schema):
    date_of_birth = DateOfBirth()


@pytest.mark.parametrize("value", ["1899-12-31", "0026-01-05", (TODAY - timedelta(days=365 * 10)).isoformat(), "x"])
def test_a_date_of_birth_before_1900_or_of_a_child_is_refused(value):
    with pytest.raises(ValidationError) as error:
        Person().load({"date_of_birth": value})
    assert "date_of_birth" in error.value.messages


def test_a_date_of_birth_of_working_age_is_taken_even_before_the_hubs_records():
    assert Person().load({"date_of_birth": "1970-05-01"}) == {"date_of_birth": date(1970, 5, 1)}


def test_the_future_is_judged_by_the_apps_own_clock_when_it_keeps_one():
    app = Flask("test")
    app.extensions["hubs_today"] = lambda: TODAY + timedelta(days=30)
    with app.app_context():
        later = TODAY + timedelta(days=20)
        assert Record().load({"happened_on": later.isoformat()}) == {"happened_on": later}
