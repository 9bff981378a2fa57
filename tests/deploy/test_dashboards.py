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
# Series the first-contact work exports (the contract in docs/operations.md) and Prometheus' own `up`.
FIRST_CONTACT = {"hubs_first_contact_breaches_total", "hubs_first_contact_at_risk", "hubs_time_to_first_contact_hours"}


def known_series() -> set[str]:
    metrics = (ROOT / "services" / "runtime" / "src" / "hubs" / "runtime" / "metrics.py").read_text()
    names = set(re.findall(r'"(hubs_[a-z_]+)"', metrics))
    rules = yaml.safe_load((ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml").read_text())
    names |= {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    return names | FIRST_CONTACT | {"up"}


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
            for name in re.findall(r"\b(hubs[_:][a-z0-9_:]+|up)\b", target["expr"]):
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
