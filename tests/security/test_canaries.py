"""Canary personal values go through the whole referral pathway and are never found in logs,
events (outbox and the broker), metrics or the raw database."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from hubs.contracts.topics import hub_topic
from hubs.referral.adapters.transfer_seal import generate_key_pair
from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

CANARIES = {
    "name": "Canary Quokka-Xq81",
    "email": "canary.quokka.xq81@example.org",
    "phone": "07700 981234",
    "employer": "Canary Trust Xq81",
    "job_role": "Canary Ward Sister Xq81",
    "heard": "canary leaflet",
    "referrer": "Canary Referrer Xq81",
    "concern": "Canary concern Xq81",
    "reason": "Canary reason Xq81: worried after the night shift",
}
NEEDLES = ("xq81", "quokka", "981234", "canary")


def _clean(haystack: str) -> list[str]:
    lowered = haystack.lower()
    return [n for n in NEEDLES if n in lowered]


def test_canary_personal_values_never_leak(run_service, hub_id, tokens, caplog, tmp_path: Path, infra):
    generate_key_pair(tmp_path / "own.key", tmp_path / "own.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    referral = run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "own.key"),
            "HUBS_NEIGHBOUR_HUBS": f"{hub_id}-b={tmp_path / 'b.pub'}",
        },
    ).start_relay()
    person = {
        "name": CANARIES["name"],
        "email": CANARIES["email"],
        "phone": CANARIES["phone"],
        "employer": CANARIES["employer"],
        "job_role": CANARIES["job_role"],
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    }
    client = referral.client
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/self-referrals", json={**person, "consent_to_contact": True})
        client.post(
            "/v1/referrals",
            headers=tokens("referrer"),
            json={
                **person,
                "email": "other." + CANARIES["email"],
                "phone": None,
                "source": "line-manager",
                "referrer": {"name": CANARIES["referrer"]},
                "reason": CANARIES["reason"],
                "consent": {"given_by": CANARIES["name"], "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
            },
        )
        # a second referral of the self-referred person links to theirs, its reason kept sealed with the link
        client.post(
            "/v1/referrals",
            headers=tokens("referrer"),
            json={
                **person,
                "source": "gp",
                "referrer": {"name": CANARIES["referrer"]},
                "reason": CANARIES["reason"],
                "consent": {"given_by": CANARIES["name"], "given_at": "2026-11-26T09:00:00+00:00", "method": "verbal"},
            },
        )
        # invalid input echoing personal values must not reach the logs either
        client.post("/v1/self-referrals", json={**person, "email": CANARIES["name"], "consent_to_contact": True})
        first, second = client.get("/v1/queue", headers=tokens("clinician")).get_json()
        base = f"/v1/referrals/{first['referral_id']}"
        client.get(f"{base}?purpose=first-contact", headers=tokens("clinician"))
        client.post(
            f"{base}/contact-attempts", json={"channel": "phone", "outcome": "contacted"}, headers=tokens("clinician")
        )
        client.post(
            f"{base}/fitness-to-practise-concerns", json={"concern": CANARIES["concern"]}, headers=tokens("clinician")
        )
        client.post(
            f"/v1/referrals/{second['referral_id']}/transfers",
            json={"to_hub_id": f"{hub_id}-b", "reason": "shorter-wait",
                  "consent": {"recorded_at": datetime.now(UTC).isoformat(), "method": "verbal"}},
            headers=tokens("clinician"),
        )  # fmt: skip
        time.sleep(1.0)  # let the relay publish

    assert not _clean(" ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)), "logs"
    # Metric names and labels: a sample's value is a number, and after a whole test run some value
    # (a count of collected objects, a sum of seconds) may hold the phone number's digits by chance.
    series = [f"{s.name} {s.labels}" for f in text_string_to_metric_families(generate_latest(REGISTRY).decode())
              for s in f.samples]  # fmt: skip
    assert series and not _clean("\n".join(series)), "metrics"

    dump = database_dump(referral.wiring.engine)
    with referral.wiring.engine.connect() as conn:
        published = conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")).scalar()
    assert not _clean(dump), "raw database"

    consumer = KafkaConsumer(
        hub_topic(hub_id, "referral", prefix=referral.settings.topic_prefix),
        bootstrap_servers=infra.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    messages = [m.value.decode() for m in consumer]
    consumer.close()
    assert len(messages) >= 8 and published >= 8
    assert not _clean(" ".join(messages)), "events on the broker"
