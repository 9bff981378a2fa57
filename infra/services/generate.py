"""Writes what comes from services.toml, the one list of the hub's services, into the files that
need it: the make-run Procfiles and run.sh, the Prometheus scrape targets of make run and of
docker-compose.yml, the hub chart's catalogue, values and values schema, and hubs.runtime.hub.

Most of those files are written by hand around the list: only the parts between a
`generated from services.toml: begin <part>` line and its `end` line are written here (and the
chart's catalogue, templates/_catalogue.tpl, as a whole). The output is deterministic, so the
committed files can be checked (tests/deploy/test_service_list.py runs --check). Writing also
brings the hub chart's README up to date with its values (charts/params_readme.py).

Usage:
    .venv/bin/python infra/services/generate.py            # write them
    .venv/bin/python infra/services/generate.py --check    # exit 1 if a file is out of date
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIST = "services.toml"
PROCESSES = ("api", "relay", "worker")  # every service of a hub runs these: the chart and compose assume it
# Under make run a process serves its metrics on its API's port plus this (never on the API's own port).
METRICS_OFFSET = {"api": 1300, "relay": 1100, "worker": 1200}
# gunicorn's worker processes mean nothing in the compact hub, whose APIs are threads of one process.
COMPACT_IGNORES = ("HUBS_API_WORKERS=",)
BEGIN = "generated from services.toml: begin "
END = "generated from services.toml: end "


@dataclass(frozen=True)
class Service:
    name: str  # processes, images, chart resources, the `service` label, `hubs-<name>`
    package: str  # services/<package>, hubs.<package>, its database schema
    topic: str  # hub.<hub_id>.<topic>.events.v1; Procfile and compose prefix
    port: int  # its API's port under make run
    processes: tuple[str, ...]
    consumes: tuple[str, ...] = ()
    run_env: dict[str, str] = field(default_factory=dict)

    @property
    def command(self) -> str:
        return f"hubs-{self.name}"

    @property
    def values_key(self) -> str:
        """Its key under the hub chart's `services` and `database.urlKeys`: care-coordination -> careCoordination."""
        first, *rest = self.name.split("-")
        return first + "".join(part.capitalize() for part in rest)

    @property
    def port_variable(self) -> str:
        """The variable run.sh keeps its API's port in: care -> CARE_PORT."""
        return f"{self.topic.upper().replace('-', '_')}_PORT"

    @property
    def prefix(self) -> str:
        """The prefix of its variables in the compact hub (hubs.runtime.hub.prefix_of)."""
        return self.name.upper().replace("-", "_") + "__"

    def process(self, component: str) -> str:
        """The name of one of its processes in the Procfile and docker-compose.yml: care-api."""
        return f"{self.topic}-{component}"


@dataclass(frozen=True)
class National:
    service: str
    port: int
    processes: tuple[str, ...]


@dataclass(frozen=True)
class ServiceList:
    services: tuple[Service, ...]
    national: National
    portal_package: str
    portal_port: int

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)


def load(path: Path | None = None) -> ServiceList:
    """The list, checked: names, packages, topics and ports unique, processes and consumed topics known."""
    path = path or ROOT / LIST
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    services = tuple(
        Service(
            name=entry["name"],
            package=entry["package"],
            topic=entry["topic"],
            port=int(entry["port"]),
            processes=tuple(entry["processes"]),
            consumes=tuple(entry.get("consumes", ())),
            run_env=dict(entry.get("run_env", {})),
        )
        for entry in data["service"]
    )
    national_entry = data["national"]
    national = National(national_entry["service"], int(national_entry["port"]), tuple(national_entry["processes"]))
    listed = ServiceList(services, national, data["portal"]["package"], int(data["portal"]["port"]))
    problems = _problems(listed)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return listed


