"""docker-compose.yml follows the Compose specification and starts a whole hub and the national
service in order: broker and database healthy, then each service's migration, then its processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from deploy_checks import COMPOSE_SCHEMA, INSTALL_HINT, ROOT, project_tool, run, service_list

COMPOSE = ROOT / "docker-compose.yml"
# Compose names a service's processes by its topic (care-api), and builds it from its package.
SERVICES = {s.topic: s.package for s in service_list().services}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@cache
def _loaded(path: str) -> dict:
    done = run(project_tool("compose-config"), "-f", path, "-p", "wellbeing-hubs")
    return json.loads(done.stdout)


def loaded() -> dict:
    """The file as Docker Compose resolves it (anchors merged, defaults filled in), from the Compose
    specification's own loader; the environment of the test run must not change it."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith(("HUBS_", "GRAFANA_", "COMPOSE_"))}
    try:
        return _loaded(str(COMPOSE))
    finally:
        os.environ.update(saved)


def uid(user: str) -> str:
    return user.split(":", 1)[0]


def waits_for(services: dict, name: str) -> dict[str, str]:
    """Every service `name` waits for, directly or through others, with the condition it waits on."""
    found: dict[str, str] = {}
    todo = [name]
    while todo:
        for dependency, how in (services[todo.pop()].get("depends_on") or {}).items():
            if dependency not in found:
                found[dependency] = how["condition"]
                todo.append(dependency)
    return found


INIT = "volume-init"
SIGNING_KEY = "report-signing-key"  # the step that makes the hub's report signing key and the registry


def test_compose_file_is_valid_against_the_compose_specification_schema():
    if not COMPOSE_SCHEMA.is_file():
        pytest.fail(f"the Compose specification schema is missing from {COMPOSE_SCHEMA}: {INSTALL_HINT}")
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    errors = [f"{e.json_path}: {e.message}" for e in jsonschema.Draft201909Validator(schema).iter_errors(compose())]
    assert errors == []
    # Where Docker Compose itself is installed, it must accept the file too.
    if shutil.which("docker") and run("docker", "compose", "version", check=False).returncode == 0:
        run("docker", "compose", "-f", COMPOSE, "config", "--quiet")


def test_every_service_has_migrate_api_worker_and_relay_in_start_order():
    services = compose()["services"]
    for name, folder in SERVICES.items():
        migrate = services[f"{name}-migrate"]
        assert migrate["command"] == ["migrate"] and migrate["restart"] == "no"
        assert migrate["depends_on"] == {
            "kafka": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
            "dev-issuer-key": {"condition": "service_completed_successfully"},
        }
        for process in ("api", "worker", "relay"):
            service = services[f"{name}-{process}"]
            assert service["build"]["dockerfile"] == "services/Dockerfile"
            assert service["build"]["args"] == {"SERVICE": folder}
            assert service["command"] == [process]
            needs = {f"{name}-migrate": {"condition": "service_completed_successfully"}}
            if f"{name}-{process}" == "reporting-relay":
                needs[SIGNING_KEY] = {"condition": "service_completed_successfully"}
            assert service["depends_on"] == needs
            assert "healthcheck" in service
    national = services["national-api"]["environment"]
    assert national["HUBS_REPORTING_MODE"] == "national" and national["HUBS_HUB_ID"] == "national"
    assert "national-relay" not in services


def test_every_process_runs_locked_down_with_only_tmp_writable():
    for name, service in compose()["services"].items():
        if service.get("build"):
            assert service["read_only"] is True, name
            assert service["tmpfs"] == ["/tmp"], name
            assert service["cap_drop"] == ["ALL"], name


def test_broker_database_prometheus_and_grafana_are_there_with_health_checks():
    services = compose()["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    for name in ("kafka", "postgres", "prometheus", "grafana"):
        assert "healthcheck" in services[name], name
    mounts = " ".join(services["grafana"]["volumes"])
    assert "infra/grafana/provisioning" in mounts and "infra/grafana/dashboards" in mounts
    assert (
        "./infra/prometheus/compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
        in services["prometheus"]["volumes"]
    )


def test_prometheus_in_compose_scrapes_every_process_compose_starts():
    services = compose()["services"]
    config = yaml.safe_load((ROOT / "infra" / "prometheus" / "compose" / "prometheus.yml").read_text())
    targets = {
        t.split(":")[0] for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]
    }
    processes = {n for n in services if n.rsplit("-", 1)[-1] in ("api", "worker", "relay")}
    assert targets == processes


def test_prometheus_in_compose_scrapes_each_process_on_its_metrics_port_never_an_api_port():
    services = compose()["services"]
    config = yaml.safe_load((ROOT / "infra" / "prometheus" / "compose" / "prometheus.yml").read_text())
    for target in (t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]):
        name, _, port = target.partition(":")
        environment = services[name]["environment"]
        assert port == environment["HUBS_METRICS_PORT"] == "9090", target
        assert not environment["HUBS_API_BIND"].endswith(":" + port), target
        assert all(not published.endswith(":" + port) for published in services[name].get("ports", [])), target


