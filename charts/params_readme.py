"""Writes the Parameters section of each chart's README.md from the `## @param` comments of its
values.yaml (the way bitnami's readme generator does): `python3 charts/params_readme.py [--check]`."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

CHARTS = Path(__file__).resolve().parent
BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"
PARAM = re.compile(r"^## @param (?P<key>[\w.]+)(?: \[(?P<modifier>\w+)\])? (?P<description>.+)$")
SECTION = re.compile(r"^## @section (?P<title>.+)$")


def documented(values_file: Path) -> list[tuple[str, str, str, str]]:
    """(section, key, description, modifier) of every `## @param` line, in file order."""
    section, rows = "", []
    for line in values_file.read_text().splitlines():
        if m := SECTION.match(line):
            section = m["title"]
        elif m := PARAM.match(line):
            rows.append((section, m["key"], m["description"], m["modifier"] or ""))
    return rows


def value_at(values: dict, key: str) -> object:
    """The default of a dotted key; KeyError when values.yaml has no such key."""
    node: object = values
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def leaves(values: object, prefix: str = "") -> list[str]:
    """Every dotted key of values.yaml that holds a value (a scalar, a list or an empty map)."""
    if isinstance(values, dict) and values:
        return [leaf for key, value in values.items() for leaf in leaves(value, f"{prefix}{key}.")]
    return [prefix.rstrip(".")]


def table(chart: Path) -> str:
    """The Markdown of the Parameters section."""
    values = yaml.safe_load((chart / "values.yaml").read_text())
    out, current = [], None
    for section, key, description, modifier in documented(chart / "values.yaml"):
        if section != current:
            out += ["", f"### {section}", "", "| Name | Description | Default |", "| --- | --- | --- |"]
            current = section
        default = value_at(values, key)
        shown = "see values.yaml" if modifier == "object" else json.dumps(default, separators=(", ", ": "))
        cell = description.replace("|", "\\|")
        out.append(f"| `{key}` | {cell} | `{shown}` |")
    return "\n".join(out).strip() + "\n"


def render(chart: Path) -> str:
    """README.md with its Parameters section regenerated."""
    readme = (chart / "README.md").read_text()
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table(chart)}{END}{tail}"


def main(argv: list[str]) -> int:
    stale = []
    for chart in sorted(p.parent for p in CHARTS.glob("*/Chart.yaml")):
        text = render(chart)
        if "--check" in argv:
            if text != (chart / "README.md").read_text():
                stale.append(chart.name)
        else:
            (chart / "README.md").write_text(text)
    if stale:
        print(f"README parameters out of date in {', '.join(stale)}: run python3 charts/params_readme.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