def _problems(listed: ServiceList) -> list[str]:
    problems = []
    for spelling in ("name", "package", "topic", "port"):
        values = [getattr(s, spelling) for s in listed.services]
        if len(set(values)) != len(values):
            problems.append(f"two services have the same {spelling}")
    ports = [s.port for s in listed.services] + [listed.national.port, listed.portal_port]
    if len(set(ports)) != len(ports):
        problems.append("two APIs have the same port")
    topics = {s.topic for s in listed.services}
    for s in listed.services:
        if not re.fullmatch(r"[a-z][a-z-]*", s.name) or not re.fullmatch(r"[a-z][a-z_]*", s.package):
            problems.append(f"{s.name}: a name is lower case letters and dashes, a package letters and underscores")
        if sorted(s.processes) != sorted(PROCESSES):
            problems.append(f"{s.name}: every service of a hub runs {', '.join(PROCESSES)}")
        if unknown := sorted(set(s.consumes) - topics):
            problems.append(f"{s.name} consumes unknown topics: {', '.join(unknown)}")
        if unknown := sorted(set(s.run_env) - set(s.processes)):
            problems.append(f"{s.name}: run_env of processes it does not run: {', '.join(unknown)}")
    if listed.national.service not in {s.name for s in listed.services}:
        problems.append(f"national: {listed.national.service} is not a service")
    if unknown := sorted(set(listed.national.processes) - set(PROCESSES)):
        problems.append(f"national: unknown processes {', '.join(unknown)}")
    return problems


# What each part says.


def procfile(listed: ServiceList) -> str:
    """infra/run/Procfile: every process of every service, its metrics on a port of its own."""
    lines = []
    for s in listed.services:
        port = "$" + s.port_variable
        for component in s.processes:
            env = [s.run_env[component]] if component in s.run_env else []
            env.append(f"HUBS_METRICS_PORT=$(({s.port_variable} + {METRICS_OFFSET[component]}))")
            if component == "api":
                env.append(f"HUBS_API_BIND=$HUBS_HOST:{port}")
            lines.append(f"{s.process(component)}: {' '.join(env)} {s.command} {component}")
    return "\n".join(lines)


def compact_procfile(listed: ServiceList) -> str:
    """infra/run/Procfile.compact: the whole hub in one process; each API where Procfile has it."""
    first = listed.services[0]
    env = ["HUBS_RELAY_IDLE_SECONDS=${HUB_RELAY_IDLE_SECONDS:-5}"]
    env += [f"{s.prefix}HUBS_API_BIND=$HUBS_HOST:${s.port_variable}" for s in listed.services]
    env.append(f"HUBS_API_BIND=$HUBS_HOST:${first.port_variable}")
    for s in listed.services:
        for component in s.processes:
            assignments = s.run_env.get(component, "").split()
            env += [f"{s.prefix}{a}" for a in assignments if not a.startswith(COMPACT_IGNORES)]
    env.append("HUBS_METRICS_PORT=$HUB_METRICS_PORT")
    return f"hub: {' '.join(env)} hubs-hub all"


def run_sh(listed: ServiceList) -> str:
    """infra/run/run.sh: every API's port (a default the environment may override) and the services."""
    ports = [(s.port_variable, s.port) for s in listed.services]
    ports += [("NATIONAL_PORT", listed.national.port), ("PORTAL_PORT", listed.portal_port)]
    lines = [f"export {name}=${{{name}:-{port}}}" for name, port in ports]
    pairs = " ".join(f"{s.name}:{s.port_variable}" for s in listed.services)
    lines.append(f"# The hub's services, each as name:the variable of its API's port.\nHUB_SERVICES=({pairs})")
    return "\n".join(lines)


def _targets(listed: ServiceList, hub_id: str, target: Callable[[Service, str, bool], str]) -> str:
    lines = []
    national = listed.service(listed.national.service)
    parts = [(s, c, hub_id, False) for s in listed.services for c in s.processes]
    parts += [(national, c, "national", True) for c in listed.national.processes]
    for s, component, hub, is_national in parts:
        lines.append(f'      - targets: ["{target(s, component, is_national)}"]')
        lines.append(f"        labels: {{hub_id: {hub}, service: {s.name}, component: {component}}}")
    return "\n".join(lines)


