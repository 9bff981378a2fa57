"""Properties every rendered manifest must have: locked-down containers with probes and resources,
secrets only by reference, the hub id wired through, a full set of resources per process,
network policies that deny by default and metrics on a port only Prometheus reaches."""

from __future__ import annotations

import re

import pytest
import yaml
from deploy_checks import EXAMPLES, KUBE_VERSION, ROOT, example_values, helm_template, run, service_list

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
        else:  # a worker or relay is alive while its loops make progress, answered on its metrics port
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_no_secret_is_written_into_a_manifest(chart, example, rendered):
    manifests = rendered(chart, example)
    # The one ConfigMap a chart may make is the national hub registry: hubs' public keys, no secret.
    for config in (m for m in manifests if m["kind"] == "ConfigMap"):
        assert chart == "national" and config["metadata"]["name"].endswith("-hub-registry")
        assert "PRIVATE" not in str(config["data"])
    # The one Secret a chart may make is the portal's service token, at random, when none is given.
    made = [m["metadata"]["name"] for m in manifests if m["kind"] == "Secret"]
    given = values_of(chart, example).get("portalServiceToken", {}).get("existingSecret")
    assert made == ([] if chart == "national" or given else [f"{example[:20]}-hub-portal-service-token"])
    for workload in workloads(manifests):
        for container in containers(workload):
            for name, entry in env_of(container).items():
                if name.endswith("_KEY_ID"):  # names a key, like a certificate's subject: no secret
                    continue
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
    services = [s.name for s in service_list().services]
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
    expected = [f"hub.ne-north-cumbria.{s.topic}.events.v1{d}" for s in service_list().services for d in ("", ".dlq")]
    assert topics == sorted(expected) and "hub.ne-north-cumbria.care.events.v1.dlq" in topics
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
    digests = {}
    for workload in workloads(rendered("hub", "kent-and-medway")):
        container = containers(workload)[0]
        if not is_portal(workload):  # the portal reads no topics
            assert env_of(container)["HUBS_TOPIC_PREFIX"]["value"] == "se."
        image = re.fullmatch(
            r"registry\.kentmedway\.example\.nhs\.uk/wellbeing-hubs/([a-z-]+)@(sha256:[0-9a-f]{64})", container["image"]
        )
        assert image, container["image"]
        assert digests.setdefault(image.group(1), image.group(2)) == image.group(2)  # one digest an image
    # Each image is pinned by its own digest: one digest for all of them could not be true.
    assert len(set(digests.values())) == len(digests) == 6


def test_each_service_takes_its_own_repository_and_the_shared_tag_otherwise():
    values = example_values("hub", "north-east-and-north-cumbria")
    done = helm_template("hub", values, "--set", "services.reporting.image.repository=mirror.example/hubs-reporting",
                         "--set", "services.reporting.image.tag=0.1.1")  # fmt: skip
    images = {
        w["metadata"]["name"]: containers(w)[0]["image"]
        for w in yaml.safe_load_all(done.stdout)
        if w and w["kind"] in ("Deployment", "Job")
    }
    assert images["north-east-and-north-hub-reporting-api"] == "mirror.example/hubs-reporting:0.1.1"
    assert images["north-east-and-north-hub-referral-api"] == "ghcr.io/wellbeing-hubs/referral:0.1.0"


def test_extra_environment_volumes_and_mounts_reach_every_process_and_the_named_ones_only_theirs(rendered):
    manifests = rendered("hub", "kent-and-medway")
    assert workloads(manifests)
    for workload in workloads(manifests):
        container = containers(workload)[0]
        env = env_of(container)
        assert env["HUBS_BANK_HOLIDAYS"]["valueFrom"] == {
            "configMapKeyRef": {"name": "kent-bank-holidays", "key": "dates"}
        }
        assert {"name": "trust-ca", "mountPath": "/etc/hubs/trust-ca", "readOnly": True} in container["volumeMounts"]
        assert {"name": "trust-ca", "configMap": {"name": "kent-trust-ca"}} in workload["spec"]["template"]["spec"][
            "volumes"
        ]
        proxied = workload["metadata"]["name"] == "kent-and-medway-hub-referral-api"
        assert ("HTTPS_PROXY" in env) == proxied, workload["metadata"]["name"]


