"""A real Kubernetes control plane for the chart tests: the API server, controllers and scheduler of
infra/kubernetes/cluster.sh, with kwok's simulated node, once per test run.

HUBS_TEST_INFRA=external with KUBECONFIG set uses that cluster instead (it needs the Prometheus
Operator's and Strimzi's CRDs, and room for one namespace per test). Each test gets a namespace of its
own that enforces Pod Security `restricted`, as a hub's namespace should."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests import kube beside this file

from kube import BUILD_HINT, ROOT, TOOLS, Cluster, install_crds

from hubs.runtime.testing import free_port


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: installs the charts on a real Kubernetes control plane")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(ROOT / "tests" / "cluster"):
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """The test run's control plane, started once (or the one KUBECONFIG names, when external)."""
    if os.environ.get("HUBS_TEST_INFRA") == "external" and os.environ.get("KUBECONFIG"):
        found = Cluster(os.environ["KUBECONFIG"])
        install_crds(found)
        yield found
        return
    script = str(ROOT / "infra" / "kubernetes" / "cluster.sh")
    if not (TOOLS / "bin" / "kube-apiserver").is_file():
        pytest.fail(f"The Kubernetes control plane is not built: {BUILD_HINT}")
    state = tempfile.mkdtemp(prefix="hubs-kube-")
    where = ["--dir", state]
    done = subprocess.run(
        ["bash", script, "start", "--port", str(free_port()), "--etcd-port", str(_free_pair()), *where],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        subprocess.run(["bash", script, "stop", *where], capture_output=True, timeout=60)
        raise RuntimeError(f"cluster.sh start failed:\n{done.stdout}\n{done.stderr}")
    started = Cluster(done.stdout.strip().removeprefix("KUBECONFIG="))
    try:
        install_crds(started)
        yield started
    finally:
        subprocess.run(["bash", script, "destroy", *where], capture_output=True, timeout=120)


def _free_pair() -> int:
    """A free port whose next one is free too (etcd's client and peer ports)."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two free ports in a row")


@pytest.fixture
def namespace(cluster: Cluster) -> Iterator[str]:
    """A namespace of the test's own that enforces Pod Security `restricted`; deleted afterwards."""
    name = f"hub-{uuid.uuid4().hex[:8]}"
    labels = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "warn", "audit")}
    cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
    cluster.kubectl("wait", "--for", "jsonpath={.status.phase}=Active", "--timeout", "30s", f"namespace/{name}")
    yield name
    cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)


@pytest.fixture
def make_secrets(cluster: Cluster) -> Callable[[str, dict[str, dict[str, str]]], None]:
    """Secrets a release expects to exist beforehand (the charts take secrets by name only)."""

    def make(namespace: str, secrets: dict[str, dict[str, str]]) -> None:
        cluster.apply(
            *({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "stringData": data}
              for name, data in secrets.items()),
            namespace=namespace,
        )  # fmt: skip

    return make