def local_targets(listed: ServiceList) -> str:
    """infra/prometheus/prometheus.yml: make run's processes on 127.0.0.1, each on its metrics port."""

    def target(s: Service, component: str, national: bool) -> str:
        return f"127.0.0.1:{(listed.national.port if national else s.port) + METRICS_OFFSET[component]}"

    return _targets(listed, "demo-hub", target)


def compose_targets(listed: ServiceList) -> str:
    """infra/prometheus/compose/prometheus.yml: docker-compose.yml's processes, each on 9090."""

    def target(s: Service, component: str, national: bool) -> str:
        return f"{'national-' + component if national else s.process(component)}:9090"

    return _targets(listed, "compose-hub", target)


def hub_py(listed: ServiceList) -> str:
    """hubs.runtime.hub: the services of the compact hub, where their definitions live, their ports."""
    lines = ["HUB_SERVICES = {"]
    lines += [f'    "{s.name}": ("hubs.{s.package}.bootstrap", {s.port}),' for s in listed.services]
    return "\n".join([*lines, "}"])


def chart_catalogue(listed: ServiceList) -> str:
    """charts/hub/templates/_catalogue.tpl, the whole file."""
    lines = [
        "{{/* hub.services.catalogue: what the chart knows about each service, keyed as in .Values.services."
        " Generated from services.toml by infra/services/generate.py: change that file, then run it. */}}",
        '{{- define "hub.services.catalogue" -}}',
    ]
    for s in listed.services:
        consumes = ", ".join(s.consumes)
        lines.append(
            f"{s.values_key}: {{name: {s.name}, command: {s.command}, image: {s.name}, schema: {s.package}, "
            f"topic: {s.topic}, consumes: [{consumes}]}}"
        )
    return "\n".join([*lines, "{{- end -}}", ""])


def values_url_key_params(listed: ServiceList) -> str:
    return "\n".join(
        f"## @param database.urlKeys.{s.values_key} Key of the {s.name} service's database URL in that Secret"
        for s in listed.services
    )


def values_url_keys(listed: ServiceList) -> str:
    return "\n".join(f"    {s.values_key}: {s.name}-database-url" for s in listed.services)


def values_service_params(listed: ServiceList) -> str:
    """`## @param` lines of every service after the first, whose settings are written out in full."""
    first = listed.services[0]
    lines = []
    for s in listed.services[1:]:
        key = f"services.{s.values_key}"
        lines += [
            f"## @param {key}.enabled Deploy the {s.name} service (same settings as {first.name})",
            f"## @param {key}.image [object] The service's own image repository, tag or digest",
            f"## @param {key}.api [object] API settings",
            f"## @param {key}.worker [object] Worker settings",
            f"## @param {key}.relay [object] Relay settings",
            f"## @param {key}.migrate [object] Migration Job settings",
            f"## @param {key}.compact [object] Settings of its one process with profile compact",
        ]
    return "\n".join(lines)


def values_services(listed: ServiceList) -> str:
    """The values of every service after the first: its settings, by the first's anchors."""
    lines = []
    for s in listed.services[1:]:
        lines += [f"  {s.values_key}:", "    enabled: true", "    image: *image"]
        lines += [f"    {component}: *{component}" for component in ("api", "worker", "relay", "migrate", "compact")]
    return "\n".join(lines)