def is_portal(workload: dict) -> bool:
    return workload["metadata"]["labels"].get("app.kubernetes.io/name") == "portal"


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
def test_only_the_referral_api_and_the_portal_read_the_portals_service_token(rendered, example, secret):
    manifests = rendered("hub", example)
    for workload in workloads(manifests):
        pod = workload["spec"]["template"]["spec"]
        env = env_of(containers(workload)[0])
        labels = workload["metadata"]["labels"]
        # The referral API checks the token; the portal shows it.
        reads = labels["app.kubernetes.io/component"] == "api" and labels["app.kubernetes.io/name"] == "referral"
        reads = reads or is_portal(workload)
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
        serves_an_api = container["args"] in (["api"], ["all"])  # `all`: the api, worker and relay of profile compact
        assert ports == ({"http": 8080, "metrics": 9090} if serves_an_api else {"metrics": 9090})
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
        portal = [{"podSelector": {"matchLabels": {**selector_of(policy), "app.kubernetes.io/name": "portal",
                                                   "app.kubernetes.io/component": "web"}}}]  # fmt: skip
        for rule in spec.get("ingress", []):
            opened = {p["port"] for p in rule["ports"]}
            assert opened in ({8080}, {9090}), policy["metadata"]["name"]
            if component in ("api", "all") and rule["from"] == portal:
                continue  # the hub's own portal calls its APIs
            assert rule["from"] == peers["apiFrom" if opened == {8080} else "metricsFrom"], policy["metadata"]["name"]
        if chart == "hub" and component in ("api", "all"):
            assert {"from": portal, "ports": [{"port": 8080, "protocol": "TCP"}]} in spec["ingress"]
        egress_ports = {p["port"] for rule in spec.get("egress", []) for p in rule["ports"]}
        if component == "migrate":
            assert spec["ingress"] == [] and egress_ports == {53, 5432}
        elif component in ("api", "all"):
            assert ingress_ports == {8080, 9090} and {53, 5432, 9092} <= egress_ports
        elif component in ("worker", "relay"):
            assert ingress_ports == {9090} and 443 not in egress_ports and {53, 5432, 9092} <= egress_ports
        elif component == "web":  # the portal: no database, no Kafka; the hub's APIs, sign-in and national
            assert ingress_ports == {8080, 9090} and egress_ports == {53, 8080, 443}


def selector_of(policy: dict) -> dict:
    """The release's own labels (instance and hub) from a policy's pod selector."""
    labels = policy["spec"]["podSelector"]["matchLabels"]
    return {k: labels[k] for k in ("app.kubernetes.io/instance", "wellbeing-hubs.nhs.uk/hub-id")}


