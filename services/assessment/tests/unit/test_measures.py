"""Scoring of the standard measures: every band boundary, the DSM-5 rule, cut-off settings,
bad input, and properties that hold for every possible set of item responses."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from hubs.assessment.domain.measures import (
    MeasureError,
    MeasureSet,
    Pcl5,
    ScoringRules,
    Wsas,
    from_record,
    score,
    to_record,
)
from hubs.assessment.entrypoints.schemas import MeasureScoresSchema, ResponsesSchema
from hubs.contracts import codes, new_envelope
from hubs.contracts.examples import EXAMPLES


def items_summing_to(total: int, count: int, highest: int) -> list[int]:
    """Item responses with the given total, filled from the first item."""
    items = []
    for _ in range(count):
        value = min(highest, total)
        items.append(value)
        total -= value
    assert total == 0
    return items


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"), (4, "none"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
        (15, "moderately-severe"), (19, "moderately-severe"), (20, "severe"), (27, "severe"),
    ],
)  # fmt: skip
def test_phq9_bands_change_exactly_at_the_published_boundaries(total, band):
    phq9 = score({"phq9": items_summing_to(total, 9, 3)}).phq9
    assert (phq9.total, phq9.band) == (total, codes.Phq9Band(band))


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe"),
     (21, "severe")],
)  # fmt: skip
def test_gad7_bands_change_exactly_at_the_published_boundaries(total, band):
    gad7 = score({"gad7": items_summing_to(total, 7, 3)}).gad7
    assert (gad7.total, gad7.band) == (total, codes.Gad7Band(band))


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "subclinical"), (9, "subclinical"), (10, "significant"), (20, "significant"),
     (21, "moderately-severe-or-worse"), (40, "moderately-severe-or-worse")],
)  # fmt: skip
def test_wsas_bands_change_exactly_at_the_published_boundaries(total, band):
    wsas = score({"wsas": {"items": items_summing_to(total, 5, 8)}}).wsas
    assert (wsas.total, wsas.band) == (total, codes.WsasBand(band))


def test_wsas_does_not_score_work_for_a_person_retired_or_not_working():
    wsas = Wsas((8, 2, 2, 2, 2), retired_or_not_working=True)
    assert wsas.total == 8 and wsas.band is codes.WsasBand.SUBCLINICAL
    assert Wsas((8, 2, 2, 2, 2)).total == 16


def test_phq9_item9_above_zero_is_the_risk_flag():
    assert not score({"phq9": [3, 3, 3, 3, 3, 3, 3, 3, 0]}).phq9.item9_positive
    assert score({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 1]}).phq9.item9_positive


def test_pcl5_provisional_ptsd_at_33_and_not_at_32():
    assert not score({"pcl5": [1] * 12 + [4, 4, 4, 4, 4, 0, 0, 0]}).pcl5.provisional_ptsd  # 32, rule not met
    at_33 = score({"pcl5": items_summing_to(33, 20, 4)}).pcl5
    assert at_33.total == 33 and at_33.provisional_ptsd


def test_pcl5_dsm5_rule_needs_one_b_one_c_two_d_and_two_e_symptoms():
    #        B: 1-5        C: 6-7  D: 8-14               E: 15-20
    meets = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]
    assert Pcl5(tuple(meets)).dsm5_rule_met
    assert Pcl5(tuple(meets)).total == 12 and Pcl5(tuple(meets)).provisional_ptsd  # by the rule alone
    for missing_one in (0, 5, 8, 15):
        short = list(meets)
        short[missing_one] = 1  # rated 1 ("a little bit") is not a symptom
        assert not Pcl5(tuple(short)).dsm5_rule_met, missing_one


#                   B: 1-5         C: 6-7  D: 8-14               E: 15-20
BY_THE_RULE_ALONE = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]  # total 12
BY_THE_CUT_OFF_ALONE = [4] * 8 + [1] + [0] * 11  # total 33, one D symptom only


@pytest.mark.parametrize(
    ("items", "cut_off_met", "dsm5_rule_met", "provisional_ptsd"),
    [
        (BY_THE_RULE_ALONE, False, True, True),
        (BY_THE_CUT_OFF_ALONE, True, False, True),
        ([2] * 20, True, True, True),  # total 40 and every cluster
        ([1] * 12 + [4, 4, 4, 4, 4, 0, 0, 0], False, False, False),  # total 32, no E symptom
    ],
)
def test_pcl5_says_which_rule_made_ptsd_provisional(items, cut_off_met, dsm5_rule_met, provisional_ptsd):
    pcl5 = score({"pcl5": items}).pcl5
    assert (pcl5.cut_off_met, pcl5.dsm5_rule_met, pcl5.provisional_ptsd) == (
        cut_off_met,
        dsm5_rule_met,
        provisional_ptsd,
    )
    assert pcl5.to_data() == {
        "total": sum(items),
        "provisional_ptsd": provisional_ptsd,
        "cut_off_met": cut_off_met,
        "dsm5_rule_met": dsm5_rule_met,
    }


def test_a_pcl5_total_of_12_reads_as_the_dsm5_rule_not_the_cut_off_in_the_api_answer():
    answer = MeasureScoresSchema().dump(score({"pcl5": BY_THE_RULE_ALONE}).to_data())
    assert answer["pcl5"] == {"total": 12, "provisional_ptsd": True, "cut_off_met": False, "dsm5_rule_met": True}


@pytest.mark.parametrize(
    ("total", "zone", "positive"),
    [(0, "low-risk", False), (7, "low-risk", False), (8, "increasing-risk", True), (15, "increasing-risk", True),
     (16, "higher-risk", True), (19, "higher-risk", True), (20, "possible-dependence", True),
     (32, "possible-dependence", True)],
)  # fmt: skip
def test_audit_zones_change_exactly_at_the_whos_boundaries_and_zone_ii_is_positive(total, zone, positive):
    audit = score({"audit": [*items_summing_to(total, 8, 4), 0, 0]}).audit
    assert (audit.total, audit.zone, audit.positive) == (total, codes.AuditZone(zone), positive)
    assert audit.to_data() == {"total": total, "positive": positive}


def test_audit_items_9_and_10_score_0_2_or_4_up_to_a_total_of_40():
    assert score({"audit": [4] * 8 + [2, 4]}).audit.total == 38
    assert score({"audit": [4] * 10}).audit.total == 40


@pytest.mark.parametrize(("cut_off", "total", "positive"), [(3, 2, False), (3, 3, True), (4, 3, False), (4, 4, True)])
def test_pc_ptsd5_is_positive_at_the_hubs_cut_off(cut_off, total, positive):
    screen = score({"pc_ptsd5": items_summing_to(total, 5, 1)}, ScoringRules(pc_ptsd5_cut_off=cut_off)).pc_ptsd5
    assert (screen.total, screen.cut_off, screen.positive) == (total, cut_off, positive)


@pytest.mark.parametrize(("cut_off", "total", "positive"), [(5, 4, False), (5, 5, True), (4, 3, False), (4, 4, True)])
def test_audit_c_is_positive_at_the_hubs_cut_off(cut_off, total, positive):
    screen = score({"audit_c": items_summing_to(total, 3, 4)}, ScoringRules(audit_c_cut_off=cut_off)).audit_c
    assert (screen.total, screen.positive) == (total, positive)


def test_a_cut_off_the_instruments_do_not_allow_is_refused():
    with pytest.raises(ValueError):
        ScoringRules(pc_ptsd5_cut_off=2)
    with pytest.raises(ValueError):
        ScoringRules(audit_c_cut_off=8)


@pytest.mark.parametrize(
    ("responses", "where", "message"),
    [
        ({"phq9": [0] * 8}, ("phq9",), "PHQ-9 needs exactly 9"),
        ({"gad7": [0] * 8}, ("gad7",), "GAD-7 needs exactly 7"),
        ({"phq9": [0] * 8 + [4]}, ("phq9", "9"), "PHQ-9 item 9 must be a whole number from 0 to 3"),
        ({"pcl5": [5] + [0] * 19}, ("pcl5", "1"), "PCL-5 item 1 must be a whole number from 0 to 4"),
        ({"pc_ptsd5": [0, 0, 2, 0, 0]}, ("pc_ptsd5", "3"), "PC-PTSD-5 item 3"),
        ({"wsas": {"items": [0, 0, 0, 0, 9]}}, ("wsas", "items", "5"), "WSAS item 5 must be a whole number"),
        ({"wsas": [0, 0, 0, 0, 0]}, ("wsas",), "retired"),
        ({"audit_c": [0, -1, 0]}, ("audit_c", "2"), "AUDIT-C item 2"),
        ({"gad7": [0, 0, 0, 0, 0, 0, True]}, ("gad7", "7"), "GAD-7 item 7"),
        ({"phq9": [0] * 8 + ["1"]}, ("phq9", "9"), "PHQ-9 item 9"),
        ({"phq9": [0] * 8 + [1.0]}, ("phq9", "9"), "PHQ-9 item 9"),
        ({"gad7": "0000000"}, ("gad7",), "exactly 7"),
        ({"phq2": [0, 0]}, ("phq2",), "not a measure"),
        ({"audit": [0] * 8 + [1, 0]}, ("audit", "9"), "AUDIT item 9 must be 0, 2 or 4"),
        ({"audit": [0] * 9 + [3]}, ("audit", "10"), "AUDIT item 10 must be 0, 2 or 4"),
        ({"audit": [5] + [0] * 9}, ("audit", "1"), "AUDIT item 1 must be a whole number from 0 to 4"),
        ({"audit": [0] * 9}, ("audit",), "AUDIT needs exactly 10"),
    ],
)  # fmt: skip
def test_wrong_item_counts_or_values_are_refused_naming_the_item_as_clinicians_count_it(responses, where, message):
    with pytest.raises(MeasureError) as refused:
        score(responses)
    found = refused.value.errors
    for key in where:
        found = found[key]
    assert message in found[0]


def contract_accepts(measures: MeasureSet) -> dict:
    data = dict(EXAMPLES["AssessmentCompleted.v1"]) | {"measures": measures.to_data()}
    return new_envelope(
        "AssessmentCompleted", data, hub_id="test-hub", producer="assessment@test-hub", case_id=uuid.uuid4()
    )["data"]["measures"]


responses = st.fixed_dictionaries(
    {},
    optional={
        "phq9": st.lists(st.integers(0, 3), min_size=9, max_size=9),
        "gad7": st.lists(st.integers(0, 3), min_size=7, max_size=7),
        "pcl5": st.lists(st.integers(0, 4), min_size=20, max_size=20),
        "pc_ptsd5": st.lists(st.integers(0, 1), min_size=5, max_size=5),
        "wsas": st.fixed_dictionaries(
            {"items": st.lists(st.integers(0, 8), min_size=5, max_size=5), "retired_or_not_working": st.booleans()}
        ),
        "audit_c": st.lists(st.integers(0, 4), min_size=3, max_size=3),
        "audit": st.tuples(
            st.lists(st.integers(0, 4), min_size=8, max_size=8),
            st.lists(st.sampled_from([0, 2, 4]), min_size=2, max_size=2),
        ).map(lambda parts: parts[0] + parts[1]),
    },
)
rules = st.builds(ScoringRules, st.sampled_from([3, 4]), st.sampled_from([4, 5]))


@given(responses, rules)
def test_every_scored_set_of_responses_satisfies_the_contract(given_responses, given_rules):
    measures = score(given_responses, given_rules)
    assert contract_accepts(measures) is not None
    assert set(measures.taken) == {k for k, v in MeasureSet.FIELDS.items() if v in given_responses}


@given(responses, rules)
def test_stored_responses_score_again_to_the_same_result(given_responses, given_rules):
    measures = score(given_responses, given_rules)
    assert from_record(to_record(measures)) == measures


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(0, 8), st.integers(1, 3))
def test_a_higher_phq9_answer_never_lowers_the_band(items, which, raise_by):
    raised = list(items)
    raised[which] = min(3, raised[which] + raise_by)
    before, after = score({"phq9": items}).phq9, score({"phq9": raised}).phq9
    order = list(codes.Phq9Band)
    assert after.total >= before.total
    assert order.index(after.band) >= order.index(before.band)


@given(st.lists(st.integers(0, 4), min_size=20, max_size=20))
def test_pcl5_total_is_the_item_sum_and_ptsd_follows_either_rule(items):
    pcl5 = Pcl5(tuple(items))
    assert pcl5.total == sum(items)
    assert pcl5.cut_off_met == (sum(items) >= 33)
    assert pcl5.provisional_ptsd == (pcl5.cut_off_met or pcl5.dsm5_rule_met)


@pytest.mark.parametrize(
    ("items", "where", "message"),
    [([0] * 8 + [0, 3], "10", "AUDIT item 10 must be 0, 2 or 4"),
     ([0] * 7 + [5, 0, 0], "8", "AUDIT item 8 must be a whole number from 0 to 4")],
)  # fmt: skip
def test_the_api_refuses_an_audit_answer_its_item_does_not_allow_naming_the_item(items, where, message):
    with pytest.raises(ValidationError) as refused:
        ResponsesSchema().load({"audit": items})
    assert refused.value.messages == {"audit": {where: [message]}}


def test_the_api_takes_the_audit_and_answers_with_its_score():
    assert ResponsesSchema().load({"audit": [1] * 8 + [2, 0]})["audit"] == [1] * 8 + [2, 0]
    answer = MeasureScoresSchema().dump(score({"audit": [1] * 8 + [2, 0]}).to_data())
    assert answer["audit"] == {"total": 10, "positive": True}
