"""What the reporting service's integration tests share: events put on the hub's topics as
the other services' relays would."""

from __future__ import annotations

import json
import uuid

import pytest
from kafka import KafkaProducer

from hubs.contracts import message_headers, message_key, new_envelope


@pytest.fixture
def produce(infra):
    """`produce(topic, envelope)`: the envelope on the topic, acknowledged."""
    producer = KafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, acks="all")

    def send(topic: str, envelope: dict) -> None:
        producer.send(
            topic,
            key=message_key(envelope).encode(),
            value=json.dumps(envelope).encode(),
            headers=message_headers(envelope),
        ).get(timeout=30)

    yield send
    producer.close()


@pytest.fixture
def referral():
    """`referral(hub_id, received_at, source="self", **data)`: a ReferralReceived envelope of a new case."""
    return _referral


def _referral(hub_id: str, received_at: str, source: str = "self", **extra) -> dict:
    case_id = str(uuid.uuid4())
    data = {"referral_id": case_id, "received_at": received_at, "source": source, "urgency": "routine", **extra}
    return new_envelope("ReferralReceived", data, hub_id=hub_id, producer="referral@test", case_id=case_id)