def test_every_volume_is_owned_by_the_user_of_each_service_that_writes_it_before_it_starts():
    services = loaded()["services"]
    init = services[INIT]
    assert init["restart"] == "no"
    mounts = {m["target"]: m["source"] for m in init["volumes"] if m["type"] == "volume"}
    chowns = re.findall(r"chown (\d+:\d+) (\S+)", " ".join(init["command"]))
    owner = {mounts[path]: user for user, path in chowns}
    assert set(owner) == set(loaded()["volumes"]), "every named volume is given to its user"
    for name, service in services.items():
        written = [m["source"] for m in service.get("volumes", []) if m["type"] == "volume" and not m.get("read_only")]
        if name == INIT or not written:
            continue
        assert waits_for(services, name).get(INIT) == "service_completed_successfully", name
        for volume in written:
            assert uid(service["user"]) == uid(owner[volume]), f"{name} writes {volume} as {service['user']}"
    assert owner["dev-issuer"] == "10001:10001"  # the user of the hub's images (services/Dockerfile)


def test_kafka_keeps_its_event_log_on_its_volume_for_ever():
    kafka = loaded()["services"]["kafka"]
    volumes = [m["target"] for m in kafka["volumes"] if m["type"] == "volume"]
    log_dirs = kafka["environment"]["KAFKA_LOG_DIRS"].split(",")
    for log_dir in log_dirs:
        assert any(log_dir == v or log_dir.startswith(v.rstrip("/") + "/") for v in volumes), log_dir
    # The services create their topics with the broker's defaults: events must not expire.
    assert kafka["environment"]["KAFKA_LOG_RETENTION_MS"] == "-1"


def test_every_long_running_service_is_health_checked_and_starts_after_what_it_needs():
    services = loaded()["services"]
    for name, service in services.items():
        one_shot = service["restart"] == "no"
        health = service.get("healthcheck")
        if not one_shot:
            assert health and health["test"][0] in ("CMD", "CMD-SHELL") and not health.get("disable"), name
            assert health["interval"] and health["timeout"] and health["retries"] >= 3, name
        for dependency, how in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} waits for {dependency}, which is not a service"
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency} to be healthy"
            if how["condition"] == "service_completed_successfully":
                assert services[dependency]["restart"] == "no", f"{name} waits for {dependency} to end"
        environment = service.get("environment") or {}
        needs = waits_for(services, name)
        if "DATABASE_URL" in environment:
            assert needs.get("postgres") == "service_healthy", name
        if "KAFKA_BOOTSTRAP_SERVERS" in environment:
            assert needs.get("kafka") == "service_healthy", name
        if name.endswith(("-api", "-worker", "-relay")):
            assert needs.get(name.rsplit("-", 1)[0] + "-migrate") == "service_completed_successfully", name
        reads_the_dev_key = any(m["source"] == "dev-issuer" for m in service.get("volumes", []))
        if reads_the_dev_key and name not in (INIT, "dev-issuer-key"):
            # Made once before anyone reads it: processes making it together could read half a file.
            assert needs.get("dev-issuer-key") == "service_completed_successfully", name


def test_no_service_runs_as_root_but_the_volume_init_step():
    services = loaded()["services"]
    for name, service in services.items():
        user = service.get("user") or ""
        if name == INIT:
            assert uid(user) in ("0", "root") and service["restart"] == "no"
            assert service["cap_add"] == ["CHOWN"] and service["cap_drop"] == ["ALL"]
            assert service["network_mode"] == "none" and service["read_only"] is True
            continue
        assert user, f"{name} names no user, so it runs as whatever its image says"
        assert uid(user) not in ("0", "root"), name


def mounted(service: dict, path: str) -> dict:
    """The volume mount of `service` that holds `path`."""
    for mount in service.get("volumes", []):
        if mount["type"] == "volume" and path.startswith(mount["target"].rstrip("/") + "/"):
            return mount
    pytest.fail(f"{path} is on no volume of the service")


def on_host(service: dict, volumes: Path) -> dict[str, str]:
    """The service's environment with every path on one of its volumes moved under `volumes`
    (a directory per volume, as Compose gives each named volume one)."""
    environment = dict(service.get("environment") or {})
    for name, value in environment.items():
        for mount in service.get("volumes", []):
            target = mount["target"].rstrip("/") + "/"
            if mount["type"] == "volume" and value.startswith(target):
                environment[name] = str(volumes / mount["source"] / value.removeprefix(target))
    return environment


