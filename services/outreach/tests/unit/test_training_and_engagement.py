"""Training that builds capacity in employers and managers, and stakeholder engagement."""

from __future__ import annotations

from datetime import date

import pytest

from hubs.contracts import codes
from hubs.outreach.domain import commands
from hubs.outreach.domain.engagement import Pathway, StakeholderType
from hubs.outreach.domain.refusals import Refused
from hubs.outreach.service_layer import handlers, views

DAY = date(2026, 11, 5)


def deliver(uow, **overrides):
    details = {
        "delivered_on": DAY,
        "audience": codes.TrainingAudience.LINE_MANAGERS,
        "topic": codes.TrainingTopic.SUPPORTING_STAFF_WELLBEING,
        "attendance": 14,
        "duration_minutes": 90,
        "delivery_mode": codes.DeliveryMode.ONLINE,
        "staff_groups": [codes.StaffGroup.MANAGERIAL],
        "organisations": ["North Trust"],
        **overrides,
    }
    return handlers.deliver_training(commands.DeliverTraining(**details), uow)


def test_a_training_session_is_announced_with_codes_and_counts_only(uow):
    session = deliver(uow)
    [(envelope, key, _)] = uow.outbox.envelopes
    assert envelope["event_type"] == "TrainingDelivered" and key == str(session.training_session_id)
    assert envelope["data"]["audience"] == "line-managers" and envelope["data"]["attendance"] == 14
    assert "North" not in str(envelope)


def test_training_feedback_shows_how_confidence_changed(uow):
    session = deliver(uow)
    for before, after in ((2, 4), (3, 3), (1, 4)):
        handlers.give_training_feedback(
            commands.GiveTrainingFeedback(
                session.training_session_id,
                given_on=DAY,
                useful=5,
                confidence_before=before,
                confidence_after=after,
                comment="kept here",
            ),
            uow,
        )
    handlers.give_training_feedback(
        commands.GiveTrainingFeedback(session.training_session_id, given_on=DAY, useful=2), uow
    )
    summary = views.training_session(uow, session.training_session_id)["feedback"]
    assert summary == {
        "responses": 4,
        "mean_useful": 4.25,
        "mean_confidence_before": 2.0,
        "mean_confidence_after": 3.67,
        "mean_confidence_change": 1.67,
        "more_confident": 2,
    }
    kinds = [e["event_type"] for e, _, _ in uow.anonymous_outbox.envelopes]
    assert kinds == ["TrainingFeedbackGiven"] * 4
    assert "kept here" not in str(uow.anonymous_outbox.envelopes)


def test_confidence_is_rated_before_and_after_together_or_not_at_all(uow):
    session = deliver(uow)
    with pytest.raises(Refused) as refused:
        handlers.give_training_feedback(
            commands.GiveTrainingFeedback(session.training_session_id, given_on=DAY, useful=4, confidence_before=2), uow
        )
    assert refused.value.field == "confidence_after"


def test_feedback_cannot_predate_the_session(uow):
    session = deliver(uow)
    with pytest.raises(Refused):
        handlers.give_training_feedback(
            commands.GiveTrainingFeedback(session.training_session_id, given_on=date(2026, 11, 1), useful=4), uow
        )


def test_a_session_lasts_at_least_a_minute(uow):
    with pytest.raises(Refused):
        deliver(uow, duration_minutes=0)


def test_stakeholder_engagement_records_who_when_and_what_was_agreed(uow):
    engagement = handlers.record_engagement(
        commands.RecordEngagement(
            stakeholder="  North Trust  Occupational Health ",
            stakeholder_type=StakeholderType.OCCUPATIONAL_HEALTH,
            held_on=DAY,
            pathways=[Pathway.OCCUPATIONAL_HEALTH_REFERRAL, Pathway.SELF_REFERRAL],
            agreed="OH will offer the hub leaflet at every appointment.",
            follow_up_on=date(2026, 12, 5),
        ),
        uow,
    )
    assert engagement.stakeholder == "North Trust Occupational Health"
    assert engagement.pathways == [Pathway.OCCUPATIONAL_HEALTH_REFERRAL, Pathway.SELF_REFERRAL]
    assert uow.outbox.envelopes == [], "engagement stays in the hub"
    assert uow.engagements.get(engagement.engagement_id) == engagement
    with pytest.raises(Refused):
        handlers.record_engagement(
            commands.RecordEngagement(
                stakeholder="X", stakeholder_type=StakeholderType.HR, held_on=DAY, pathways=[], agreed="x"
            ),
            uow,
        )
