"""The charts as an SRE meets them: `helm install` on a real control plane (API server admission,
controllers, scheduler; kwok's node runs no containers), then upgrade, rollback and uninstall."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
import yaml
from kube import ROOT, Cluster

from hubs.runtime.testing import eventually

HUB_EXAMPLES = ["north-east-and-north-cumbria", "kent-and-medway"]
FERNET = "hGo9J8y2uV1c3sTq5m3a0d1Y0kq1oQm6N7Q0yQ3v6xY="  # a well-formed key; nothing is sealed here
DATABASE_KEYS = ("referral", "assessment", "care-coordination", "outreach", "reporting")


def example(chart: str, name: str) -> dict:
    return yaml.safe_load((ROOT / "charts" / chart / "examples" / f"{name}.yaml").read_text())


def hub_prerequisites(cluster: Cluster, namespace: str, values: dict) -> None:
    """What the example's comments say exists before the install: Secrets, ConfigMaps."""
    personal = values["personalData"]
    secrets = {
        values["database"]["existingSecret"]: {
            f"{k}-database-url": f"postgresql+psycopg://hubs@db:5432/{k}" for k in DATABASE_KEYS
        },
        personal["existingSecret"]: {
            personal.get("keysKey", "personal-data-keys"): FERNET,
            "clinical-notes-keys": FERNET,
            "survey-participation-key": "s" * 40,
        },
        values["portal"]["existingSecret"]: {"portal-secret-key": "k" * 64, "portal-oidc-client-secret": "c" * 32},
    }
    secrets[values["reportSigning"]["existingSecret"]] = {"report-signing-key.pem": "-"}
    if values.get("dutyNotices", {}).get("smtp", {}).get("existingSecret"):
        secrets[values["dutyNotices"]["smtp"]["existingSecret"]] = {"smtp-password": "-"}
    for security in (values["kafka"].get("security", {}), values["kafka"].get("national", {}).get("security", {})):
        if security.get("caSecret"):
            secrets[security["caSecret"]] = {"ca.crt": "-"}
        if security.get("userSecret"):
            secrets[security["userSecret"]] = {"password": "p" * 32}
    if values.get("portalServiceToken", {}).get("existingSecret"):
        secrets[values["portalServiceToken"]["existingSecret"]] = {"portal-service-token": "t" * 64}
    documents = [
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "stringData": data}
        for name, data in secrets.items()
    ]
    config_maps = {
        "kent-issuer-keys": {"current.pem": "-", "next.pem": "-"},
        "kent-bank-holidays": {"dates": "2026-12-25,2026-12-28"},
        "kent-trust-ca": {"ca-bundle.pem": "-"},
    }
    documents += [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
        for name, data in config_maps.items()
    ]
    cluster.apply(*documents, namespace=namespace)


def install(cluster: Cluster, namespace: str, release: str, chart: str, values: str, *extra: str):
    return cluster.helm(
        "install", release, str(ROOT / "charts" / chart), "-n", namespace, "-f", values,
        "--wait", "--wait-for-jobs", "--timeout", "5m", *extra, timeout=400,
    )  # fmt: skip


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_every_process_runs_and_every_service_selects_it(cluster: Cluster, namespace: str, release: str) -> None:
    deployments = cluster.get("deployments", namespace, selector=f"app.kubernetes.io/instance={release}")
    assert deployments
    for deployment in deployments:
        status = deployment["status"]
        wanted = deployment["spec"]["replicas"]
        assert status.get("readyReplicas") == wanted == status.get("updatedReplicas"), deployment["metadata"]["name"]
    services = cluster.get("services", namespace, selector=f"app.kubernetes.io/instance={release}")
    assert len(services) == len(deployments)
    slices = cluster.get("endpointslices", namespace)
    for service in services:
        name = service["metadata"]["name"]
        ready = [
            e
            for s in slices
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == name
            for e in s.get("endpoints") or []
            if e["conditions"].get("ready")
        ]
        assert ready, f"service {name} selects no ready pod"


