"""The hub chart's two profiles: `scaled` (the default) runs each service as an api, a worker and a
relay Deployment; `compact` runs each service as one Deployment of one pod whose one process
(`hubs-<service> all`) runs all three. A compact hub must still be reachable where a scaled one is,
scraped, fenced by its network policies and given everything its three parts need."""

from __future__ import annotations

import pytest
import yaml
from deploy_checks import example_values, helm_template, service_list

NENC = example_values("hub", "north-east-and-north-cumbria")
# gunicorn's worker processes: the compact process serves its API from threads of its own.
GUNICORN_ONLY = {"HUBS_API_WORKERS", "PROMETHEUS_MULTIPROC_DIR"}


def render(values, *extra: str) -> list[dict]:
    return [m for m in yaml.safe_load_all(helm_template("hub", values, *extra).stdout) if m]


def of_kind(manifests: list[dict], kind: str) -> list[dict]:
    return [m for m in manifests if m["kind"] == kind]


def service_deployments(manifests: list[dict]) -> list[dict]:
    """The Deployments of the hub's services (not the portal's)."""
    deployments = of_kind(manifests, "Deployment")
    return [d for d in deployments if d["metadata"]["labels"]["app.kubernetes.io/name"] != "portal"]


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(deployment: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container(deployment)["env"]}


def pods_selected(selector: dict, deployments: list[dict]) -> list[str]:
    """The Deployments whose pods carry every label of a selector."""
    return [
        d["metadata"]["name"]
        for d in deployments
        if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
    ]


def by_name(manifests: list[dict], kind: str) -> dict[str, dict]:
    return {m["metadata"]["name"]: m for m in of_kind(manifests, kind)}


