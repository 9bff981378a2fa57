"""How the portal names and shows a figure of the data set: a headline figure by its own words,
any other by a name and definition made from its key, and a value as a person reads it."""

from __future__ import annotations

import pytest

from hubs.portal.domain.figures import HEADLINE, display, figure


def test_a_headline_figure_is_shown_with_its_own_name_and_definition():
    referrals = figure("referrals_received")
    assert referrals.name == "Referrals received"
    assert referrals.definition == "Referrals the hub received in the period, from any source."
    assert all(figure(f.key) is f for f in HEADLINE)


def test_a_figure_without_words_of_its_own_is_named_from_its_key_with_a_capital():
    described = figure("referrals_by_source.occupational-health")
    assert described.key == "referrals_by_source.occupational-health"
    assert described.name == "Referrals by source: occupational-health"


@pytest.mark.parametrize(
    ("key", "definition"),
    [
        (
            "onward_referrals.peer_support_percent",
            "A percentage over its base count, reported by the hubs as they calculated it.",
        ),
        (
            "treatment_waits.median_days",
            "A statistic (median or 90th percentile) over the period's cases, in the unit it names.",
        ),
        (
            "time_to_first_contact.p90_minutes",
            "A statistic (median or 90th percentile) over the period's cases, in the unit it names.",
        ),
        (
            "onward_referrals.bereavement",
            "A count for the period, as the hub's reporting service builds it from its events.",
        ),
    ],
)
def test_a_figure_named_from_its_key_says_whether_it_is_a_percentage_a_statistic_or_a_count(key, definition):
    assert figure(key).definition == definition


def test_a_figures_definition_is_found_by_an_anchor_made_of_its_key():
    assert figure("time_to_first_contact.within_standard").anchor == "figure-time-to-first-contact-within-standard"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("*", "fewer than 8 (suppressed)"),
        (None, "not reported"),
        (12345, "12,345"),
        (1234.5, "1,234.5"),
        (0, "0"),
        ("n/a", "n/a"),
    ],
)
def test_a_value_is_shown_with_thousands_separators_and_a_suppressed_or_missing_one_in_words(value, shown):
    assert display(value) == shown
