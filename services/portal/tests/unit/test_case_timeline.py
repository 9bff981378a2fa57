"""The case's timeline: one list, oldest first, of every step the case page knows of, in the hub's
words; a note by its kind only, linking to it."""

from __future__ import annotations

from hubs.portal.adapters.services import Answer
from hubs.portal.domain.case_timeline import timeline

REFERRAL = {
    "source": "line-manager", "urgency": "urgent", "status": "closed", "closure_reason": "care-completed",
    "received_at": "2026-11-02T09:00:00Z", "at_risk_factors": ["bame"],
    "consent": {"given_by": "line-manager", "given_at": "2026-11-01", "method": "verbal"},
    "contact_attempts": [
        {"attempt_number": 1, "attempted_at": "2026-11-02T11:00:00Z", "channel": "phone", "outcome": "no-answer"},
        {"attempt_number": 2, "attempted_at": "2026-11-03T09:30:00Z", "channel": "phone", "outcome": "contacted"},
    ],
    "first_contacted_at": "2026-11-03T09:30:00Z",
}  # fmt: skip
ASSESSMENT = {
    "status": "completed", "completed_at": "2026-11-04T10:00:00Z",
    "measures": {"phq9": {"total": 14}, "gad7": {"total": 9}},
    "risk": {"level": "moderate", "risk_to_self": True, "risk_to_others": False, "route": "crisis-team"},
    "outcome": {"decisions": ["refer-on", "monitor"]},
}  # fmt: skip
CARE = {
    "closed_at": "2026-12-20T16:00:00Z",
    "onward_referrals": [{"service_type": "talking-therapies", "made_on": "2026-11-04", "accepted_on": "2026-11-10"}],
    "monitoring_plans": [{"started_on": "2026-11-04", "review_interval_days": 28, "ended_on": "2026-12-20"}],
    "activities": [{"kind": "signposting", "on_date": "2026-11-05", "detail": {"service_types": ["self-help"]}}],
}
FOLLOW_UPS = [{"measured_at": "2026-12-02T10:00:00Z", "measures": {"phq9": {"total": 6}, "gad7": {"total": 4}}}]
NOTES = [
    {"note_id": "n2", "kind": "mdt-discussion", "text": "Secret words", "written_at": "2026-11-04T15:00:00Z",
     "written_by_name": "Dr Asha Patel", "corrects": None},
    {"note_id": "n1", "kind": "safeguarding", "text": "More secret words", "written_at": "2026-11-03T10:00:00Z",
     "written_by_name": "Sam Nurse", "corrects": None},
]  # fmt: skip


def records(**answers):
    base = {
        "assessment": Answer(200, ASSESSMENT),
        "follow_ups": Answer(200, FOLLOW_UPS),
        "care": Answer(200, CARE),
        "notes": Answer(200, NOTES),
    }
    return base | answers


def test_every_step_of_the_case_is_in_one_list_oldest_first():
    steps = [(e.what, e.detail) for e in timeline(REFERRAL, records())]
    assert steps == [
        ("Consent to the referral given", "By line manager, verbal"),
        ("Referral received", "From line manager"),
        ("Risk questions answered", "A yes to a risk question: urgent; at-risk factors: bame"),
        ("Contact attempt 1", "Phone: no answer"),
        ("Contact attempt 2", "Phone: contacted"),
        ("First contact made", ""),
        ("Note: safeguarding", "By Sam Nurse"),
        ("Assessment completed", "PHQ-9 14 (moderate), GAD-7 9 (mild)"),
        ("Risk escalated", "Moderate risk to self; escalated to crisis team"),
        ("Outcome decided", "Refer on, monitor"),
        ("Note: multidisciplinary team discussion", "By Dr Asha Patel"),
        ("Onward referral made", "Talking therapies"),
        ("Monitoring started", "Reviews every 28 days"),
        ("Signposted", "Self help"),
        ("Onward referral accepted", "Talking therapies"),
        ("Follow-up measured", "PHQ-9 6 (mild), GAD-7 4 (minimal)"),
        ("Case closed", "Care completed"),
        ("Monitoring ended", ""),  # known by its day only: after that day's timed steps
    ]