def test_a_compact_hub_runs_each_enabled_service_as_one_process_in_one_pod(rendered):
    manifests = rendered("hub", "compact")
    deployments = service_deployments(manifests)
    values = yaml.safe_load(example_values("hub", "compact").read_text())
    assert sorted(d["metadata"]["name"] for d in deployments) == sorted(
        f"compact-hub-{s.name}-all" for s in service_list().services
    )
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        spec = deployment["spec"]
        labels = deployment["metadata"]["labels"]
        assert labels["app.kubernetes.io/component"] == "all"
        assert container(deployment)["command"] == [f"hubs-{labels['app.kubernetes.io/name']}"]
        assert container(deployment)["args"] == ["all"], name
        # One process at a time publishes the service's outbox: one replica, never two during a rollout.
        assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}, name
        ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        assert ports == {"http": 8080, "metrics": 9090}
        # The API says when the pod takes requests; a stalled worker or relay loop restarts the pod.
        assert container(deployment)["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container(deployment)["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container(deployment)["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        grace = float(env_of(deployment)["HUBS_GRACE_SECONDS"]["value"])
        assert spec["template"]["spec"]["terminationGracePeriodSeconds"] > grace > 0
    referral = by_name(manifests, "Deployment")["compact-hub-referral-all"]
    assert container(referral)["resources"] == values["services"]["referral"]["compact"]["resources"]
    defaults = by_name(manifests, "Deployment")["compact-hub-outreach-all"]
    assert container(defaults)["resources"]["limits"]["memory"] == "384Mi"
    assert not of_kind(manifests, "HorizontalPodAutoscaler")


def test_a_disabled_service_has_no_compact_process():
    manifests = render(example_values("hub", "compact"), "--set", "services.outreach.enabled=false")
    names = sorted(d["metadata"]["name"] for d in service_deployments(manifests))
    assert names == sorted(f"compact-hub-{s.name}-all" for s in service_list().services if s.name != "outreach")


@pytest.mark.parametrize("example", ["compact", "north-east-and-north-cumbria", "kent-and-medway"])
def test_every_service_of_a_compact_hub_selects_the_pods_of_exactly_one_deployment(example):
    manifests = render(example_values("hub", example), "--set", "profile=compact")
    deployments = of_kind(manifests, "Deployment")
    assert len(deployments) == len(service_list().services) + 1  # and the portal's
    for service in of_kind(manifests, "Service"):
        selected = pods_selected(service["spec"]["selector"], deployments)
        assert len(selected) == 1, (service["metadata"]["name"], selected)


def test_callers_and_the_portal_reach_each_compact_api_where_they_reach_a_scaled_one(rendered):
    manifests = rendered("hub", "compact")
    services = by_name(manifests, "Service")
    deployments = of_kind(manifests, "Deployment")
    portal_env = env_of(by_name(manifests, "Deployment")["compact-hub-portal"])
    for s in service_list().services:
        api = services[f"compact-hub-{s.name}-api"]
        assert pods_selected(api["spec"]["selector"], deployments) == [f"compact-hub-{s.name}-all"]
        assert {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"} in api["spec"]["ports"]
        assert f"http://compact-hub-{s.name}-api:80" in [e.get("value") for e in portal_env.values()]
    assert len(services) == len(service_list().services) + 1  # and the portal's


def test_prometheus_scrapes_each_compact_process_as_component_all(rendered):
    manifests = rendered("hub", "compact")
    services = of_kind(manifests, "Service")
    deployments = of_kind(manifests, "Deployment")
    monitors = [m for m in of_kind(manifests, "ServiceMonitor") if not m["metadata"]["name"].endswith("-portal")]
    assert len(monitors) == len(service_list().services)
    for monitor in monitors:
        wanted = monitor["spec"]["selector"]["matchLabels"]
        (service,) = [s for s in services if wanted.items() <= s["metadata"]["labels"].items()]
        (deployment,) = pods_selected(service["spec"]["selector"], deployments)
        assert deployment.endswith("-all")
        endpoint = monitor["spec"]["endpoints"][0]
        assert endpoint["port"] == "metrics"
        relabel = {r["targetLabel"]: r["replacement"] for r in endpoint["relabelings"]}
        assert relabel["component"] == "all" and f"compact-hub-{relabel['service']}-all" == deployment


def test_network_policies_let_the_compact_process_do_what_its_api_worker_and_relay_did(rendered):
    manifests = rendered("hub", "compact")
    deployments = of_kind(manifests, "Deployment")
    policies = by_name(manifests, "NetworkPolicy")
    values = yaml.safe_load(example_values("hub", "compact").read_text())
    for s in service_list().services:
        policy = policies[f"compact-hub-{s.name}-all"]["spec"]
        assert pods_selected(policy["podSelector"]["matchLabels"], deployments) == [f"compact-hub-{s.name}-all"]
        opened = {(p["port"], str(rule["from"])) for rule in policy["ingress"] for p in rule["ports"]}
        assert {port for port, _ in opened} == {8080, 9090}
        prometheus = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
        assert (9090, str(prometheus)) in opened
        assert len([port for port, _ in opened if port == 8080]) == 2  # the ingress and the hub's portal
        egress = {p["port"]: rule.get("to") for rule in policy["egress"] for p in rule["ports"]}
        assert egress[9092] == values["networkPolicy"]["kafkaTo"]  # the worker's and relay's Kafka
        assert {53, 5432, 443} <= egress.keys()  # DNS, PostgreSQL, the issuer's JWKS
    # The portal may call the compact processes, and nothing else of the hub.
    portal = policies["compact-hub-portal"]["spec"]
    (to_apis,) = [rule for rule in portal["egress"] if rule["ports"] == [{"port": 8080, "protocol": "TCP"}]]
    (selector,) = to_apis["to"]
    assert sorted(pods_selected(selector["podSelector"]["matchLabels"], deployments)) == sorted(
        f"compact-hub-{s.name}-all" for s in service_list().services
    )


def test_the_compact_process_gets_everything_its_api_worker_and_relay_each_got():
    scaled = render(NENC)
    compact = render(NENC, "--set", "profile=compact")
    scaled_by_name = by_name(scaled, "Deployment")
    compact_by_name = by_name(compact, "Deployment")
    for s in service_list().services:
        one = compact_by_name[f"north-east-and-north-hub-{s.name}-all"]
        parts = [scaled_by_name[f"north-east-and-north-hub-{s.name}-{c}"] for c in ("api", "worker", "relay")]
        env = env_of(one)
        for part in parts:
            for name, entry in env_of(part).items():
                if name not in GUNICORN_ONLY:
                    assert env.get(name) == entry, (s.name, part["metadata"]["name"], name)
        assert not GUNICORN_ONLY & env.keys()
        volumes = {v["name"]: v for v in one["spec"]["template"]["spec"]["volumes"]}
        mounts = {m["name"]: m for m in container(one)["volumeMounts"]}
        for part in parts:
            for volume in part["spec"]["template"]["spec"]["volumes"]:
                assert volumes.get(volume["name"]) == volume, (s.name, volume["name"])
            for mount in container(part)["volumeMounts"]:
                assert mounts.get(mount["name"]) == mount, (s.name, mount["name"])
    # What only one part had: the referral worker's duty notices, the reporting relay's signing key.
    referral = env_of(compact_by_name["north-east-and-north-hub-referral-all"])
    assert referral["HUBS_DUTY_EMAIL"]["value"] == "duty.wellbeing@nenc.example.nhs.uk"
    assert "HUBS_PORTAL_SERVICE_TOKEN_FILE" in referral and "HUBS_PERSONAL_DATA_KEYS" in referral
    reporting = env_of(compact_by_name["north-east-and-north-hub-reporting-all"])
    assert reporting["HUBS_REPORT_SIGNING_KEY_ID"]["value"] == "ne-north-cumbria-2026"
    assert reporting["HUBS_NATIONAL_KAFKA_SASL_USERNAME"]["value"] == "hub-ne-north-cumbria"


def test_extra_settings_of_the_parts_reach_the_compact_process_once():
    extra = ["--set", "profile=compact"]
    for part in ("api", "worker"):
        extra += ["--set", f"services.referral.{part}.extraEnv[0].name=HTTPS_PROXY",
                  "--set", f"services.referral.{part}.extraEnv[0].value=http://proxy.example:3128"]  # fmt: skip
    extra += ["--set", "services.referral.relay.extraEnv[0].name=HUBS_RELAY_IDLE_SECONDS",
              "--set-string", "services.referral.relay.extraEnv[0].value=30"]  # fmt: skip
    referral = by_name(render(NENC, *extra), "Deployment")["north-east-and-north-hub-referral-all"]
    names = [e["name"] for e in container(referral)["env"]]
    assert names.count("HTTPS_PROXY") == 1 and names.count("HUBS_RELAY_IDLE_SECONDS") == 1


def test_one_extra_setting_given_two_ways_for_one_compact_process_is_refused():
    done = helm_template("hub", NENC, "--set", "profile=compact",
                         "--set", "services.referral.api.extraEnv[0].name=HTTPS_PROXY",
                         "--set", "services.referral.api.extraEnv[0].value=http://a.example:3128",
                         "--set", "services.referral.worker.extraEnv[0].name=HTTPS_PROXY",
                         "--set", "services.referral.worker.extraEnv[0].value=http://b.example:3128",
                         check=False)  # fmt: skip
    assert done.returncode != 0
    assert "services.referral: extraEnv HTTPS_PROXY is set differently" in done.stderr


@pytest.mark.parametrize("part", ["api", "worker"])
def test_autoscaling_with_profile_compact_is_refused_naming_the_setting(part):
    done = helm_template("hub", example_values("hub", "compact"),
                         "--set", f"services.assessment.{part}.autoscaling.enabled=true", check=False)  # fmt: skip
    assert done.returncode != 0
    assert f"services.assessment.{part}.autoscaling.enabled: profile compact runs each service as one pod" in (
        done.stderr
    )


def test_a_grace_period_too_short_for_the_compact_process_to_stop_is_refused():
    done = helm_template(
        "hub", example_values("hub", "compact"), "--set", "terminationGracePeriodSeconds=10", check=False
    )
    assert done.returncode != 0 and "terminationGracePeriodSeconds must be 15 or more" in done.stderr


def test_a_profile_the_chart_does_not_know_is_refused():
    done = helm_template("hub", NENC, "--set", "profile=tiny", check=False)
    assert done.returncode != 0 and "/profile" in done.stderr


def test_scaled_is_the_default_with_autoscaled_apis_and_a_deployment_per_process():
    default, scaled = render(NENC), render(NENC, "--set", "profile=scaled")
    without_token = [m for m in default if m["kind"] != "Secret"]
    assert without_token == [m for m in scaled if m["kind"] != "Secret"]
    assert len(service_deployments(scaled)) == 3 * len(service_list().services)
    autoscaled = {h["spec"]["scaleTargetRef"]["name"] for h in of_kind(scaled, "HorizontalPodAutoscaler")}
    assert autoscaled == {f"north-east-and-north-hub-{s.name}-api" for s in service_list().services}
    for deployment in service_deployments(scaled):
        assert "replicas" not in deployment["spec"] or not deployment["metadata"]["name"].endswith("-api")
