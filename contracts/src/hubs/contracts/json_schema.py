"""JSON Schema (draft 2020-12) of each event version in its envelope, generated from the
marshmallow schemas with apispec's marshmallow converter in its OpenAPI 3.1 mode, whose
schema objects are plain JSON Schema 2020-12.

Objects are left open (no `additionalProperties: false`): consumers ignore fields they do not
know, so that adding an optional field to a published version stays compatible."""

from __future__ import annotations

import functools
import json
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields

from hubs.contracts.envelope import EnvelopeSchema
from hubs.contracts.events.reporting import SUPPRESSED, SuppressedCount
from hubs.contracts.registry import EventSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(spec: EventSpec) -> str:
    """The `$id` of the JSON Schema of an event version."""
    return f"urn:wellbeing-hubs:event:{spec.event_type}:v{spec.version}"


def _suppressed_count(self, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
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


def _nested_rule(self, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    return _rule(field.schema) if isinstance(field, fields.Nested) else {}


@functools.cache
def _converter():
    # Returning None from the resolver inlines nested schemas instead of referring to
    # OpenAPI components, so that each document stands alone.
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)
    APISpec("wellbeing-hubs", "1", "3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(_suppressed_count)
    plugin.converter.add_attribute_function(_nested_rule)
    return plugin.converter


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
    schema = _open_objects(_converter().schema2jsonschema(spec.schema)) | _rule(spec.schema)
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
    return canonical(document)


def render(schema: dict[str, Any]) -> str:
    """The text of a JSON Schema file: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
