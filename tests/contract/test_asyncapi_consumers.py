"""asyncapi.yaml's receive operations say what each hub service's worker really reacts to: every
event a consumer has a handler for is listed, and nothing is listed that no handler takes. Other
teams read the document to know who depends on an event, so a consumer added in code and not here
(or the other way round) is a contract that lies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.contracts import spec_for, topics
from hubs.contracts.asyncapi import RECEIVES, channel_id
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.settings import Settings

# The consumer's name in the document, and its service; reporting reads every hub topic whole.
SERVICES = {"referral": REFERRAL, "assessment": ASSESSMENT, "care": CARE, "outreach": OUTREACH}


def _channel_of(topic: str) -> str:
    _, _, service, *_ = topic.split(".")
    assert service in topics.SERVICES, topic
    return f"{service}Events"


def _handled(definition, tmp_path: Path) -> set[tuple[str, str]]:
    """(channel, event type) of every handler of every consumer of the service's worker that can
    fire: an event type comes only on its own service's channel (care hands both its consumers one
    table of handlers)."""
    settings = replace(
        Settings.from_env(definition.name),
        database_url=f"sqlite:///{tmp_path}/{definition.name}.db",
        database_schema=None,
        topic_prefix="",
        extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()},
    )
    wiring = definition.bootstrap(settings)
    try:
        return {
            (_channel_of(topic), event_type)
            for spec in definition.consumers(wiring)
            for topic in spec.topics
            for event_type in spec.handlers
            if _channel_of(topic) == channel_id(spec_for(event_type))
        }
    finally:
        wiring.engine.dispose()


def _documented(document: dict, consumer: str) -> set[tuple[str, str]]:
    """(channel, event type) of every message the document says the consumer receives."""
    documented = set()
    for operation_id, service, channel, _, _ in RECEIVES:
        if service != consumer:
            continue
        for ref in document["operations"][operation_id]["messages"]:
            message = document["channels"][channel]["messages"][ref["$ref"].rsplit("/", 1)[-1]]
            documented.add((channel, document["components"]["messages"][message["$ref"].rsplit("/", 1)[-1]]["name"]))
    return documented


@pytest.mark.parametrize("consumer", sorted(SERVICES))
def test_receive_operations_list_exactly_what_the_services_workers_handle(asyncapi_document, consumer, tmp_path):
    assert _documented(asyncapi_document, consumer) == _handled(SERVICES[consumer], tmp_path)


def test_the_case_lifecycle_is_documented_both_ways_between_referral_and_care(asyncapi_document):
    # A case closed in either service closes in the other (and in assessment): who reads what.
    assert ("careEvents", "EpisodeClosed") in _documented(asyncapi_document, "referral")
    for consumer in ("care", "assessment"):
        received = _documented(asyncapi_document, consumer)
        assert {("referralEvents", "ReferralClosed"), ("referralEvents", "ReferralWithdrawn")} <= received
