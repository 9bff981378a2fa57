"""One image per service: multi-stage, base pinned by digest, no build tools in the final stage,
an unprivileged user, and the service's own command line as the entry point."""

from __future__ import annotations

import re
import tomllib

import pytest
from deploy_checks import ROOT

SERVICES = ["referral", "assessment", "care_coordination", "outreach", "reporting"]


def stages(dockerfile: str) -> list[str]:
    """The text of each build stage, in order."""
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]


@pytest.mark.parametrize("service", SERVICES)
def test_image_is_multi_stage_on_a_base_pinned_by_digest(service):
    text = (ROOT / "services" / service / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}$", text, re.MULTILINE)
    parts = stages(text)
    assert len(parts) == 2
    assert parts[0].startswith("${PYTHON_IMAGE} AS build") and parts[1].startswith("${PYTHON_IMAGE}\n")


@pytest.mark.parametrize("service", SERVICES)
def test_final_stage_has_no_build_tools_and_runs_unprivileged(service):
    final = stages((ROOT / "services" / service / "Dockerfile").read_text())[-1]
    assert "pip install" not in final and "apt-get install" not in final
    assert "COPY --from=build /opt/hubs /opt/hubs" in final
    assert re.search(r"^USER 10001:10001$", final, re.MULTILINE)
    assert "PYTHONDONTWRITEBYTECODE=1" in final  # nothing written beside the code: read-only root filesystem


@pytest.mark.parametrize("service", SERVICES)
def test_image_installs_contracts_runtime_and_the_service_and_runs_its_command(service):
    text = (ROOT / "services" / service / "Dockerfile").read_text()
    build = stages(text)[0]
    assert f"/opt/hubs/bin/pip install /src/contracts /src/services/runtime /src/services/{service}" in build
    scripts = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["project"]["scripts"]
    (command,) = scripts
    assert f'ENTRYPOINT ["{command}"]' in text and 'CMD ["api"]' in text


def test_build_context_holds_only_what_the_images_copy():
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1] == "**"  # everything is left out unless named below
    for kept in ("!contracts/src/**", "!services/runtime/src/**", "!services/*/src/**", "!services/*/migrations/**"):
        assert kept in ignore
