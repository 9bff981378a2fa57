"""Every event about a case that the contracts publish is either folded into the case's facts
or left out on purpose: an event reporting stops handling (or a new one it never learnt) makes
the figures wrong without an error, so it fails here instead."""

from __future__ import annotations

import pytest

from hubs.contracts import all_specs
from hubs.contracts.examples import example_envelope
from hubs.reporting.domain.case_facts import CASE_FOLDS, IGNORED_CASE_EVENTS, apply_case_event
from hubs.reporting.service_layer.handlers import hub_event_handlers

ABOUT_A_CASE = {spec.event_type: spec for spec in all_specs() if spec.about_case}
# Taken from the contracts, not from the table of folds: a fold taken out of the table fails here.
FOLDED = sorted(set(ABOUT_A_CASE) - set(IGNORED_CASE_EVENTS))


def test_every_contract_event_about_a_case_is_folded_into_the_case_facts_or_left_out_on_purpose():
    accounted_for = set(CASE_FOLDS) | set(IGNORED_CASE_EVENTS)
    assert sorted(set(ABOUT_A_CASE) - accounted_for) == []
    assert sorted(set(CASE_FOLDS) & set(IGNORED_CASE_EVENTS)) == []
    assert sorted(accounted_for - set(ABOUT_A_CASE)) == []  # no name of an event that does not exist


@pytest.mark.parametrize("event_type", FOLDED)
def test_each_case_event_not_left_out_on_purpose_changes_the_case_facts(event_type):
    envelope = example_envelope(ABOUT_A_CASE[event_type])

    assert apply_case_event({}, envelope) != {}


def test_the_hubs_consumer_takes_every_folded_case_event():
    handlers = hub_event_handlers(clock=lambda: None)

    assert sorted(set(FOLDED) - set(handlers)) == []
