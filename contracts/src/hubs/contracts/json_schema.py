"""JSON Schema (draft 2020-12) of each event version in its envelope, generated from the
marshmallow schemas with apispec's marshmallow converter in its OpenAPI 3.1 mode, whose
schema objects are plain JSON Schema 2020-12.

Objects are left open (no `additionalProperties: false`): consumers ignore fields they do not
know, so that adding an optional field to a published version stays compatible."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, Protocol

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import Schema, fields

from hubs.contracts.envelope import EnvelopeSchema
from hubs.contracts.events.reporting import SUPPRESSED, SuppressedCount
from hubs.contracts.registry import EventSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(spec: EventSpec) -> str:
    """The `$id` of the JSON Schema of an event version."""
    return f"urn:wellbeing-hubs:event:{spec.event_type}:v{spec.version}"


def _suppressed_count(self: OpenAPIConverter, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    # A custom field apispec cannot know: a count, or "*" from a hub that suppressed before sending.
    if isinstance(field, SuppressedCount):
        return {
            "oneOf": [{"type": "integer", "minimum": 0}, {"const": SUPPRESSED}],
            "description": f'a count: exact when the report says figures_exact, else "{SUPPRESSED}" '
            "or rounded to 5 by a hub that suppressed before sending",
        }
    return {}


def _rule(schema: Any) -> dict[str, Any]:
    # A rule across fields that a schema checks in Python (`@validates_schema`), in JSON Schema
    # (if/then/else) where it can be said there: the schema's `json_schema_rule()`.
    schema_class = schema if isinstance(schema, type) else type(schema)
    rule = getattr(schema_class, "json_schema_rule", None)
    return rule() if rule is not None else {}


def _nested_rule(self: OpenAPIConverter, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    return _rule(field.schema) if isinstance(field, fields.Nested) else {}


class _Converter(Protocol):
    """What is used of apispec's OpenAPIConverter, whose methods carry no annotations."""

    def add_attribute_function(self, func: Callable[..., dict[str, Any]]) -> object: ...

    def schema2jsonschema(self, schema: type[Schema]) -> dict[str, Any]: ...


def _inline(schema: type[Schema]) -> str | None:
    # Returning None from the resolver inlines nested schemas instead of referring to
    # OpenAPI components, so that each document stands alone.
    return None


@functools.cache
def _converter() -> _Converter:
    # apispec documents None from the resolver (inline the schema) but annotates it as str only.
    plugin = MarshmallowPlugin(schema_name_resolver=_inline)  # type: ignore[arg-type]
    APISpec("wellbeing-hubs", "1", "3.1.0", plugins=[plugin])
    converter: _Converter | None = plugin.converter
    assert converter is not None  # APISpec has just initialised the plugin with it
    converter.add_attribute_function(_suppressed_count)
    converter.add_attribute_function(_nested_rule)
    return converter


def _open_objects(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _open_objects(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(node, list):
        return [_open_objects(v) for v in node]
    return node


def canonical(node: Any) -> Any:
    """`node` with every mapping's keys sorted, as plain JSON values."""
    return json.loads(json.dumps(node, sort_keys=True))


def data_schema(spec: EventSpec) -> dict[str, Any]:
    """JSON Schema of the data of one event version."""
    schema: dict[str, Any] = _open_objects(_converter().schema2jsonschema(spec.schema)) | _rule(spec.schema)
    schema["description"] = spec.summary
    return schema


def envelope_schema(spec: EventSpec) -> dict[str, Any]:
    """JSON Schema of one event version in its envelope: what a message value holds."""
    envelope = _open_objects(_converter().schema2jsonschema(EnvelopeSchema))
    properties = envelope["properties"]
    required = set(envelope.get("required", []))
    properties["event_type"] = {"type": "string", "const": spec.event_type}
    properties["schema_version"] = {"type": "integer", "const": spec.version}
    if spec.about_case:
        properties["case_id"] = {
            "type": "string",
            "format": "uuid",
            "description": "the pseudonymous id of the case the event is about; the Kafka key",
        }
        required.add("case_id")
    else:
        properties["case_id"] = {"type": "null", "description": "not about a case: always null"}
    properties["data"] = data_schema(spec)
    description = " ".join((spec.schema.__doc__ or spec.summary).split())
    document = {
        "$schema": DIALECT,
        "$id": schema_id(spec),
        "title": f"{spec.event_type} v{spec.version}",
        "description": description,
        **envelope,
        "required": sorted(required),
    }
    canonical_document: dict[str, Any] = canonical(document)  # an object stays an object
    return canonical_document


def render(schema: dict[str, Any]) -> str:
    """The text of a JSON Schema file: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
