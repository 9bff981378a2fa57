"""Paths and tools of the deployment checks: the pinned tools that infra/tools/install-deploy-tools.sh
installs, Debian's promtool and prometheus, and helm runs. A missing tool fails the test that needs
it, naming the script that installs it; nothing is skipped."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("HUBS_TOOLS_DIR") or ROOT / ".tools")  # as install-deploy-tools.sh
INSTALL_HINT = "run `bash infra/tools/install-deploy-tools.sh`"
SYSTEM_HINT = "run `bash infra/tools/install-system.sh` (Debian package prometheus)"
KUBE_VERSION = "1.33.0"
KUBERNETES_SCHEMAS = TOOLS / "kubernetes-json-schema" / f"v{KUBE_VERSION}-standalone-strict"
CRD_SCHEMAS = ROOT / "charts" / "crd-schemas"
COMPOSE_SCHEMA = TOOLS / "compose-spec" / "schema.json"
CHART_EXAMPLES = {
    "hub": ["north-east-and-north-cumbria", "kent-and-medway", "compact"],
    "national": ["national"],
}
EXAMPLES = [(chart, example) for chart, examples in CHART_EXAMPLES.items() for example in examples]


def project_tool(name: str) -> Path:
    """A tool from .tools/bin; fails with the install command when it is not there."""
    path = TOOLS / "bin" / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed in {path.parent}: {INSTALL_HINT}")
    return path


def system_tool(name: str) -> str:
    """A tool on PATH (promtool, prometheus); fails with the install command when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not on PATH: {SYSTEM_HINT}")
    return path


def run(*cmd: str | Path, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure show what it printed."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(str(c) for c in cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def example_values(chart: str, example: str) -> Path:
    return ROOT / "charts" / chart / "examples" / f"{example}.yaml"


def helm_template(chart: str, values: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`helm template` of a chart with a values file, for the Kubernetes version the checks use."""
    helm = project_tool("helm")
    release = values.stem[:20]
    return run(helm, "template", release, ROOT / "charts" / chart, "-f", values, "--kube-version", KUBE_VERSION,
               *PROMETHEUS_OPERATOR_APIS, *extra, check=check)  # fmt: skip


# A cluster with the Prometheus Operator: the charts make ServiceMonitors and PrometheusRules only there.
PROMETHEUS_OPERATOR_APIS = (
    "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor",
    "--api-versions", "monitoring.coreos.com/v1/PrometheusRule",
)  # fmt: skip


@cache
def service_lists() -> ModuleType:
    """infra/services/generate.py: services.toml's reader and what it writes."""
    spec = importlib.util.spec_from_file_location("hubs_service_list", ROOT / "infra" / "services" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def service_list():  # -> generate.ServiceList
    """The hub's services as services.toml lists them."""
    return service_lists().load(ROOT / "services.toml")
