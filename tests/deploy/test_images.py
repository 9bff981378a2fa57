"""One Dockerfile (services/Dockerfile) builds the image of every hub service, chosen by the SERVICE
build argument: multi-stage, base pinned by digest, no build tools in the final stage, an unprivileged
user, nothing written but /tmp, and the service's own command line as the entry point. Compose builds
each image with its service's folder, and the charts run those images with the same command."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
import yaml
from deploy_checks import EXAMPLES, ROOT, service_list

SERVICES = [s.package for s in service_list().services]
DOCKERFILE = ROOT / "services" / "Dockerfile"
ENTRY_POINT = "/opt/hubs/bin/hubs-service"


def stages(dockerfile: str) -> list[str]:
    """The text of each build stage, in order."""
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]


def instructions(stage: str) -> list[str]:
    """The stage's instructions, continuation lines joined, comments left out."""
    joined = re.sub(r"\\\n", " ", stage)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def service_command(service: str) -> str:
    """The one command line the service's package installs."""
    scripts = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["project"]["scripts"]
    (command,) = scripts
    return command


def linked_command(service: str) -> str:
    """What the build links the entry point to for SERVICE=service, from the Dockerfile's own shell words."""
    build = " ".join(instructions(stages(DOCKERFILE.read_text())[0]))
    found = re.search(rf"ln -s (.+?) {re.escape(ENTRY_POINT)}", build)
    assert found, f"the build stage does not link {ENTRY_POINT}"
    done = subprocess.run(
        ["sh", "-c", f"printf %s {found.group(1)}"],
        env={"SERVICE": service, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def compose_builds() -> dict[str, str]:
    """Image name (as the charts name it) -> the SERVICE it is built with, from docker-compose.yml."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    built: dict[str, str] = {}
    for name, service in services.items():
        if "build" in service:
            assert service["build"]["dockerfile"] == "services/Dockerfile", name
            image = re.fullmatch(r"wellbeing-hubs/([a-z-]+):dev", service["image"])
            assert image, f"{name}: {service['image']}"
            assert (
                built.setdefault(image.group(1), service["build"]["args"]["SERVICE"])
                == (service["build"]["args"]["SERVICE"])
            ), f"{name} builds {image.group(1)} for another service"
    return built


def test_one_dockerfile_builds_every_hub_service():
    assert DOCKERFILE.is_file()
    with_migrations = sorted(p.parent.name for p in (ROOT / "services").glob("*/migrations"))
    assert sorted(SERVICES) == with_migrations  # a new service with records is built here too
    for service in SERVICES:
        assert not (ROOT / "services" / service / "Dockerfile").exists(), f"{service} keeps a Dockerfile of its own"


def test_image_is_multi_stage_on_a_base_pinned_by_digest():
    text = DOCKERFILE.read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}$", text, re.MULTILINE)
    parts = stages(text)
    assert len(parts) == 2
    assert parts[0].startswith("${PYTHON_IMAGE} AS build") and parts[1].startswith("${PYTHON_IMAGE}\n")


def test_every_stage_takes_the_service_argument_without_a_default():
    build, final = (instructions(stage) for stage in stages(DOCKERFILE.read_text()))
    assert "ARG SERVICE" in build and "ARG SERVICE" in final  # an ARG reaches only the stage that declares it
    # Without SERVICE the build stops before copying anything, rather than building all of services/.
    first_run = next(i for i in build if i.startswith("RUN "))
    assert first_run.startswith('RUN test -n "${SERVICE}" ||') and build.index(first_run) < build.index(
        "COPY services/${SERVICE} /src/services/${SERVICE}"
    )


def test_final_stage_has_no_build_tools_and_runs_unprivileged():
    final = stages(DOCKERFILE.read_text())[-1]
    assert "pip install" not in final and "apt-get install" not in final
    assert "COPY --from=build /opt/hubs /opt/hubs" in final
    assert re.search(r"^USER 10001:10001$", final, re.MULTILINE)
    assert "useradd --system --uid 10001" in final


def test_image_writes_nothing_but_tmp():
    final = stages(DOCKERFILE.read_text())[-1]
    assert "PYTHONDONTWRITEBYTECODE=1" in final  # nothing written beside the code: read-only root filesystem
    assert not re.search(r"^VOLUME ", final, re.MULTILINE)  # no writable volume of the image's own
    # Compose runs every process read-only with only /tmp writable (test_compose checks each one).


@pytest.mark.parametrize("service", SERVICES)
def test_image_installs_contracts_runtime_and_the_service_and_runs_its_command(service):
    text = DOCKERFILE.read_text()
    build = " ".join(instructions(stages(text)[0]))
    assert '/opt/hubs/bin/pip install /src/contracts /src/services/runtime "/src/services/${SERVICE}"' in build
    # The link is made after the install in the same step, and the build fails unless it resolves.
    install = next(i for i in instructions(stages(text)[0]) if "pip install" in i)
    assert install.index("pip install") < install.index("ln -s") < install.index(f"test -x {ENTRY_POINT}")
    assert linked_command(service) == service_command(service)
    assert 'ENTRYPOINT ["hubs-service"]' in text and 'CMD ["api"]' in text


def test_compose_builds_each_image_from_its_service_folder():
    built = compose_builds()
    assert sorted(built.values()) == sorted(SERVICES)
    for image, service in built.items():
        assert service_command(service) == f"hubs-{image}"


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_charts_run_each_image_with_the_command_its_build_installs(chart, example, rendered):
    # The hub services' images from the one Dockerfile, and the portal's from its own.
    built = compose_builds() | ({"portal": "portal"} if chart == "hub" else {})
    assert (ROOT / "services" / "portal" / "Dockerfile").is_file()
    pods = [d["spec"]["template"]["spec"] for d in rendered(chart, example) if d["kind"] in ("Deployment", "Job")]
    containers = [c for pod in pods for c in pod.get("initContainers", []) + pod["containers"]]
    images = set()
    for container in containers:
        # <registry>/<prefix>/<image>:<tag> or ...@sha256:<digest>, whatever registry the example names
        image = re.fullmatch(r".+/([a-z-]+)(?::[\w.-]+|@sha256:[0-9a-f]{64})", container["image"])
        assert image and image.group(1) in built, container["image"]
        assert container["command"] == [service_command(built[image.group(1)])], container["name"]
        images.add(image.group(1))
    assert images == (set(built) if chart == "hub" else {"reporting"})


def test_build_context_holds_only_what_the_images_copy():
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1] == "**"  # everything is left out unless named below
    for kept in ("!contracts/src/**", "!services/runtime/src/**", "!services/*/src/**", "!services/*/migrations/**"):
        assert kept in ignore
