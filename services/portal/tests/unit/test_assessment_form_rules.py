"""The assessment form's rules as a clinician meets them: what the portal asks to be changed before
the assessment service is asked (in the clinician's words, by question), who took part, and what
the service is sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict

from hubs.portal.domain.assessment_form import check, practitioners, request_body, risk_raised
from hubs.portal.domain.measures import MEASURES, answers_from_form, score

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
PHQ9 = {f"phq9-{n}": "1" for n in range(1, 9)} | {"phq9-9": "0"}
GAD7 = {f"gad7-{n}": "2" for n in range(1, 8)}
BASE = {
    **PHQ9,
    **GAD7,
    "risk_level": "low",
    "work_situation": "at-work",
    "decisions": "no-further-action",
    "reasons": "  Coping well  ",
    "discipline": "nursing",
}


def form(drop=(), **changes) -> MultiDict:
    answers = {k: v for k, v in {**BASE, **changes}.items() if k not in drop}
    items = []
    for key, value in answers.items():
        items.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return MultiDict(items)


def scored(submitted):
    answers = {m.key: answers_from_form(m, submitted) for m in MEASURES}
    return answers, {m.key: score(m, answers[m.key]) for m in MEASURES}


def errors_of(submitted) -> dict[str, str]:
    return check(submitted, scored(submitted)[1])


def test_a_complete_low_risk_assessment_has_nothing_to_change():
    assert errors_of(form()) == {}


@pytest.mark.parametrize(
    ("changes", "drop", "expected"),
    [
        ({}, ["phq9-3"], {"phq9": "Answer all 9 questions of the PHQ-9: it is taken at every assessment"}),
        ({}, ["gad7-7"], {"gad7": "Answer all 7 questions of the GAD-7: it is taken at every assessment"}),
        ({"audit_c-1": "2"}, [], {"audit_c": "Answer all 3 questions of the AUDIT-C, or none of them"}),
        ({}, ["risk_level"], {"risk_level": "Select the risk level you judged"}),
        ({"risk_level": "severe"}, [], {"risk_level": "Select the risk level you judged"}),
        ({"work_situation": "retired"}, [], {"work_situation": "Select the person's work situation"}),
        (
            {"work_situation": "off-sick"},
            [],
            {"off_sick_for_mental_health": "Say whether the person is off sick for mental health reasons"},
        ),
        ({"decisions": "give-up"}, [], {"decisions": "Select at least one outcome"}),
        ({"reasons": "   "}, [], {"reasons": "Enter the reasons for the outcome"}),
        (
            {"decisions": "signpost"},
            [],
            {"signpost_to": "Select the services for signposting, and the outcome 'signpost', together"},
        ),
        (
            {"refer_on_to": "talking-therapies"},
            [],
            {"refer_on_to": "Select the services for referring on, and the outcome 'refer on', together"},
        ),
        (
            {"decisions": "transfer-to-another-hub", "transfer_to_hub_id": "North East"},
            [],
            {"transfer_to_hub_id": "Enter the id of the hub the person transfers to, like north-east"},
        ),
        (
            {"decisions": "monitor", "monitoring_review_interval_days": "366"},
            [],
            {"monitoring_review_interval_days": "Enter the days between reviews, a whole number from 1 to 365"},
        ),
        (
            {"decisions": "monitor", "monitoring_review_interval_days": "0"},
            [],
            {"monitoring_review_interval_days": "Enter the days between reviews, a whole number from 1 to 365"},
        ),
        (
            {"decisions": "monitor", "monitoring_review_interval_days": "two"},
            [],
            {"monitoring_review_interval_days": "Enter the days between reviews, a whole number from 1 to 365"},
        ),
        (
            {"decisions": "liaise-occupational-health", "occupational_health_consent": "no"},
            [],
            {"occupational_health_consent": "Liaising with Occupational Health needs the person's consent"},
        ),
    ],
)
def test_each_answer_the_portal_can_tell_is_wrong_says_what_to_do(changes, drop, expected):
    assert errors_of(form(drop, **changes)) == expected


def test_accepted_edges_of_the_answers_need_no_change():
    for days in ("1", "365", " "):
        assert errors_of(form(decisions="monitor", monitoring_review_interval_days=days)) == {}
    assert errors_of(form(work_situation="off-sick", off_sick_for_mental_health="no")) == {}
    assert errors_of(form(decisions="transfer-to-another-hub", transfer_to_hub_id="north-east")) == {}
    assert errors_of(form(decisions=["signpost"], signpost_to="peer-support")) == {}
    assert errors_of(form(decisions="liaise-occupational-health", occupational_health_consent="yes")) == {}


@pytest.mark.parametrize(
    "raised",
    [
        {"risk_level": "moderate"},
        {"risk_level": "high"},
        {"risk_to_self": "yes"},
        {"risk_to_others": "yes"},
        {"phq9-9": "1"},
        {"phq9-9": "3"},
    ],
)
def test_a_raised_risk_must_say_where_it_was_escalated(raised):
    submitted = form(**raised)
    assert risk_raised(submitted)
    assert errors_of(submitted)["risk_route"] == "Select where the raised risk was escalated to"
    assert "risk_route" not in errors_of(form(**raised, risk_route="crisis-team"))


def test_a_low_risk_with_phq9_item_9_at_zero_is_not_raised():
    assert not risk_raised(form())
    assert not risk_raised(form(risk_to_self="no", risk_to_others="no", risk_level="low"))


def test_the_clinician_signing_off_is_the_first_practitioner_and_others_are_named_with_their_discipline():
    assert practitioners(form(), "clinician-1") == ([{"practitioner_id": "clinician-1", "discipline": "nursing"}], {})
    assert practitioners(form(drop=["discipline"]), "c" * 70)[0] == [
        {"practitioner_id": "c" * 64, "discipline": "other"}
    ]
    found, errors = practitioners(
        form(
            others_took_part="yes",
            **{"practitioner-2-id": " psy.01 ", "practitioner-2-discipline": "psychology"},
            **{"practitioner-3-id": "", "practitioner-3-discipline": ""},
        ),
        "clinician-1",
    )
    assert errors == {}
    assert found[1:] == [{"practitioner_id": "psy.01", "discipline": "psychology"}]


def test_another_practitioner_needs_a_staff_id_and_a_discipline_and_someone_must_be_named():
    _, errors = practitioners(
        form(others_took_part="yes", **{"practitioner-3-id": "bad id!", "practitioner-3-discipline": "magic"}), "c-1"
    )
    assert errors == {
        "practitioner-3-id": "Enter their staff id: letters, digits, full stops, colons, - or _",
        "practitioner-3-discipline": "Select their discipline",
    }
    _, errors = practitioners(form(others_took_part="yes"), "c-1")
    assert errors == {
        "practitioner-2-id": "Enter the staff id of the practitioner who took part with you, or answer No"
    }
    assert practitioners(form(others_took_part="no", **{"practitioner-2-id": "x"}), "c-1")[0] == [
        {"practitioner_id": "c-1", "discipline": "nursing"}
    ]


def test_a_checked_form_becomes_the_assessment_services_request():
    submitted = form(
        risk_level="moderate",
        risk_to_self="yes",
        risk_route="gp",
        work_situation="off-sick",
        off_sick_for_mental_health="yes",
        decisions=["refer-on", "monitor", "signpost", "not-a-decision"],
        refer_on_to=["talking-therapies", "nowhere"],
        signpost_to="peer-support",
        monitoring_review_interval_days="28",
        transfer_to_hub_id="north-east",
        occupational_health_consent="yes",
        reasons="  x" * 1000,
        **{f"wsas-{n}": "4" for n in range(1, 6)},
        wsas_retired="yes",
    )
    answers, scores = scored(submitted)
    staff = [{"practitioner_id": "c-1", "discipline": "nursing"}]
    body = request_body(submitted, answers, scores, staff, NOW)
    assert body["practitioners"] == staff
    assert body["measures"] == {
        "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0],
        "gad7": [2] * 7,
        "wsas": {"items": [4] * 5, "retired_or_not_working": True},
    }
    assert body["risk"] == {"level": "moderate", "risk_to_self": True, "risk_to_others": False, "route": "gp"}
    assert body["work_situation"] == {"situation": "off-sick", "off_sick_for_mental_health": True}
    outcome = body["outcome"]
    assert outcome["decisions"] == ["refer-on", "monitor", "signpost"]
    assert len(outcome["reasons"]) == 2000 and outcome["reasons"].startswith("x  x")
    assert outcome["refer_on_to"] == ["talking-therapies"]
    assert outcome["signpost_to"] == ["peer-support"]
    assert outcome["transfer_to_hub_id"] is None  # not a transfer
    assert outcome["monitoring_review_interval_days"] == 28
    assert body["occupational_health_consent"] == {"given": True, "recorded_at": "2026-06-01T09:30:00+00:00"}


def test_what_a_low_risk_request_leaves_out():
    submitted = form(
        risk_route="gp",
        off_sick_for_mental_health="yes",
        refer_on_to="talking-therapies",
        signpost_to="peer-support",
        monitoring_review_interval_days="28",
        occupational_health_consent="no",
        decisions=["transfer-to-another-hub", "monitor"],
        transfer_to_hub_id="north-east",
        **{f"wsas-{n}": "4" for n in range(1, 6)},
    )
    answers, scores = scored(submitted)
    body = request_body(submitted, answers, scores, [], NOW)
    assert body["risk"]["route"] is None  # only a raised risk has a route
    assert body["work_situation"]["off_sick_for_mental_health"] is None
    assert body["measures"]["wsas"]["retired_or_not_working"] is False
    assert body["outcome"]["refer_on_to"] == [] and body["outcome"]["signpost_to"] == []
    assert body["outcome"]["transfer_to_hub_id"] == "north-east"
    assert body["occupational_health_consent"] == {"given": False, "recorded_at": None}
    no_consent_asked = form(decisions="monitor", monitoring_review_interval_days="")
    answers, scores = scored(no_consent_asked)
    body = request_body(no_consent_asked, answers, scores, [], NOW)
    assert "occupational_health_consent" not in body
    assert body["outcome"]["monitoring_review_interval_days"] is None
    assert body["outcome"]["reasons"] == "Coping well"
