"""Consumers read events with the compiled JSON Schemas (hubs.contracts.compiled): they must take
and refuse exactly what the marshmallow schemas take and refuse, and load the same envelope.

Each event's example is changed one value at a time: every value nulled, given the wrong JSON
type, pushed past its bounds, every whole number stepped through its range (which crosses every
band and cut-off), every flag flipped, every code tried, times moved far back (before what they
must follow), figures given a "*", and the envelope broken as in test_json_schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from hubs.contracts import ContractError, new_envelope, parse_envelope
from hubs.contracts.compiled import _compiled_event, read_envelope
from hubs.contracts.examples import example_envelope
from hubs.contracts.json_schema import envelope_schema
from hubs.contracts.registry import all_specs

SPECS = all_specs()
LONG_AGO = "2001-02-03T04:05:06+00:00"
# The one rule across fields that JSON Schema cannot state: a time not before another one.
ORDER_RULES = {("FirstContactMade.v1", "data.contacted_at")}


def _wire(envelope: dict) -> dict:
    return json.loads(json.dumps(envelope))


def _set(document: dict, path: tuple, value: Any) -> dict:
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def _values(value: Any, schema: dict) -> Iterator[tuple[str, Any]]:
    """Other values for a leaf: (what, value)."""
    yield "null", None
    yield "a list", []
    yield "a string", "not valid!"
    if isinstance(value, bool):
        yield "flipped", not value
        yield "a number", 1
    elif isinstance(value, int):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None and high - low <= 80:
            yield from ((f"= {n}", n) for n in range(low, high + 1))
        yield from ((f"= {n}", n) for n in (-1, 0, 1, 2**31, (low or 0) - 1, (high or 0) + 1))
        yield "a fraction", value + 0.5
        yield "true", True
    elif isinstance(value, float):
        yield "negative", -value - 1
        yield "whole", int(value)
    elif isinstance(value, str):
        yield "long ago", LONG_AGO
        yield "a day", "2001-02-03"
        yield "a number", 7
        yield "empty", ""
        codes = schema.get("enum") or []
        yield from ((f"code {c}", c) for c in codes if c != value)
    elif isinstance(value, list):
        codes = schema.get("items", {}).get("enum") or []
        yield from ((f"plus {c}", [*value, c]) for c in codes if c not in value)
        yield "empty", []
        yield "a string inside", [*value, 7]


def _property(schema: dict, key: Any) -> dict:
    return (schema.get("properties") or {}).get(key) or (
        schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else {}
    )


def _mutants(document: Any, schema: dict, path: tuple = ()) -> Iterator[tuple[tuple, str, Any]]:
    if isinstance(document, dict):
        for key, value in document.items():
            sub = _property(schema, key)
            yield (*path, key), "absent", _ABSENT
            if isinstance(value, dict):
                yield (*path, key), "null", None
                yield (*path, key), "a string", "x"
                yield from _mutants(value, sub, (*path, key))
            else:
                for what, other in _values(value, sub):
                    yield (*path, key), what, other


_ABSENT = object()


def mutants(spec) -> Iterator[tuple[str, str, dict]]:
    """(where, what, message) for each one-value change of the spec's example."""
    example = _wire(example_envelope(spec))
    schema = envelope_schema(spec)
    yield "", "the example", example
    for path, what, value in _mutants(example, schema):
        where = ".".join(str(p) for p in path)
        if value is _ABSENT:
            changed = copy.deepcopy(example)
            node = changed
            for key in path[:-1]:
                node = node[key]
            del node[path[-1]]
            yield where, what, changed
        else:
            yield where, what, _set(example, path, value)
    if "figures" in example["data"]:
        starred = _set(example, ("data", "figures", "staff_assessed"), "*")
        yield "data.figures", "a * in an exact report", _set(starred, ("data", "figures_exact"), True)
        yield "data.figures", "a * in a report not exact", _set(starred, ("data", "figures_exact"), None)


def _marshmallow(message: dict) -> dict | None:
    try:
        return parse_envelope(message)
    except ContractError:
        return None


def _compiled(message: dict) -> dict | None:
    try:
        return read_envelope(message)
    except ContractError:
        return None


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_consumers_take_and_refuse_what_the_contract_does_and_load_the_same_envelope(spec):
    tried = 0
    for where, what, message in mutants(spec):
        tried += 1
        expected, got = _marshmallow(message), _compiled(message)
        assert (got is None) == (expected is None), f"{spec.name} {where} {what}: marshmallow {expected is not None}"
        assert got == expected, f"{spec.name} {where} {what}: loaded differently"
    assert tried > 20


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_json_schema_refuses_what_the_contract_refuses_except_the_order_of_two_times(spec):
    validator = jsonschema_rs.validator_for(envelope_schema(spec), validate_formats=True)
    for where, what, message in mutants(spec):
        if _marshmallow(message) is None and (spec.name, where) not in ORDER_RULES:
            assert not validator.is_valid(message), f"the JSON Schema of {spec.name} takes {where} {what}"


