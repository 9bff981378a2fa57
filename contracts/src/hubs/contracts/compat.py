"""The compatibility gate: a published event version may change only in ways that neither
older consumers (reading new events) nor newer consumers (replaying old events) notice.

Breaking, within one version: a field removed or renamed; a field's type changed, including
becoming nullable or no longer nullable; an optional field made required or a required one
made optional; a new required field; an enumeration value removed; a constraint tightened
(bounds, length, pattern, format, const). Allowed: a new optional field, a new enumeration
value, a constraint loosened, descriptions and defaults. A breaking change is a new version.

Usage:
    python -m hubs.contracts.compat check        # every schema against its snapshot
    python -m hubs.contracts.compat snapshot     # snapshot new versions, never overwriting
    python -m hubs.contracts.compat snapshot --refresh-compatible
        # also move existing snapshots forward to compatible changes (e.g. a new optional
        # field), so that later changes are checked against them too
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hubs.contracts._paths import contracts_root, snapshots_dir

_MISSING = object()
_ANNOTATIONS = {"description", "default", "title", "examples", "$comment", "$schema", "$id"}
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def breaking_changes(old_schema: dict[str, Any], new_schema: dict[str, Any]) -> list[str]:
    """What in `new_schema` breaks readers or data of `old_schema`; empty when compatible."""
    problems: list[str] = []
    _compare(old_schema, new_schema, "", problems)
    return problems


def _where(path: str) -> str:
    return path or "(root)"


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), "object" if isinstance(value, dict) else "array")


def _types(schema: dict[str, Any]) -> frozenset[str] | None:
    """The JSON types a schema admits, None for any; an enum or const without a type admits
    the types of its values."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset([declared])
    if isinstance(declared, list):
        return frozenset(declared)
    if "enum" in schema:
        return frozenset(_json_type(v) for v in schema["enum"])
    if "const" in schema:
        return frozenset([_json_type(schema["const"])])
    return None


def _without_annotations(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_annotations(v) for k, v in sorted(node.items()) if k not in _ANNOTATIONS}
    if isinstance(node, list):
        return [_without_annotations(v) for v in node]
    return node


