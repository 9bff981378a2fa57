"""asyncapi.yaml's receive operations say what each service's worker really reacts to: every
event a consumer has a handler for is listed, and nothing is listed that no handler takes. Other
teams read the document to know who depends on an event, so a consumer added in code and not here
(or the other way round) is a contract that lies. The operations are made from each service's
declared consumers (`CONSUMERS` in its bootstrap), which are also what its worker runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.assessment import bootstrap as assessment
from hubs.care_coordination import bootstrap as care
from hubs.contracts import spec_for, topics
from hubs.contracts.asyncapi import build_document, channel_id, declared_consumers
from hubs.contracts.generate import out_of_date
from hubs.outreach import bootstrap as outreach
from hubs.referral import bootstrap as referral
from hubs.reporting import bootstrap as reporting
from hubs.runtime.service import Consumes, unread_handlers
from hubs.runtime.settings import Settings

# The bootstrap module of each service, by the name the document gives it.
SERVICES = {"referral": referral, "assessment": assessment, "care": care, "outreach": outreach, "reporting": reporting}


def _channel_of(topic: str) -> str:
    if topic == topics.national_topic():
        return "nationalHubReports"
    _, _, service, *_ = topic.split(".")
    assert service in topics.SERVICES, topic
    return f"{service}Events"


def _handled_by_worker(module, tmp_path: Path) -> set[tuple[str, str]]:
    """(channel, event type) of every handler of every consumer the service's worker runs that can
    fire (an event type comes only on its own channel), with default settings: hub mode for reporting."""
    definition = module.DEFINITION
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


def _documented(document: dict, service: str, consumer: str | None = None) -> set[tuple[str, str]]:
    """(channel, event type) of every message the document says the service (or one consumer of
    it) receives."""
    documented = set()
    for operation in document["operations"].values():
        if operation["action"] != "receive" or operation["tags"] != [{"name": service}]:
            continue
        if consumer is not None and operation["x-consumer"] != consumer:
            continue
        channel = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        for ref in operation["messages"]:
            message = document["channels"][channel]["messages"][ref["$ref"].rsplit("/", 1)[-1]]
            documented.add((channel, document["components"]["messages"][message["$ref"].rsplit("/", 1)[-1]]["name"]))
    return documented


def _declared(service: str, consumer: str | None = None) -> set[tuple[str, str]]:
    """(channel, event type) of every handler the service's declared consumers (or one of them) take."""
    return {
        (channel_id(spec_for(event_type)), event_type)
        for declared in SERVICES[service].CONSUMERS
        if consumer is None or declared.name == consumer
        for event_type in declared.event_types()
    }


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_receive_operations_list_exactly_what_the_services_declared_consumers_handle(asyncapi_document, service):
    assert _documented(asyncapi_document, service) == _declared(service)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_services_worker_runs_exactly_its_declared_consumers_handlers(service, tmp_path):
    # Default settings start every consumer but referral's duty inbox and reporting's national one.
    not_started = {"referral": "duty", "reporting": "hub-reports"}.get(service)
    declared = {
        pair
        for consumer in SERVICES[service].CONSUMERS
        if consumer.name != not_started
        for pair in _declared(service, consumer.name)
    }
    assert _handled_by_worker(SERVICES[service], tmp_path) == declared


def test_reporting_documents_only_the_hub_events_its_data_set_is_built_from(asyncapi_document):
    # The national data set has no use for contact attempts, erasures or occupational health liaison.
    received = _documented(asyncapi_document, "reporting", "hub-events")
    assert ("referralEvents", "ReferralReceived") in received
    for unused in ("ContactAttempted", "PersonalDataErased", "OccupationalHealthLiaised"):
        assert not any(event_type == unused for _, event_type in received)
    assert _documented(asyncapi_document, "reporting", "hub-reports") == {("nationalHubReports", "HubPeriodReport")}


def test_referrals_duty_inbox_consumer_is_documented(asyncapi_document):
    assert _documented(asyncapi_document, "referral", "duty") == {("referralEvents", "ReferralTriaged")}


def test_the_case_lifecycle_is_documented_both_ways_between_referral_and_care(asyncapi_document):
    # A case closed in either service closes in the other (and in assessment): who reads what.
    assert ("careEvents", "EpisodeClosed") in _documented(asyncapi_document, "referral")
    for service in ("care", "assessment"):
        received = _documented(asyncapi_document, service)
        assert {("referralEvents", "ReferralClosed"), ("referralEvents", "ReferralWithdrawn")} <= received


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_declared_handler_is_on_a_topic_its_service_reads(service):
    assert unread_handlers(SERVICES[service].CONSUMERS) == []


def _with_handlers(service: str, consumer: str, change) -> dict[str, tuple[Consumes, ...]]:
    """Every service's declared consumers, with one consumer's handler table changed."""
    declared = declared_consumers()
    declared[service] = tuple(
        replace(c, handlers=change(c.table())) if c.name == consumer else c for c in declared[service]
    )
    return declared


def test_generate_check_fails_when_a_handler_is_added_without_regenerating(contracts_root):
    def add(table):
        return {**table, "EpisodeClosed": table["FollowUpDue"]}

    assert out_of_date(contracts_root, _with_handlers("assessment", "care", add)) == [
        "asyncapi.yaml: differs from the code"
    ]


def test_generate_check_fails_when_a_handler_is_removed_without_regenerating(contracts_root):
    def remove(table):
        return {event_type: h for event_type, h in table.items() if event_type != "ReferralWithdrawn"}

    assert out_of_date(contracts_root, _with_handlers("care", "referrals", remove)) == [
        "asyncapi.yaml: differs from the code"
    ]


def test_a_handler_added_to_a_declaration_is_in_the_regenerated_document():
    def add(table):
        return {**table, "EpisodeClosed": table["FollowUpDue"]}

    document = build_document(_with_handlers("assessment", "care", add))
    operation = document["operations"]["assessmentCareReceivesCareEvents"]
    assert {"$ref": "#/channels/careEvents/messages/EpisodeClosed.v1"} in operation["messages"]


def test_the_document_builds_from_the_declared_consumers_by_default():
    assert build_document() == build_document(declared_consumers())
