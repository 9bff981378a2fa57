"""A consumer declared once (hubs.runtime.service.Consumes) is what the worker runs: the topics it
reads for the hub, and the handlers of its table for the events those topics carry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hubs.contracts import topics
from hubs.runtime.service import Consumes, Wiring, unread_handlers
from hubs.runtime.settings import Settings


def handler(envelope, uow) -> None:
    """Does nothing: these tests never deliver an event."""


def other(envelope, uow) -> None:
    """Does nothing either."""


# One table for a consumer of referral events and one of assessment events, as care co-ordination has.
SHARED = {"ReferralReceived": handler, "AssessmentCompleted": other}


@pytest.fixture
def wiring() -> Wiring:
    settings = replace(
        Settings.from_env("test"), hub_id="north-hub", topic_prefix="test-", national_topic_prefix="nat-"
    )
    return Wiring(settings, engine=None, uow_factory=lambda: None, outbox_table=None, processed_table=None)  # type: ignore[arg-type]


def test_a_consumer_reads_its_services_topics_of_its_own_hub(wiring):
    spec = Consumes("everything", ("referral", "care"), SHARED, "All of it.").spec(wiring)
    assert spec.name == "everything"
    assert spec.topics == ["test-hub.north-hub.referral.events.v1", "test-hub.north-hub.care.events.v1"]


def test_a_consumer_of_the_national_topic_reads_it_with_the_national_prefix(wiring):
    declared = Consumes("hub-reports", (topics.NATIONAL,), {"HubPeriodReport": handler}, "Reports.")
    assert declared.spec(wiring).topics == ["nat-national.hub-reports.v1"]
    assert declared.event_types() == ("HubPeriodReport",)


def test_a_shared_table_gives_each_consumer_the_events_of_its_own_topics(wiring):
    referrals = Consumes("referrals", ("referral",), SHARED, "Referrals.")
    assessments = Consumes("assessments", ("assessment",), SHARED, "Assessments.")
    assert referrals.spec(wiring).handlers == {"ReferralReceived": handler}
    assert assessments.spec(wiring).handlers == {"AssessmentCompleted": other}
    assert (referrals.event_types(), assessments.event_types()) == (("ReferralReceived",), ("AssessmentCompleted",))


def test_a_table_made_from_the_wiring_is_described_without_one(wiring):
    seen = []

    def table(given: Wiring | None):
        seen.append(given)
        return {"ReferralReceived": handler}

    declared = Consumes("referrals", ("referral",), table, "Referrals.")
    assert declared.event_types() == ("ReferralReceived",)
    assert declared.spec(wiring).handlers == {"ReferralReceived": handler}
    assert seen == [None, wiring]


def test_the_worker_may_name_other_topics_and_a_generation_of_the_group(wiring):
    declared = Consumes("transfers-in", ("referral",), {"ReferralTransferredOut": handler}, "Transfers.")
    spec = declared.spec(wiring, name="transfers-in-2", topics=["hub.neighbour.referral.events.v1"], on_idle=print)
    assert (spec.name, spec.topics, spec.on_idle) == ("transfers-in-2", ["hub.neighbour.referral.events.v1"], print)


def test_a_handler_for_an_event_no_contract_has_is_refused(wiring):
    declared = Consumes("referrals", ("referral",), {"ReferralRecieved": handler}, "Misspelt.")
    with pytest.raises(ValueError, match="ReferralRecieved, which no contract has"):
        declared.spec(wiring)
    with pytest.raises(ValueError, match="ReferralRecieved"):
        declared.event_types()


def test_a_consumer_with_nothing_to_handle_on_its_topics_is_refused(wiring):
    declared = Consumes("care", ("care",), {"ReferralReceived": handler}, "Nothing of care.")
    with pytest.raises(ValueError, match="no handler for anything it reads"):
        declared.spec(wiring)


def test_reading_a_topic_no_service_has_is_refused():
    with pytest.raises(ValueError, match="finance"):
        Consumes("money", ("finance",), {}, "No such topic.")
    with pytest.raises(ValueError, match="nothing"):
        Consumes("idle", (), {}, "Reads nothing.")


def test_a_handler_no_consumer_of_the_service_reads_is_named():
    referrals = Consumes("referrals", ("referral",), SHARED, "Referrals.")
    assert unread_handlers([referrals]) == ["referrals: AssessmentCompleted"]
    assessments = Consumes("assessments", ("assessment",), SHARED, "Assessments.")
    assert unread_handlers([referrals, assessments]) == []
