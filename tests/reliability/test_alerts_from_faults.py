"""The alerts fire from what the processes really report during a fault, and stay quiet on a
healthy capture. Workers and relays run as the deployed commands, each with its metrics port;
the captured scrapes become a promtool test (see alert_capture for how time is compressed)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaProducer

from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.runtime.testing import eventually, free_port

from .alert_capture import Capture, Process, firing, promtool_test, quiet
from .conftest import TcpProxy, rows
from .test_delivery_faults import processed, referral_body, referral_received, referral_topic

pytestmark = pytest.mark.reliability

QUIET_WHEN_HEALTHY = [
    "HubsBrokerDown",
    "HubsDatabaseDown",
    "HubsRelayStuck",
    "HubsConsumerStuck",
    "HubsProcessDown",
    "HubsDeadLetterGrowth",
    "HubsRelayFailing",
]


@pytest.fixture
def processes():
    started: list[Process] = []

    def start(*args, **kwargs) -> Process:
        process = Process(*args, **kwargs)
        started.append(process)
        process.wait_scrapable()
        return process

    yield start
    for process in started:
        process.kill()


def test_a_stopped_broker_fires_broker_down_and_relay_stuck_while_intake_stays_ready(
    run_service, own_broker, processes, tmp_path
):
    kafka = {"kafka_bootstrap_servers": own_broker.bootstrap, "national_kafka_bootstrap_servers": own_broker.bootstrap}
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}, **kafka)
    reporting = run_service(REPORTING, **kafka)
    relay = processes("referral", "relay", referral.settings, free_port())
    worker = processes("reporting", "worker", reporting.settings, free_port())
    for _ in range(3):
        assert referral.client.post("/v1/self-referrals", json=referral_body()).status_code == 201
    eventually(lambda: not rows(referral.wiring.engine, "SELECT seq FROM outbox WHERE sent_at IS NULL"))

    healthy = Capture([relay.target, worker.target])
    healthy.scrape(6)
    promtool_test(healthy, tmp_path, "healthy_pipeline", [quiet(a) for a in QUIET_WHEN_HEALTHY])

    own_broker.stop()
    fault = Capture([relay.target, worker.target])
    for _ in range(3):
        assert referral.client.post("/v1/self-referrals", json=referral_body()).status_code == 201
    assert referral.client.get("/readyz").status_code == 200  # the outbox keeps intake going
    fault.scrape(15)
    promtool_test(
        fault,
        tmp_path,
        "broker_stopped",
        [
            firing("HubsBrokerDown", "critical", service="reporting", process="worker"),
            firing("HubsRelayStuck", "critical", service="referral"),
            firing("HubsConsumerStuck", "critical", service="reporting", consumer="hub-events"),
            quiet("HubsDatabaseDown"),
        ],
    )


def test_a_database_cut_off_from_the_relay_fires_database_down(run_service, infra, processes, tmp_path):
    host_port = infra.database_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    try:
        referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
        proxied = infra.database_url.replace(host_port, f"127.0.0.1:{proxy.port}")
        cut_off = replace(referral.settings, database_url=proxied)
        relay = processes("referral", "relay", cut_off, free_port())
        assert referral.client.post("/v1/self-referrals", json=referral_body()).status_code == 201
        eventually(lambda: not rows(referral.wiring.engine, "SELECT seq FROM outbox WHERE sent_at IS NULL"))

        proxy.cut()
        fault = Capture([relay.target])
        fault.scrape(6)
        promtool_test(
            fault,
            tmp_path,
            "database_cut_off",
            [firing("HubsDatabaseDown", "critical", service="referral", process="relay"), quiet("HubsBrokerDown")],
        )
    finally:
        proxy.close()


def test_the_first_dead_letter_after_a_restart_alerts_and_a_killed_worker_is_seen_down(
    run_service, processes, tmp_path
):
    reporting = run_service(REPORTING, consumer_max_attempts=2)
    s = reporting.settings
    worker = processes("reporting", "worker", s, free_port())  # a fresh process: no dead letter counted yet
    quiet_start = Capture([worker.target])
    quiet_start.scrape(4)

    producer = KafkaProducer(bootstrap_servers=s.kafka_bootstrap_servers, acks="all")
    producer.send(referral_topic(s), key=b"poison", value=b"{not json at all").get(30)
    good = referral_received(s.hub_id)
    producer.send(referral_topic(s), key=b"good", value=json.dumps(good).encode()).get(30)
    producer.close()
    eventually(lambda: processed(reporting, "hub-events"))
    dead_letter = Capture([worker.target], series=quiet_start.series, scrapes=quiet_start.scrapes)
    dead_letter.scrape(3)
    topic = referral_topic(s)
    promtool_test(
        dead_letter,
        tmp_path,
        "first_dead_letter_after_restart",
        [firing("HubsDeadLetterGrowth", "warning", service="reporting", consumer="hub-events", topic=topic)],
    )

    worker.kill()
    stopped = Capture([worker.target])
    stopped.scrape(7)
    promtool_test(
        stopped,
        tmp_path,
        "worker_killed",
        [{"alert": "HubsProcessDown", "firing": [{"exp_labels": {**worker.target.labels, "severity": "critical"}}]}],
    )
