"""The measure registry is what the events say of each measure: the same totals, bands, cut-offs
and results, so that a score the assessment service gives and the contract it is sent under
cannot disagree."""

from __future__ import annotations

import pytest
from marshmallow import validate

from hubs.contracts import measures as registry
from hubs.contracts.events.assessment import MEASURE_FIELDS, MeasureScores


def _part(measure: registry.Measure):
    return MeasureScores._declared_fields[measure.key].schema


def _range(field) -> validate.Range:
    return next(v for v in field.validators if isinstance(v, validate.Range))


@pytest.mark.parametrize("measure", registry.MEASURES, ids=lambda m: m.key)
def test_each_measure_is_sent_with_the_results_the_registry_says_it_reports(measure):
    part = _part(measure)
    assert set(part.fields) == set(measure.results)
    assert (_range(part.fields["total"]).min, _range(part.fields["total"]).max) == measure.total_range
    assert MEASURE_FIELDS[measure.code] == measure.key


@pytest.mark.parametrize("measure", [m for m in registry.MEASURES if "band" in m.results], ids=lambda m: m.key)
def test_a_banded_measure_is_sent_with_the_registry_bands(measure):
    assert measure.bands == type(_part(measure)).BANDS
    for total in range(measure.maximum + 1):
        data = {"total": total, "band": measure.band(total).value}
        data |= {name: False for name in measure.results if name not in data}
        assert _part(measure).validate(data) == {}, total


@pytest.mark.parametrize("measure", [m for m in registry.MEASURES if m.cut_offs], ids=lambda m: m.key)
def test_a_screen_is_sent_with_one_of_the_cut_offs_the_registry_allows(measure):
    cut_off = _range(_part(measure).fields["cut_off"])
    assert (cut_off.min, cut_off.max) == (min(measure.cut_offs), max(measure.cut_offs))
    assert measure.positive_at in measure.cut_offs


@pytest.mark.parametrize(
    ("measure", "number", "message"),
    [
        (registry.PHQ9, 9, "PHQ-9 item 9 must be a whole number from 0 to 3"),
        (registry.WSAS, 1, "WSAS item 1 must be a whole number from 0 to 8"),
        (registry.PC_PTSD5, 2, "PC-PTSD-5 item 2 must be a whole number from 0 to 1"),
    ],
)
def test_a_wrong_answer_is_named_by_its_item_and_the_answers_it_allows(measure, number, message):
    assert measure.item_message(number) == message


def test_every_measure_has_its_published_item_count_and_total_range():
    shapes = {m.name: (len(m.items), m.total_range) for m in registry.MEASURES}
    assert shapes == {
        "PHQ-9": (9, (0, 27)),
        "GAD-7": (7, (0, 21)),
        "PCL-5": (20, (0, 80)),
        "PC-PTSD-5": (5, (0, 5)),
        "WSAS": (5, (0, 40)),
        "AUDIT-C": (3, (0, 12)),
        "AUDIT": (10, (0, 40)),
    }


@pytest.mark.parametrize(
    ("total", "zone", "positive"),
    [(0, "low-risk", False), (7, "low-risk", False), (8, "increasing-risk", True), (15, "increasing-risk", True),
     (16, "higher-risk", True), (19, "higher-risk", True), (20, "possible-dependence", True),
     (40, "possible-dependence", True)],
)  # fmt: skip
def test_the_audit_zones_are_the_whos_and_the_event_calls_zone_ii_and_above_positive(total, zone, positive):
    assert registry.AUDIT.band(total) == zone
    assert _part(registry.AUDIT).validate({"total": total, "positive": positive}) == {}
    assert _part(registry.AUDIT).validate({"total": total, "positive": not positive}) != {}


def test_audit_items_9_and_10_score_0_2_or_4():
    assert [item.values for item in registry.AUDIT.items] == [(0, 1, 2, 3, 4)] * 8 + [(0, 2, 4)] * 2
    assert registry.AUDIT.item_message(10) == "AUDIT item 10 must be 0, 2 or 4"
    assert registry.AUDIT.items[:3] == registry.AUDIT_C.items  # AUDIT-C is the AUDIT's first three
