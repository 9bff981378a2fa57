"""A transfer between two hubs over a real Kafka broker: the receiving hub's queue shows the
case with its original referral date; nothing readable crosses on the way."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer
from sqlalchemy import text

from hubs.contracts.topics import hub_topic
from hubs.referral.adapters.transfer_seal import generate_key_pair
from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.integration

CANARY_EMAIL = "canary.transfer.w4m@example.org"


def test_a_transferred_referral_reaches_the_neighbour_sealed_and_keeps_its_date(
    run_service, hub_id, tokens, tmp_path: Path, infra
):
    neighbour = f"{hub_id}-b"
    generate_key_pair(tmp_path / "a.key", tmp_path / "a.pub")
    generate_key_pair(tmp_path / "b.key", tmp_path / "b.pub")
    hub_a = run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "a.key"),
            "HUBS_NEIGHBOUR_HUBS": f"{neighbour}={tmp_path / 'b.pub'}",
        },
    ).start_relay()
    hub_b = run_service(
        DEFINITION,
        hub_id=neighbour,
        schema_suffix="b_",
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_TRANSFER_PRIVATE_KEY_FILE": str(tmp_path / "b.key"),
            "HUBS_NEIGHBOUR_HUBS": f"{hub_id}={tmp_path / 'a.pub'}",
        },
    ).start_worker()

    hub_a.client.post(
        "/v1/self-referrals",
        json={
            "name": "Canary Transfer-W4M",
            "email": CANARY_EMAIL,
            "staff_group": "pharmacy",
            "risk_screen": {"thoughts_of_self_harm": True, "risk_to_others": False},
            "consent_to_contact": True,
        },
    )
    [entry] = hub_a.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    transfer = {
        "to_hub_id": neighbour,
        "reason": "confidentiality",
        # The person agrees to the move after they were referred: now, in this test.
        "consent": {"recorded_at": datetime.now(UTC).isoformat(), "method": "verbal"},
    }
    url = f"/v1/referrals/{entry['referral_id']}/transfers"
    stranger = hub_a.client.post(url, json={**transfer, "to_hub_id": "not-a-neighbour"}, headers=tokens("clinician"))
    assert stranger.status_code == 409
    answer = hub_a.client.post(url, json=transfer, headers=tokens("clinician"))
    assert answer.status_code == 201, answer.get_json()
    assert hub_a.client.get("/v1/queue", headers=tokens("clinician")).get_json() == []

    def arrived():
        queue = hub_b.client.get("/v1/queue", headers=tokens("clinician", hub=neighbour)).get_json()
        return queue or None

    [moved] = eventually(arrived)
    assert moved["received_at"] == entry["received_at"]
    assert moved["urgency"] == "urgent" and moved["source"] == "other-hub" and moved["transferred_from_hub"] == hub_id
    detail = hub_b.client.get(
        f"/v1/referrals/{moved['referral_id']}?purpose=first-contact", headers=tokens("clinician", hub=neighbour)
    ).get_json()
    assert detail["personal"]["email"] == CANARY_EMAIL

    # The sending hub keeps an audited record of the transfer.
    with hub_a.wiring.engine.connect() as conn:
        [(direction, other)] = conn.execute(text("SELECT direction, other_hub_id FROM transfers")).all()
        audited = conn.execute(
            text("SELECT purpose FROM access_audit WHERE action = 'transfer-personal-details'")
        ).all()
    assert (direction, other) == ("out", neighbour) and audited == [("transfer",)]

    # What crossed the broker is unreadable to anyone else.
    consumer = KafkaConsumer(
        hub_topic(hub_id, "referral", prefix=hub_a.settings.topic_prefix),
        bootstrap_servers=infra.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    raw = [m.value for m in consumer]
    consumer.close()
    assert any(json.loads(v)["event_type"] == "ReferralTransferredOut" for v in raw)
    # The whole canary words: three letters alone turn up by chance in the sealed blob's base64.
    assert all(b"canary transfer-w4m" not in v.lower() and CANARY_EMAIL.encode() not in v.lower() for v in raw)
