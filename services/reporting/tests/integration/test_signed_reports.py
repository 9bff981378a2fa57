"""Over real Kafka and PostgreSQL: the national service takes only reports signed by a
registered hub's key; forged, unsigned, unknown and oversized ones go to the DLQ with their
reason and change no national figure."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from kafka import KafkaConsumer, TopicPartition

from hubs.contracts import message_headers, new_envelope
from hubs.contracts.topics import dlq_topic, national_topic
from hubs.reporting.adapters.metrics import NATIONAL_REPORTS_REJECTED
from hubs.reporting.adapters.signing import ReportSigner
from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.testing import eventually


def report(hub_id: str, version: int, region: str = "london", **figures) -> dict:
    data = {"hub_id": hub_id, "region": region, "period_type": "month", "period": "2026-10",
            "report_version": version, "figures": figures, "final": False}  # fmt: skip
    return new_envelope("HubPeriodReport", data, hub_id=hub_id, producer=f"reporting@{hub_id}")


def dead_letters(infra, topic: str, count: int) -> list[dict]:
    """The first `count` messages parked on the topic's DLQ: why, and which report."""
    consumer = KafkaConsumer(bootstrap_servers=infra.kafka_bootstrap_servers, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        found: list[dict] = []

        def read() -> list[dict]:
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    headers = {k: v.decode() for k, v in r.headers}
                    data = json.loads(r.value)["data"]
                    found.append({"error": headers["error"], "version": data["report_version"]})
            return found if len(found) >= count else []

        return eventually(read, timeout=60)
    finally:
        consumer.close()


def test_only_reports_signed_by_a_registered_hubs_key_change_the_national_figures(
    run_service, hub_id, tokens, produce, signing, infra
):
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    topic = national_topic(national.settings.topic_prefix)
    rejected_before = {r: NATIONAL_REPORTS_REJECTED.labels(r)._value.get() for r in
                       ("bad-signature", "unsigned", "unknown-hub", "wrong-key", "version-jump")}  # fmt: skip
    produce(topic, report(hub_id, 1, self_referrals=10))  # signed by the hub's registered key: taken
    forger = ReportSigner(signing.signer.key_id, Ed25519PrivateKey.generate())  # the hub's key id, another key
    forged = report(hub_id, 2, self_referrals=500)
    produce(topic, forged, headers=signing.headers(forged, forger))
    unsigned = report(hub_id, 3, self_referrals=600)
    produce(topic, unsigned, headers=message_headers(unsigned))
    produce(topic, report("hub-nobody-registered", 1, self_referrals=700))
    stranger = report(hub_id, 4, self_referrals=800)
    produce(topic, stranger, headers=signing.headers(stranger, ReportSigner("a-strangers-key", forger.key)))
    # Signed by the hub itself, but far ahead: it would hide every later real report.
    produce(topic, report(hub_id, 2**63 - 1, self_referrals=900))
    parked = dead_letters(infra, dlq_topic(topic), 5)
    assert sorted(p["error"].split(":")[0] for p in parked) == sorted(
        ["bad-signature", "unsigned", "unknown-hub", "wrong-key", "version-jump"]
    )
    for reason, before in rejected_before.items():
        assert NATIONAL_REPORTS_REJECTED.labels(reason)._value.get() == before + 1, reason
    # The next real version is still taken, and nothing refused counted.
    produce(topic, report(hub_id, 2, self_referrals=15))
    analyst = tokens("national-analyst", hub="national")

    def kept() -> dict | None:
        body = national.client.get("/v1/national/dataset?period_type=month&period=2026-10", headers=analyst)
        hubs = {h["hub_id"]: h for h in body.get_json()["hubs"]}
        return hubs if hubs.get(hub_id, {}).get("report_version") == 2 else None

    hubs = eventually(kept)
    assert set(hubs) == {hub_id}
    assert hubs[hub_id]["figures"] == {"self_referrals": 15}


def test_during_a_key_rotation_both_keys_are_taken_and_a_replayed_older_report_changes_nothing(
    run_service, hub_id, tokens, produce, signing, infra
):
    old, new = ReportSigner("hub-2025", Ed25519PrivateKey.generate()), ReportSigner("hub-2026", signing.key)
    signing.register(hub_id, "london", keys={old.key_id: old.key, new.key_id: new.key})
    national = run_service(DEFINITION, reporting_mode="national").start_worker()
    topic = national_topic(national.settings.topic_prefix)
    first, second = report(hub_id, 1, self_referrals=10), report(hub_id, 2, self_referrals=20)
    produce(topic, first, headers=signing.headers(first, old))
    produce(topic, second, headers=signing.headers(second, new))
    replayed = new_envelope("HubPeriodReport", first["data"], hub_id=hub_id, producer="reporting@replayer")
    produce(topic, replayed, headers=signing.headers(replayed, old))  # genuine, but older: ignored
    retired = report(hub_id, 3, self_referrals=99)  # a key no longer registered: refused
    produce(topic, retired, headers=signing.headers(retired, ReportSigner("hub-2024", Ed25519PrivateKey.generate())))
    marker = report(hub_id, 3, self_referrals=30)
    produce(topic, marker, headers=signing.headers(marker, new))
    assert dead_letters(infra, dlq_topic(topic), 1)[0]["error"].startswith("wrong-key")
    analyst = tokens("national-analyst", hub="national")

    def kept() -> dict | None:
        body = national.client.get("/v1/national/dataset?period_type=month&period=2026-10", headers=analyst)
        found = [h for h in body.get_json()["hubs"] if h["hub_id"] == hub_id]
        return found[0] if found and found[0]["report_version"] == 3 else None

    assert eventually(kept)["figures"] == {"self_referrals": 30}
    with national.wiring.uow_factory() as uow:
        assert uow.national.version_of(hub_id, "month", "2026-10") == 3
