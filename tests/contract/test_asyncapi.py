"""asyncapi.yaml: valid AsyncAPI 3.0.0 by the official JSON Schema (@asyncapi/specs), and in
agreement with the code both ways."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from hubs.contracts import topics
from hubs.contracts.asyncapi import build_document, channel_id, dlq_channel_id
from hubs.contracts.examples import example_envelope
from hubs.contracts.json_schema import envelope_schema
from hubs.contracts.registry import CATALOGUE, all_specs

SPECS = all_specs()
# Installed by `npm ci --prefix contracts` (package.json pins @asyncapi/specs).
OFFICIAL_SCHEMA = ("node_modules", "@asyncapi", "specs", "schemas", "3.0.0.json")


def _official_schema(contracts_root) -> dict:
    path = contracts_root.joinpath(*OFFICIAL_SCHEMA)
    if not path.is_file():
        pytest.fail(
            f"the official AsyncAPI 3.0.0 JSON Schema is missing ({path}): "
            "run `npm ci --prefix contracts` to install @asyncapi/specs",
            pytrace=False,
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _event_messages(document: dict) -> dict[str, dict]:
    return {name: m for name, m in document["components"]["messages"].items() if "x-event-type" in m}


def test_document_is_valid_asyncapi_3_by_the_official_json_schema(asyncapi_document, contracts_root):
    assert asyncapi_document["asyncapi"] == "3.0.0"
    validator = Draft7Validator(_official_schema(contracts_root))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(asyncapi_document)]
    assert errors == []


def test_the_official_json_schema_does_catch_a_broken_document(contracts_root):
    broken = build_document()
    broken["operations"]["referralPublishesEvents"]["action"] = "publish"  # AsyncAPI 2 wording
    assert not Draft7Validator(_official_schema(contracts_root)).is_valid(broken)


def test_committed_document_is_the_one_the_code_builds(asyncapi_document):
    assert asyncapi_document == build_document()


def test_every_event_in_code_is_documented_on_its_channel(asyncapi_document):
    messages = _event_messages(asyncapi_document)
    for spec in SPECS:
        message = messages.get(spec.name)
        assert message is not None, f"{spec.name} is not documented"
        assert (message["x-event-type"], message["x-schema-version"]) == (spec.event_type, spec.version)
        assert message["x-about-case"] is spec.about_case
        assert message["summary"] == spec.summary
        channel = asyncapi_document["channels"][channel_id(spec)]
        assert spec.name in channel["messages"], f"{spec.name} is not on {channel['address']}"


def test_every_documented_message_exists_in_code(asyncapi_document):
    for name, message in _event_messages(asyncapi_document).items():
        key = (message["x-event-type"], message["x-schema-version"])
        assert key in CATALOGUE, f"{name} is documented but not in the code"
        assert CATALOGUE[key].name == name
    for channel in asyncapi_document["channels"].values():
        for name in channel["messages"]:
            assert name == "DeadLetter" or name in {spec.name for spec in SPECS}, name


def test_channels_are_the_topics_of_the_code(asyncapi_document):
    channels = asyncapi_document["channels"]
    expected = {f"{service}Events": topics.hub_topic("{hub_id}", service) for service in topics.SERVICES}
    expected["nationalHubReports"] = topics.national_topic()
    for channel, address in list(expected.items()):
        expected[dlq_channel_id(channel)] = topics.dlq_topic(address)
    assert {name: c["address"] for name, c in channels.items()} == expected


def test_hub_channels_take_the_hub_id_as_a_parameter(asyncapi_document):
    for channel in asyncapi_document["channels"].values():
        if "{hub_id}" in channel["address"]:
            assert set(channel["parameters"]) == {"hub_id"}
        else:
            assert "parameters" not in channel


def test_dead_letter_channels_document_the_dead_letter_headers(asyncapi_document):
    headers = asyncapi_document["components"]["schemas"]["DeadLetterHeaders"]
    assert set(headers["properties"]) == set(topics.DLQ_HEADERS)
    assert set(headers["required"]) == set(topics.DLQ_HEADERS)
    for name in ("origin_topic", "origin_partition", "origin_offset", "event_id", "error_type", "attempts"):
        assert name in headers["properties"]
    for name, channel in asyncapi_document["channels"].items():
        if name.endswith("Dlq"):
            assert list(channel["messages"]) == ["DeadLetter"]


def test_each_service_sends_exactly_its_own_events(asyncapi_document):
    operations = asyncapi_document["operations"]
    for service in topics.SERVICES:
        operation = operations[f"{service}PublishesEvents"]
        assert operation["action"] == "send"
        sent = {ref["$ref"].rsplit("/", 1)[-1] for ref in operation["messages"]}
        assert sent == {spec.name for spec in SPECS if spec.service == service and not spec.national}
    national = operations["reportingPublishesHubReports"]
    assert {ref["$ref"].rsplit("/", 1)[-1] for ref in national["messages"]} == {"HubPeriodReport.v1"}


def test_operations_only_use_messages_of_their_channel(asyncapi_document):
    for name, operation in asyncapi_document["operations"].items():
        channel_ref = operation["channel"]["$ref"]
        for message in operation.get("messages", []):
            assert message["$ref"].startswith(channel_ref + "/messages/"), name


def test_every_reference_resolves(asyncapi_document):
    for ref in _refs(asyncapi_document):
        _resolve(asyncapi_document, ref)


def test_payloads_are_the_generated_json_schemas(asyncapi_document):
    schemas = asyncapi_document["components"]["schemas"]
    for spec in SPECS:
        expected = {k: v for k, v in envelope_schema(spec).items() if k not in ("$schema", "$id")}
        assert schemas[spec.name] == expected
        message = asyncapi_document["components"]["messages"][spec.name]
        assert message["payload"] == {"$ref": f"#/components/schemas/{spec.name}"}


def test_message_examples_satisfy_their_payload_and_header_schemas(asyncapi_document):
    schemas = asyncapi_document["components"]["schemas"]
    for spec in SPECS:
        (example,) = asyncapi_document["components"]["messages"][spec.name]["examples"]
        assert example["payload"] == example_envelope(spec)
        assert Draft202012Validator(schemas[spec.name]).is_valid(example["payload"]), spec.name
        assert Draft202012Validator(schemas["EventHeaders"]).is_valid(example["headers"]), spec.name


def test_messages_document_their_kafka_key(asyncapi_document):
    for spec in SPECS:
        message = asyncapi_document["components"]["messages"][spec.name]
        key = message["bindings"]["kafka"]["key"]
        if spec.about_case:
            assert message["x-kafka-key"] == "case_id"
            assert key["format"] == "uuid"
        else:
            assert message["x-kafka-key"] == ":".join(f"data.{f}" for f in spec.key_fields)