def test_a_contact_before_its_referral_is_refused_by_consumers():
    spec = next(s for s in SPECS if s.name == "FirstContactMade.v1")
    message = _set(_wire(example_envelope(spec)), ("data", "contacted_at"), LONG_AGO)
    with pytest.raises(ContractError) as refused:
        read_envelope(message)
    assert "contacted_at" in refused.value.errors


def test_a_refused_event_says_which_field_is_wrong():
    spec = next(s for s in SPECS if s.name == "AssessmentCompleted.v1")
    message = _set(_wire(example_envelope(spec)), ("data", "measures", "phq9", "total"), 3)
    with pytest.raises(ContractError) as refused:
        read_envelope(message)
    assert refused.value.errors == {"measures": {"phq9": {"band": ["a total of 3 is in band none"]}}}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_consumers_read_valid_events_without_marshmallow(spec, monkeypatch):
    def refuse(message):
        raise AssertionError("read by marshmallow")

    monkeypatch.setattr("hubs.contracts.compiled.parse_envelope", refuse)
    assert read_envelope(_wire(example_envelope(spec)))["event_type"] == spec.event_type


@pytest.mark.parametrize("figure", [7.0, 7.5, True, -1, "7"])
def test_a_report_is_refused_by_consumers_for_a_figure_that_is_no_count(figure):
    spec = next(s for s in SPECS if s.name == "HubPeriodReport.v1")
    message = _set(_wire(example_envelope(spec)), ("data", "figures", "staff_assessed"), figure)
    with pytest.raises(ContractError) as refused:
        read_envelope(message)
    assert "figures" in refused.value.errors


def _produced(spec, data: dict, case_id) -> dict | str:
    """What a producer writes for `data`: the envelope's data, or the refusal's messages."""
    try:
        return new_envelope(spec.event_type, data, hub_id="hub-a", producer="unit", case_id=case_id,
                            version=spec.version)["data"]  # fmt: skip
    except ContractError as exc:
        return f"refused: {exc.errors}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_producers_write_and_refuse_what_marshmallow_alone_would(spec, monkeypatch):
    """Producers check an event by its compiled JSON Schema where it can vouch for it: what they
    write, and what they refuse with which messages, must be what marshmallow's load and dump gave."""
    example = _wire(example_envelope(spec))
    datas = [m["data"] for where, _, m in mutants(spec) if where.startswith("data.") or not where]
    datas.append({**example["data"], "undeclared": 1})
    case_id = example["case_id"]
    compiled = [_produced(spec, data, case_id) for data in datas]
    monkeypatch.setattr("hubs.contracts.compiled.canonical_data", lambda spec, envelope: None)
    assert compiled == [_produced(spec, data, case_id) for data in datas]
    assert compiled[-1].startswith("refused") and "undeclared" in compiled[-1]


# A report's figures are a field type of their own, dumped by marshmallow (a report is written
# once a cycle, not once a request).
DUMPED_BY_MARSHMALLOW = {"HubPeriodReport.v1"}
FLAT = [s for s in SPECS if _compiled_event(s.event_type, s.version).flat]


@pytest.mark.parametrize("spec", [s for s in FLAT if s.name not in DUMPED_BY_MARSHMALLOW], ids=lambda s: s.name)
def test_producers_write_valid_flat_events_without_marshmallow(spec, monkeypatch):
    """Neither marshmallow's load nor its dump runs for a valid event whose data has no objects
    inside (every event the services write in a request, such as a self-referral's)."""
    example = _wire(example_envelope(spec))

    def refuse(*args, **kwargs):
        raise AssertionError("loaded or dumped by marshmallow")

    monkeypatch.setattr(spec.validator, "load", refuse)
    monkeypatch.setattr(spec.validator, "dump", refuse)
    assert _produced(spec, example["data"], example["case_id"]) == example["data"]


def test_a_time_given_in_any_offset_is_written_as_marshmallow_writes_it(monkeypatch):
    spec = next(s for s in SPECS if s.name == "FirstContactMade.v1")
    example = _wire(example_envelope(spec))
    zulu = {**example["data"], "contacted_at": "2099-02-03T04:05:06.789Z"}
    elsewhere = {**example["data"], "contacted_at": "2099-02-03T05:05:06+01:00"}
    written = [_produced(spec, data, example["case_id"]) for data in (zulu, elsewhere)]
    monkeypatch.setattr("hubs.contracts.compiled.canonical_data", lambda spec, envelope: None)
    assert written == [_produced(spec, data, example["case_id"]) for data in (zulu, elsewhere)]
    assert written[0]["contacted_at"] == "2099-02-03T04:05:06.789000+00:00"
