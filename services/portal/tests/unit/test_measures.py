"""Scores and bands as the clinician answers: the same cut-offs the assessment service uses."""

from __future__ import annotations

import pytest

from hubs.contracts import measures as registry
from hubs.portal.domain.measures import MEASURES, MEASURES_BY_KEY, answers_from_form, score

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


def test_the_assessment_form_asks_every_measure_the_assessment_service_takes():
    assert {m.key for m in MEASURES} == set(registry.BY_KEY)


def test_each_question_offers_the_answers_its_measure_allows_in_words():
    audit_c_units = MEASURES_BY_KEY["audit_c"].items[1]
    assert audit_c_units.answers == ((0, "0 to 2"), (1, "3 to 4"), (2, "5 to 6"), (3, "7 to 9"), (4, "10 or more"))
    # An answer the question does not offer is not taken as given.
    form = {"audit_c-1": "1", "audit_c-2": "5", "audit_c-3": "0"}
    assert answers_from_form(MEASURES_BY_KEY["audit_c"], form) == [1, None, 0]


@pytest.mark.parametrize(
    ("result", "words"),
    [
        ({"provisional_ptsd": True, "cut_off_met": False, "dsm5_rule_met": True},
         "provisional PTSD, by the DSM-5 symptom rule only, below the cut-off of 33"),
        ({"provisional_ptsd": True, "cut_off_met": True, "dsm5_rule_met": False},
         "provisional PTSD, by the cut-off (33 or more) only, not the DSM-5 symptom rule"),
        ({"provisional_ptsd": True, "cut_off_met": True, "dsm5_rule_met": True},
         "provisional PTSD, by the cut-off (33 or more) and the DSM-5 symptom rule"),
        ({"provisional_ptsd": False, "cut_off_met": False, "dsm5_rule_met": False}, "no provisional PTSD"),
        ({"provisional_ptsd": True}, "provisional PTSD"),  # scored before the rules were told apart
    ],
)  # fmt: skip
def test_a_pcl5_result_says_which_rule_made_ptsd_provisional(result, words):
    assert MEASURES_BY_KEY["pcl5"].result_in_words({"total": 12, **result}) == words


def test_the_pcl5_shows_its_total_as_answered_not_a_screen_result():
    # Its cut-off is one of two rules: the service says which held once the assessment is sent.
    assert score(MEASURES_BY_KEY["pcl5"], [2] * 16 + [0] * 4).summary == "Score 32 of 80"


def test_the_audit_is_asked_with_its_own_answers_and_scored_in_the_whos_zones():
    audit = MEASURES_BY_KEY["audit"]
    assert len(audit.items) == 10
    assert audit.items[8].answers == ((0, "No"), (2, "Yes, but not in the last year"), (4, "Yes, during the last year"))
    form = {f"audit-{n}": "1" for n in range(1, 9)} | {"audit-9": "2", "audit-10": "3"}
    assert answers_from_form(audit, form)[8:] == [2, None]  # item 10 offers no 3
    assert score(audit, [1] * 8 + [2, 0]).summary == "Score 10 of 40: zone II, increasing risk"
    assert score(audit, [0] * 10).summary == "Score 0 of 40: zone I, low risk"
    assert score(audit, [4] * 10).summary == "Score 40 of 40: zone IV, possible dependence"
