"""The one-use feedback link given at closure, through the handlers with fakes: only its hash is
kept, with the hub and the closure's month and never the case; feedback through it goes out like
the hub lead's, with the day only; a link used, expired or never given is refused alike."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hubs.care_coordination.domain import commands
from hubs.care_coordination.domain.feedback_links import hash_of
from hubs.care_coordination.service_layer import handlers, reactions
from hubs.contracts import codes as C
from hubs.runtime.refusals import Refused

CLOSED_AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
HUB = "test-hub"
ANSWERS = {"overall_experience": C.FeedbackRating.GOOD, "felt_listened_to": 5, "helped": 4, "comment": "Kind."}


def opened(uow) -> uuid.UUID:
    case_id = uuid.uuid4()
    data = {"received_at": CLOSED_AT - timedelta(days=30), "urgency": C.Urgency.ROUTINE}
    reactions.on_referral_received({"case_id": case_id, "data": data}, uow)
    return case_id


def closed_with_link(uow, reason=C.ClosureReason.CARE_COMPLETED):
    case_id = opened(uow)
    _, given = handlers.close_episode_offering_feedback(commands.CloseEpisode(case_id, reason), uow, HUB, now=CLOSED_AT)
    return case_id, given


def test_closing_an_episode_gives_a_link_kept_only_as_a_hash_with_the_hub_and_month(uow):
    case_id, given = closed_with_link(uow)

    assert given is not None and len(given.token) >= 43
    [(kept_hash, kept)] = uow.feedback_links.by_hash.items()
    assert kept_hash == hash_of(given.token) != given.token
    assert (kept.hub_id, kept.closure_month) == (HUB, "2026-11")
    # 60 days after the end of the closure's month: the day of closure cannot be read from it.
    assert kept.expires_on == given.expires_on == date(2026, 11, 30) + timedelta(days=60)
    assert str(case_id) not in repr(kept) and given.token not in repr(kept)
    assert uow.cases.get(case_id).feedback_link_given
    assert uow.types()[-1] == "EpisodeClosed"


def test_feedback_through_the_link_goes_out_like_the_hub_leads_with_the_day_only(uow):
    case_id, given = closed_with_link(uow)
    uow.outbox.events.clear()

    feedback_id = handlers.give_feedback_by_link(
        commands.GiveFeedbackByLink(given.token, **ANSWERS), uow, date(2026, 12, 2)
    )

    [event] = uow.of_type("ServiceUserFeedbackGiven")
    assert event["feedback_id"] == feedback_id
    assert event["given_on"] == date(2026, 12, 2) and event["stage"] is C.FeedbackStage.AT_CLOSURE
    assert event["overall_experience"] is C.FeedbackRating.GOOD and event["felt_listened_to"] == 5
    sent = repr(event)
    assert given.token not in sent and hash_of(given.token) not in sent and str(case_id) not in sent
    assert "comment" not in event
    [row] = uow.feedback.all()
    assert row["comment"] == "Kind." and set(row) == {
        "feedback_id", "given_on", "stage", "overall_experience", "scores", "comment"
    }  # fmt: skip


def _refused_alike(uow, token: str, today: date) -> str:
    kept_before = list(uow.feedback.all())
    with pytest.raises(handlers.LinkCannotBeUsed) as refused:
        handlers.give_feedback_by_link(commands.GiveFeedbackByLink(token, **ANSWERS), uow, today)
    assert uow.feedback.all() == kept_before and uow.of_type("ServiceUserFeedbackGiven") == []
    return f"{refused.value.status} {refused.value.title} {refused.value.detail}"


def test_a_link_used_expired_or_never_given_is_refused_alike_and_nothing_is_kept(uow):
    _, used = closed_with_link(uow)
    handlers.give_feedback_by_link(commands.GiveFeedbackByLink(used.token, **ANSWERS), uow, date(2026, 12, 1))
    uow.outbox.events.clear()
    _, expired = closed_with_link(uow)

    said = {
        _refused_alike(uow, used.token, date(2026, 12, 2)),
        _refused_alike(uow, expired.token, expired.expires_on + timedelta(days=1)),
        _refused_alike(uow, "never-given-" + "x" * 40, date(2026, 12, 2)),
    }

    assert said == {"404 This link cannot be used This link cannot be used."}


def test_a_link_works_on_its_last_day(uow):
    _, given = closed_with_link(uow)

    handlers.give_feedback_by_link(commands.GiveFeedbackByLink(given.token, **ANSWERS), uow, given.expires_on)

    assert len(uow.of_type("ServiceUserFeedbackGiven")) == 1


@pytest.mark.parametrize("reason", [C.ClosureReason.WITHDRAWN, C.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB])
def test_no_link_is_given_when_the_person_withdrew_or_moved_hub(uow, reason):
    _, given = closed_with_link(uow, reason)

    assert given is None and uow.feedback_links.by_hash == {}


def test_an_episode_closed_by_its_referral_gets_its_link_once_afterwards(uow):
    case_id = opened(uow)
    with pytest.raises(Refused) as still_open:
        handlers.give_feedback_link(commands.GiveFeedbackLink(case_id), uow, HUB)
    handlers.close_episode(commands.CloseEpisode(case_id, C.ClosureReason.CARE_COMPLETED), uow, now=CLOSED_AT)

    given = handlers.give_feedback_link(commands.GiveFeedbackLink(case_id), uow, HUB)

    assert still_open.value.status == 409
    assert list(uow.feedback_links.by_hash) == [hash_of(given.token)]
    with pytest.raises(Refused) as again:
        handlers.give_feedback_link(commands.GiveFeedbackLink(case_id), uow, HUB)
    assert again.value.status == 409 and len(uow.feedback_links.by_hash) == 1


def test_a_link_is_never_given_for_a_case_the_hub_does_not_have(uow):
    with pytest.raises(handlers.CaseNotFound):
        handlers.give_feedback_link(commands.GiveFeedbackLink(uuid.uuid4()), uow, HUB)