def test_the_reporting_relay_signs_with_a_key_made_once_before_it_that_no_other_process_sees():
    services = loaded()["services"]
    relay, step = services["reporting-relay"], services[SIGNING_KEY]
    key_file = relay["environment"]["HUBS_REPORT_SIGNING_KEY_FILE"]
    assert relay["environment"]["HUBS_REPORT_SIGNING_KEY_ID"] == step["environment"]["HUBS_REPORT_SIGNING_KEY_ID"]
    assert step["environment"]["HUBS_REPORT_SIGNING_KEY_FILE"] == key_file
    assert step["restart"] == "no" and step["network_mode"] == "none"
    assert waits_for(services, "reporting-relay").get(SIGNING_KEY) == "service_completed_successfully"
    volume = mounted(relay, key_file)
    assert volume["read_only"] is True and not mounted(step, key_file).get("read_only")
    assert mounted(step, key_file)["source"] == volume["source"]
    readers = {n for n, s in services.items() if any(m.get("source") == volume["source"] for m in s.get("volumes", []))}
    assert readers == {INIT, SIGNING_KEY, "reporting-relay"}, "only the relay may read the hub's private key"
    # The registry names the hub the relay signs for.
    for name in ("HUBS_HUB_ID", "HUBS_HUB_NAME", "HUBS_REGION"):
        assert step["environment"][name] == relay["environment"][name], name


def test_the_national_worker_reads_the_registry_naming_the_hubs_key_made_before_it_starts():
    services = loaded()["services"]
    worker, step = services["national-worker"], services[SIGNING_KEY]
    registry = worker["environment"]["HUBS_NATIONAL_HUB_REGISTRY_FILE"]
    assert step["environment"]["HUBS_NATIONAL_HUB_REGISTRY_FILE"] == registry
    assert waits_for(services, "national-worker").get(SIGNING_KEY) == "service_completed_successfully"
    assert mounted(worker, registry)["read_only"] is True
    assert mounted(worker, registry)["source"] == mounted(step, registry)["source"]
    assert "HUBS_REPORT_SIGNING_KEY_FILE" not in worker["environment"]


def test_reports_signed_with_the_key_compose_makes_are_taken_by_the_national_worker(tmp_path, monkeypatch):
    """The key step runs as Compose would run it (each volume a directory); the relay and the
    national worker then read their settings from their own environment, as they do at start."""
    from hubs.contracts import message_headers, new_envelope
    from hubs.reporting.adapters.signing import HubRegistry, ReportSigner
    from hubs.runtime.settings import Settings

    services = loaded()["services"]
    step = services[SIGNING_KEY]
    for mount in step["volumes"]:
        (tmp_path / mount["source"]).mkdir()
    program, flag, script = step["entrypoint"]
    assert (program, flag) == ("python", "-c")
    environment = {"PATH": os.environ["PATH"], **on_host(step, tmp_path)}

    def make() -> bytes:
        subprocess.run([sys.executable, "-c", script], env=environment, check=True, timeout=60)
        return Path(environment["HUBS_REPORT_SIGNING_KEY_FILE"]).read_bytes()

    key = make()
    assert make() == key, "the key is made once: a second start keeps it"
    key_file = Path(environment["HUBS_REPORT_SIGNING_KEY_FILE"])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700

    def settings_of(name: str) -> Settings:
        for variable in [v for v in os.environ if v.startswith(("HUBS_", "DATABASE_", "KAFKA_"))]:
            monkeypatch.delenv(variable)
        for variable, value in on_host(services[name], tmp_path).items():
            monkeypatch.setenv(variable, value)
        return Settings.from_env("reporting")

    relay = settings_of("reporting-relay")
    signer = ReportSigner.from_settings(relay)
    registry = HubRegistry.from_settings(settings_of("national-worker"))
    report = {"hub_id": relay.hub_id, "region": relay.region, "period_type": "month", "period": "2026-10",
              "report_version": 1, "figures": {"self_referrals": 10}, "final": False}  # fmt: skip
    message = new_envelope("HubPeriodReport", report, hub_id=relay.hub_id, producer=f"reporting@{relay.hub_id}")
    value = json.dumps(message, default=str).encode()
    headers = message_headers(message) + signer.headers_for("national.hub-reports.v1", value)
    registry.verify(SimpleNamespace(value=value, headers=headers, topic="national.hub-reports.v1"))  # raises if refused


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format, *args):
        pass


def test_workers_and_relays_are_unhealthy_when_their_loops_stall_not_only_when_their_metrics_port_is_down():
    services = loaded()["services"]
    checks = set()
    for name, service in services.items():
        if name.endswith(("-worker", "-relay")):
            command = service["healthcheck"]["test"]
            assert f"http://127.0.0.1:{service['environment']['HUBS_METRICS_PORT']}/healthz" in command[-1], name
            checks.add(tuple(command))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for kind, program, *arguments in checks:
            assert (kind, program) == ("CMD", "python")
            arguments = [a.replace("127.0.0.1:9090", f"127.0.0.1:{server.server_port}") for a in arguments]
            for status, healthy in ((200, True), (503, False)):
                _Health.status = status
                done = subprocess.run([sys.executable, *arguments], capture_output=True, timeout=30)
                assert (done.returncode == 0) is healthy, (status, arguments)
    finally:
        server.shutdown()
        server.server_close()