def wait_until_every_process_runs_and_every_service_selects_it(cluster: Cluster, namespace: str, release: str) -> None:
    """`helm --wait` ends once the new pods are ready; the Deployments' status, old pods going and
    the Services' endpoints follow a moment later (the controllers are asynchronous, slower on a
    busy machine): wait for them, then assert, so that a failure names what is not running."""

    def settled() -> bool:
        # Twice a second apart: a rollout's Deployment status has been seen to read all ready a
        # moment before its last old pod went and a new one was counted again.
        check = assert_every_process_runs_and_every_service_selects_it
        if not _holds(check, cluster, namespace, release):
            return False
        time.sleep(1.0)
        return _holds(check, cluster, namespace, release)

    try:
        eventually(settled, timeout=120)
    except AssertionError:
        assert_every_process_runs_and_every_service_selects_it(cluster, namespace, release)  # names what is not
        raise


def events_of(cluster: Cluster, namespace: str) -> list[dict]:
    return cluster.get("events", namespace)


@pytest.mark.parametrize("name", HUB_EXAMPLES)
def test_a_hub_installs_with_its_example_and_migrates_before_its_processes_start(cluster, namespace, name):
    values = example("hub", name)
    hub_prerequisites(cluster, namespace, values)
    release = "hub"
    install(cluster, namespace, release, "hub", str(ROOT / "charts" / "hub" / "examples" / f"{name}.yaml"))

    wait_until_every_process_runs_and_every_service_selects_it(cluster, namespace, release)
    # The migration Jobs (hooks, deleted once they succeed) completed, one per service, before any
    # Deployment of the release existed.
    completed = {
        e["involvedObject"]["name"]: stamp(e.get("lastTimestamp") or e["eventTime"])
        for e in events_of(cluster, namespace)
        if e["involvedObject"]["kind"] == "Job" and e["reason"] == "Completed"
    }
    assert sorted(completed) == sorted(f"{release}-{s}-migrate" for s in DATABASE_KEYS)
    deployments = cluster.get("deployments", namespace, selector=f"app.kubernetes.io/instance={release}")
    first_process = min(stamp(d["metadata"]["creationTimestamp"]) for d in deployments)
    assert max(completed.values()) <= first_process
    # Every pod runs as the chart's service account, which has no API token.
    pods = cluster.get("pods", namespace, selector=f"app.kubernetes.io/instance={release}")
    assert {p["spec"]["serviceAccountName"] for p in pods} == {"hub"}
    assert all(p["spec"]["automountServiceAccountToken"] is False for p in pods)

    # Autoscalers, disruption budgets, network policies and the monitoring resources were admitted.
    kinds = {
        "horizontalpodautoscalers": True,
        "poddisruptionbudgets": True,
        "networkpolicies": True,
        "servicemonitors": True,
        "prometheusrules": values.get("metrics", {}).get("prometheusRule", {}).get("enabled", True),
    }
    for kind, expected in kinds.items():
        found = cluster.get(kind, namespace, selector=f"app.kubernetes.io/instance={release}")
        assert bool(found) == expected, kind
    hpas = cluster.get("horizontalpodautoscalers", namespace)
    assert all(h["spec"]["scaleTargetRef"]["name"] in {d["metadata"]["name"] for d in deployments} for h in hpas)


