"""Properties every rendered manifest must have: locked-down containers with probes and resources,
secrets only by reference, the hub id wired through, a full set of resources per process,
network policies that deny by default and metrics on a port only Prometheus reaches."""

from __future__ import annotations

import re

import pytest
import yaml
from deploy_checks import EXAMPLES, ROOT, example_values, helm_template

SECRET_LIKE = re.compile(r"KEY|PASSWORD|SECRET|TOKEN|DATABASE_URL", re.IGNORECASE)


def workloads(manifests: list[dict]) -> list[dict]:
    return [m for m in manifests if m["kind"] in ("Deployment", "Job")]


def containers(workload: dict) -> list[dict]:
    spec = workload["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def env_of(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container.get("env", [])}


def values_of(chart: str, example: str) -> dict:
    return yaml.safe_load(example_values(chart, example).read_text())


def network_values(chart: str, example: str) -> dict:
    """The chart's networkPolicy values with the example's on top."""
    defaults = yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())["networkPolicy"]
    return {**defaults, **values_of(chart, example).get("networkPolicy", {})}


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_every_container_runs_locked_down(chart, example, rendered):
    for workload in workloads(rendered(chart, example)):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        tmp = next(v for v in pod["volumes"] if v["name"] == "tmp")
        assert "emptyDir" in tmp
        for container in containers(workload):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, workload["metadata"]["name"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert "add" not in context["capabilities"]
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_every_container_has_requests_and_limits(chart, example, rendered):
    for workload in workloads(rendered(chart, example)):
        for container in containers(workload):
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), workload["metadata"]["name"]
            assert "memory" in resources["limits"], workload["metadata"]["name"]


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_every_long_running_process_has_startup_liveness_and_readiness_probes(chart, example, rendered):
    deployments = [m for m in rendered(chart, example) if m["kind"] == "Deployment"]
    assert deployments
    for deployment in deployments:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert probe in container, f"{deployment['metadata']['name']} has no {probe}"
        if container["args"] == ["api"]:
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_no_secret_is_written_into_a_manifest(chart, example, rendered):
    manifests = rendered(chart, example)
    assert not [m for m in manifests if m["kind"] == "ConfigMap"]
    # The one Secret a chart may make is the portal's service token, at random, when none is given.
    made = [m["metadata"]["name"] for m in manifests if m["kind"] == "Secret"]
    given = values_of(chart, example).get("portalServiceToken", {}).get("existingSecret")
    assert made == ([] if chart == "national" or given else [f"{example[:20]}-hub-portal-service-token"])
    for workload in workloads(manifests):
        for container in containers(workload):
            for name, entry in env_of(container).items():
                if name.endswith(("_FILE", "_FILES")):  # names files mounted read-only, from Secrets or ConfigMaps
                    assert entry["value"].startswith("/etc/hubs/"), name
                elif SECRET_LIKE.search(name):
                    assert "value" not in entry, f"{name} is written in clear in {workload['metadata']['name']}"
                    assert "secretKeyRef" in entry["valueFrom"]
            assert "HUBS_AUTH_DEV_ISSUER" not in env_of(container), "the dev issuer is never on in a chart"


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_the_hub_id_is_wired_through_every_process_label_and_topic(chart, example, rendered):
    values = values_of(chart, example)
    hub_id = (values.get("hub") or values.get("national"))["id"]
    manifests = rendered(chart, example)
    for workload in workloads(manifests):
        for container in containers(workload):
            assert env_of(container)["HUBS_HUB_ID"]["value"] == hub_id
    for manifest in manifests:
        assert manifest["metadata"]["labels"]["wellbeing-hubs.nhs.uk/hub-id"] == hub_id, manifest["metadata"]["name"]
    for monitor in (m for m in manifests if m["kind"] == "ServiceMonitor"):
        relabel = {r["targetLabel"]: r["replacement"] for r in monitor["spec"]["endpoints"][0]["relabelings"]}
        assert relabel["hub_id"] == hub_id and relabel["job"] == "hubs"
    prefix = values["kafka"].get("topicPrefix", "")
    for topic in (m for m in manifests if m["kind"] == "KafkaTopic"):
        name = topic["spec"]["topicName"]
        assert name.startswith(prefix + (f"hub.{hub_id}." if chart == "hub" else "national.hub-reports.v1")), name


