"""Alert tests from captured series: real processes are scraped during a real fault, and what
was scraped becomes the input of a `promtool test rules` file.

Time is compressed the same way for every series: samples scraped SPACING real seconds apart
are written one promtool `interval` (1m) apart, and gauges that measure a time in seconds
(`*_seconds` but not histograms) are multiplied by the same factor. A 2-minute `for:` window
is then 2 scrapes, and an event 10 s old in the outbox reads as 10 minutes: each fault lasts
seconds, not minutes, and the rules are evaluated at their own scale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from .conftest import settings_env

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "infra" / "prometheus" / "rules" / "hubs.rules.yml"
SPACING = 1.0  # real seconds between scrapes
INTERVAL_SECONDS = 60  # what one scrape spacing becomes in the promtool input
SCALE = INTERVAL_SECONDS / SPACING
HUB_ID = "fault-hub"  # what Prometheus would add as the target's hub_id


@dataclass
class Target:
    """A process's metrics port, labelled as the hub's scrape configuration labels it."""

    service: str
    component: str
    port: int

    @property
    def labels(self) -> dict[str, str]:
        return {"job": "hubs", "hub_id": HUB_ID, "service": self.service, "component": self.component}


@dataclass
class Capture:
    """Scrapes of several targets over time: series name+labels -> value at each scrape (None: absent)."""

    targets: list[Target]
    series: dict[tuple, list[float | None]] = field(default_factory=dict)
    scrapes: int = 0

    def scrape(self, times: int = 1) -> None:
        for _ in range(times):
            started = time.monotonic()
            for target in self.targets:
                self._scrape_one(target)
            self.scrapes += 1
            time.sleep(max(SPACING - (time.monotonic() - started), 0))

    def _scrape_one(self, target: Target) -> None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{target.port}/metrics", timeout=0.8) as answer:
                text = answer.read().decode()
        except OSError:
            self._record("up", target.labels, 0.0)  # as Prometheus records a failed scrape
            return
        self._record("up", target.labels, 1.0)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if not sample.name.startswith("hubs_") or sample.name.endswith("_created"):
                    continue
                value = sample.value
                if family.type == "gauge" and sample.name.endswith("_seconds"):
                    value *= SCALE  # a time measured in real seconds, compressed like the scrapes
                self._record(sample.name, {**sample.labels, **target.labels}, value)

    def _record(self, name: str, labels: dict[str, str], value: float) -> None:
        key = (name, tuple(sorted(labels.items())))
        values = self.series.setdefault(key, [None] * self.scrapes)
        values.append(value)

    def input_series(self) -> list[dict]:
        out = []
        for (name, labels), values in sorted(self.series.items()):
            values = values + [None] * (self.scrapes - len(values))
            selector = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"
            text = " ".join("_" if v is None else repr(float(v)) for v in values)
            out.append({"series": selector, "values": text})
        return out

    @property
    def last_minute(self) -> str:
        return f"{self.scrapes - 1}m"


def promtool_test(capture: Capture, directory: Path, name: str, expectations: list[dict]) -> str:
    """Write `capture` and the alerts expected at its last sample as a promtool test; run it.

    The rules are the hub's, less their annotations (expressions, `for:` and labels unchanged):
    the hand-written tests check the wording, these check when the alerts fire."""
    rules = yaml.safe_load(RULES.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    rules_copy = directory / "hubs.rules.yml"
    rules_copy.write_text(yaml.safe_dump(rules, sort_keys=False))
    test = {
        "rule_files": [str(rules_copy)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": name,
                "interval": "1m",
                "input_series": capture.input_series(),
                "alert_rule_test": [
                    {"eval_time": capture.last_minute, "alertname": e["alert"], "exp_alerts": e["firing"]}
                    for e in expectations
                ],
            }
        ],
    }
    path = directory / f"{name}.test.yml"
    path.write_text(yaml.safe_dump(test, sort_keys=False))
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed (Debian's prometheus package)"
    done = subprocess.run([promtool, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{path}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def firing(alert: str, severity: str, **labels: str) -> dict:
    return {"alert": alert, "firing": [{"exp_labels": {"severity": severity, "hub_id": HUB_ID, **labels}}]}


def quiet(alert: str) -> dict:
    return {"alert": alert, "firing": []}


class Process:
    """`hubs-<service> worker|relay` as a separate process with its metrics port, as deployed."""

    def __init__(self, service: str, command: str, settings, metrics_port: int, **env: str):
        executable = Path(sys.executable).parent / f"hubs-{service.replace('_', '-')}"
        environment = {
            **settings_env(settings),
            "HUBS_API_BIND": "127.0.0.1:0",
            "HUBS_METRICS_PORT": str(metrics_port),
            **env,
        }
        # Its log goes to a file: a pipe nobody reads would fill up during a fault and block it.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill()
        self.process = subprocess.Popen(
            [str(executable), command], env=environment, stdout=subprocess.DEVNULL, stderr=self.log
        )
        self.target = Target(service, command, metrics_port)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)
        self.log.close()

    def wait_scrapable(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.target.port}/metrics", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise AssertionError(self.log.read().decode()[-2000:]) from None
                time.sleep(0.2)
        raise AssertionError("metrics port never answered")
