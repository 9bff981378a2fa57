"""NHS Talking Therapies outcome definitions, at their boundaries and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubs.assessment.domain.outcomes import Totals, outcomes


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"),
    [(9, 7, False), (10, 7, True), (9, 8, True), (0, 0, False), (27, 21, True)],
)
def test_caseness_is_phq9_of_10_or_gad7_of_8(phq9, gad7, case):
    assert Totals(phq9, gad7).caseness is case


def test_phq9_down_by_6_is_reliable_improvement_and_down_by_5_is_not():
    assert outcomes(Totals(15, 5), Totals(9, 5)).reliable_improvement
    assert not outcomes(Totals(15, 5), Totals(10, 5)).reliable_improvement


def test_gad7_down_by_4_is_reliable_improvement_and_down_by_3_is_not():
    assert outcomes(Totals(5, 12), Totals(5, 8)).reliable_improvement
    assert not outcomes(Totals(5, 12), Totals(5, 9)).reliable_improvement


def test_improvement_on_one_measure_with_deterioration_on_the_other_is_neither():
    mixed = outcomes(Totals(20, 4), Totals(10, 10))
    assert not mixed.reliable_improvement and not mixed.reliable_deterioration


def test_phq9_up_by_6_or_gad7_up_by_4_is_reliable_deterioration():
    assert outcomes(Totals(4, 3), Totals(10, 3)).reliable_deterioration
    assert outcomes(Totals(4, 3), Totals(4, 7)).reliable_deterioration
    assert not outcomes(Totals(4, 3), Totals(9, 6)).reliable_deterioration


def test_recovery_is_a_case_at_first_and_not_at_latest():
    recovered = outcomes(Totals(10, 7), Totals(9, 7))
    assert recovered.recovery and not recovered.reliable_improvement and not recovered.reliable_recovery


def test_reliable_recovery_needs_recovery_and_reliable_improvement():
    result = outcomes(Totals(16, 12), Totals(6, 5))
    assert result.recovery and result.reliable_improvement and result.reliable_recovery


def test_recovery_does_not_apply_to_a_person_who_was_not_a_case():
    result = outcomes(Totals(9, 7), Totals(2, 1))
    assert result.recovery is None and result.reliable_recovery is None
    assert result.reliable_improvement  # 9 -> 2 is still a reliable improvement


def test_still_a_case_is_not_recovery():
    assert outcomes(Totals(20, 15), Totals(12, 9)).recovery is False


totals = st.builds(Totals, st.integers(0, 27), st.integers(0, 21))


@given(totals, totals)
def test_outcome_definitions_hold_for_every_pair_of_totals(first, latest):
    result = outcomes(first, latest)
    assert not (result.reliable_improvement and result.reliable_deterioration)
    if result.reliable_recovery:
        assert result.recovery and result.reliable_improvement
    assert (result.recovery is None) == (not first.caseness)
    if result.recovery:
        assert not latest.caseness


@given(totals)
def test_no_change_is_neither_improvement_nor_deterioration(same):
    result = outcomes(same, same)
    assert not result.reliable_improvement and not result.reliable_deterioration
    assert not result.recovery


@given(totals, totals)
def test_swapping_first_and_latest_swaps_improvement_and_deterioration(first, latest):
    forward, backward = outcomes(first, latest), outcomes(latest, first)
    assert forward.reliable_improvement == backward.reliable_deterioration
