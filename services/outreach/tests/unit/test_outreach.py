"""Campaigns, planned and held outreach events, their public codes and feedback."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from hubs.contracts import codes
from hubs.outreach.domain import commands
from hubs.outreach.domain.public_codes import ALPHABET, find_public_code, new_public_code
from hubs.outreach.domain.refusals import NotFound, Refused
from hubs.outreach.service_layer import handlers, views

DAY = date(2026, 11, 2)


def test_public_codes_avoid_characters_that_are_easily_misread():
    for _ in range(200):
        code = new_public_code()
        assert code.startswith("OUT-") and len(code) == 8
        assert not set(code[4:]) & set("01OILUV") and set(code[4:]) <= set(ALPHABET)


@pytest.mark.parametrize(
    "said",
    ["OUT-7KQ2", "out-7kq2", "leaflet OUT 7KQ2 at the canteen", "Poster (out7kq2)", "OUT_7KQ2"],
)
def test_a_code_is_found_however_a_person_wrote_it(said):
    assert find_public_code(said) == "OUT-7KQ2"


@pytest.mark.parametrize("said", [None, "", "a friend", "OUT-7KQ", "OUT-7KQ2X", "OUT-0000", "TOUT-7KQ2"])
def test_no_code_is_found_where_none_was_given(said):
    assert find_public_code(said) is None


def test_a_campaign_gets_a_public_code_and_must_be_aimed_at_someone(uow):
    campaign = handlers.launch_campaign(
        commands.LaunchCampaign(name="Winter", starts_on=DAY, target_at_risk_groups=[codes.AtRiskFactor.BAME]), uow
    )
    assert find_public_code(campaign.code) == campaign.code
    with pytest.raises(Refused) as refused:
        handlers.launch_campaign(commands.LaunchCampaign(name="Nobody", starts_on=DAY), uow)
    assert refused.value.field == "target_at_risk_groups"
    with pytest.raises(Refused):
        handlers.launch_campaign(
            commands.LaunchCampaign(
                name="Backwards", starts_on=DAY, ends_on=date(2026, 10, 1), target_employers=["North Trust"]
            ),
            uow,
        )
    assert len(uow.campaigns.all()) == 1


def test_a_planned_event_is_announced_only_once_held(uow):
    planned = handlers.plan_outreach_event(
        commands.PlanOutreachEvent(
            kind=codes.OutreachEventType.OUTREACH,
            planned_on=DAY,
            at_risk_groups=[codes.AtRiskFactor.BAME, codes.AtRiskFactor.BAME],
            organisations=[" North  Trust ", "north trust", "Care Homes Ltd"],
        ),
        uow,
    )
    assert planned.status == "planned" and uow.outbox.envelopes == []
    assert planned.organisations == ["Care Homes Ltd", "North Trust"]
    assert planned.at_risk_groups == [codes.AtRiskFactor.BAME]

    handlers.hold_outreach_event(
        commands.HoldOutreachEvent(planned.outreach_event_id, held_on=date(2026, 11, 3), attendance=31), uow
    )
    [(envelope, key, _)] = uow.outbox.envelopes
    assert envelope["event_type"] == "OutreachEventHeld" and key == str(planned.outreach_event_id)
    assert envelope["data"]["attendance"] == 31 and envelope["data"]["held_on"] == "2026-11-03"
    assert envelope["data"]["at_risk_groups"] == ["bame"]
    assert "North" not in str(envelope), "organisation names stay in the hub"


def test_an_event_cannot_be_held_twice(uow):
    held = handlers.record_outreach_event(
        commands.RecordOutreachEvent(kind=codes.OutreachEventType.INREACH, held_on=DAY, attendance=5), uow
    )
    with pytest.raises(Refused) as refused:
        handlers.hold_outreach_event(commands.HoldOutreachEvent(held.outreach_event_id, held_on=DAY, attendance=6), uow)
    assert refused.value.conflict
    assert uow.outbox.types == ["OutreachEventHeld"]


def test_an_event_of_an_unknown_campaign_is_refused(uow):
    with pytest.raises(Refused) as refused:
        handlers.record_outreach_event(
            commands.RecordOutreachEvent(
                kind=codes.OutreachEventType.INREACH, held_on=DAY, attendance=5, campaign_id=uuid.uuid4()
            ),
            uow,
        )
    assert refused.value.field == "campaign_id"


def test_an_event_belonging_to_a_campaign_says_so_in_its_event(uow):
    campaign = handlers.launch_campaign(
        commands.LaunchCampaign(name="W", starts_on=DAY, target_employers=["North Trust"]), uow
    )
    handlers.record_outreach_event(
        commands.RecordOutreachEvent(
            kind=codes.OutreachEventType.OUTREACH,
            held_on=DAY,
            attendance=12,
            campaign_id=campaign.campaign_id,
            delivery_mode=codes.DeliveryMode.ONLINE,
        ),
        uow,
    )
    [(envelope, _, _)] = uow.outbox.envelopes
    assert envelope["data"]["campaign_id"] == str(campaign.campaign_id)
    assert envelope["data"]["delivery_mode"] == "online"
    assert views.campaigns(uow)[0]["events_held"] == 1 and views.campaigns(uow)[0]["attendance"] == 12


def test_event_feedback_is_announced_anonymously_without_its_comment(uow):
    held = handlers.record_outreach_event(
        commands.RecordOutreachEvent(kind=codes.OutreachEventType.OUTREACH, held_on=DAY, attendance=9), uow
    )
    handlers.give_outreach_feedback(
        commands.GiveOutreachFeedback(
            held.outreach_event_id, given_on=DAY, useful=4, more_likely_to_seek_help=5, comment="Canary comment Q7X"
        ),
        uow,
    )
    handlers.give_outreach_feedback(commands.GiveOutreachFeedback(held.outreach_event_id, given_on=DAY, useful=2), uow)
    assert uow.outbox.types == ["OutreachEventHeld"]
    assert [e["event_type"] for e, _, _ in uow.anonymous_outbox.envelopes] == ["OutreachFeedbackGiven"] * 2
    assert all(on == DAY for _, _, on in uow.anonymous_outbox.envelopes)
    assert "Canary" not in str(uow.anonymous_outbox.envelopes)
    assert views.outreach_event(uow, held.outreach_event_id)["feedback"] == {
        "responses": 2,
        "mean_useful": 3.0,
        "mean_more_likely_to_seek_help": 5.0,
    }


def test_feedback_on_an_event_not_yet_held_is_refused(uow):
    planned = handlers.plan_outreach_event(
        commands.PlanOutreachEvent(kind=codes.OutreachEventType.OUTREACH, planned_on=DAY), uow
    )
    with pytest.raises(Refused):
        handlers.give_outreach_feedback(
            commands.GiveOutreachFeedback(planned.outreach_event_id, given_on=DAY, useful=3), uow
        )
    with pytest.raises(NotFound):
        handlers.give_outreach_feedback(commands.GiveOutreachFeedback(uuid.uuid4(), given_on=DAY, useful=3), uow)
    assert uow.anonymous_outbox.envelopes == []


def test_negative_attendance_is_refused():
    from hubs.outreach.domain.outreach import OutreachEvent

    with pytest.raises(Refused):
        OutreachEvent.record_held(code="OUT-2345", kind=codes.OutreachEventType.OUTREACH, held_on=DAY, attendance=-1)


def test_an_outreach_event_is_kept_as_held_and_announced_only_when_its_transaction_commits(uow, monkeypatch):
    planned = handlers.plan_outreach_event(
        commands.PlanOutreachEvent(kind=codes.OutreachEventType.OUTREACH, planned_on=DAY), uow
    )

    def commit_fails():
        raise ConnectionError("the database went away")

    monkeypatch.setattr(uow, "commit", commit_fails)
    with pytest.raises(ConnectionError):
        handlers.hold_outreach_event(
            commands.HoldOutreachEvent(planned.outreach_event_id, held_on=date(2026, 11, 3), attendance=31), uow
        )

    assert uow.outreach_events.get(planned.outreach_event_id).status == "planned" and uow.outbox.envelopes == []
