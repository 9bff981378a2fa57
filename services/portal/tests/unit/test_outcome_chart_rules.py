"""What a clinician reads of a case after its assessment: the PHQ-9 and GAD-7 at each time they were
taken (oldest first), the outcome in the Talking Therapies' words, and a chart that is also told
in a sentence for people who cannot see it."""

from __future__ import annotations

from datetime import date

import pytest

from hubs.portal.domain.after_assessment import (
    Measured,
    chart,
    chart_description,
    day_from_form,
    measured_over_time,
    outcome_in_words,
    outcome_rows,
    short_day,
)


def scores(phq9, gad7) -> dict:
    return {
        "phq9": {"total": phq9} if phq9 is not None else None,
        "gad7": {"total": gad7} if gad7 is not None else None,
    }


def test_the_assessment_comes_first_then_each_measured_follow_up_oldest_first():
    assessment = {"completed_at": "2026-03-02T10:00:00+00:00", "measures": scores(18, 14)}
    follow_ups = [
        {"measured_at": "2026-05-01T09:00:00+00:00", "measures": scores(9, None)},
        {"measured_at": None, "measures": scores(1, 1)},  # due, not measured
        {"measured_at": "2026-04-01T09:00:00+00:00", "measures": scores(12, 10)},
        {"measured_at": "2026-06-01T09:00:00+00:00", "measures": {"phq9": {"total": "7"}}},  # no total to draw
    ]
    assert measured_over_time(assessment, follow_ups) == [
        Measured("Assessment", "2026-03-02T10:00:00+00:00", 18, 14),
        Measured("Follow-up 1", "2026-04-01T09:00:00+00:00", 12, 10),
        Measured("Follow-up 2", "2026-05-01T09:00:00+00:00", 9, None),
    ]
    assert measured_over_time({"completed_at": None, "measures": scores(1, 1)}, []) == []
    assert measured_over_time(None, [{"measured_at": "2026-04-01", "measures": None}]) == []


@pytest.mark.parametrize(
    ("outcomes", "words"),
    [
        (None, None),
        ({}, None),
        ({"reliable_recovery": True, "recovery": True, "reliable_improvement": True}, "Reliable recovery"),
        ({"recovery": True, "reliable_deterioration": True}, "Recovery"),
        ({"reliable_deterioration": True, "reliable_improvement": True}, "Reliable deterioration"),
        ({"reliable_improvement": True, "case_at_first": False}, "Reliable improvement"),
        ({"case_at_first": False}, "Not at caseness at assessment: recovery does not apply"),
        ({"case_at_first": True, "recovery": False}, "No reliable change"),
    ],
)
def test_the_headline_outcome_is_the_most_telling_definition_met(outcomes, words):
    assert outcome_in_words(outcomes) == words


def test_each_definition_is_answered_yes_no_or_does_not_apply():
    assert outcome_rows(None) == []
    assert outcome_rows(
        {
            "case_at_first": True,
            "case_at_latest": False,
            "reliable_improvement": True,
            "reliable_deterioration": False,
            "recovery": None,
            "reliable_recovery": None,
        }
    ) == [
        ("At caseness at assessment", "Yes"),
        ("At caseness at the latest follow-up", "No"),
        ("Reliable improvement", "Yes"),
        ("Reliable deterioration", "No"),
        ("Recovery", "Does not apply"),
        ("Reliable recovery", "Does not apply"),
    ]


def test_the_chart_spaces_each_time_evenly_and_draws_scores_from_0_to_27_up_the_side():
    points = [
        Measured("Assessment", "2026-03-02T10:00:00+00:00", 27, 0),
        Measured("Follow-up 1", "2026-04-01T09:00:00+00:00", 0, None),
        Measured("Follow-up 2", "2026-05-01T09:00:00+00:00", None, 21),
    ]
    drawn = chart(points)
    assert (drawn.width, drawn.height, drawn.left, drawn.right, drawn.top, drawn.bottom) == (640, 300, 44, 596, 16, 252)
    assert drawn.y_ticks == [(s, 252 - 236 * s / 27) for s in (0, 5, 10, 15, 20, 25)]
    assert drawn.x_labels == [
        ("Assessment: 2 Mar 2026", 44),
        ("Follow-up 1: 1 Apr 2026", 320),
        ("Follow-up 2: 1 May 2026", 596),
    ]
    assert drawn.phq9 == [(44, 16, 27), (320, 252, 0)]
    assert drawn.gad7 == [(44, 252, 0), (596, 252 - 236 * 21 / 27, 21)]
    assert drawn.phq9_path == "44.0,16.0 320.0,252.0"
    assert drawn.gad7_path == "44.0,252.0 596.0,68.4"
    assert drawn.phq9_caseness_y == pytest.approx(252 - 236 * 10 / 27)
    assert drawn.gad7_caseness_y == pytest.approx(252 - 236 * 8 / 27)


def test_a_single_time_is_drawn_in_the_middle_and_no_time_draws_no_chart():
    drawn = chart([Measured("Assessment", "2026-03-02T10:00:00+00:00", 10, 8)], width=400, height=200)
    assert drawn.x_labels == [("Assessment: 2 Mar 2026", 200)]
    assert (drawn.right, drawn.bottom) == (356, 152)
    assert chart([]) is None


def test_the_chart_is_told_in_a_sentence():
    one = [Measured("Assessment", "2026-03-02T10:00:00+00:00", 18, None)]
    assert chart_description(one) == (
        "PHQ-9 (0 to 27, caseness from 10) and GAD-7 (0 to 21, caseness from 8) measured 1 time. "
        "Assessment (2 Mar 2026): PHQ-9 18, GAD-7 not taken."
    )
    two = [*one, Measured("Follow-up 1", "not a date", None, 6)]
    assert chart_description(two).endswith(
        "measured 2 times. Assessment (2 Mar 2026): PHQ-9 18, GAD-7 not taken; "
        "Follow-up 1 (not a date): PHQ-9 not taken, GAD-7 6."
    )


def test_a_day_typed_in_a_date_field_is_read_and_anything_else_is_none():
    assert day_from_form(" 2026-04-01 ") == date(2026, 4, 1)
    assert day_from_form("1 April") is None
    assert day_from_form(None) is None
    assert short_day("2026-04-01") == "1 Apr 2026"