@pytest.mark.parametrize("chart", ["hub", "national"])
def test_the_chart_ships_the_same_alert_rules_prometheus_is_tested_with(chart):
    shipped = (ROOT / "charts" / chart / "files" / "hubs.rules.yml").read_text()
    assert shipped == (ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text()


def test_prometheus_rule_resource_carries_every_rule(rendered):
    rule = next(m for m in rendered("hub", "north-east-and-north-cumbria") if m["kind"] == "PrometheusRule")
    source = yaml.safe_load((ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text())
    assert rule["spec"]["groups"] == source["groups"]


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_the_service_account_exists_before_the_migration_jobs_that_run_as_it(chart, example, rendered):
    manifests = rendered(chart, example)
    (account,) = [m for m in manifests if m["kind"] == "ServiceAccount"]
    jobs = [m for m in manifests if m["kind"] == "Job"]
    assert jobs
    hooks = account["metadata"]["annotations"]
    # Hooks run before every other resource of a release: the account must be one, and the first.
    assert set(hooks["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    for job in jobs:
        assert job["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]
        assert int(hooks["helm.sh/hook-weight"]) < int(job["metadata"]["annotations"]["helm.sh/hook-weight"])


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_without_a_service_account_of_its_own_every_pod_runs_as_default(chart, example):
    done = helm_template(chart, example_values(chart, example), "--set", "serviceAccount.create=false")
    manifests = [m for m in yaml.safe_load_all(done.stdout) if m]
    assert not [m for m in manifests if m["kind"] == "ServiceAccount"]
    pods = [m["spec"]["template"]["spec"] for m in manifests if m["kind"] in ("Deployment", "Job")]
    assert pods and {p["serviceAccountName"] for p in pods} == {"default"}


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_topics_and_their_events_outlive_an_uninstall(chart, example, rendered):
    topics = [m for m in rendered(chart, example) if m["kind"] == "KafkaTopic"]
    for topic in topics:
        assert topic["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_monitoring_resources_are_made_only_where_the_prometheus_operator_is_installed(chart, example):
    helm = ROOT / ".tools" / "bin" / "helm"
    bare = run(helm, "template", "r", ROOT / "charts" / chart, "-f", example_values(chart, example),
               "--kube-version", KUBE_VERSION)  # fmt: skip
    kinds = {m["kind"] for m in yaml.safe_load_all(bare.stdout) if m}
    assert "Deployment" in kinds and not kinds & {"ServiceMonitor", "PrometheusRule"}


def test_only_the_hubs_reporting_relay_holds_its_report_signing_key(rendered):
    for workload in workloads(rendered("hub", "north-east-and-north-cumbria")):
        env = env_of(containers(workload)[0])
        signs = workload["metadata"]["name"].endswith("-reporting-relay")
        assert ("HUBS_REPORT_SIGNING_KEY_FILE" in env) == signs, workload["metadata"]["name"]
        volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"]["volumes"]}
        assert ("report-signing" in volumes) == signs
        if signs:
            assert env["HUBS_REPORT_SIGNING_KEY_ID"]["value"] == "ne-north-cumbria-2026"
            assert volumes["report-signing"]["secret"]["secretName"] == "nenc-hub-report-signing"
            mount = next(m for m in containers(workload)[0]["volumeMounts"] if m["name"] == "report-signing")
            assert env["HUBS_REPORT_SIGNING_KEY_FILE"]["value"] == mount["mountPath"] + "/key.pem"


def test_the_national_worker_reads_the_hub_registry_the_chart_makes_and_restarts_when_it_changes(rendered):
    from hubs.reporting.adapters.signing import HubRegistry

    manifests = rendered("national", "national")
    (registry,) = [m for m in manifests if m["kind"] == "ConfigMap"]
    # The registry the chart writes is one the national service loads.
    loaded = HubRegistry.parse(yaml.safe_load(registry["data"]["national-hubs.yaml"]))
    assert sorted(loaded.hubs) == ["kent-and-medway", "ne-north-cumbria"]
    (worker,) = [w for w in workloads(manifests) if w["metadata"]["name"].endswith("-worker")]
    env = env_of(containers(worker)[0])
    assert env["HUBS_NATIONAL_HUB_REGISTRY_FILE"]["value"] == "/etc/hubs/hub-registry/national-hubs.yaml"
    volumes = {v["name"]: v for v in worker["spec"]["template"]["spec"]["volumes"]}
    assert volumes["hub-registry"]["configMap"]["name"] == registry["metadata"]["name"]
    checksum = worker["spec"]["template"]["metadata"]["annotations"]["wellbeing-hubs.nhs.uk/hub-registry-checksum"]
    changed = helm_template("national", example_values("national", "national"),
                            "--set", "hubRegistry.hubs[0].name=Renamed").stdout  # fmt: skip
    (worker,) = [
        w for w in yaml.safe_load_all(changed) if w and w["kind"] == "Deployment" and "worker" in w["metadata"]["name"]
    ]
    assert (
        worker["spec"]["template"]["metadata"]["annotations"]["wellbeing-hubs.nhs.uk/hub-registry-checksum"] != checksum
    )


def test_workers_and_relays_reach_each_kafka_as_their_own_user_from_mounted_secrets(rendered):
    manifests = rendered("hub", "north-east-and-north-cumbria")
    for workload in workloads(manifests):
        name = workload["metadata"]["name"]
        container = containers(workload)[0]
        env = env_of(container)
        component = workload["metadata"]["labels"]["app.kubernetes.io/component"]
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        if component in ("worker", "relay"):
            assert env["HUBS_KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL", name
            assert env["HUBS_KAFKA_SASL_USERNAME"]["value"] == "nenc-hub"
            assert env["HUBS_KAFKA_SASL_PASSWORD_FILE"]["value"] == "/etc/hubs/kafka/user/password"
            assert {"/etc/hubs/kafka/ca", "/etc/hubs/kafka/user"} <= mounts
        else:  # APIs, the portal and migrations make no Kafka client
            assert not [k for k in env if "KAFKA_S" in k], name
        national = name.endswith(("-reporting-relay", "-reporting-worker"))
        assert ("HUBS_NATIONAL_KAFKA_SECURITY_PROTOCOL" in env) == national, name
        if national:
            assert env["HUBS_NATIONAL_KAFKA_SASL_USERNAME"]["value"] == "hub-ne-north-cumbria"
            assert env["HUBS_NATIONAL_KAFKA_SASL_PASSWORD_FILE"]["value"] == "/etc/hubs/national-kafka/user/password"
            assert "/etc/hubs/national-kafka/user" in mounts
            assert "HUBS_NATIONAL_TOPIC_PREFIX" not in env  # the hub's own prefix is never the national topic's
    policies = {p["metadata"]["name"]: p for p in manifests if p["kind"] == "NetworkPolicy"}
    national_peer = {"to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}], "ports": [{"port": 9093, "protocol": "TCP"}]}
    for name, policy in policies.items():
        reaches = national_peer in policy["spec"].get("egress", [])
        assert reaches == name.endswith(("-reporting-relay", "-reporting-worker")), name


def test_the_hubs_kafka_user_is_allowed_its_own_topics_and_groups_only(rendered):
    (user,) = [m for m in rendered("hub", "north-east-and-north-cumbria") if m["kind"] == "KafkaUser"]
    assert user["metadata"]["name"] == "nenc-hub"
    assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
    resources = [(a["resource"]["type"], a["resource"]["name"], a["resource"]["patternType"])
                 for a in user["spec"]["authorization"]["acls"]]  # fmt: skip
    assert resources == [("topic", "hub.ne-north-cumbria.", "prefix"), ("group", "ne-north-cumbria.", "prefix")]


def test_secure_kafka_without_its_secrets_is_refused_with_the_setting_named():
    done = helm_template("hub", example_values("hub", "north-east-and-north-cumbria"),
                         "--set", "kafka.security.userSecret=", check=False)  # fmt: skip
    assert done.returncode != 0
    assert "kafka.security.username and kafka.security.userSecret must be set with SASL_SSL" in done.stderr


def test_the_national_worker_reads_the_national_kafka_as_its_own_user(rendered):
    manifests = rendered("national", "national")
    for workload in workloads(manifests):
        env = env_of(containers(workload)[0])
        worker = workload["metadata"]["name"].endswith("-worker")
        assert ("HUBS_KAFKA_SECURITY_PROTOCOL" in env) == worker
        if worker:
            assert env["HUBS_KAFKA_SASL_USERNAME"]["value"] == "national-reporting"
            assert env["HUBS_KAFKA_SSL_CA_FILE"]["value"] == "/etc/hubs/kafka/ca/ca.crt"


def test_only_the_referral_worker_sends_duty_notices_with_its_smtp_password_from_a_secret(rendered):
    for workload in workloads(rendered("hub", "north-east-and-north-cumbria")):
        name = workload["metadata"]["name"]
        container = containers(workload)[0]
        env = env_of(container)
        if not is_portal(workload):  # every service counts working hours within the same opening hours
            assert env["HUBS_OPENING_HOURS"]["value"] == "Mon-Fri 08:00-18:00", name
        sends = name.endswith("-referral-worker")
        assert ("HUBS_DUTY_EMAIL" in env) == sends, name
        if sends:
            assert env["HUBS_PORTAL_URL"]["value"] == "https://wellbeing.nenc.example.nhs.uk"
            assert env["HUBS_SMTP_PASSWORD_FILE"]["value"] == "/etc/hubs/duty/smtp/password"
            volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"]["volumes"]}
            assert volumes["duty-smtp"]["secret"]["secretName"] == "nenc-hub-duty-smtp"


def test_a_duty_inbox_without_a_way_to_send_is_refused():
    done = helm_template("hub", example_values("hub", "north-east-and-north-cumbria"),
                         "--set", "dutyNotices.smtp.host=", check=False)  # fmt: skip
    assert done.returncode != 0 and "dutyNotices.email needs a way to send" in done.stderr
