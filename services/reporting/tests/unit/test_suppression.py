"""Small-number suppression of figures that leave a hub."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubs.reporting.domain.suppression import SUPPRESSED, suppress, suppress_all


def test_zero_stays_zero():
    assert suppress(0) == 0


@pytest.mark.parametrize("count", range(1, 8))
def test_counts_from_one_to_seven_are_suppressed(count):
    assert suppress(count) == SUPPRESSED


@pytest.mark.parametrize(
    ("count", "published"), [(8, 10), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (102, 100)]
)
def test_other_counts_are_rounded_to_the_nearest_five(count, published):
    assert suppress(count) == published


@given(st.integers(min_value=8, max_value=10**7))
def test_a_rounded_count_is_a_multiple_of_five_within_two_of_the_truth(count):
    published = suppress(count)
    assert published % 5 == 0
    assert abs(published - count) <= 2


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        suppress(-1)


def test_every_figure_of_a_report_is_suppressed():
    assert suppress_all({"a": 3, "b": 0, "c": 11}) == {"a": "*", "b": 0, "c": 10}
