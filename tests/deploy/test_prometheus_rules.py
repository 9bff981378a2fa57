"""The alert and recording rules load, every rule is proved by `promtool test rules`, and the
scrape configurations for `make run` and docker-compose are valid."""

from __future__ import annotations

import yaml
from deploy_checks import ROOT, run, system_tool

PROMETHEUS = ROOT / "infra" / "prometheus"
RULES = PROMETHEUS / "rules" / "hubs.rules.yml"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def test_rules_pass_promtool_check():
    done = run(system_tool("promtool"), "check", "rules", RULES)
    assert f"SUCCESS: {len(rules())} rules found" in done.stdout


def test_every_alert_fires_and_stays_quiet_as_its_promtool_tests_expect():
    done = run(system_tool("promtool"), "test", "rules", *RULE_TESTS, timeout=300)
    assert done.stdout.count("SUCCESS") == len(RULE_TESTS), done.stdout


def test_every_rule_is_covered_by_a_test_case():
    cases = [case for path in RULE_TESTS for case in yaml.safe_load(path.read_text())["tests"]]
    fired = {t["alertname"] for c in cases for t in c.get("alert_rule_test", []) if t["exp_alerts"]}
    quiet = {t["alertname"] for c in cases for t in c.get("alert_rule_test", []) if not t["exp_alerts"]}
    queried = " ".join(t["expr"] for c in cases for t in c.get("promql_expr_test", []))
    for rule in rules():
        if "alert" in rule:
            assert rule["alert"] in fired, f"{rule['alert']} is never shown firing"
            assert rule["alert"] in quiet, f"{rule['alert']} is never shown staying quiet"
        else:
            assert rule["record"] in queried, f"{rule['record']} is never checked"


def test_every_alert_says_how_bad_it_is_and_where_its_answer_is():
    operations = (ROOT / "docs" / "operations.md").read_text()
    for rule in (r for r in rules() if "alert" in r):
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        anchor = rule["annotations"]["runbook_url"].split("#", 1)[1]
        assert f"### {rule['alert']}" in operations and anchor == rule["alert"].lower()


def test_burn_rate_alerts_use_both_a_long_and_a_short_window():
    for rule in (r for r in rules() if "alert" in r and "Budget" in r["alert"]):
        windows = [w for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d") if f"ratio_rate{w} " in rule["expr"]]
        assert len(windows) == 4, (rule["alert"], windows)


def test_scrape_configurations_are_valid(tmp_path):
    promtool = system_tool("promtool")
    run(promtool, "check", "config", PROMETHEUS / "prometheus.yml")
    # The compose configuration names its rules where the container mounts them.
    compose = yaml.safe_load((PROMETHEUS / "compose" / "prometheus.yml").read_text())
    assert compose["rule_files"] == ["/etc/prometheus/rules/hubs.rules.yml"]
    compose["rule_files"] = [str(RULES)]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(compose))
    run(promtool, "check", "config", copy)
    for config in (yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text()), compose):
        for target in (t for job in config["scrape_configs"] for t in job["static_configs"]):
            assert {"hub_id", "service", "component"} <= set(target["labels"]), target
