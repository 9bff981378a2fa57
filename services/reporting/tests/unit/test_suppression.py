"""Small-number suppression of figures that leave a hub."""

import pytest
from hypothesis import given, settings
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


# Secondary suppression -------------------------------------------------------------------

SMALL_GROUPS = [("total", ("a", "b", "c", "d")), ("grand", ("total", "other"))]


def derivable(published: dict, groups) -> set[str]:
    """What an attacker learns by subtraction: repeatedly, any group (published total = sum of
    its cells) with exactly one unknown member gives that member away."""
    known = {name for name, value in published.items() if value != SUPPRESSED}
    learnt: set[str] = set()
    changed = True
    while changed:
        changed = False
        for total, cells in groups:
            unknown = [m for m in (total, *cells) if m not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                learnt.add(unknown[0])
                changed = True
    return learnt


def test_one_small_cell_beside_a_published_total_takes_the_next_smallest_cell_with_it():
    figures = {"total": 30, "a": 3, "b": 9, "c": 18, "d": 0, "grand": 30, "other": 0}
    published = suppress_all(figures, SMALL_GROUPS)
    assert published["a"] == SUPPRESSED and published["b"] == SUPPRESSED
    assert published["c"] == 20 and published["d"] == 0 and published["total"] == 30
    assert derivable(published, SMALL_GROUPS) == set()


def test_a_hidden_total_is_protected_in_the_group_above_it_too():
    figures = {"total": 5, "a": 5, "b": 0, "c": 0, "d": 0, "grand": 40, "other": 35}
    published = suppress_all(figures, SMALL_GROUPS)
    assert published["total"] == SUPPRESSED and published["other"] == SUPPRESSED
    assert derivable(published, SMALL_GROUPS) == set()


@given(
    st.lists(st.integers(min_value=0, max_value=40), min_size=4, max_size=4),
    st.integers(min_value=0, max_value=40),
)
def test_no_suppressed_cell_can_be_recovered_by_subtraction(cells, other):
    figures = dict(zip("abcd", cells, strict=True))
    figures.update(total=sum(cells), other=other, grand=sum(cells) + other)
    published = suppress_all(figures, SMALL_GROUPS)
    hidden = {name for name, value in published.items() if value == SUPPRESSED}
    assert {n for n in hidden if figures[n] in range(1, 8)} == {n for n, v in figures.items() if v in range(1, 8)}
    assert derivable(published, SMALL_GROUPS) == set()


def test_without_secondary_suppression_the_attacker_would_recover_the_small_cell():
    figures = {"total": 30, "a": 3, "b": 9, "c": 18, "d": 0, "grand": 30, "other": 0}
    primary_only = suppress_all(figures, groups=[])
    assert derivable(primary_only, SMALL_GROUPS) == {"a"}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_no_suppressed_cell_of_a_real_data_set_can_be_recovered(data):
    from hubs.reporting.domain.catalogue import GROUPS, STAGES, demographic_cells

    figures: dict[str, int] = {}
    for stage, total in STAGES.items():
        by_dimension = [demographic_cells(stage, dim) for dim in ("ethnicity", "age_band", "staff_group")]
        first = by_dimension[0]
        values = data.draw(
            st.lists(st.sampled_from([0, 0, 0, 1, 2, 5, 9, 14, 30]), min_size=len(first), max_size=len(first))
        )
        figures.update(zip(first, values, strict=True))
        figures[total] = sum(values)
        for cells in by_dimension[1:]:
            split = [0] * len(cells)
            for _ in range(figures[total]):
                split[data.draw(st.integers(0, len(cells) - 1))] += 1
            figures.update(zip(cells, split, strict=True))
    groups = [(t, cells) for t, cells in GROUPS if t in figures and all(c in figures for c in cells)]
    published = suppress_all(figures, groups)
    assert derivable(published, groups) == set()
    assert all(published[n] == SUPPRESSED for n, v in figures.items() if v in range(1, 8))


def test_a_statistic_over_a_small_base_is_suppressed():
    figures = {"first_contacts": 5, "time_to_first_contact.calendar.median_minutes": 95}
    assert suppress_all(figures)["time_to_first_contact.calendar.median_minutes"] == SUPPRESSED
    figures = {"first_contacts": 20, "time_to_first_contact.calendar.median_minutes": 95}
    assert suppress_all(figures)["time_to_first_contact.calendar.median_minutes"] == 95


def test_a_percentage_that_would_give_back_a_small_count_is_suppressed():
    def published(numerator: int, base: int):
        figures = {
            "clinical_outcomes.paired": base,
            "clinical_outcomes.reliable_improvement": numerator,
            "clinical_outcomes.reliable_improvement_percent": (200 * numerator + base) // (2 * base),
        }
        return suppress_all(figures)["clinical_outcomes.reliable_improvement_percent"]

    assert published(3, 40) == SUPPRESSED  # 8% of about 40 is about 3
    assert published(37, 40) == SUPPRESSED  # the 3 who did not improve
    assert published(20, 40) == 50