def values_schema(listed: ServiceList, text: str) -> str:
    """charts/hub/values.schema.json with the services' keys in services and database.urlKeys."""
    schema = json.loads(text)
    keys = [s.values_key for s in listed.services]
    url_keys = schema["properties"]["database"]["properties"]["urlKeys"]
    url_keys["properties"] = {key: {"type": "string", "minLength": 1} for key in keys}
    url_keys["required"] = keys
    services = schema["properties"]["services"]
    services["properties"] = {key: {"$ref": "#/definitions/service"} for key in keys}
    services["required"] = keys
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# Where each part goes: (file, part, its text) for the parts between markers.
PARTS: list[tuple[str, str, Callable[[ServiceList], str]]] = [
    ("infra/run/Procfile", "processes", procfile),
    ("infra/run/Procfile.compact", "hub", compact_procfile),
    ("infra/run/run.sh", "ports", run_sh),
    ("infra/prometheus/prometheus.yml", "targets", local_targets),
    ("infra/prometheus/compose/prometheus.yml", "targets", compose_targets),
    ("services/runtime/src/hubs/runtime/hub.py", "services", hub_py),
    ("charts/hub/values.yaml", "database-url-key-params", values_url_key_params),
    ("charts/hub/values.yaml", "database-url-keys", values_url_keys),
    ("charts/hub/values.yaml", "service-params", values_service_params),
    ("charts/hub/values.yaml", "services", values_services),
]
WHOLE: list[tuple[str, Callable[[ServiceList, str], str]]] = [
    ("charts/hub/templates/_catalogue.tpl", lambda listed, _: chart_catalogue(listed)),
    ("charts/hub/values.schema.json", values_schema),
]


def replace_part(text: str, part: str, body: str, where: str) -> str:
    """`text` with the lines between the part's begin and end markers replaced by `body`."""
    pattern = re.compile(
        rf"^(?P<begin>[ \t]*#+ {re.escape(BEGIN + part)}\n)(?P<body>.*?)^(?P<end>[ \t]*#+ {re.escape(END + part)}\n)",
        re.MULTILINE | re.DOTALL,
    )
    found = pattern.findall(text)
    if len(found) != 1:
        raise ValueError(f"{where}: wants one '# {BEGIN}{part}' line and one '# {END}{part}' line after it")
    return pattern.sub(lambda m: m["begin"] + body + "\n" + m["end"], text)


def expected(root: Path, listed: ServiceList) -> dict[Path, str]:
    """Every file the list is written into, with the text it should have."""
    texts: dict[Path, str] = {}
    for relative, part, render in PARTS:
        path = root / relative
        current = texts.get(path) or path.read_text(encoding="utf-8")
        texts[path] = replace_part(current, part, render(listed), relative)
    for relative, render_whole in WHOLE:
        path = root / relative
        texts[path] = render_whole(listed, path.read_text(encoding="utf-8") if path.exists() else "")
    return texts


def out_of_date(root: Path = ROOT, listed: ServiceList | None = None) -> list[str]:
    """The files that do not say what the list says."""
    listed = listed or load(root / LIST)
    return [
        f"{path.relative_to(root)}: {'differs from ' + LIST if path.exists() else 'missing'}"
        for path, text in expected(root, listed).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def write(root: Path = ROOT) -> list[Path]:
    """Write every file that changed, then the hub chart's README from its values; returns those."""
    changed = []
    for path, text in expected(root, load(root / LIST)).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    chart = root / "charts" / "hub"
    readme = _params_readme(root).render(chart)
    if readme != (chart / "README.md").read_text(encoding="utf-8"):
        (chart / "README.md").write_text(readme, encoding="utf-8")
        changed.append(chart / "README.md")
    return changed


def _params_readme(root: Path):
    """charts/params_readme.py, which writes a chart README's parameters from its values.yaml."""
    spec = importlib.util.spec_from_file_location("params_readme", root / "charts" / "params_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/services/generate.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date files and exit 1, write nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this checkout)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.check:
        problems = out_of_date(args.root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run `.venv/bin/python infra/services/generate.py`", file=sys.stderr)
        return 1 if problems else 0
    for path in write(args.root):
        print(f"wrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