def test_an_upgrade_rolls_the_pods_a_rollback_restores_them_and_an_uninstall_keeps_the_event_store(cluster, namespace):
    name = "north-east-and-north-cumbria"
    values = example("hub", name)
    hub_prerequisites(cluster, namespace, values)
    release = "nenc"
    path = str(ROOT / "charts" / "hub" / "examples" / f"{name}.yaml")
    install(cluster, namespace, release, "hub", path)

    def log_levels() -> set[str]:
        pods = cluster.get("pods", namespace, selector=f"app.kubernetes.io/instance={release}")
        live = [p for p in pods if "deletionTimestamp" not in p["metadata"]]
        running = [p for p in live if p["status"].get("phase") == "Running"]
        envs = [env for p in running for env in p["spec"]["containers"][0]["env"]]
        return {env["value"] for env in envs if env["name"] == "HUBS_LOG_LEVEL"}

    assert log_levels() == {"INFO"}
    cluster.helm("upgrade", release, str(ROOT / "charts" / "hub"), "-n", namespace, "-f", path,
                 "--set", "logLevel=DEBUG", "--wait", "--wait-for-jobs", "--timeout", "5m", timeout=400)  # fmt: skip
    wait_until_every_process_runs_and_every_service_selects_it(cluster, namespace, release)
    eventually(lambda: log_levels() == {"DEBUG"}, timeout=60)

    cluster.helm("rollback", release, "1", "-n", namespace, "--wait", "--timeout", "5m", timeout=400)
    eventually(lambda: log_levels() == {"INFO"}, timeout=60)
    history = json.loads(cluster.helm("history", release, "-n", namespace, "-o", "json").stdout)
    assert [h["revision"] for h in history] == [1, 2, 3] and history[-1]["status"] == "deployed"

    topics = {t["spec"]["topicName"] for t in cluster.get("kafkatopics", namespace)}
    assert "hub.ne-north-cumbria.referral.events.v1" in topics
    cluster.helm("uninstall", release, "-n", namespace, "--wait", "--timeout", "2m")
    assert not cluster.get("deployments", namespace, selector=f"app.kubernetes.io/instance={release}")
    # The topics are the hub's event store, and the portal's token its portal's: both stay.
    assert {t["spec"]["topicName"] for t in cluster.get("kafkatopics", namespace)} == topics
    assert cluster.get("secrets", namespace, f"{release}-hub-portal-service-token")


def test_without_a_service_account_of_its_own_the_hub_runs_as_the_namespaces_default(cluster, namespace):
    name = "north-east-and-north-cumbria"
    values = example("hub", name)
    hub_prerequisites(cluster, namespace, values)
    path = str(ROOT / "charts" / "hub" / "examples" / f"{name}.yaml")
    install(cluster, namespace, "plain", "hub", path, "--set", "serviceAccount.create=false",
            "--set", "kafka.topics.create=false")  # fmt: skip
    pods = cluster.get("pods", namespace, selector="app.kubernetes.io/instance=plain")
    assert pods and {p["spec"]["serviceAccountName"] for p in pods} == {"default"}
    assert not cluster.get("serviceaccounts", namespace, selector="app.kubernetes.io/instance=plain")