def test_a_hub_runs_all_five_services_each_with_api_worker_relay_and_migration(rendered):
    manifests = rendered("hub", "north-east-and-north-cumbria")
    services = ["referral", "assessment", "care-coordination", "outreach", "reporting"]
    kinds_per_process = ["Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor"]
    labels = ("app.kubernetes.io/name", "app.kubernetes.io/component")
    present = {(m["kind"], *(m["metadata"]["labels"].get(label) for label in labels)) for m in manifests}
    for service in services:
        for component in ("api", "worker", "relay"):
            for kind in kinds_per_process:
                assert (kind, service, component) in present
        assert ("HorizontalPodAutoscaler", service, "api") in present
        job = next(m for m in manifests if m["kind"] == "Job" and m["metadata"]["name"].endswith(f"-{service}-migrate"))
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    topics = sorted(m["spec"]["topicName"] for m in manifests if m["kind"] == "KafkaTopic")
    assert len(topics) == 10 and "hub.ne-north-cumbria.care.events.v1.dlq" in topics
    assert [m["kind"] for m in manifests].count("PrometheusRule") == 1


def test_only_the_referral_service_gets_the_personal_data_keys(rendered):
    for workload in workloads(rendered("hub", "kent-and-medway")):
        env = env_of(containers(workload)[0])
        holds_keys = "HUBS_PERSONAL_DATA_KEYS" in env
        is_referral = workload["metadata"]["labels"]["app.kubernetes.io/name"] == "referral"
        needs_keys = is_referral and workload["kind"] == "Deployment"
        assert holds_keys == needs_keys, workload["metadata"]["name"]
        if holds_keys:
            assert env["HUBS_PERSONAL_DATA_KEYS"]["valueFrom"]["secretKeyRef"] == {
                "name": "kent-hub-personal-data",
                "key": "fernet-keys",
            }


def test_a_hub_on_a_shared_cluster_prefixes_its_topics_and_pins_images_by_digest(rendered):
    for workload in workloads(rendered("hub", "kent-and-medway")):
        container = containers(workload)[0]
        assert env_of(container)["HUBS_TOPIC_PREFIX"]["value"] == "se."
        assert re.fullmatch(
            r"registry\.kentmedway\.example\.nhs\.uk/wellbeing-hubs/[a-z-]+@sha256:[0-9a-f]{64}", container["image"]
        )


def apis(manifests: list[dict]) -> list[dict]:
    return [w for w in workloads(manifests) if w["metadata"]["labels"].get("app.kubernetes.io/component") == "api"]


def test_apis_behind_an_ingress_believe_a_forwarded_address_from_its_addresses_only(rendered):
    for example, proxies in (("kent-and-medway", "10.42.0.0/16"), ("north-east-and-north-cumbria", "")):
        assert apis(rendered("hub", example))
        for workload in apis(rendered("hub", example)):
            env = env_of(containers(workload)[0])
            assert env["HUBS_TRUSTED_PROXIES"]["value"] == proxies
            assert "HUBS_TRUSTED_PROXY_HOPS" not in env  # believed whoever sent the header


def test_a_proxy_that_is_no_address_is_refused():
    done = helm_template(
        "hub", example_values("hub", "kent-and-medway"), "--set", "trustedProxies={ingress-nginx}", check=False
    )
    assert done.returncode != 0 and "/trustedProxies/0" in done.stderr