def test_a_note_shows_its_kind_and_author_never_its_text_and_links_to_the_note():
    [safeguarding] = [e for e in timeline(REFERRAL, records()) if e.what == "Note: safeguarding"]
    assert safeguarding.link == "#note-n1"
    assert "secret" not in repr(timeline(REFERRAL, records())).lower()


def test_the_persons_own_risk_answers_are_shown_when_the_referral_gives_them():
    said = {**REFERRAL, "risk_screen": {"thoughts_of_self_harm": True, "risk_to_others": False}, "at_risk_factors": []}
    [risk] = [e for e in timeline(said, records()) if e.what == "Risk questions answered"]
    assert risk.detail == "Thoughts of self-harm: yes; risk to others: no"


def test_a_service_that_does_not_answer_leaves_its_steps_out_and_the_rest_stands():
    down = Answer(503, title="The care co-ordination service is not answering")
    steps = [e.what for e in timeline(REFERRAL, records(care=down, notes=down))]
    assert "Onward referral made" not in steps and not [s for s in steps if s.startswith("Note")]
    assert "Case closed" in steps and "Assessment completed" in steps


def test_a_case_just_referred_has_its_referral_alone():
    consent = {"given_by": "self", "given_at": "2026-11-02T09:00:00+00:00", "method": "online-form"}
    referred = {"source": "self", "urgency": "routine", "status": "received", "received_at": "2026-11-02T09:00:00Z"}
    referred["consent"] = consent
    nothing = {"assessment": Answer(200, {"status": "to-do"}), "follow_ups": Answer(200, []), "care": Answer(404)}
    assert [(e.what, e.detail) for e in timeline(referred, nothing)] == [
        ("Referral received", "From the person themselves"),
        ("Consent to the referral given", "By the person, online form"),
        ("Risk questions answered", "No to both risk questions: routine"),
    ]


RISK_HISTORY = [
    {"risk_escalation_id": "e2", "escalated_at": "2026-11-20T16:00:00Z", "level": "high", "risk_to_self": False,
     "risk_to_others": True, "route": "safeguarding", "occasion": "between-sittings",
     "escalated_by_name": "Dr Asha Patel"},
    {"risk_escalation_id": "e1", "escalated_at": "2026-11-04T10:00:00Z", "level": "moderate", "risk_to_self": True,
     "risk_to_others": False, "route": "crisis-team", "occasion": "assessment", "escalated_by_name": "Sam Nurse"},
]  # fmt: skip


def test_every_escalation_of_the_risk_is_a_step_with_who_made_it_and_links_to_it():
    steps = timeline(REFERRAL, records(risk_history=Answer(200, RISK_HISTORY)))
    escalations = [(e.when, e.detail, e.link) for e in steps if e.what == "Risk escalated"]
    assert escalations == [
        ("2026-11-04T10:00:00Z", "Moderate risk to self; escalated to crisis team; by Sam Nurse", "#escalation-e1"),
        ("2026-11-20T16:00:00Z", "High risk to others; escalated to safeguarding; by Dr Asha Patel", "#escalation-e2"),
    ]
    # The escalation made at assessment follows the assessment, before its outcome.
    whats = [e.what for e in steps]
    at = whats.index("Risk escalated")
    assert whats[at - 1 : at + 2] == ["Assessment completed", "Risk escalated", "Outcome decided"]


def test_an_escalation_before_the_assessment_is_a_step_too():
    early = [RISK_HISTORY[0] | {"escalated_at": "2026-11-02T12:00:00Z"}]
    steps = timeline(REFERRAL, records(assessment=Answer(200, {"status": "to-do"}), risk_history=Answer(200, early)))
    assert ("Risk escalated", "High risk to others; escalated to safeguarding; by Dr Asha Patel") in [
        (e.what, e.detail) for e in steps
    ]
