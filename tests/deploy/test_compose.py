"""docker-compose.yml follows the Compose specification and starts a whole hub and the national
service in order: broker and database healthy, then each service's migration, then its processes."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
import yaml
from deploy_checks import COMPOSE_SCHEMA, INSTALL_HINT, ROOT, run

COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"referral": "referral", "assessment": "assessment", "care": "care_coordination"}
SERVICES |= {"outreach": "outreach", "reporting": "reporting"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


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
        }
        for process in ("api", "worker", "relay"):
            service = services[f"{name}-{process}"]
            assert service["build"]["dockerfile"] == "services/Dockerfile"
            assert service["build"]["args"] == {"SERVICE": folder}
            assert service["command"] == [process]
            assert service["depends_on"] == {f"{name}-migrate": {"condition": "service_completed_successfully"}}
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
