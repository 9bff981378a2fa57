"""The rules of the hub's proactive work as the hub lead relies on them: campaigns, events, training,
stakeholder meetings and the hub's own staff support each refuse what cannot be true, naming the
answer; what is announced carries codes only; the figures the hub reads add up as it expects."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest

from hubs.contracts import codes
from hubs.outreach.domain.attribution import CodeOwner, attribute
from hubs.outreach.domain.engagement import Pathway, StakeholderEngagement, StakeholderType
from hubs.outreach.domain.outreach import Campaign, OutreachEvent, OutreachFeedback
from hubs.outreach.domain.public_codes import ALPHABET, LENGTH, PREFIX, new_public_code
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.domain.summaries import (
    Period,
    activity_summary,
    mean,
    outreach_feedback_summary,
    reach,
    survey_summary,
    training_feedback_summary,
)
from hubs.outreach.domain.training import TrainingFeedback, TrainingSession
from hubs.outreach.domain.workforce import (
    CLOSED,
    NOT_YET_OPEN,
    OPEN,
    Answers,
    HubStaffCheckIn,
    StaffSurvey,
    SupervisionSession,
    SurveyResponse,
)

DAY = date(2026, 5, 11)
NURSES, AMBULANCE = codes.StaffGroup.NURSING_AND_MIDWIFERY, codes.StaffGroup.AMBULANCE
BAME, BEREAVED = codes.AtRiskFactor.BAME, codes.AtRiskFactor.BEREAVED_BY_COVID


def refused(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as e:
        call(*args, **kwargs)
    return e.value


def event(**kw) -> OutreachEvent:
    return OutreachEvent.plan(code="OUT-7KQ2", kind=codes.OutreachEventType.OUTREACH, planned_on=DAY, **kw)


def session(day=DAY, attendance=12, **kw) -> TrainingSession:
    return TrainingSession.deliver(
        delivered_on=day,
        audience=codes.TrainingAudience.LINE_MANAGERS,
        topic=codes.TrainingTopic.HELP_SEEKING,
        attendance=attendance,
        duration_minutes=kw.pop("duration_minutes", 60),
        delivery_mode=codes.DeliveryMode.ONLINE,
        **kw,
    )


# Campaigns and events


def test_a_campaign_names_its_targets_once_each_with_employers_tidied_and_sorted():
    campaign = Campaign.launch(
        code="OUT-ABCD",
        name="  Winter push ",
        starts_on=DAY,
        ends_on=DAY,
        target_at_risk_groups=[BEREAVED, BAME, BEREAVED],
        target_employers=["north  trust", "  ", "Care Homes Ltd", "North Trust"],
    )
    assert campaign.name == "Winter push"
    assert campaign.target_at_risk_groups == [BAME, BEREAVED]
    assert campaign.target_employers == ["Care Homes Ltd", "north trust"]


def test_a_campaign_must_end_after_it_starts_and_aim_at_someone():
    e = refused(
        Campaign.launch, code="OUT-ABCD", name="x", starts_on=DAY, ends_on=DAY - timedelta(1), target_employers=["A"]
    )
    assert (e.message, e.field) == ("A campaign cannot end before it starts.", "ends_on")
    e = refused(Campaign.launch, code="OUT-ABCD", name="x", starts_on=DAY, target_employers=[" "])
    assert e.field == "target_at_risk_groups"
    assert e.message == "Name at least one at-risk group or employer the campaign is aimed at."
    assert Campaign.launch(code="OUT-ABCD", name="x", starts_on=DAY, target_at_risk_groups=[BAME]).ends_on is None


def test_a_planned_event_announces_nothing_until_it_is_held_and_then_only_codes():
    campaign = uuid.uuid4()
    planned = event(
        staff_groups=[NURSES, AMBULANCE, NURSES],
        at_risk_groups=[BAME],
        organisations=["St Elsewhere"],
        campaign_id=campaign,
        delivery_mode=codes.DeliveryMode.HYBRID,
    )
    assert (planned.held, planned.attendance, planned.events) == (False, 0, [])
    assert planned.staff_groups == [AMBULANCE, NURSES]
    planned.hold(DAY + timedelta(days=1), 0)  # nobody came: still held
    [held] = planned.events
    assert (planned.held, planned.held_on) == (True, DAY + timedelta(days=1))
    assert held.event_type == "OutreachEventHeld" and held.aggregate_id == str(planned.outreach_event_id)
    assert held.to_data() == {
        "outreach_event_id": planned.outreach_event_id,
        "event_type": codes.OutreachEventType.OUTREACH,
        "held_on": DAY + timedelta(days=1),
        "attendance": 0,
        "staff_groups": [AMBULANCE, NURSES],
        "at_risk_groups": [BAME],
        "campaign_id": campaign,
        "delivery_mode": codes.DeliveryMode.HYBRID,
    }


def test_an_event_is_held_once_with_an_attendance_that_cannot_be_negative():
    e = refused(event().hold, DAY, -1)
    assert (e.message, e.field, e.conflict) == ("Attendance cannot be negative.", "attendance", False)
    held = OutreachEvent.record_held(code="OUT-7KQ2", kind=codes.OutreachEventType.INREACH, held_on=DAY, attendance=9)
    assert (held.held, held.attendance, len(held.events)) == (True, 9, 1)
    e = refused(held.hold, DAY, 3)
    assert (e.message, e.field, e.conflict) == ("This event has already been recorded as held.", "attendance", True)


def test_event_feedback_comes_after_the_event_was_held_and_leaves_its_comment_in_the_hub():
    e = refused(OutreachFeedback.give, event(), given_on=DAY, useful=4)
    assert (e.field, e.conflict) == ("outreach_event_id", True)
    held = event()
    held.hold(DAY, 20)
    e = refused(OutreachFeedback.give, held, given_on=DAY - timedelta(1), useful=4)
    assert (e.message, e.field) == ("Feedback cannot be given before the event was held.", "given_on")
    feedback = OutreachFeedback.give(held, given_on=DAY, useful=4, more_likely_to_seek_help=5, comment="Thanks")
    [given] = feedback.events
    assert given.event_type == "OutreachFeedbackGiven" and given.aggregate_id == str(held.outreach_event_id)
    assert given.to_data() == {
        "feedback_id": feedback.feedback_id,
        "outreach_event_id": held.outreach_event_id,
        "given_on": DAY,
        "useful": 4,
        "more_likely_to_seek_help": 5,
    }


# Training and engagement


def test_a_training_session_needs_a_real_attendance_and_length_and_is_announced_with_codes():
    assert refused(session, attendance=-1).field == "attendance"
    e = refused(session, duration_minutes=0)
    assert (e.message, e.field) == ("A session lasts at least a minute.", "duration_minutes")
    s = session(attendance=0, duration_minutes=1, staff_groups=[NURSES, NURSES], organisations=["Trust A"])
    [delivered] = s.events
    assert delivered.event_type == "TrainingDelivered" and delivered.aggregate_id == str(s.training_session_id)
    assert delivered.to_data() == {
        "training_session_id": s.training_session_id,
        "delivered_on": DAY,
        "audience": codes.TrainingAudience.LINE_MANAGERS,
        "topic": codes.TrainingTopic.HELP_SEEKING,
        "attendance": 0,
        "duration_minutes": 1,
        "delivery_mode": codes.DeliveryMode.ONLINE,
        "staff_groups": [NURSES],
    }
    assert s.organisations == ["Trust A"]


def test_training_feedback_rates_confidence_before_and_after_together_or_not_at_all():
    s = session()
    e = refused(TrainingFeedback.give, s, given_on=DAY - timedelta(1), useful=3)
    assert (e.message, e.field) == ("Feedback cannot be given before the session was delivered.", "given_on")
    e = refused(TrainingFeedback.give, s, given_on=DAY, useful=3, confidence_before=2)
    assert (e.message, e.field) == ("Give the confidence rating both before and after, or neither.", "confidence_after")
    assert refused(TrainingFeedback.give, s, given_on=DAY, useful=3, confidence_after=2).field == "confidence_after"
    rated = TrainingFeedback.give(s, given_on=DAY, useful=5, confidence_before=2, confidence_after=4, comment="ok")
    assert rated.confidence_change == 2
    assert TrainingFeedback.give(s, given_on=DAY, useful=5).confidence_change is None
    [given] = rated.events
    assert given.event_type == "TrainingFeedbackGiven" and given.aggregate_id == str(s.training_session_id)
    assert given.to_data() == {
        "feedback_id": rated.feedback_id,
        "training_session_id": s.training_session_id,
        "given_on": DAY,
        "useful": 5,
        "confidence_before": 2,
        "confidence_after": 4,
    }


def test_a_stakeholder_meeting_promotes_a_pathway_and_its_follow_up_comes_after_it():
    meet = {"stakeholder": "x", "stakeholder_type": StakeholderType.HR, "held_on": DAY, "agreed": "x"}
    e = refused(StakeholderEngagement.record, **{**meet, "pathways": []})
    assert (e.message, e.field) == ("Name at least one referral pathway that was promoted.", "pathways")
    e = refused(
        StakeholderEngagement.record, **{**meet, "pathways": [Pathway.GP_REFERRAL], "follow_up_on": DAY - timedelta(1)}
    )
    assert (e.message, e.field) == ("A follow-up cannot come before the meeting.", "follow_up_on")
    recorded = StakeholderEngagement.record(
        stakeholder="  North   Trust HR ",
        stakeholder_type=StakeholderType.HR,
        held_on=DAY,
        pathways=[Pathway.SELF_REFERRAL, Pathway.GP_REFERRAL, Pathway.SELF_REFERRAL],
        agreed=" Posters in every ward ",
        follow_up_on=DAY,
    )
    assert recorded.stakeholder == "North Trust HR" and recorded.agreed == "Posters in every ward"
    assert recorded.pathways == [Pathway.GP_REFERRAL, Pathway.SELF_REFERRAL]
    assert recorded.follow_up_on == DAY


# Attribution and public codes


def test_a_referral_naming_an_issued_code_is_credited_to_its_event_and_campaign():
    campaign, outreach_event = uuid.uuid4(), uuid.uuid4()
    owners = {"OUT-7KQ2": CodeOwner(campaign, outreach_event)}
    referral = uuid.uuid4()
    credited = attribute(referral, DAY, "a leaflet, out 7kq2", owners.get)
    assert (credited.referral_id, credited.received_on, credited.code) == (referral, DAY, "OUT-7KQ2")
    assert (credited.campaign_id, credited.outreach_event_id) == (campaign, outreach_event)
    assert attribute(referral, DAY, "OUT-2222", owners.get) is None  # not issued by this hub
    assert attribute(referral, DAY, None, owners.get) is None


def test_a_new_public_code_is_the_prefix_and_four_unambiguous_characters():
    code = new_public_code()
    assert code.startswith(PREFIX) and len(code) == len(PREFIX) + LENGTH
    assert set(code.removeprefix(PREFIX)) <= set(ALPHABET)


def test_what_this_hub_does_not_have_is_named():
    assert str(NotFound("campaign")) == "There is no such campaign in this hub."


# The hub's own workforce


def test_supervision_counts_staff_as_its_type_requires():
    record = {"held_on": DAY, "duration_minutes": 45}
    one = codes.SupervisionType.CLINICAL_ONE_TO_ONE
    group = codes.SupervisionType.CLINICAL_GROUP
    line = codes.SupervisionType.LINE_MANAGEMENT
    assert refused(SupervisionSession.record, supervision_type=one, attendees=2, **record).message == (
        "One-to-one supervision has exactly one member of staff."
    )
    assert refused(SupervisionSession.record, supervision_type=group, attendees=1, **record).message == (
        "Group supervision has at least two members of staff."
    )
    e = refused(SupervisionSession.record, supervision_type=line, attendees=0, **record)
    assert (e.message, e.field) == ("A session has at least one member of staff.", "attendees")
    e = refused(SupervisionSession.record, supervision_type=line, attendees=1, held_on=DAY, duration_minutes=0)
    assert (e.message, e.field) == ("A session lasts at least a minute.", "duration_minutes")
    held = SupervisionSession.record(supervision_type=group, attendees=2, **record)
    assert held.wellbeing_discussed is True and held.events == [held]
    assert held.event_type == "SupervisionHeld" and held.aggregate_id == str(held.supervision_session_id)
    assert held.to_data() == {
        "supervision_session_id": held.supervision_session_id,
        "held_on": DAY,
        "supervision_type": group,
        "attendees": 2,
        "duration_minutes": 45,
    }
    assert SupervisionSession.record(supervision_type=one, attendees=1, **record).attendees == 1


def test_a_check_in_has_its_staff_and_is_announced_without_names():
    one = codes.CheckInFormat.ONE_TO_ONE
    e = refused(HubStaffCheckIn.record, held_on=DAY, format=one, attendees=2)
    assert (e.message, e.field) == ("A one-to-one check-in has exactly one member of staff.", "attendees")
    e = refused(HubStaffCheckIn.record, held_on=DAY, format=codes.CheckInFormat.TEAM, attendees=0)
    assert e.message == "A check-in has at least one member of staff."
    check_in = HubStaffCheckIn.record(held_on=DAY, format=one, attendees=1)
    assert check_in.events == [check_in] and check_in.event_type == "HubStaffCheckInHeld"
    assert check_in.aggregate_id == str(check_in.check_in_id)
    assert check_in.to_data() == {"check_in_id": check_in.check_in_id, "held_on": DAY, "format": one, "attendees": 1}


def test_a_staff_survey_is_open_from_its_first_day_until_closed():
    e = refused(StaffSurvey.open, title="x", opens_on=DAY, closes_on=DAY - timedelta(1))
    assert (e.message, e.field) == ("A survey cannot close before it opens.", "closes_on")
    survey = StaffSurvey.open(title="  Spring pulse ", opens_on=DAY, closes_on=DAY)
    assert survey.title == "Spring pulse" and len(survey.participation_key) == 32
    assert survey.state_on(DAY - timedelta(1)) == NOT_YET_OPEN
    assert survey.state_on(DAY) == OPEN
    survey.close(today=DAY, responses=[])
    assert survey.state_on(DAY) == CLOSED


def test_a_survey_takes_one_answer_per_person_while_open_and_keeps_no_empty_comment():
    survey = StaffSurvey.open(title="x", opens_on=DAY, closes_on=DAY + timedelta(7))
    e = refused(survey.respond, today=DAY - timedelta(1), answers=Answers(3), comment=None, already_answered=False)
    assert (e.message, e.field, e.conflict) == ("This survey is not open yet.", "survey_id", True)
    e = refused(survey.respond, today=DAY, answers=Answers(3), comment=None, already_answered=True)
    assert (e.message, e.field, e.conflict) == ("You have already answered this survey.", "survey_id", True)
    answered = survey.respond(today=DAY, answers=Answers(3), comment="  ", already_answered=False)
    assert (answered.survey_id, answered.given_on, answered.comment) == (survey.survey_id, DAY, None)
    assert survey.respond(today=DAY, answers=Answers(3), comment=" Busy ", already_answered=False).comment == "Busy"
    survey.close(today=DAY, responses=[answered])
    e = refused(survey.respond, today=DAY, answers=Answers(3), comment=None, already_answered=False)
    assert (e.message, e.field, e.conflict) == ("This survey is closed.", "survey_id", True)


def test_participation_tokens_are_one_per_secret_differ_by_person_and_die_with_the_survey():
    survey = StaffSurvey.open(title="x", opens_on=DAY, closes_on=DAY)
    current, older = b"current-secret", b"older-secret"
    tokens = survey.participation_tokens("sam", [current, older])
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    assert survey.participation_tokens("sam", [current]) == tokens[:1]
    assert survey.participation_tokens("alex", [current]) != tokens[:1]
    with pytest.raises(ValueError, match="participation secret"):
        survey.participation_tokens("sam", [])
    survey.close(today=DAY, responses=[])
    e = refused(survey.participation_tokens, "sam", [current])
    assert (e.message, e.field, e.conflict) == ("This survey is closed.", "survey_id", True)


def test_closing_a_survey_forgets_its_key_and_releases_every_response_shuffled_once():
    survey = StaffSurvey.open(title="x", opens_on=DAY, closes_on=DAY)
    responses = [SurveyResponse(uuid.uuid4(), survey.survey_id, DAY, Answers(n)) for n in range(1, 6)]
    survey.close(today=DAY + timedelta(1), responses=responses, rng=random.Random(3))
    assert (survey.status, survey.participation_key, survey.released_on) == (CLOSED, None, DAY + timedelta(1))
    assert sorted(e.feedback_id for e in survey.events) == sorted(r.response_id for r in responses)
    assert [e.feedback_id for e in survey.events] != [r.response_id for r in responses]
    given = survey.events[0]
    assert given.event_type == "HubStaffFeedbackGiven" and given.aggregate_id == str(given.feedback_id)
    assert set(given.to_data()) == {
        "feedback_id",
        "given_on",
        "wellbeing",
        "workload_manageable",
        "feel_supported",
        "supervision_helpful",
    }
    e = refused(survey.close, today=DAY, responses=[])
    assert (e.message, e.field, e.conflict) == ("This survey is already closed.", "survey_id", True)


# The figures the hub reads


def test_a_mean_leaves_out_unanswered_questions_and_rounds_to_two_places():
    assert mean([1, 2, 2, None]) == 1.67
    assert mean([None]) is None and mean([]) is None


def test_feedback_summaries_count_everyone_and_rate_confidence_from_those_who_gave_both():
    held = event()
    held.hold(DAY, 5)
    given = [
        OutreachFeedback.give(held, given_on=DAY, useful=4, more_likely_to_seek_help=None),
        OutreachFeedback.give(held, given_on=DAY, useful=5, more_likely_to_seek_help=3),
    ]
    assert outreach_feedback_summary(given) == {"responses": 2, "mean_useful": 4.5, "mean_more_likely_to_seek_help": 3}
    s = session()
    rated = [
        TrainingFeedback.give(s, given_on=DAY, useful=4, confidence_before=2, confidence_after=4),
        TrainingFeedback.give(s, given_on=DAY, useful=2, confidence_before=3, confidence_after=3),
        TrainingFeedback.give(s, given_on=DAY, useful=3),
    ]
    assert training_feedback_summary(rated) == {
        "responses": 3,
        "mean_useful": 3,
        "mean_confidence_before": 2.5,
        "mean_confidence_after": 3.5,
        "mean_confidence_change": 1,
        "more_confident": 1,
    }


def test_survey_scores_are_withheld_until_enough_have_answered():
    answers = [Answers(4, 2, 5, None), Answers(2, 4, None, None)]
    responses = [SurveyResponse(uuid.uuid4(), uuid.uuid4(), DAY, a) for a in answers]
    assert survey_summary(responses, minimum=2) == {
        "responses": 2,
        "withheld": False,
        "mean_wellbeing": 3,
        "mean_workload_manageable": 3,
        "mean_feel_supported": 5,
        "mean_supervision_helpful": None,
    }
    withheld = survey_summary(responses, minimum=3)
    assert withheld["withheld"] is True and withheld["responses"] == 2
    assert {k: v for k, v in withheld.items() if k.startswith("mean_")} == dict.fromkeys(
        ["mean_wellbeing", "mean_workload_manageable", "mean_feel_supported", "mean_supervision_helpful"]
    )


def test_a_period_includes_its_first_and_last_days():
    period = Period(DAY, DAY + timedelta(days=6))
    assert DAY in period and DAY + timedelta(days=6) in period
    assert DAY - timedelta(1) not in period and DAY + timedelta(days=7) not in period


def test_the_activity_of_a_period_counts_only_what_happened_in_it():
    period = Period(DAY, DAY + timedelta(days=6))
    inside = event()
    inside.hold(DAY, 7)
    inreach = OutreachEvent.record_held(
        code="OUT-2345", kind=codes.OutreachEventType.INREACH, held_on=DAY + timedelta(6), attendance=3
    )
    outside = OutreachEvent.record_held(
        code="OUT-3456", kind=codes.OutreachEventType.OUTREACH, held_on=DAY + timedelta(7), attendance=50
    )
    planned = event()
    group = SupervisionSession.record(
        held_on=DAY, supervision_type=codes.SupervisionType.CLINICAL_GROUP, attendees=3, duration_minutes=60
    )
    late = SupervisionSession.record(
        held_on=DAY + timedelta(9),
        supervision_type=codes.SupervisionType.LINE_MANAGEMENT,
        attendees=1,
        duration_minutes=30,
    )
    check_in = HubStaffCheckIn.record(held_on=DAY + timedelta(2), format=codes.CheckInFormat.TEAM, attendees=4)
    summary = activity_summary(
        period,
        [inside, inreach, outside, planned],
        [OutreachFeedback.give(inside, given_on=DAY, useful=4)],
        [session(attendance=12), session(day=DAY - timedelta(1), attendance=40)],
        [],
        [group, late],
        [check_in],
        survey_responses_released=6,
    )
    assert (summary["starts_on"], summary["ends_on"]) == (DAY, DAY + timedelta(days=6))
    assert summary["outreach"] == {
        "events_held": 2,
        "events_planned": 1,
        "attendance": 10,
        "by_kind": {"outreach": 1, "inreach": 1},
        "feedback": {"responses": 1, "mean_useful": 4, "mean_more_likely_to_seek_help": None},
    }
    assert summary["training"]["sessions_delivered"] == 1
    assert summary["training"]["attendance"] == 12
    assert summary["training"]["by_audience"] == {"line-managers": 1}
    assert summary["workforce"] == {
        "supervision_sessions": 1,
        "supervision_by_type": {"clinical-group": 1},
        "check_ins": 1,
        "check_ins_by_format": {"team": 1},
        "staff_feedback_responses_released": 6,
    }


def test_reach_names_the_groups_and_employers_not_reached_since_a_day_by_their_latest_contact():
    since = DAY
    early = OutreachEvent.record_held(
        code="OUT-2345",
        kind=codes.OutreachEventType.OUTREACH,
        held_on=DAY - timedelta(30),
        attendance=5,
        at_risk_groups=[BAME, BEREAVED],
        organisations=["North Trust"],
    )
    recent = OutreachEvent.record_held(
        code="OUT-3456",
        kind=codes.OutreachEventType.OUTREACH,
        held_on=DAY,
        attendance=5,
        at_risk_groups=[BAME],
        organisations=["north trust"],
    )
    planned = event(at_risk_groups=[BEREAVED], organisations=["Planned Only"])
    trained = session(day=DAY + timedelta(1), organisations=["Care Homes Ltd"])
    old_training = session(day=DAY - timedelta(60), organisations=["Care Homes Ltd"])
    result = reach(since, [recent, early, planned], [trained, old_training], ["South Trust", "NORTH TRUST"])
    assert result["since"] == since
    groups = {g["at_risk_group"]: g["last_reached_on"] for g in result["at_risk_groups"]}
    assert groups["bame"] == DAY and groups["bereaved-by-covid"] == DAY - timedelta(30)
    assert len(groups) == len(codes.AtRiskFactor)
    assert {"at_risk_group": "bame", "last_reached_on": DAY} not in result["at_risk_groups_not_reached"]
    assert {"at_risk_group": "bereaved-by-covid", "last_reached_on": DAY - timedelta(30)} in result[
        "at_risk_groups_not_reached"
    ]
    assert result["employers"] == [
        {"employer": "Care Homes Ltd", "last_reached_on": DAY + timedelta(1)},
        {"employer": "north trust", "last_reached_on": DAY},
        {"employer": "South Trust", "last_reached_on": None},
    ]
    assert result["employers_not_reached"] == [{"employer": "South Trust", "last_reached_on": None}]


def test_a_refusal_is_answered_as_422_naming_the_field_or_409_when_the_state_forbids_it():
    wrong = Refused("Attendance cannot be negative.", "attendance")
    assert (wrong.status, wrong.detail, wrong.code) == (422, "Attendance cannot be negative.", "refused")
    assert wrong.errors == {"attendance": ["Attendance cannot be negative."]}
    state = Refused("This survey is closed.", "survey_id", conflict=True)
    assert (state.status, state.errors) == (409, {"survey_id": ["This survey is closed."]})
    assert Refused("No field.").errors is None
    assert NotFound("survey").status == 404