@pytest.mark.parametrize(
    ("example", "secret"),
    [
        ("kent-and-medway", "kent-hub-portal-service-token"),
        ("north-east-and-north-cumbria", "north-east-and-north-hub-portal-service-token"),
    ],
)  # fmt: skip
def test_only_the_referral_api_reads_the_portals_service_token(rendered, example, secret):
    manifests = rendered("hub", example)
    for workload in workloads(manifests):
        pod = workload["spec"]["template"]["spec"]
        env = env_of(containers(workload)[0])
        labels = workload["metadata"]["labels"]
        reads = labels["app.kubernetes.io/name"] == "referral" and labels["app.kubernetes.io/component"] == "api"
        assert ("HUBS_PORTAL_SERVICE_TOKEN_FILE" in env) == reads, workload["metadata"]["name"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert ("portal-service-token" in volumes) == reads
        if reads:
            assert env["HUBS_PORTAL_SERVICE_TOKEN_FILE"]["value"] == "/etc/hubs/portal-service-token/token"
            assert volumes["portal-service-token"]["secret"]["secretName"] == secret
            assert volumes["portal-service-token"]["secret"]["items"] == [
                {"key": "portal-service-token", "path": "token"}
            ]
            mount = next(m for m in containers(workload)[0]["volumeMounts"] if m["name"] == "portal-service-token")
            assert mount == {
                "name": "portal-service-token",
                "mountPath": "/etc/hubs/portal-service-token",
                "readOnly": True,
            }


def test_a_made_service_token_is_random_and_kept_on_uninstall():
    values = example_values("hub", "north-east-and-north-cumbria")
    tokens = []
    for _ in range(2):
        text = helm_template("hub", values, "--show-only", "templates/secrets.yaml").stdout
        secret = yaml.safe_load(text)
        assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
        tokens.append(secret["data"]["portal-service-token"])
    assert tokens[0] != tokens[1] and len(tokens[0]) >= 64


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_every_process_serves_metrics_on_port_9090_and_prometheus_scrapes_only_that(chart, example, rendered):
    manifests = rendered(chart, example)
    for deployment in (m for m in manifests if m["kind"] == "Deployment"):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["metrics"] == 9090
        assert ports == ({"http": 8080, "metrics": 9090} if container["args"] == ["api"] else {"metrics": 9090})
        assert env_of(container)["HUBS_METRICS_PORT"]["value"] == "9090"
    for service in (m for m in manifests if m["kind"] == "Service"):
        assert {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"} in service["spec"]["ports"]
    monitors = [m for m in manifests if m["kind"] == "ServiceMonitor"]
    assert monitors
    for monitor in monitors:
        assert [e["port"] for e in monitor["spec"]["endpoints"]] == ["metrics"]


def test_the_national_service_runs_in_national_mode_without_a_relay(rendered):
    manifests = rendered("national", "national")
    deployments = [m["metadata"]["name"] for m in manifests if m["kind"] == "Deployment"]
    assert sorted(deployments) == ["national-reporting-api", "national-reporting-worker"]
    for workload in workloads(manifests):
        env = env_of(containers(workload)[0])
        assert env["HUBS_REPORTING_MODE"]["value"] == "national"
        assert env["DATABASE_SCHEMA"]["value"] == "national_reporting"
        assert "HUBS_PERSONAL_DATA_KEYS" not in env
    topics = sorted(m["spec"]["topicName"] for m in manifests if m["kind"] == "KafkaTopic")
    assert topics == ["national.hub-reports.v1", "national.hub-reports.v1.dlq"]


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_network_policies_deny_by_default_and_open_only_what_each_process_needs(chart, example, rendered):
    policies = [m for m in rendered(chart, example) if m["kind"] == "NetworkPolicy"]
    deny = [p for p in policies if p["metadata"]["name"].endswith("-default-deny")]
    assert len(deny) == 1 and "ingress" not in deny[0]["spec"] and "egress" not in deny[0]["spec"]
    assert deny[0]["spec"]["policyTypes"] == ["Ingress", "Egress"]
    for policy in policies:
        spec = policy["spec"]
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        component = spec["podSelector"]["matchLabels"].get("app.kubernetes.io/component")
        ingress_ports = {p["port"] for rule in spec.get("ingress", []) for p in rule["ports"]}
        # The metrics port is open to Prometheus' peers alone; the API's callers reach 8080 only.
        peers = network_values(chart, example)
        for rule in spec.get("ingress", []):
            opened = {p["port"] for p in rule["ports"]}
            assert opened in ({8080}, {9090}), policy["metadata"]["name"]
            assert rule["from"] == peers["apiFrom" if opened == {8080} else "metricsFrom"], policy["metadata"]["name"]
        egress_ports = {p["port"] for rule in spec.get("egress", []) for p in rule["ports"]}
        if component == "migrate":
            assert spec["ingress"] == [] and egress_ports == {53, 5432}
        elif component == "api":
            assert ingress_ports == {8080, 9090} and {53, 5432, 9092} <= egress_ports
        elif component in ("worker", "relay"):
            assert ingress_ports == {9090} and 443 not in egress_ports and {53, 5432, 9092} <= egress_ports


@pytest.mark.parametrize("chart", ["hub", "national"])
def test_the_chart_ships_the_same_alert_rules_prometheus_is_tested_with(chart):
    shipped = (ROOT / "charts" / chart / "files" / "hubs.rules.yml").read_text()
    assert shipped == (ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text()


def test_prometheus_rule_resource_carries_every_rule(rendered):
    rule = next(m for m in rendered("hub", "north-east-and-north-cumbria") if m["kind"] == "PrometheusRule")
    source = yaml.safe_load((ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text())
    assert rule["spec"]["groups"] == source["groups"]
