"""Which outreach brings referrals in, whom the hub has not reached lately, and the summary."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from hubs.contracts import codes, new_envelope, parse_envelope
from hubs.outreach.domain import commands
from hubs.outreach.domain.summaries import Period
from hubs.outreach.service_layer import handlers, views, workforce_handlers

DAY = date(2026, 11, 2)


def referral_received(heard_of_hub_via):
    """A ReferralReceived as the worker receives it: validated and loaded by its contract."""
    envelope = new_envelope(
        "ReferralReceived",
        {
            "referral_id": uuid.uuid4(),
            "received_at": datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            "source": "self",
            "urgency": "routine",
            "heard_of_hub_via": heard_of_hub_via,
        },
        hub_id="unit-hub",
        producer="referral@unit-hub",
        case_id=uuid.uuid4(),
    )
    return parse_envelope(envelope)


@pytest.fixture
def campaign_with_event(uow):
    campaign = handlers.launch_campaign(
        commands.LaunchCampaign(name="Winter", starts_on=DAY, target_at_risk_groups=[codes.AtRiskFactor.BAME]), uow
    )
    event = handlers.record_outreach_event(
        commands.RecordOutreachEvent(
            kind=codes.OutreachEventType.OUTREACH, held_on=DAY, attendance=20, campaign_id=campaign.campaign_id
        ),
        uow,
    )
    return campaign, event


def test_a_referral_naming_an_event_code_counts_for_the_event_and_its_campaign(uow, campaign_with_event):
    campaign, event = campaign_with_event
    handlers.credit_referral_to_outreach(referral_received(f"the leaflet, {event.code.lower()}"), uow)
    handlers.credit_referral_to_outreach(referral_received(campaign.code), uow)
    report = views.attribution(uow)
    assert report["campaigns"] == [
        {"campaign_id": campaign.campaign_id, "code": campaign.code, "name": "Winter", "referrals": 2}
    ]
    assert [e["referrals"] for e in report["outreach_events"]] == [1]
    assert views.outreach_event(uow, event.outreach_event_id)["referrals"] == 1


@pytest.mark.parametrize("said", [None, "a colleague", "OUT-2222"])
def test_a_referral_naming_no_code_of_this_hub_counts_for_nothing(uow, campaign_with_event, said):
    handlers.credit_referral_to_outreach(referral_received(said), uow)
    assert uow.attributions.all() == []


def test_a_redelivered_referral_is_credited_once(uow, campaign_with_event):
    _, event = campaign_with_event
    received = referral_received(event.code)
    handlers.credit_referral_to_outreach(received, uow)
    handlers.credit_referral_to_outreach(received, uow)
    assert views.attribution(uow)["outreach_events"][0]["referrals"] == 1


def test_groups_and_employers_not_reached_lately_are_listed(uow):
    handlers.launch_campaign(
        commands.LaunchCampaign(
            name="C", starts_on=DAY, target_employers=["North Trust", "South Care Homes", "East GP Federation"]
        ),
        uow,
    )
    handlers.record_outreach_event(
        commands.RecordOutreachEvent(
            kind=codes.OutreachEventType.OUTREACH,
            held_on=date(2026, 11, 1),
            attendance=9,
            at_risk_groups=[codes.AtRiskFactor.BAME],
            organisations=["north trust"],
        ),
        uow,
    )
    handlers.record_outreach_event(
        commands.RecordOutreachEvent(
            kind=codes.OutreachEventType.INREACH,
            held_on=date(2026, 6, 1),
            attendance=9,
            at_risk_groups=[codes.AtRiskFactor.PARENT_OF_DEPENDENT_CHILDREN],
        ),
        uow,
    )
    handlers.plan_outreach_event(
        commands.PlanOutreachEvent(
            kind=codes.OutreachEventType.OUTREACH,
            planned_on=date(2026, 11, 20),
            at_risk_groups=[codes.AtRiskFactor.BEREAVED_BY_COVID],
            organisations=["East GP Federation"],
        ),
        uow,
    )
    handlers.deliver_training(
        commands.DeliverTraining(
            delivered_on=date(2026, 10, 20),
            audience=codes.TrainingAudience.LINE_MANAGERS,
            topic=codes.TrainingTopic.HELP_SEEKING,
            attendance=10,
            duration_minutes=60,
            delivery_mode=codes.DeliveryMode.ONLINE,
            organisations=["South Care Homes"],
        ),
        uow,
    )
    seen = views.not_reached(uow, since=date(2026, 9, 1))
    missing_groups = {g["at_risk_group"] for g in seen["at_risk_groups_not_reached"]}
    assert "bame" not in missing_groups
    assert {"parent-of-dependent-children", "bereaved-by-covid"} <= missing_groups, "old or only planned"
    assert len(missing_groups) == len(codes.AtRiskFactor) - 1
    assert seen["employers_not_reached"] == [{"employer": "East GP Federation", "last_reached_on": None}]
    reached = {e["employer"]: e["last_reached_on"] for e in seen["employers"]}
    assert reached["South Care Homes"] == date(2026, 10, 20)


def test_the_summary_counts_attendance_feedback_and_support_in_the_period(uow):
    held = handlers.record_outreach_event(
        commands.RecordOutreachEvent(kind=codes.OutreachEventType.INREACH, held_on=DAY, attendance=23), uow
    )
    handlers.record_outreach_event(
        commands.RecordOutreachEvent(kind=codes.OutreachEventType.OUTREACH, held_on=date(2026, 10, 30), attendance=50),
        uow,
    )
    handlers.give_outreach_feedback(commands.GiveOutreachFeedback(held.outreach_event_id, given_on=DAY, useful=5), uow)
    workforce_handlers.record_supervision(
        commands.RecordSupervision(
            held_on=DAY, supervision_type=codes.SupervisionType.LINE_MANAGEMENT, attendees=1, duration_minutes=30
        ),
        uow,
    )
    workforce_handlers.record_check_in(
        commands.RecordCheckIn(held_on=DAY, format=codes.CheckInFormat.TEAM, attendees=7), uow
    )
    summary = views.summary(uow, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert summary["outreach"]["events_held"] == 1 and summary["outreach"]["attendance"] == 23
    assert summary["outreach"]["by_kind"] == {"inreach": 1}
    assert summary["outreach"]["feedback"]["mean_useful"] == 5.0
    assert summary["workforce"]["supervision_by_type"] == {"line-management": 1}
    assert summary["workforce"]["check_ins"] == 1
