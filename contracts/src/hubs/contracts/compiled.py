"""Reading events where they are consumed: the generated JSON Schema of each event version,
compiled once (jsonschema-rs), checks a message in microseconds; its values are then turned
into what `parse_envelope` gives (UUIDs, datetimes, dates, code-list members, defaults for
absent fields, unknown fields left out) by readers built once from the marshmallow schemas,
and the rules across fields that JSON Schema cannot state (one time not before another) are
checked by the schemas' own `@validates_schema` methods.

`read_envelope` gives the same envelope as `parse_envelope` for every message the JSON Schema
accepts. A message it refuses is read by `parse_envelope`, which raises ContractError with
field-level messages (what the dead-letter topic's `error` header says), so the verdict on
anything the JSON Schema finds wrong stays marshmallow's. tests/contract/test_compiled.py
holds both to the same verdicts and the same envelopes."""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import jsonschema_rs
from marshmallow import Schema, ValidationError, fields, missing

from hubs.contracts.envelope import EnvelopeSchema, parse_envelope
from hubs.contracts.events.reporting import SUPPRESSED, SuppressedCounts
from hubs.contracts.json_schema import envelope_schema
from hubs.contracts.registry import EventSpec, all_specs, spec_for

Read = Callable[[Any], Any]
# A schema's reader: a message's object in, what the schema loads out.
ReadData = Callable[[Mapping[str, Any]], dict[str, Any]]


class _NotRead(Exception):
    """The compiled path cannot read this message: `parse_envelope` decides."""


def _nullable(read: Read) -> Read:
    return lambda value: None if value is None else read(value)


