"""The AsyncAPI 3.0.0 document of every channel, message and operation, built from the code:
the catalogue, the topic names and the generated JSON Schemas."""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any, Protocol

import yaml

from hubs.contracts import topics
from hubs.contracts.examples import EXAMPLE_HUB_ID, example_envelope
from hubs.contracts.json_schema import data_schema, envelope_schema
from hubs.contracts.registry import EventSpec, all_specs

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
NATIONAL_CHANNEL = "nationalHubReports"
HUB_ID_PARAMETER = "{hub_id}"

SERVICE_NAMES = {
    "referral": "referral",
    "assessment": "assessment",
    "care": "care co-ordination",
    "outreach": "outreach",
    "reporting": "reporting",
}
SERVICE_DESCRIPTIONS = {
    "referral": "The front door: referrals, contact attempts, first contact, transfers between hubs.",
    "assessment": "Rapid clinical assessment: measures and bands, risk, outcome decisions, follow-up measures.",
    "care": "Care co-ordination: signposting, onward referrals, treatment, waits, monitoring, closure, "
    "service-user feedback.",
    "outreach": "Outreach and inreach events, training, and the hub's own staff: supervision, check-ins, feedback.",
    "reporting": "Imported figures, and the hub's period report to the national team.",
}

# The services whose workers consume events, by the name this document gives them, and the
# module of each that declares its consumers (`CONSUMERS`, hubs.runtime.service.Consumes). They are
# imported only to build the document: hubs.contracts itself depends on no service.
CONSUMER_MODULES = {
    "referral": "hubs.referral.bootstrap",
    "assessment": "hubs.assessment.bootstrap",
    "care": "hubs.care_coordination.bootstrap",
    "outreach": "hubs.outreach.bootstrap",
    "reporting": "hubs.reporting.bootstrap",
}


class Consumer(Protocol):
    """What the document reads of a consumer's declaration (hubs.runtime.service.Consumes)."""

    @property
    def name(self) -> str: ...
    @property
    def reads(self) -> tuple[str, ...]: ...
    @property
    def summary(self) -> str: ...
    def event_types(self) -> tuple[str, ...]: ...


Consumers = Mapping[str, Sequence[Consumer]]


def declared_consumers() -> dict[str, tuple[Consumer, ...]]:
    """Every service's declared consumers, by the service's name in the document."""
    return {service: tuple(importlib.import_module(module).CONSUMERS) for service, module in CONSUMER_MODULES.items()}


def channel_id(spec: EventSpec) -> str:
    """The id of the channel that carries an event in the AsyncAPI document."""
    return NATIONAL_CHANNEL if spec.national else f"{spec.service}Events"


def dlq_channel_id(channel: str) -> str:
    """The id of the dead-letter channel of a channel."""
    return f"{channel}Dlq"


def _ref(*parts: str) -> dict[str, str]:
    return {"$ref": "#/" + "/".join(parts)}


def _version() -> str:
    try:
        return metadata.version("hubs-contracts")
    except metadata.PackageNotFoundError:  # pragma: no cover - only outside an install
        return "0.0.0"


def _payload_schema(spec: EventSpec) -> dict[str, Any]:
    # Inline in components; $schema and $id belong to the standalone files only.
    schema = envelope_schema(spec)
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


def _key_schema(spec: EventSpec) -> dict[str, Any]:
    if spec.about_case:
        return {"type": "string", "format": "uuid", "description": "the envelope's case_id"}
    if len(spec.key_fields) > 1:
        joined = ":".join(f"data.{field}" for field in spec.key_fields)
        return {"type": "string", "description": f"{joined}, joined with colons"}
    field = dict(data_schema(spec)["properties"][spec.key])
    field["description"] = f"data.{spec.key}"
    return field


