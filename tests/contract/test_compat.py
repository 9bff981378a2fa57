"""The compatibility gate: a published event version changes only compatibly, every version
has a committed snapshot, and no snapshot ever goes away."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from hubs.contracts import compat
from hubs.contracts.compat import breaking_changes, snapshot_problems, write_snapshots
from hubs.contracts.json_schema import envelope_schema
from hubs.contracts.registry import all_specs

BASE = {
    "type": "object",
    "required": ["referral_id", "source"],
    "properties": {
        "referral_id": {"type": "string", "format": "uuid"},
        "source": {"enum": ["self", "gp", "hr"]},
        "staff_group": {"enum": ["nursing", "medical", None], "default": None},
        "attendance": {"type": "integer", "minimum": 0},
        "note_code": {"type": "string", "maxLength": 64},
        "factors": {"type": "array", "items": {"enum": ["a", "b"]}},
        "measures": {
            "type": "object",
            "required": ["total"],
            "properties": {"total": {"type": "integer", "minimum": 0, "maximum": 27}},
        },
        "figures": {
            "type": "object",
            "additionalProperties": {"oneOf": [{"type": "integer", "minimum": 0}, {"const": "*"}]},
        },
    },
}


def _changed(change) -> list[str]:
    new = copy.deepcopy(BASE)
    change(new)
    return breaking_changes(BASE, new)


def _props(schema: dict) -> dict:
    return schema["properties"]


def test_an_identical_schema_is_compatible():
    assert breaking_changes(BASE, copy.deepcopy(BASE)) == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: _props(s).update(heard_via={"type": ["string", "null"]}), id="optional field added"),
        pytest.param(lambda s: _props(s)["source"]["enum"].append("other-hub"), id="enum value added"),
        pytest.param(lambda s: _props(s)["staff_group"]["enum"].insert(0, "ambulance"), id="nullable enum value added"),
        pytest.param(lambda s: _props(s)["factors"]["items"]["enum"].append("c"), id="enum value added in a list"),
        pytest.param(lambda s: _props(s)["note_code"].update(maxLength=128), id="max length loosened"),
        pytest.param(lambda s: _props(s)["attendance"].pop("minimum"), id="minimum dropped"),
        pytest.param(lambda s: _props(s)["source"].update(description="who referred"), id="description added"),
        pytest.param(
            lambda s: _props(_props(s)["measures"]).update(band={"enum": ["none", "mild"]}),
            id="optional nested field added",
        ),
        pytest.param(
            lambda s: _props(s)["figures"]["additionalProperties"]["oneOf"].append({"type": "null"}),
            id="alternative added",
        ),
    ],
)
def test_compatible_changes_are_allowed(change):
    assert _changed(change) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda s: _props(s).pop("attendance"), "attendance: field removed", id="field removed"),
        pytest.param(
            lambda s: _props(s).update(referral_uuid=_props(s).pop("referral_id")),
            "referral_id: field removed (renamed to 'referral_uuid'?)",
            id="field renamed",
        ),
        pytest.param(
            lambda s: _props(s)["attendance"].update(type="string"),
            "attendance: type changed from integer to string",
            id="field retyped",
        ),
        pytest.param(
            lambda s: _props(s)["attendance"].update(type="number"),
            "attendance: type changed from integer to number",
            id="integer widened to number",
        ),
        pytest.param(
            lambda s: _props(s)["referral_id"].update(type=["string", "null"]),
            "referral_id: type changed from string to null|string",
            id="made nullable",
        ),
        pytest.param(
            lambda s: _props(s)["staff_group"]["enum"].remove(None),
            "staff_group: type changed from null|string to string",
            id="no longer nullable",
        ),
        pytest.param(
            lambda s: s["required"].append("attendance"),
            "attendance: optional field made required",
            id="optional made required",
        ),
        pytest.param(
            lambda s: s["required"].remove("source"),
            "source: required field made optional (consumers rely on it)",
            id="required made optional",
        ),
        pytest.param(
            lambda s: (_props(s).update(region={"type": "string"}), s["required"].append("region")),
            "region: new field is required (old events do not have it)",
            id="new required field",
        ),
        pytest.param(
            lambda s: _props(s)["source"]["enum"].remove("hr"),
            "source: enumeration value 'hr' removed",
            id="enum value removed",
        ),
        pytest.param(
            lambda s: _props(s)["factors"]["items"]["enum"].remove("b"),
            "factors[]: enumeration value 'b' removed",
            id="enum value removed in a list",
        ),
        pytest.param(
            lambda s: _props(s)["note_code"].update(enum=["x"]),
            "note_code: now restricted to the values ['x']",
            id="free value made a code",
        ),
        pytest.param(
            lambda s: _props(s)["note_code"].update(maxLength=10),
            "note_code: maxLength lowered from 64 to 10",
            id="max length tightened",
        ),
        pytest.param(
            lambda s: _props(s)["attendance"].update(minimum=1),
            "attendance: minimum raised from 0 to 1",
            id="minimum raised",
        ),
        pytest.param(
            lambda s: _props(s)["note_code"].update(pattern="^[a-z]+$"),
            "note_code: pattern changed from None to '^[a-z]+$'",
            id="pattern added",
        ),
        pytest.param(
            lambda s: _props(s)["referral_id"].update(format="date"),
            "referral_id: format changed from 'uuid' to 'date'",
            id="format changed",
        ),
        pytest.param(
            lambda s: _props(_props(s)["measures"]).pop("total"),
            "measures.total: field removed",
            id="nested field removed",
        ),
        pytest.param(
            lambda s: _props(_props(s)["measures"])["total"].update(maximum=21),
            "measures.total: maximum lowered from 27 to 21",
            id="nested bound tightened",
        ),
        pytest.param(
            lambda s: _props(s)["figures"]["additionalProperties"]["oneOf"].pop(),
            'figures{}: oneOf alternative {"const": "*"} removed or changed',
            id="alternative removed",
        ),
    ],
)
def test_breaking_changes_are_flagged(change, expected):
    assert expected in _changed(change)


def test_a_change_of_event_type_or_version_in_the_envelope_is_flagged():
    spec = all_specs()[0]
    old = envelope_schema(spec)
    new = copy.deepcopy(old)
    new["properties"]["schema_version"]["const"] = 2
    assert breaking_changes(old, new) == ["schema_version: const changed to 2"]


def test_every_published_version_is_compatible_with_its_committed_snapshot(contracts_root):
    problems = snapshot_problems(contracts_root / "snapshots")
    assert problems == [], "\n".join(problems)


def test_every_event_version_in_code_has_a_snapshot(contracts_root):
    committed = {p.name for p in (contracts_root / "snapshots").glob("*.json")}
    assert {f"{spec.name}.json" for spec in all_specs()} <= committed


def _copy_of_snapshots(contracts_root, tmp_path):
    directory = tmp_path / "snapshots"
    shutil.copytree(contracts_root / "snapshots", directory)
    return directory


def test_a_version_without_a_snapshot_fails_the_gate(contracts_root, tmp_path):
    directory = _copy_of_snapshots(contracts_root, tmp_path)
    (directory / "TreatmentEnded.v1.json").unlink()
    assert snapshot_problems(directory) == [
        "TreatmentEnded.v1: no snapshot; run `python -m hubs.contracts.compat snapshot`"
    ]


def test_a_snapshot_without_its_version_in_code_fails_the_gate(contracts_root, tmp_path):
    directory = _copy_of_snapshots(contracts_root, tmp_path)
    shutil.copy(directory / "TreatmentEnded.v1.json", directory / "TreatmentPaused.v1.json")
    assert snapshot_problems(directory) == [
        "TreatmentPaused.v1: snapshot without an event version in code; published versions are never removed"
    ]


def test_a_breaking_change_to_a_published_version_fails_the_gate(contracts_root, tmp_path):
    directory = _copy_of_snapshots(contracts_root, tmp_path)
    path = directory / "ReferralReceived.v1.json"
    snapshot = json.loads(path.read_text())
    snapshot["properties"]["data"]["properties"]["source"]["enum"].append("carrier-pigeon")
    path.write_text(json.dumps(snapshot))
    assert snapshot_problems(directory) == [
        "ReferralReceived.v1: data.source: enumeration value 'carrier-pigeon' removed"
    ]


def test_snapshot_writer_adds_new_versions_and_never_overwrites_one(contracts_root, tmp_path):
    directory = _copy_of_snapshots(contracts_root, tmp_path)
    (directory / "TreatmentEnded.v1.json").unlink()
    changed = directory / "ReferralReceived.v1.json"
    changed.write_text("{}")
    assert write_snapshots(directory) == ["TreatmentEnded.v1"]
    assert changed.read_text() == "{}"


def test_snapshot_refresh_moves_forward_to_compatible_changes_only(contracts_root, tmp_path):
    directory = _copy_of_snapshots(contracts_root, tmp_path)
    # As if campaign_id, an optional field, had been added since the snapshot was taken.
    compatible = directory / "OutreachEventHeld.v1.json"
    older = json.loads(compatible.read_text())
    del older["properties"]["data"]["properties"]["campaign_id"]
    compatible.write_text(json.dumps(older))
    # And as if a code had been removed from ReferralReceived since.
    breaking = directory / "ReferralReceived.v1.json"
    newer = json.loads(breaking.read_text())
    newer["properties"]["data"]["properties"]["source"]["enum"].append("carrier-pigeon")
    breaking.write_text(json.dumps(newer))
    assert write_snapshots(directory) == []
    assert write_snapshots(directory, refresh_compatible=True) == ["OutreachEventHeld.v1"]
    assert "campaign_id" in json.loads(compatible.read_text())["properties"]["data"]["properties"]
    assert json.loads(breaking.read_text()) == newer


def test_the_command_lines_report_success_on_the_committed_files(contracts_root, capsys):
    from hubs.contracts import generate

    assert generate.main(["--check", "--root", str(contracts_root)]) == 0
    assert compat.main(["check", "--root", str(contracts_root)]) == 0


def _git(*args: str, cwd) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_committed_snapshots_are_never_deleted(contracts_root):
    if shutil.which("git") is None or not (contracts_root.parent / ".git").exists():
        pytest.skip("not a git checkout: no history to compare with")
    top = Path(_git("rev-parse", "--show-toplevel", cwd=contracts_root).strip())
    ever_added = _git("log", "--diff-filter=A", "--name-only", "--format=", "--", "snapshots/", cwd=contracts_root)
    missing = sorted({path for path in ever_added.split() if not (top / path).exists()})
    assert not missing, f"committed snapshots were deleted; restore them from git: {missing}"
