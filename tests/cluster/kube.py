"""kubectl and helm against a real control plane, and the custom resource definitions a hub's
cluster has (the Prometheus Operator's, Strimzi's KafkaTopic and KafkaUser)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
BUILD_HINT = "run `make deploy-tools` (bash infra/kubernetes/build.sh) to build the control plane into .tools/"


@dataclass
class Cluster:
    """kubectl and helm against one cluster."""

    kubeconfig: str

    def run(self, tool: str, *args: str, check: bool = True, timeout: float = 300, stdin: str | None = None):
        done = subprocess.run(
            [str(TOOLS / "bin" / tool), "--kubeconfig", self.kubeconfig, *args],
            capture_output=True, text=True, timeout=timeout, input=stdin,
        )  # fmt: skip
        if check and done.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def kubectl(self, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        return self.run("kubectl", *args, **kwargs)

    def helm(self, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        return self.run("helm", *args, **kwargs)

    def apply(self, *documents: dict, namespace: str | None = None) -> None:
        where = ["-n", namespace] if namespace else []
        self.kubectl("apply", *where, "-f", "-", stdin=yaml.safe_dump_all(documents))

    def get(self, kind: str, namespace: str, *names: str, selector: str = "") -> list[dict]:
        """The objects of a kind (all, or those named) in a namespace, as dicts."""
        args = ["get", kind, "-n", namespace, "-o", "json", *names]
        if selector:
            args += ["-l", selector]
        found = json.loads(self.kubectl(*args).stdout)
        return found.get("items", [found])


def _crd_from_schema(group: str, kind: str, plural: str, version: str, schema: dict) -> dict:
    """A CustomResourceDefinition serving `schema` (a datree CRDs-catalog copy): structural schemas
    may not say additionalProperties beside properties, so those are dropped."""

    def structural(node):
        if isinstance(node, dict):
            return {
                k: structural(v)
                for k, v in node.items()
                if not (k == "additionalProperties" and "properties" in node) and k != "$schema"
            }
        if isinstance(node, list):
            return [structural(v) for v in node]
        return node

    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": f"{kind}List"},
            "versions": [
                {"name": version, "served": True, "storage": True,
                 "schema": {"openAPIV3Schema": structural(schema)}, "subresources": {"status": {}}}
            ],
        },
    }  # fmt: skip


def install_crds(cluster: Cluster) -> None:
    """The Prometheus Operator's own CRDs and Strimzi's KafkaTopic and KafkaUser, as a hub's cluster has."""
    crds = TOOLS / "prometheus-operator-crd"
    if not crds.is_dir():
        pytest.fail(f"The Prometheus Operator's CRDs are missing from {crds}: {BUILD_HINT}")
    for name in ("monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml"):
        cluster.kubectl("apply", "--server-side", "-f", str(crds / name))
    strimzi = ROOT / "charts" / "crd-schemas" / "kafka.strimzi.io"
    cluster.apply(
        _crd_from_schema("kafka.strimzi.io", "KafkaTopic", "kafkatopics", "v1beta2",
                         json.loads((strimzi / "kafkatopic_v1beta2.json").read_text())),
        _crd_from_schema("kafka.strimzi.io", "KafkaUser", "kafkausers", "v1beta2",
                         json.loads((strimzi / "kafkauser_v1beta2.json").read_text())),
    )  # fmt: skip
    cluster.kubectl("wait", "--for", "condition=Established", "--timeout", "60s", "crd", "--all")
