"""Fixtures of the deployment checks: charts rendered once per run, the Kubernetes schemas."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))  # the tests import deploy_checks beside this file

from deploy_checks import INSTALL_HINT, KUBERNETES_SCHEMAS, ROOT, example_values, helm_template


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: checks of images, compose, charts, rules and dashboards")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(ROOT / "tests" / "deploy"):
            item.add_marker(pytest.mark.deploy)


@pytest.fixture(scope="session")
def rendered() -> Callable[[str, str], list[dict]]:
    """The manifests of a chart rendered with one of its examples (rendered once per run)."""
    cache: dict[tuple[str, str], list[dict]] = {}

    def render(chart: str, example: str) -> list[dict]:
        key = (chart, example)
        if key not in cache:
            text = helm_template(chart, example_values(chart, example)).stdout
            cache[key] = [doc for doc in yaml.safe_load_all(text) if doc]
        return cache[key]

    return render


@pytest.fixture(scope="session")
def kubernetes_schemas() -> Path:
    """The strict Kubernetes JSON schemas unpacked from the kubernetes-validate package."""
    if not (KUBERNETES_SCHEMAS / "deployment-apps-v1.json").is_file():
        pytest.fail(f"Kubernetes JSON schemas are missing from {KUBERNETES_SCHEMAS}: {INSTALL_HINT}")
    return KUBERNETES_SCHEMAS