def test_the_national_service_installs_and_serves(cluster, namespace):
    values = example("national", "national")
    security = values["kafka"]["security"]
    cluster.apply(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": values["database"]["existingSecret"]},
         "stringData": {"reporting-database-url": "postgresql+psycopg://hubs@db/national"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": security["caSecret"]},
         "stringData": {"ca.crt": "-"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": security["userSecret"]},
         "stringData": {"password": "p" * 32}},
        namespace=namespace,
    )  # fmt: skip
    path = ROOT / "charts" / "national" / "examples" / "national.yaml"
    install(cluster, namespace, "national", "national", str(path))
    wait_until_every_process_runs_and_every_service_selects_it(cluster, namespace, "national")
    topics = {t["spec"]["topicName"] for t in cluster.get("kafkatopics", namespace)}
    assert "national.hub-reports.v1" in topics


def _holds(check, *args) -> bool:
    """Whether an assertion helper passes now (for waiting until it does)."""
    try:
        check(*args)
    except AssertionError:
        return False
    return True


def services_select_ready_pods_of(cluster: Cluster, namespace: str, release: str, component: str) -> None:
    """Each service's API Service selects ready pods, and only those of its `component` Deployment."""
    slices = cluster.get("endpointslices", namespace)
    for service in DATABASE_KEYS:
        name = f"{release}-hub-{service}-api"
        (found,) = cluster.get("services", namespace, name)
        assert found["spec"]["selector"]["app.kubernetes.io/component"] == component, name
        endpoints = [
            e
            for s in slices
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == name
            for e in s.get("endpoints") or []
        ]
        assert endpoints and all(e["conditions"].get("ready") for e in endpoints), name
        pods = {e["targetRef"]["name"] for e in endpoints}
        assert all(p.startswith(f"{release}-hub-{service}-{component}-") for p in pods), (name, pods)


def test_a_compact_hub_installs_and_each_service_runs_as_one_ready_pod(cluster, namespace):
    values = example("hub", "compact")
    hub_prerequisites(cluster, namespace, values)
    release = "small"
    install(cluster, namespace, release, "hub", str(ROOT / "charts" / "hub" / "examples" / "compact.yaml"))

    wait_until_every_process_runs_and_every_service_selects_it(cluster, namespace, release)
    deployments = cluster.get("deployments", namespace, selector=f"app.kubernetes.io/instance={release}")
    hub = [d for d in deployments if d["metadata"]["labels"]["app.kubernetes.io/name"] != "portal"]
    assert sorted(d["metadata"]["name"] for d in hub) == sorted(f"{release}-hub-{s}-all" for s in DATABASE_KEYS)
    for deployment in hub:
        assert deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"]["type"] == "Recreate"
        assert deployment["status"].get("availableReplicas") == 1, deployment["metadata"]["name"]
    pods = cluster.get("pods", namespace, selector="app.kubernetes.io/component=all")
    assert len(pods) == len(DATABASE_KEYS) and {p["status"]["phase"] for p in pods} == {"Running"}
    assert {tuple(p["spec"]["containers"][0]["args"]) for p in pods} == {("all",)}
    services_select_ready_pods_of(cluster, namespace, release, "all")
    # Disruption budgets, network policies and monitors were admitted; no autoscaler.
    compact = f"app.kubernetes.io/instance={release},app.kubernetes.io/component=all"
    for kind in ("poddisruptionbudgets", "networkpolicies", "servicemonitors"):
        assert len(cluster.get(kind, namespace, selector=compact)) == len(DATABASE_KEYS), kind
    assert not cluster.get("horizontalpodautoscalers", namespace)


def test_an_upgrade_from_scaled_to_compact_and_back_keeps_every_service_selecting_ready_pods(cluster, namespace):
    name = "north-east-and-north-cumbria"
    hub_prerequisites(cluster, namespace, example("hub", name))
    release = "nenc"
    path = str(ROOT / "charts" / "hub" / "examples" / f"{name}.yaml")
    install(cluster, namespace, release, "hub", path)
    services_select_ready_pods_of(cluster, namespace, release, "api")

    def upgrade(profile: str) -> None:
        cluster.helm("upgrade", release, str(ROOT / "charts" / "hub"), "-n", namespace, "-f", path,
                     "--set", f"profile={profile}", "--wait", "--wait-for-jobs", "--timeout", "5m",
                     timeout=400)  # fmt: skip
        wait_until_every_process_runs_and_every_service_selects_it(cluster, namespace, release)

    upgrade("compact")
    eventually(lambda: _holds(services_select_ready_pods_of, cluster, namespace, release, "all"), timeout=120)
    services_select_ready_pods_of(cluster, namespace, release, "all")
    assert not cluster.get("horizontalpodautoscalers", namespace)

    upgrade("scaled")
    eventually(lambda: _holds(services_select_ready_pods_of, cluster, namespace, release, "api"), timeout=120)
    services_select_ready_pods_of(cluster, namespace, release, "api")
    assert not cluster.get("deployments", namespace, selector="app.kubernetes.io/component=all")
    assert len(cluster.get("horizontalpodautoscalers", namespace)) == len(DATABASE_KEYS)
