"""The envelope every message carries, and the two operations on it: build (producers
validate before writing to their outbox) and parse (consumers validate on receipt)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hubs.contracts import topics
from hubs.contracts.registry import spec_for

HUB_ID = validate.Regexp(topics.HUB_ID_PATTERN, error="hub_id must be lower-case letters, digits and dashes")


class ContractError(ValueError):
    """A message does not satisfy its contract. `errors` holds field-level messages."""

    def __init__(self, message: str, errors: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})


class EnvelopeSchema(Schema):
    """The envelope around every event's data."""

    event_id = fields.UUID(required=True, metadata={"description": "unique per event; also a Kafka header"})
    event_type = fields.String(required=True, metadata={"description": "also a Kafka header"})
    schema_version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(
        required=True, default_timezone=UTC, metadata={"description": "when it happened, UTC, ISO 8601"}
    )
    hub_id = fields.String(required=True, validate=HUB_ID, metadata={"description": "the publishing hub"})
    producer = fields.String(required=True, metadata={"description": "the publishing service"})
    case_id = fields.UUID(allow_none=True, load_default=None)
    correlation_id = fields.String(
        allow_none=True, load_default=None, metadata={"description": "ties together the events of one request"}
    )
    data = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()


def _json_ready(value: Any) -> Any:
    """Plain JSON values for UUIDs, dates, enums and nested containers."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_ready(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def new_envelope(
    event_type: str,
    data: Mapping[str, Any],
    *,
    hub_id: str,
    producer: str,
    case_id: uuid.UUID | str | None = None,
    correlation_id: str | None = None,
    occurred_at: datetime | None = None,
    event_id: uuid.UUID | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """A JSON-ready envelope for `data`, validated against the newest (or given) version."""
    try:
        spec = spec_for(event_type, version)
    except KeyError as exc:
        raise ContractError(f"unknown event type {event_type}") from exc
    if spec.about_case and case_id is None:
        raise ContractError(f"{event_type} is about a case and needs a case_id")
    if not spec.about_case and case_id is not None:
        # Feedback and workforce events are anonymous: a case_id would link them to a person.
        raise ContractError(f"{event_type} is not about a case and must not carry a case_id")
    schema = spec.validator
    # The JSON form first, so plain strings and enum members are both accepted; what goes on the
    # wire is the schema's dump of what it loads, its canonical form.
    ready = _json_ready(data)
    envelope = {
        "event_id": str(event_id or uuid.uuid4()),
        "event_type": event_type,
        "schema_version": spec.version,
        "occurred_at": (occurred_at or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "hub_id": hub_id,
        "producer": producer,
        "case_id": str(case_id) if case_id is not None else None,
        "correlation_id": correlation_id,
        "data": ready,
    }
    from hubs.contracts.compiled import canonical_data  # it reads envelopes with this module's schemas

    canonical = canonical_data(spec, envelope)  # the compiled check: a few microseconds, not fifty
    if canonical is not None:
        envelope["data"] = canonical
        return envelope
    try:
        envelope["data"] = schema.dump(schema.load(ready))
    except ValidationError as exc:
        raise ContractError(f"{event_type} v{spec.version} data is invalid", exc.messages_dict) from exc
    errors = _ENVELOPE.validate(envelope)
    if errors:
        raise ContractError("envelope is invalid", errors)
    return envelope


def parse_envelope(message: Mapping[str, Any]) -> dict[str, Any]:
    """The envelope with its data loaded by the schema of its type and version.

    Raises ContractError for anything that does not satisfy the contract; such a
    message can never be processed and belongs in the dead-letter topic."""
    try:
        # marshmallow's load is typed Any: the envelope schema gives a dict.
        envelope: dict[str, Any] = _ENVELOPE.load(message, unknown="exclude")
    except ValidationError as exc:
        raise ContractError("envelope is invalid", exc.messages_dict) from exc
    try:
        spec = spec_for(envelope["event_type"], envelope["schema_version"])
    except KeyError as exc:
        raise ContractError(f"unknown event {envelope['event_type']} v{envelope['schema_version']}") from exc
    if spec.about_case and envelope["case_id"] is None:
        raise ContractError(f"{spec.event_type} needs a case_id")
    if not spec.about_case and envelope["case_id"] is not None:
        raise ContractError(f"{spec.event_type} must not carry a case_id")
    try:
        # Unknown fields are kept out, not refused: newer minor producers may add optional fields.
        envelope["data"] = spec.validator.load(envelope["data"], unknown="exclude")
    except ValidationError as exc:
        raise ContractError(f"{spec.event_type} v{spec.version} data is invalid", exc.messages_dict) from exc
    return envelope


def message_topic(envelope: Mapping[str, Any], *, prefix: str = "", national_prefix: str | None = None) -> str:
    """The topic an envelope is published on: its service's topic of its hub, or the national
    topic for what leaves the hub (`national_prefix`, when given, instead of `prefix` there)."""
    spec = spec_for(envelope["event_type"], envelope["schema_version"])
    return spec.topic(envelope["hub_id"], prefix, national_prefix)


def message_key(envelope: Mapping[str, Any]) -> str:
    """The Kafka key of an envelope: its case_id, or the aggregate id of an event not about a case."""
    spec = spec_for(envelope["event_type"], envelope["schema_version"])
    if spec.about_case:
        return str(envelope["case_id"])
    return ":".join(str(_json_ready(envelope["data"][field])) for field in spec.key_fields)


def message_headers(envelope: Mapping[str, Any]) -> list[tuple[str, bytes]]:
    """The Kafka headers of an envelope: its event_id and event_type, UTF-8 encoded."""
    return [
        (topics.EVENT_ID_HEADER, str(envelope["event_id"]).encode()),
        (topics.EVENT_TYPE_HEADER, str(envelope["event_type"]).encode()),
    ]