def _show(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _compare(old: Any, new: Any, path: str, out: list[str]) -> None:
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            out.append(f"{_where(path)}: schema changed from {old!r} to {new!r}")
        return
    old_types, new_types = _types(old), _types(new)
    if old_types != new_types:
        out.append(f"{_where(path)}: type changed from {_show(old_types)} to {_show(new_types)}")
        return  # whatever else changed follows from the new type
    _compare_values(old, new, path, out)
    _compare_constraints(old, new, path, out)
    _compare_properties(old, new, path, out)
    _compare_children(old, new, path, out)


def _compare_values(old: dict[str, Any], new: dict[str, Any], path: str, out: list[str]) -> None:
    if "const" in new and old.get("const", _MISSING) != new["const"]:
        out.append(f"{_where(path)}: const changed to {new['const']!r}")
    if "enum" in new:
        if "enum" not in old:
            out.append(f"{_where(path)}: now restricted to the values {new['enum']!r}")
        else:
            for value in old["enum"]:
                if value not in new["enum"]:
                    out.append(f"{_where(path)}: enumeration value {value!r} removed")


def _compare_constraints(old: dict[str, Any], new: dict[str, Any], path: str, out: list[str]) -> None:
    for key in ("format", "pattern"):
        if key in new and old.get(key) != new[key]:
            out.append(f"{_where(path)}: {key} changed from {old.get(key)!r} to {new[key]!r}")
    for key in _LOWER_BOUNDS:
        if key in new and (key not in old or new[key] > old[key]):
            out.append(f"{_where(path)}: {key} raised from {old.get(key)!r} to {new[key]!r}")
    for key in _UPPER_BOUNDS:
        if key in new and (key not in old or new[key] < old[key]):
            out.append(f"{_where(path)}: {key} lowered from {old.get(key)!r} to {new[key]!r}")
    if new.get("uniqueItems") and not old.get("uniqueItems"):
        out.append(f"{_where(path)}: items must now be unique")


def _compare_properties(old: dict[str, Any], new: dict[str, Any], path: str, out: list[str]) -> None:
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    added = [name for name in new_props if name not in old_props]
    for name, old_prop in old_props.items():
        where = f"{path}.{name}" if path else name
        if name in new_props:
            _compare(old_prop, new_props[name], where, out)
            continue
        same = [n for n in added if _without_annotations(new_props[n]) == _without_annotations(old_prop)]
        hint = f" (renamed to {same[0]!r}?)" if same else ""
        out.append(f"{where}: field removed{hint}")
    for name in sorted(new_required - old_required):
        where = f"{path}.{name}" if path else name
        if name in old_props:
            out.append(f"{where}: optional field made required")
        else:
            out.append(f"{where}: new field is required (old events do not have it)")
    for name in sorted(old_required - new_required):
        if name in new_props:
            where = f"{path}.{name}" if path else name
            out.append(f"{where}: required field made optional (consumers rely on it)")


def _compare_children(old: dict[str, Any], new: dict[str, Any], path: str, out: list[str]) -> None:
    if "items" in new:
        if "items" in old:
            _compare(old["items"], new["items"], f"{path}[]", out)
        else:
            out.append(f"{_where(path)}: items now restricted")
    old_extra, new_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if isinstance(old_extra, dict) and isinstance(new_extra, dict):
        _compare(old_extra, new_extra, f"{path}{{}}", out)
    elif new_extra is False and old_extra is not False:
        out.append(f"{_where(path)}: additional properties no longer allowed")
    elif isinstance(new_extra, dict) and old_extra is True:
        out.append(f"{_where(path)}: additional properties now restricted")
    for key in ("oneOf", "anyOf", "allOf"):
        if key not in new:
            continue
        if key not in old:
            out.append(f"{_where(path)}: now restricted by {key}")
            continue
        kept = [_without_annotations(alt) for alt in new[key]]
        for alt in old[key]:
            if _without_annotations(alt) not in kept:
                out.append(f"{_where(path)}: {key} alternative {json.dumps(alt, sort_keys=True)} removed or changed")


# Snapshots ---------------------------------------------------------------------------------


def _current() -> dict[str, dict[str, Any]]:
    from hubs.contracts.json_schema import envelope_schema
    from hubs.contracts.registry import all_specs

    return {spec.name: envelope_schema(spec) for spec in all_specs()}


def _snapshots(directory: Path) -> dict[str, Path]:
    # <EventType>.v<N>.json: the stem is the version's name.
    return {path.name.removesuffix(".json"): path for path in sorted(directory.glob("*.json"))}


def snapshot_problems(directory: Path, current: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Every way the event versions in code fail their committed snapshots: a version without a
    snapshot, a snapshot without its version in code, or a breaking change."""
    current = _current() if current is None else current
    snapshots = _snapshots(directory)
    problems = [
        f"{name}: no snapshot; run `python -m hubs.contracts.compat snapshot`"
        for name in sorted(current.keys() - snapshots.keys())
    ]
    problems += [
        f"{name}: snapshot without an event version in code; published versions are never removed"
        for name in sorted(snapshots.keys() - current.keys())
    ]
    for name in sorted(current.keys() & snapshots.keys()):
        old = json.loads(snapshots[name].read_text(encoding="utf-8"))
        problems += [f"{name}: {problem}" for problem in breaking_changes(old, current[name])]
    return problems


def write_snapshots(
    directory: Path,
    *,
    refresh_compatible: bool = False,
    current: dict[str, dict[str, Any]] | None = None,
) -> list[str]:
    """Write the snapshot of every version that has none; never overwrite one, except to move
    it forward to a compatible change when `refresh_compatible`. Returns the names written."""
    from hubs.contracts.json_schema import render

    current = _current() if current is None else current
    directory.mkdir(parents=True, exist_ok=True)
    existing = _snapshots(directory)
    written = []
    for name, schema in sorted(current.items()):
        if name in existing:
            old = json.loads(existing[name].read_text(encoding="utf-8"))
            if not refresh_compatible or old == schema or breaking_changes(old, schema):
                continue
        (directory / f"{name}.json").write_text(render(schema), encoding="utf-8")
        written.append(name)
    return written


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: `check` or `snapshot [--refresh-compatible]`."""
    parser = argparse.ArgumentParser(prog="python -m hubs.contracts.compat", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "snapshot"])
    parser.add_argument("--root", type=Path, help="the contracts/ folder (default: this checkout's)")
    parser.add_argument("--refresh-compatible", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    directory = snapshots_dir(args.root or contracts_root())
    if args.command == "snapshot":
        for name in write_snapshots(directory, refresh_compatible=args.refresh_compatible):
            print(f"wrote {directory / name}.json")
    problems = snapshot_problems(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
