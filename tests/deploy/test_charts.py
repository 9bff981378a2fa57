"""The charts lint, render for every example and validate strictly against the Kubernetes and
custom-resource schemas; their values are documented and their schema refuses what it does not know."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import yaml
from deploy_checks import (
    CHART_EXAMPLES,
    CRD_SCHEMAS,
    EXAMPLES,
    KUBE_VERSION,
    ROOT,
    example_values,
    helm_template,
    project_tool,
    run,
    service_list,
)


def kubeconform(schemas: Path, manifests: Path) -> tuple[int, dict]:
    """kubeconform in strict mode: built-in kinds from the unpacked schemas, custom ones from charts/crd-schemas."""
    builtin = f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json"
    custom = f"{CRD_SCHEMAS}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json"
    done = run(
        project_tool("kubeconform"), "-strict", "-summary", "-output", "json", "-kubernetes-version", KUBE_VERSION,
        "-schema-location", builtin, "-schema-location", custom, manifests, check=False,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("chart", sorted(CHART_EXAMPLES))
def test_chart_lints_strictly_with_each_example(chart):
    for example in CHART_EXAMPLES[chart]:
        values = example_values(chart, example)
        done = run(
            project_tool("helm"),
            "lint",
            "--strict",
            ROOT / "charts" / chart,
            "-f",
            values,
            "--kube-version",
            KUBE_VERSION,
        )
        assert "0 chart(s) failed" in done.stdout


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_every_rendered_manifest_is_valid_against_kubernetes_and_crd_schemas(
    chart, example, tmp_path, kubernetes_schemas
):
    manifests = tmp_path / "manifests.yaml"
    manifests.write_text(helm_template(chart, example_values(chart, example)).stdout)
    code, report = kubeconform(kubernetes_schemas, manifests)
    summary = report["summary"]
    assert code == 0 and summary["invalid"] == 0 and summary["errors"] == 0 and summary["skipped"] == 0, report
    assert summary["valid"] >= 18


def test_strict_validation_refuses_a_field_kubernetes_does_not_know(tmp_path, kubernetes_schemas, rendered):
    deployment = next(d for d in rendered("hub", "north-east-and-north-cumbria") if d["kind"] == "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFileSystem"] = True  # misspelt on purpose
    manifests = tmp_path / "typo.yaml"
    manifests.write_text(yaml.safe_dump(deployment))
    code, report = kubeconform(kubernetes_schemas, manifests)
    assert code != 0 and report["summary"]["invalid"] == 1


def test_strict_validation_refuses_a_servicemonitor_field_the_crd_does_not_know(tmp_path, kubernetes_schemas, rendered):
    monitor = next(d for d in rendered("hub", "north-east-and-north-cumbria") if d["kind"] == "ServiceMonitor")
    monitor["spec"]["endpoints"][0]["scrapeEvery"] = "30s"
    manifests = tmp_path / "typo.yaml"
    manifests.write_text(yaml.safe_dump(monitor))
    code, report = kubeconform(kubernetes_schemas, manifests)
    assert code != 0 and report["summary"]["invalid"] == 1


def test_vendored_crd_schemas_are_the_shared_ones():
    vendored = sorted(p.relative_to(CRD_SCHEMAS) for p in CRD_SCHEMAS.rglob("*.json"))
    assert [str(p) for p in vendored] == [
        "kafka.strimzi.io/kafkatopic_v1beta2.json",
        "kafka.strimzi.io/kafkauser_v1beta2.json",
        "monitoring.coreos.com/prometheusrule_v1.json",
        "monitoring.coreos.com/servicemonitor_v1.json",
    ]
    shared = ROOT.parent / "shared" / "schemas" / "crds"
    for path in vendored if shared.is_dir() else []:
        assert (CRD_SCHEMAS / path).read_bytes() == (shared / path).read_bytes(), path


@pytest.mark.parametrize("chart", sorted(CHART_EXAMPLES))
def test_values_schema_refuses_an_unknown_value(chart):
    values = example_values(chart, CHART_EXAMPLES[chart][0])
    done = helm_template(chart, values, "--set", "replicas=3", check=False)
    assert done.returncode != 0
    assert "additional properties 'replicas' not allowed" in done.stderr


def test_a_hub_without_its_required_values_is_refused_with_every_reason():
    done = run(
        project_tool("helm"), "template", "x", ROOT / "charts" / "hub", "--kube-version", KUBE_VERSION, check=False
    )
    assert done.returncode != 0
    reasons = ["hub.id must be set", "hub.region must be set", "kafka.bootstrapServers must be set"]
    reasons += ["database.existingSecret", "personalData.existingSecret", "auth.issuer and auth.audience"]
    for reason in reasons:
        assert reason in done.stderr


def test_a_region_outside_the_nhs_england_regions_is_refused():
    done = helm_template("hub", example_values("hub", "kent-and-medway"), "--set", "hub.region=wessex", check=False)
    assert done.returncode != 0 and "/hub/region" in done.stderr


def _params_readme():
    spec = importlib.util.spec_from_file_location("params_readme", ROOT / "charts" / "params_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("chart", sorted(CHART_EXAMPLES))
def test_every_value_is_documented_and_the_readme_table_is_current(chart):
    generator = _params_readme()
    chart_dir = ROOT / "charts" / chart
    values = yaml.safe_load((chart_dir / "values.yaml").read_text())
    documented = [key for _, key, _, _ in generator.documented(chart_dir / "values.yaml")]
    for key in documented:
        generator.value_at(values, key)  # a documented key that does not exist raises KeyError
    undocumented = [
        leaf for leaf in generator.leaves(values) if not any(leaf == d or leaf.startswith(d + ".") for d in documented)
    ]
    assert undocumented == []
    assert generator.render(chart_dir) == (chart_dir / "README.md").read_text(), "run python3 charts/params_readme.py"


@pytest.mark.parametrize("chart", sorted(CHART_EXAMPLES))
def test_helpers_are_named_chart_component_thing(chart):
    text = (ROOT / "charts" / chart / "templates" / "_helpers.tpl").read_text()
    names = [line.split('"')[1] for line in text.splitlines() if line.startswith('{{- define "')]
    assert names
    for name in names:
        parts = name.split(".")
        assert len(parts) == 3 and parts[0] == chart, name
        assert f"{{{{/* {name}:" in text, f"{name} has no comment saying what it is"


@pytest.mark.parametrize(("chart", "example"), EXAMPLES)
def test_notes_tell_the_operator_what_was_deployed_and_how_to_reach_it(chart, example, tmp_path):
    copy = tmp_path / chart
    shutil.copytree(ROOT / "charts" / chart, copy)
    # NOTES.txt is not rendered by `helm template`; the same helper is, as a manifest of its own.
    (copy / "templates" / "notes-check.yaml").write_text(f'notes: {{{{ include "{chart}.notes.text" . | toJson }}}}\n')
    done = run(project_tool("helm"), "template", "rel", copy, "-n", "wellbeing", "-f", example_values(chart, example),
               "--kube-version", KUBE_VERSION, "--show-only", "templates/notes-check.yaml")  # fmt: skip
    notes = yaml.safe_load(done.stdout)["notes"]
    values = yaml.safe_load(example_values(chart, example).read_text())
    assert (values.get("hub") or values["national"])["name"] in notes
    assert "port-forward svc/rel-" in notes and "/readyz" in notes
    apis = [s.name for s in service_list().services] if chart == "hub" else ["reporting"]
    for service in apis:
        assert f"http://rel-{chart}-{service}-api.wellbeing.svc:80" in notes
