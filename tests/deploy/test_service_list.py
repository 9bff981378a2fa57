"""services.toml is the one list of the hub's services. What comes from it (the Procfiles and
run.sh of `make run`, the Prometheus scrape targets, the hub chart's catalogue, values and schema,
hubs.runtime.hub) is written by infra/services/generate.py and must say what the list says; what is
written by hand (docker-compose.yml, the Makefile, contracts' topics, each service's package) must
agree with it. So a service added to the list and not written out, or written into one file and
not the list, fails here (docs/adding-a-service.md)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from deploy_checks import KUBE_VERSION, ROOT, example_values, project_tool, run, service_list, service_lists

from hubs.contracts import topics

SIXTH = """
[[service]]
name = "peer-support"
package = "peer_support"
topic = "peer"
port = 8007
processes = ["api", "relay", "worker"]
consumes = ["referral"]
"""


def copy_of_the_repository(tmp_path: Path) -> Path:
    """The list and every file written from it, in a folder of their own."""
    generate = service_lists()
    files = {"services.toml", "charts/params_readme.py", *(part[0] for part in generate.PARTS)}
    for relative in files:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    shutil.copytree(ROOT / "charts" / "hub", tmp_path / "charts" / "hub", dirs_exist_ok=True)
    return tmp_path


def test_every_file_written_from_the_service_list_says_what_the_list_says():
    generate = service_lists()
    assert generate.out_of_date(ROOT) == [], "run `.venv/bin/python infra/services/generate.py`"
    assert generate.main(["--check"]) == 0


def test_a_service_added_to_the_list_fails_the_check_until_the_files_are_written_again(tmp_path, capsys):
    generate = service_lists()
    root = copy_of_the_repository(tmp_path)
    with (root / "services.toml").open("a") as toml:
        toml.write(SIXTH)

    stale = generate.out_of_date(root)
    written = {relative for relative, *_ in generate.PARTS} | {relative for relative, _ in generate.WHOLE}
    assert sorted(problem.split(":")[0] for problem in stale) == sorted(written)
    assert generate.main(["--check", "--root", str(root)]) == 1
    assert "infra/services/generate.py" in capsys.readouterr().err

    generate.main(["--root", str(root)])
    assert generate.out_of_date(root) == []
    procfile = (root / "infra" / "run" / "Procfile").read_text()
    assert "peer-api: HUBS_METRICS_PORT=$((PEER_PORT + 1300)) HUBS_API_BIND=$HUBS_HOST:$PEER_PORT" in procfile
    assert "peer-worker: HUBS_METRICS_PORT=$((PEER_PORT + 1200)) hubs-peer-support worker" in procfile
    assert "PEER_SUPPORT__HUBS_API_BIND=$HUBS_HOST:$PEER_PORT" in (root / "infra/run/Procfile.compact").read_text()
    assert "export PEER_PORT=${PEER_PORT:-8007}" in (root / "infra" / "run" / "run.sh").read_text()
    scraped = yaml.safe_load((root / "infra" / "prometheus" / "prometheus.yml").read_text())
    configs = [sc for job in scraped["scrape_configs"] for sc in job["static_configs"]]
    labels = {target: sc["labels"] for sc in configs for target in sc["targets"]}
    assert labels["127.0.0.1:9307"] == {"hub_id": "demo-hub", "service": "peer-support", "component": "api"}
    assert (
        '"peer-support": ("hubs.peer_support.bootstrap", 8007),'
        in (root / "services/runtime/src/hubs/runtime/hub.py").read_text()
    )
    assert "services.peerSupport.enabled" in (root / "charts" / "hub" / "README.md").read_text()

    # The chart then runs it like the others: its processes, its topics, its database, the portal's link.
    done = run(project_tool("helm"), "template", "rel", root / "charts" / "hub", "-f",
               example_values("hub", "north-east-and-north-cumbria"), "--kube-version", KUBE_VERSION)  # fmt: skip
    manifests = [m for m in yaml.safe_load_all(done.stdout) if m]
    deployments = {m["metadata"]["name"]: m for m in manifests if m["kind"] == "Deployment"}
    for component in ("api", "worker", "relay"):
        container = deployments[f"rel-hub-peer-support-{component}"]["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["hubs-peer-support"] and container["args"] == [component]
        env = {e["name"]: e for e in container["env"]}
        assert env["DATABASE_SCHEMA"]["value"] == "peer_support"
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "peer-support-database-url"
    jobs = {m["metadata"]["name"]: m for m in manifests if m["kind"] == "Job"}
    migration = jobs["rel-hub-peer-support-migrate"]
    assert migration["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    topic_names = {m["spec"]["topicName"] for m in manifests if m["kind"] == "KafkaTopic"}
    assert {"hub.ne-north-cumbria.peer.events.v1", "hub.ne-north-cumbria.peer.events.v1.dlq"} <= topic_names
    portal = next(c for c in deployments["rel-hub-portal"]["spec"]["template"]["spec"]["containers"])
    urls = {e["name"]: e.get("value") for e in portal["env"]}
    assert urls["HUBS_PORTAL_PEER_URL"] == "http://rel-hub-peer-support-api:80"


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (lambda toml: toml.replace("port = 8002", "port = 8001"), "same port"),
        (lambda toml: toml.replace('consumes = ["assessment"]', 'consumes = ["triage"]'), "unknown topics: triage"),
        (lambda toml: toml.replace('topic = "care"', 'topic = "outreach"'), "same topic"),
    ],
)
def test_the_list_refuses_two_services_on_one_port_or_topic_and_unknown_topics(tmp_path, change, refused):
    listed = tmp_path / "services.toml"
    listed.write_text(change((ROOT / "services.toml").read_text()))
    with pytest.raises(ValueError, match=refused):
        service_lists().load(listed)


def test_docker_compose_runs_each_service_of_the_list_and_no_other():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    expected = set()
    for s in service_list().services:
        for component in ("migrate", *s.processes):
            name = s.process(component)
            expected.add(name)
            service = compose.get(name)
            assert service, f"docker-compose.yml has no {name} ({s.name} in services.toml)"
            assert service["image"] == f"wellbeing-hubs/{s.name}:dev", name
            assert service["build"]["args"] == {"SERVICE": s.package}, name
            assert service["environment"]["DATABASE_SCHEMA"] == s.package, name
        assert compose[s.process("api")]["ports"] == [f"127.0.0.1:{s.port}:8080"]
    national = service_list().national
    assert compose["national-api"]["ports"] == [f"127.0.0.1:{national.port}:8080"]
    processes = {n for n in compose if n.rsplit("-", 1)[-1] in ("migrate", "api", "worker", "relay")}
    assert processes - {n for n in processes if n.startswith("national-")} == expected


def test_the_contracts_name_the_topic_of_each_service_of_the_list():
    assert tuple(s.topic for s in service_list().services) == topics.SERVICES


def test_make_installs_each_service_of_the_list_and_the_portal():
    makefile = (ROOT / "Makefile").read_text()
    packages = re.search(r"^PACKAGES := ((?:.*\\\n)*.*)$", makefile, re.MULTILINE)
    assert packages
    installed = packages.group(1).replace("\\\n", " ").split()
    listed = service_list()
    for package in [s.package for s in listed.services] + [listed.portal_package]:
        assert f"services/{package}" in installed, package


def test_each_service_of_the_list_has_its_package_command_definition_and_migrations():
    for s in service_list().services:
        folder = ROOT / "services" / s.package
        scripts = tomllib.loads((folder / "pyproject.toml").read_text())["project"]["scripts"]
        assert s.command in scripts, f"{folder}/pyproject.toml installs no {s.command}"
        assert (folder / "src" / "hubs" / s.package / "bootstrap.py").is_file(), s.name
        assert (folder / "migrations" / "env.py").is_file(), s.name