def _float(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise _NotRead  # marshmallow refuses NaN and infinities; JSON Schema has no word for them
    return number


def _counts(value: Mapping[str, Any]) -> dict[str, Any]:
    # The JSON Schema has checked each count's minimum; "integer" there takes 7.0 too, which
    # marshmallow refuses: only true integers (never booleans) and "*" are read here.
    for count in value.values():
        if type(count) is not int and count != SUPPRESSED:
            raise _NotRead
    return dict(value)


def _field_reader(field: fields.Field[Any]) -> Read:
    """How one field's JSON value becomes what the marshmallow field loads, for values the
    JSON Schema has already accepted."""
    read: Read
    if isinstance(field, fields.UUID):
        read = uuid.UUID
    elif isinstance(field, fields.AwareDateTime) and field.format in (None, "iso"):
        # marshmallow reads ISO 8601 with datetime.fromisoformat; the JSON Schema's date-time
        # format has made sure of the offset that AwareDateTime requires.
        read = datetime.fromisoformat
    elif type(field) is fields.Date and field.format in (None, "iso"):
        read = date.fromisoformat
    elif isinstance(field, fields.Enum) and field.by_value:
        read = field.enum._value2member_map_.__getitem__  # the member of a value: what Enum(value) looks up
    elif isinstance(field, fields.Nested) and not (field.many or field.only or field.exclude):
        read = _schema_reader(type(field.schema))
    elif isinstance(field, fields.List) and not isinstance(field.inner, fields.Nested | fields.List):
        inner = _field_reader(field.inner)
        read = lambda values: [inner(v) for v in values]  # noqa: E731
    elif type(field) is fields.Integer:
        read = int
    elif type(field) is fields.Float:
        read = _float
    elif type(field) in (fields.String, fields.Boolean):
        return lambda value: value
    elif type(field) is fields.Dict and field.key_field is None and field.value_field is None:
        read = dict
    elif type(field) is SuppressedCounts:
        read = _counts  # a report's hundreds of figures, checked in one loop
    else:
        # Anything else (e.g. a report's figures) checks and loads itself, as in marshmallow.
        return field.deserialize
    return _nullable(read) if field.allow_none else read


@functools.cache
def _schema_reader(schema_class: type[Schema]) -> ReadData:
    """A reader of a schema's data: its declared fields only, defaults where absent, then the
    schema's own rules across fields."""
    schema = schema_class()
    readers = []
    for name, field in schema.fields.items():
        default = field.load_default
        readers.append((field.data_key or name, field.attribute or name, _field_reader(field), default))
    rules = [getattr(schema, name) for name, _, _ in schema._hooks.get("validates_schema", [])]

    def read(data: Mapping[str, Any]) -> dict[str, Any]:
        loaded: dict[str, Any] = {}
        for key, attribute, read_value, default in readers:
            if key in data:
                loaded[attribute] = read_value(data[key])
            elif default is not missing:
                loaded[attribute] = default() if callable(default) else default
        for rule in rules:
            rule(loaded, partial=None, many=False)
        return loaded

    return read


Write = Callable[[Any], Any]
# A schema's writer: what the schema loads in, what its dump gives out (None: only marshmallow can).
WriteData = Callable[[Mapping[str, Any]], dict[str, Any]]


def _not_none(write: Write) -> Write:
    return lambda value: None if value is None else write(value)


def _field_writer(field: fields.Field[Any]) -> Write | None:
    """How one field's loaded value becomes what the marshmallow field dumps, for the field types
    producers write; None for any other (the whole schema is then dumped by marshmallow)."""
    if isinstance(field, fields.UUID):
        return _not_none(str)
    if isinstance(field, fields.AwareDateTime) and field.format in (None, "iso", "iso8601"):
        return _not_none(datetime.isoformat)
    if type(field) is fields.Date and field.format in (None, "iso", "iso8601"):
        return _not_none(date.isoformat)
    if isinstance(field, fields.Enum) and type(field.field) is fields.Raw:
        return _not_none(lambda member: member.value)  # dumped by value, as it is
    if isinstance(field, fields.List) and not isinstance(field.inner, fields.Nested | fields.List):
        inner = _field_writer(field.inner)
        return None if inner is None else _not_none(lambda values: [inner(v) for v in values])
    if isinstance(field, fields.Number) and type(field) in (fields.Integer, fields.Float) and not field.as_string:
        return _not_none(field.num_type)
    if type(field) in (fields.String, fields.Boolean):
        return lambda value: value  # read as they are (the JSON Schema checked their type), so written
    if type(field) is fields.Dict and field.key_field is None and field.value_field is None:
        return _not_none(dict)
    return None


@functools.cache
def _schema_writer(schema_class: type[Schema]) -> WriteData | None:
    """A writer of a flat schema's loaded data, as its `dump` gives it (the fields it dumps, in
    their order; defaults where absent); None where the schema needs marshmallow to dump."""
    schema = schema_class()
    if schema._hooks.get("pre_dump") or schema._hooks.get("post_dump"):
        return None
    writers = []
    for name, field in schema.dump_fields.items():
        write = _field_writer(field)
        attribute = field.attribute or name
        if write is None or "." in attribute:
            return None
        writers.append((attribute, field.data_key or name, write, field.dump_default))

    def write_data(loaded: Mapping[str, Any]) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for attribute, key, write_value, default in writers:
            if attribute in loaded:
                written[key] = write_value(loaded[attribute])
            elif default is not missing:
                written[key] = write_value(default() if callable(default) else default)
        return written

    return write_data


class _CompiledEvent:
    """One event version: its compiled JSON Schema and the readers of its envelope and data."""

    def __init__(self, spec: EventSpec):
        self.validator = jsonschema_rs.validator_for(envelope_schema(spec), validate_formats=True)
        self.envelope = _schema_reader(EnvelopeSchema)
        self.data = _schema_reader(spec.schema)
        self.write = _schema_writer(spec.schema)
        fields_ = spec.schema().fields
        self.declared = frozenset(field.data_key or name for name, field in fields_.items())
        # Objects inside the data: marshmallow refuses a producer's undeclared field in them too,
        # which the readers, made for consumers, leave out instead.
        self.flat = not any(_holds_objects(field) for field in fields_.values())

    def read(self, message: Mapping[str, Any]) -> dict[str, Any]:
        if not self.validator.is_valid(message):
            raise _NotRead
        envelope = self.envelope(message)
        envelope["data"] = self.data(message["data"])
        return envelope


def _holds_objects(field: fields.Field[Any]) -> bool:
    if isinstance(field, fields.List):
        return _holds_objects(field.inner)
    return isinstance(field, fields.Nested)


@functools.cache
def _compiled_event(event_type: str, version: int) -> _CompiledEvent:
    return _CompiledEvent(spec_for(event_type, version))


@functools.cache
def _compiled() -> dict[tuple[str, int], _CompiledEvent]:
    # Every event version at once, on the first message read: about 0.7 s, once per process.
    return {(spec.event_type, spec.version): _compiled_event(spec.event_type, spec.version) for spec in all_specs()}


def canonical_data(spec: EventSpec, envelope: Mapping[str, Any]) -> dict[str, Any] | None:
    """The data of a JSON-ready envelope a producer is writing, in its canonical form (what the
    spec's schema dumps of what it loads), when the compiled path can vouch for it: the envelope
    valid by its JSON Schema, every data field declared (producers are refused any other) and the
    rules across fields kept. None otherwise: the producer's marshmallow check then refuses it
    with field-level messages (or takes what only marshmallow's coercions take). Compiled on a
    version's first event."""
    compiled = _compiled_event(spec.event_type, spec.version)
    data = envelope["data"]
    if not compiled.flat or not compiled.declared.issuperset(data) or not compiled.validator.is_valid(envelope):
        return None
    try:
        loaded = compiled.data(data)
    except (_NotRead, KeyError, TypeError, ValueError, ValidationError):
        return None
    # marshmallow's dump of a flat event is a few lines per field type: written here without it.
    return compiled.write(loaded) if compiled.write is not None else spec.validator.dump(loaded)


def read_envelope(message: Any) -> dict[str, Any]:
    """The envelope with its data loaded, as `parse_envelope` gives it; raises ContractError
    for anything that does not satisfy the contract (the message belongs in the dead-letter topic)."""
    try:
        compiled = _compiled()[(message["event_type"], message["schema_version"])]
        return compiled.read(message)
    except (_NotRead, KeyError, TypeError, ValueError, ValidationError):
        # Not a message the compiled path reads: parse_envelope refuses it with field-level
        # messages (or, for what only marshmallow's coercions accept, reads it as before).
        return parse_envelope(message)
