"""Scores and bands as the clinician answers: the same cut-offs the assessment service uses."""

from __future__ import annotations

import pytest

from hubs.portal.domain.measures import MEASURES_BY_KEY, score

PHQ9 = MEASURES_BY_KEY["phq9"]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (10, "moderate"),
        (15, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_totals_fall_in_the_published_bands(total, band):
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (9 - len(answers))
    assert score(PHQ9, answers).band == band


def test_an_unfinished_measure_has_no_band_yet():
    scored = score(PHQ9, [3, 3, None, None, None, None, None, None, None])
    assert scored.band is None
    assert scored.summary == "Answered 2 of 9"


def test_a_screening_measure_says_positive_or_negative_at_its_cut_off():
    assert score(MEASURES_BY_KEY["pc_ptsd5"], [1, 1, 1, 0, 0]).summary == "Score 3 of 5: positive screen"
    assert score(MEASURES_BY_KEY["audit_c"], [1, 1, 2]).summary == "Score 4 of 12: negative screen"
