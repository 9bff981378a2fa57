"""Write the files generated from the code: `jsonschema/<EventType>.v<N>.json` for every event
version and `asyncapi.yaml`. The output is deterministic, so committed files can be checked.
The AsyncAPI document's receive operations come from the consumers each service declares
(`CONSUMERS` in its bootstrap), so the service packages are imported to build it.

Usage:
    python -m hubs.contracts.generate            # write them
    python -m hubs.contracts.generate --check    # exit 1 if the committed files are out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from hubs.contracts import asyncapi, json_schema
from hubs.contracts._paths import asyncapi_file, contracts_root, jsonschema_dir
from hubs.contracts.registry import all_specs


def generated_files(root: Path, consumers: asyncapi.Consumers | None = None) -> dict[Path, str]:
    """Every generated file under `root` (the contracts/ folder) with its expected text; the
    AsyncAPI document's receive operations come from the services' declared consumers, or `consumers`."""
    files = {
        jsonschema_dir(root) / f"{spec.name}.json": json_schema.render(json_schema.envelope_schema(spec))
        for spec in all_specs()
    }
    files[asyncapi_file(root)] = asyncapi.render(asyncapi.build_document(consumers))
    return files


def out_of_date(root: Path, consumers: asyncapi.Consumers | None = None) -> list[str]:
    """Generated files that are missing, differ from the code, or no longer come from it."""
    expected = generated_files(root, consumers)
    problems = [
        f"{path.relative_to(root)}: {'differs from the code' if path.exists() else 'missing'}"
        for path, text in sorted(expected.items())
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    problems += [
        f"{path.relative_to(root)}: not generated from the code any more"
        for path in sorted(jsonschema_dir(root).glob("*.json"))
        if path not in expected
    ]
    return problems


def write(root: Path) -> list[Path]:
    """Write every generated file that changed and remove stale ones; returns what changed."""
    expected = generated_files(root)
    changed = []
    jsonschema_dir(root).mkdir(parents=True, exist_ok=True)
    for path in sorted(jsonschema_dir(root).glob("*.json")):
        if path not in expected:
            path.unlink()
            changed.append(path)
    for path, text in sorted(expected.items()):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: write the generated files, or with --check report stale ones."""
    parser = argparse.ArgumentParser(prog="python -m hubs.contracts.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date files and exit 1, write nothing")
    parser.add_argument("--root", type=Path, help="the contracts/ folder (default: this checkout's)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    root = args.root or contracts_root()
    if args.check:
        problems = out_of_date(root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run `python -m hubs.contracts.generate`", file=sys.stderr)
        return 1 if problems else 0
    for path in write(root):
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