def _message(spec: EventSpec) -> dict[str, Any]:
    example = example_envelope(spec)
    address = topics.national_topic() if spec.national else topics.hub_topic(HUB_ID_PARAMETER, spec.service)
    key = "case_id" if spec.about_case else ":".join(f"data.{field}" for field in spec.key_fields)
    description = " ".join((spec.schema.__doc__ or spec.summary).split())
    return {
        "name": spec.event_type,
        "title": f"{spec.event_type} v{spec.version}",
        "summary": spec.summary,
        "description": (
            f"{description}\n\nPublished by the {SERVICE_NAMES[spec.service]} service on `{address}`; "
            f"Kafka key `{key}`. {'About a case.' if spec.about_case else 'Not about a case: case_id is null.'} "
            f"JSON Schema: `jsonschema/{spec.name}.json`."
        ),
        "contentType": "application/json",
        "headers": _ref("components", "schemas", "ReportHeaders" if spec.national else "EventHeaders"),
        "payload": _ref("components", "schemas", spec.name),
        "correlationId": _ref("components", "correlationIds", "correlationId"),
        "tags": [{"name": spec.service}],
        "bindings": {"kafka": {"key": _key_schema(spec), "bindingVersion": KAFKA_BINDING_VERSION}},
        "examples": [
            {
                "name": "example",
                "headers": {
                    topics.EVENT_ID_HEADER: example["event_id"],
                    topics.EVENT_TYPE_HEADER: spec.event_type,
                    **(EXAMPLE_SIGNATURE_HEADERS if spec.national else {}),
                },
                "payload": example,
            }
        ],
        "x-event-type": spec.event_type,
        "x-schema-version": spec.version,
        "x-about-case": spec.about_case,
        "x-kafka-key": key,
    }


def _dead_letter_message() -> dict[str, Any]:
    return {
        "name": "DeadLetter",
        "title": "Dead letter",
        "summary": "A message that could never be processed, parked with where it came from and why.",
        "description": (
            "The original key and value, byte for byte, with headers saying where it came from and why. "
            "The consumer that parked it moves on; an operator replays or discards it."
        ),
        "contentType": "application/octet-stream",
        "headers": _ref("components", "schemas", "DeadLetterHeaders"),
        "payload": {"description": "the original message value, byte for byte"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "the original message key"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _event_headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Kafka headers of every event message; the same values are in the envelope.",
        "required": [topics.EVENT_ID_HEADER, topics.EVENT_TYPE_HEADER],
        "properties": {
            topics.EVENT_ID_HEADER: {"type": "string", "format": "uuid"},
            topics.EVENT_TYPE_HEADER: {"type": "string"},
        },
    }


# What the signature headers of a report look like (not a real signature of the example).
EXAMPLE_SIGNATURE_HEADERS = {
    topics.REPORT_SIGNATURE_HEADER: "A" * 86 + "==",
    topics.REPORT_KEY_ID_HEADER: "north-hub-2026",
}


def _report_headers_schema() -> dict[str, Any]:
    event = _event_headers_schema()
    return {
        "type": "object",
        "description": (
            "Kafka headers of a hub's report: the event's, and the hub's Ed25519 signature over the report's "
            "canonical JSON (the envelope's data with keys sorted, no spaces, UTF-8) with the id of the key that "
            "made it. The national service takes a report only when the signature verifies with a key it has "
            "registered for the hub; anything else goes to the DLQ."
        ),
        "required": [*event["required"], topics.REPORT_SIGNATURE_HEADER, topics.REPORT_KEY_ID_HEADER],
        "properties": {
            **event["properties"],
            topics.REPORT_SIGNATURE_HEADER: {
                "type": "string",
                "description": "the 64-byte Ed25519 signature, standard base64",
                "pattern": "^[A-Za-z0-9+/]{86}==$",
            },
            topics.REPORT_KEY_ID_HEADER: {
                "type": "string",
                "description": "the id of the hub's key in the national registry",
                "pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$",
            },
        },
    }


def _dead_letter_headers_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"type": "string", "description": description} for name, description in topics.DLQ_HEADERS.items()
    }
    for name in (topics.DLQ_ORIGIN_PARTITION, topics.DLQ_ORIGIN_OFFSET, topics.DLQ_ATTEMPTS):
        properties[name]["pattern"] = "^[0-9]+$"
    return {
        "type": "object",
        "description": "Kafka headers of a dead letter, saying where it came from and why. Values are UTF-8 strings.",
        "required": list(topics.DLQ_HEADERS),
        "properties": properties,
    }


