"""Grafana dashboards: valid JSON with stable uids, the data source chosen through a variable, and
queries that name only series the services or the rules produce."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from deploy_checks import ROOT

DASHBOARDS = sorted((ROOT / "infra" / "grafana" / "dashboards").glob("*.json"))
EXPECTED_UIDS = {"hubs-hub-overview", "hubs-service-red", "hubs-kafka-flow", "hubs-national-overview"}
RULES = ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml"
# Where the series are defined: the metrics every process shares, and each service's own.
METRICS_MODULES = [ROOT / "services" / "runtime" / "src" / "hubs" / "runtime" / "metrics.py"]
METRICS_MODULES += sorted((ROOT / "services").glob("*/src/hubs/*/adapters/metrics.py"))
SERIES = re.compile(r"\b(hubs[_:][a-z0-9_:]+|up)\b")


def rules() -> list[dict]:
    return [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]


def known_series() -> set[str]:
    names = {name for module in METRICS_MODULES for name in re.findall(r'"(hubs_[a-z0-9_]+)"', module.read_text())}
    names |= {r["record"] for r in rules() if "record" in r}
    return names | {"up"}  # and Prometheus' own `up`


def base_series(expr: str) -> set[str]:
    """The series an expression reads, recording rules replaced by what they are recorded from."""
    recorded = {r["record"]: r["expr"] for r in rules() if "record" in r}
    found: set[str] = set()
    for name in SERIES.findall(expr):
        if name in recorded:
            found |= base_series(recorded[name])
        else:
            found.add(re.sub(r"_(bucket|count|sum)$", "", name))
    return found


def panels(dashboard: dict) -> list[dict]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def test_the_four_dashboards_have_stable_unique_uids():
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARDS]
    assert sorted(uids) == sorted(EXPECTED_UIDS)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_panel_takes_its_data_source_from_the_datasource_variable(path):
    dashboard = json.loads(path.read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    assert "Prometheus" not in path.read_text().replace('"query": "prometheus"', "")  # no data source by name
    for panel in panels(dashboard):
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_query_names_only_series_that_exist(path):
    known = known_series()
    for panel in panels(json.loads(path.read_text())):
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            for name in SERIES.findall(target["expr"]):
                base = re.sub(r"_(bucket|count|sum)$", "", name)
                assert name in known or base in known, f"{panel['title']}: unknown series {name}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_panels_do_not_overlap_on_the_grid(path):
    cells: set[tuple[int, int]] = set()
    for panel in json.loads(path.read_text())["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        mine = {
            (x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & mine, panel["title"]
        cells |= mine


def test_grafana_provisioning_loads_the_dashboards_folder():
    provider = yaml.safe_load((ROOT / "infra" / "grafana" / "provisioning" / "dashboards" / "hubs.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_series_an_alert_reads_is_on_a_dashboard():
    """Whoever an alert wakes can see what fired it, and how it got there, on a panel."""
    shown: set[str] = set()
    for path in DASHBOARDS:
        for panel in panels(json.loads(path.read_text())):
            for target in panel["targets"]:
                shown |= base_series(target["expr"])
    alerted = {(r["alert"], name) for r in rules() if "alert" in r for name in base_series(r["expr"])}
    assert sorted(f"{alert}: {name}" for alert, name in alerted if name not in shown) == []
