"""`make run` (infra/run/Procfile, run.sh): every process serves its metrics on a port of its own,
which infra/prometheus/prometheus.yml scrapes, never on an API's port; and the referral API believes
a forwarded address from the portal, by its service token, and from no one else. The compact
profile (HUBS_PROFILE=compact, infra/run/Procfile.compact: the whole hub in one `hubs-hub all`)
keeps the same promises and serves every API where the scaled profile does."""

from __future__ import annotations

import re
import secrets
import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_checks import ROOT, service_list
from flask import Blueprint, request

from hubs.runtime.app import create_app
from hubs.runtime.forwarding import SERVICE_TOKEN_HEADER, read_service_tokens
from hubs.runtime.hub import HUB_SERVICES, hub_settings
from hubs.runtime.ratelimit import rate_limited
from hubs.runtime.settings import Settings

PROCFILE = ROOT / "infra" / "run" / "Procfile"
COMPACT_PROCFILE = ROOT / "infra" / "run" / "Procfile.compact"
RUN_SH = ROOT / "infra" / "run" / "run.sh"


def processes(procfile: Path = PROCFILE) -> dict[str, str]:
    lines = [line for line in procfile.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split(": ", 1) for line in lines)


@pytest.fixture
def environment_of(tmp_path):
    """The HUBS_* environment a Procfile process starts with, as honcho's shell gives it, with
    run.sh's defaults; its command is replaced by `env`. `environment_of("hub", COMPACT_PROCFILE)`
    gives the variables of every name (a service of the hub reads its own through hub_settings)."""
    commands = tmp_path / "bin"
    commands.mkdir()
    for line in [*processes().values(), *processes(COMPACT_PROCFILE).values()]:
        for name in re.findall(r"\b(hubs-[a-z-]+)\b", line):
            script = commands / name
            script.write_text("#!/bin/sh\nexec env\n")
            script.chmod(0o755)
    defaults = dict(re.findall(r"\b([A-Z_]+)=\$\{\1:-([^}$]*)\}", RUN_SH.read_text()))
    token_file = tmp_path / "portal-service-token"
    token_file.write_text(secrets.token_urlsafe(48) + "\n")
    base = {**defaults, "PATH": f"{commands}:/usr/bin:/bin", "PORTAL_SERVICE_TOKEN_FILE": str(token_file)}
    base |= {"NATIONAL_DATABASE_URL": "sqlite://", "HUBS_HUB_ID": "demo-hub"}

    def environment(process: str, procfile: Path = PROCFILE) -> dict[str, str]:
        command = processes(procfile)[process].split(" && ")[-1]
        done = subprocess.run(["bash", "-c", command], env=base, capture_output=True, text=True, check=True)
        pairs = (line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        if procfile == COMPACT_PROCFILE and process == "hub":
            return dict(pairs)
        return {k: v for k, v in pairs if k.startswith("HUBS_")}

    return environment


def api_port(environment: dict[str, str]) -> str:
    return environment["HUBS_API_BIND"].rpartition(":")[2]


def test_every_process_of_make_run_serves_metrics_on_a_port_of_its_own(environment_of):
    served = {}
    for process in (p for p in processes() if p.rsplit("-", 1)[-1] in ("api", "worker", "relay")):
        environment = environment_of(process)
        served[process] = environment["HUBS_METRICS_PORT"]
        if process.endswith("-api"):
            assert served[process] != api_port(environment), process
    assert len(set(served.values())) == len(served)
    api_ports = {api_port(environment_of(p)) for p in processes() if p.endswith("-api") or p == "portal"}
    config = yaml.safe_load((ROOT / "infra" / "prometheus" / "prometheus.yml").read_text())
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    assert targets == {f"127.0.0.1:{port}" for port in served.values()}
    assert not {t.rpartition(":")[2] for t in targets} & api_ports


def test_the_referral_api_of_make_run_believes_a_forwarded_address_from_the_portal_only(environment_of):
    api = environment_of("referral-api")
    app, _ = create_app(Settings(service="referral", extra=api), title="t", description="t", readiness_checks={})
    bp = Blueprint("t", __name__)

    @bp.post("/v1/self-referrals")
    @rate_limited("self-referral-check", default="2/hour;burst=2")
    def self_refer():
        return {"client": request.remote_addr}, 201

    app.register_blueprint(bp)
    client = app.test_client()
    # Anyone on the machine can reach the API: an address of their choosing changes nothing.
    forged = [client.post("/v1/self-referrals", headers={"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(4)]
    assert [r.status_code for r in forged] == [201, 201, 429, 429]
    # The portal names the person, with the token it reads from the same file.
    portal = environment_of("portal")
    assert portal["HUBS_PORTAL_SERVICE_TOKEN_FILE"] == api["HUBS_PORTAL_SERVICE_TOKEN_FILE"]
    token = read_service_tokens(portal["HUBS_PORTAL_SERVICE_TOKEN_FILE"])[0]
    headers = {"X-Forwarded-For": "192.0.2.1", SERVICE_TOKEN_HEADER: token}
    answer = client.post("/v1/self-referrals", headers=headers)
    assert answer.status_code == 201 and answer.get_json()["client"] == "192.0.2.1"


def test_make_run_keeps_var_its_keys_and_databases_readable_by_their_owner_only(tmp_path):
    var = tmp_path / "var"
    (var / "data").mkdir(parents=True)
    var.chmod(0o755)
    (var / "data").chmod(0o755)
    earlier = var / "data" / "referral.db"  # left by a run from before var/ was kept private
    earlier.write_text("")
    earlier.chmod(0o644)

    subprocess.run(
        ["bash", str(RUN_SH), "prepare"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HUBS_VAR_DIR": str(var)},
        check=True,
        capture_output=True,
        timeout=120,
    )

    modes = {p.relative_to(var).as_posix(): p.stat().st_mode & 0o777 for p in [var, *var.rglob("*")]}
    assert {name for name, mode in modes.items() if mode & 0o077} == set(), modes
    for made in ("personal-data.key", "clinical-notes.key", "survey-participation.key", "portal-service-token"):
        assert modes[made] == 0o600, made


def test_the_compact_profile_serves_every_api_of_the_hub_where_the_scaled_profile_does(environment_of):
    hub = environment_of("hub", COMPACT_PROCFILE)
    scaled = {s.name: environment_of(s.process("api"))["HUBS_API_BIND"] for s in service_list().services}
    assert {name: hub_settings(name, hub).api_bind for name in HUB_SERVICES} == scaled
    # The national service, the portal and the demo feed are as in the scaled profile.
    for process in ("national-api", "national-worker", "portal", "demo-data"):
        assert processes(COMPACT_PROCFILE)[process] == processes()[process], process
    assert subprocess.run(
        ["bash", str(RUN_SH), "procfile"], env={"PATH": "/usr/bin:/bin", "HUBS_PROFILE": "compact"},
        capture_output=True, text=True, check=True,
    ).stdout.strip() == "infra/run/Procfile.compact"  # fmt: skip


def test_the_compact_hub_serves_its_metrics_on_one_port_of_its_own(environment_of):
    hub = environment_of("hub", COMPACT_PROCFILE)
    others = [environment_of(p, COMPACT_PROCFILE) for p in ("national-api", "national-worker", "portal")]
    metrics = [hub["HUBS_METRICS_PORT"], *(e["HUBS_METRICS_PORT"] for e in others if "HUBS_METRICS_PORT" in e)]
    assert len(set(metrics)) == len(metrics)
    api_ports = {api_port({"HUBS_API_BIND": hub_settings(name, hub).api_bind}) for name in HUB_SERVICES}
    api_ports |= {api_port(e) for e in others if "HUBS_API_BIND" in e}
    assert not set(metrics) & api_ports
    # No service of the hub serves metrics of its own beside the process's port.
    assert {hub_settings(name, hub).metrics_port for name in HUB_SERVICES} == {0}


def test_each_service_of_the_compact_hub_keeps_settings_of_its_own(environment_of):
    hub = environment_of("hub", COMPACT_PROCFILE)
    hub |= {"REFERRAL__DATABASE_URL": "sqlite:///referral-own.db", "OUTREACH__DATABASE_SCHEMA": "outreach_own"}
    settings = {name: hub_settings(name, hub) for name in HUB_SERVICES}
    assert settings["referral"].database_url == "sqlite:///referral-own.db"
    assert settings["assessment"].database_url != settings["referral"].database_url
    assert settings["outreach"].database_schema == "outreach_own"
    assert settings["reporting"].database_schema is None
    # Only referral is given the portal's token, only reporting the report signing key.
    assert [n for n, s in settings.items() if "HUBS_PORTAL_SERVICE_TOKEN_FILE" in s.extra] == ["referral"]
    assert [n for n, s in settings.items() if "HUBS_REPORT_SIGNING_KEY_FILE" in s.extra] == ["reporting"]


def test_the_referral_api_of_the_compact_hub_believes_a_forwarded_address_from_the_portal_only(environment_of):
    referral = hub_settings("referral", environment_of("hub", COMPACT_PROCFILE))
    app, _ = create_app(referral, title="t", description="t", readiness_checks={})
    bp = Blueprint("t", __name__)

    @bp.post("/v1/self-referrals")
    @rate_limited("self-referral-check", default="2/hour;burst=2")
    def self_refer():
        return {"client": request.remote_addr}, 201

    app.register_blueprint(bp)
    client = app.test_client()
    forged = [client.post("/v1/self-referrals", headers={"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(4)]
    assert [r.status_code for r in forged] == [201, 201, 429, 429]
    portal = environment_of("portal", COMPACT_PROCFILE)
    token = read_service_tokens(portal["HUBS_PORTAL_SERVICE_TOKEN_FILE"])[0]
    answer = client.post("/v1/self-referrals", headers={"X-Forwarded-For": "192.0.2.1", SERVICE_TOKEN_HEADER: token})
    assert answer.status_code == 201 and answer.get_json()["client"] == "192.0.2.1"