def _channels(specs: list[EventSpec]) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    for service in topics.SERVICES:
        channel = f"{service}Events"
        address = topics.hub_topic(HUB_ID_PARAMETER, service)
        messages = {s.name: _ref("components", "messages", s.name) for s in specs if channel_id(s) == channel}
        channels[channel] = {
            "address": address,
            "title": f"Events of the {SERVICE_NAMES[service]} service of one hub",
            "description": SERVICE_DESCRIPTIONS[service],
            "parameters": {"hub_id": _ref("components", "parameters", "hub_id")},
            "servers": [_ref("servers", "hub")],
            "messages": messages,
        }
        channels[dlq_channel_id(channel)] = {
            "address": topics.dlq_topic(address),
            "title": f"Dead letters of {address}",
            "parameters": {"hub_id": _ref("components", "parameters", "hub_id")},
            "servers": [_ref("servers", "hub")],
            "messages": {"DeadLetter": _ref("components", "messages", "DeadLetter")},
        }
    national = {s.name: _ref("components", "messages", s.name) for s in specs if s.national}
    channels[NATIONAL_CHANNEL] = {
        "address": topics.national_topic(),
        "title": "What leaves the hubs: period reports, counts only, after small-number suppression",
        "description": "Each hub's reporting service publishes here; reporting in national mode consumes it.",
        "servers": [_ref("servers", "national")],
        "messages": national,
    }
    channels[dlq_channel_id(NATIONAL_CHANNEL)] = {
        "address": topics.dlq_topic(topics.national_topic()),
        "title": f"Dead letters of {topics.national_topic()}",
        "servers": [_ref("servers", "national")],
        "messages": {"DeadLetter": _ref("components", "messages", "DeadLetter")},
    }
    return channels


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _read_channel(read: str) -> str:
    return NATIONAL_CHANNEL if read == topics.NATIONAL else f"{read}Events"


def _receives(channels: dict[str, Any], specs: list[EventSpec], consumers: Consumers) -> dict[str, Any]:
    """A receive operation per consumer and channel it reads, listing every version of the
    events on that channel it has a handler for."""
    event_types = {spec.name: spec.event_type for spec in specs}
    operations: dict[str, Any] = {}
    for service, declared in sorted(consumers.items()):
        for consumer in sorted(declared, key=lambda c: c.name):
            handled = set(consumer.event_types())
            for read in consumer.reads:
                channel = _read_channel(read)
                names = [name for name in sorted(channels[channel]["messages"]) if event_types[name] in handled]
                if not names:
                    continue
                operations[f"{service}{_camel(consumer.name)}Receives{_camel(channel)}"] = {
                    "action": "receive",
                    "channel": _ref("channels", channel),
                    "title": f"The {SERVICE_NAMES[service]} service's {consumer.name} consumer reads "
                    f"{channels[channel]['address']}",
                    "summary": consumer.summary,
                    "messages": [_ref("channels", channel, "messages", name) for name in names],
                    "tags": [{"name": service}],
                    "x-consumer": consumer.name,
                }
    return operations


def _operations(channels: dict[str, Any], specs: list[EventSpec], consumers: Consumers) -> dict[str, Any]:
    def messages_of(channel: str, names: list[str] | None) -> list[dict[str, str]]:
        names = sorted(channels[channel]["messages"]) if names is None else names
        return [_ref("channels", channel, "messages", name) for name in names]

    operations: dict[str, Any] = {}
    for service in topics.SERVICES:
        channel = f"{service}Events"
        operations[f"{service}PublishesEvents"] = {
            "action": "send",
            "channel": _ref("channels", channel),
            "title": f"The {SERVICE_NAMES[service]} service publishes its events",
            "summary": "Written to the outbox in the state change's transaction; the relay publishes them.",
            "messages": messages_of(channel, None),
        }
    operations["reportingPublishesHubReports"] = {
        "action": "send",
        "channel": _ref("channels", NATIONAL_CHANNEL),
        "title": "The reporting service of a hub publishes its period report",
        "messages": messages_of(NATIONAL_CHANNEL, None),
    }
    operations.update(_receives(channels, specs, consumers))
    for channel in [c for c in channels if not c.endswith("Dlq")]:
        dlq = dlq_channel_id(channel)
        operations[f"deadLetter{channel[0].upper()}{channel[1:]}"] = {
            "action": "send",
            "channel": _ref("channels", dlq),
            "title": f"A consumer of {channels[channel]['address']} parks a message it can never process",
            "messages": messages_of(dlq, None),
        }
    return operations


def build_document(consumers: Consumers | None = None) -> dict[str, Any]:
    """The AsyncAPI document as plain data; its receive operations are those of `consumers`
    (by default every service's declared consumers)."""
    specs = all_specs()
    if consumers is None:
        consumers = declared_consumers()
    channels = _channels(specs)
    server_variables = {"bootstrap_servers": {"default": "localhost:9092", "description": "set by configuration"}}
    document = {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Staff mental health and wellbeing hubs: events",
            "version": _version(),
            "description": (
                "Every event of every service of a hub, and the period reports that leave it. Each message "
                "is a JSON envelope (event_id, event_type, schema_version, occurred_at, hub_id, producer, "
                "case_id, correlation_id, data). Events carry codes, pseudonymous ids, dates, scores and "
                "counts, never names, contact details or free text. A topic name may carry a configured "
                "prefix. Generated by `python -m hubs.contracts.generate`: do not edit by hand."
            ),
            "tags": [{"name": s, "description": SERVICE_DESCRIPTIONS[s]} for s in topics.SERVICES],
        },
        "defaultContentType": "application/json",
        "servers": {
            "hub": {
                "host": "{bootstrap_servers}",
                "protocol": "kafka",
                "title": "A hub's Kafka cluster",
                "description": "Its own cluster, or a shared one with prefix ACLs per hub.",
                "variables": server_variables,
            },
            "national": {
                "host": "{bootstrap_servers}",
                "protocol": "kafka",
                "title": "The national Kafka cluster",
                "description": "Only hubs' reporting publishers and national reporting connect to it.",
                "variables": server_variables,
            },
        },
        "channels": channels,
        "operations": _operations(channels, specs, consumers),
        "components": {
            "schemas": {
                "EventHeaders": _event_headers_schema(),
                "ReportHeaders": _report_headers_schema(),
                "DeadLetterHeaders": _dead_letter_headers_schema(),
                **{spec.name: _payload_schema(spec) for spec in specs},
            },
            "messages": {
                **{spec.name: _message(spec) for spec in specs},
                "DeadLetter": _dead_letter_message(),
            },
            "parameters": {
                "hub_id": {
                    "description": "The id of the hub: lower-case letters, digits and dashes.",
                    "examples": [EXAMPLE_HUB_ID],
                }
            },
            "correlationIds": {
                "correlationId": {
                    "description": "Ties together the events caused by one request.",
                    "location": "$message.payload#/correlation_id",
                }
            },
        },
    }
    # A JSON round trip gives fresh objects everywhere, so YAML writes no anchors or aliases.
    fresh: dict[str, Any] = json.loads(json.dumps(document))
    return fresh


def render(document: dict[str, Any]) -> str:
    """The YAML text of the document, in a stable order."""
    header = "# Generated by `python -m hubs.contracts.generate` from hubs.contracts: do not edit.\n"
    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
    return header + text
