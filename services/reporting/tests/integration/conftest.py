"""What the reporting service's integration tests share: events put on the hub's topics as
the other services' relays would."""

from __future__ import annotations

import json
import uuid

import pytest
from kafka import KafkaProducer

from hubs.contracts import message_headers, message_key, new_envelope
from hubs.reporting.testing import ReportKeys, report_keys


@pytest.fixture
def produce(infra, signing):
    """`produce(topic, envelope)`: the envelope on the topic, acknowledged; a report signed as
    the hub's relay signs it (`headers=` sends other headers instead)."""
    producer = KafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, acks="all")

    def send(topic: str, envelope: dict, headers: list[tuple[str, bytes]] | None = None) -> None:
        if headers is None:
            signed = envelope["event_type"] == "HubPeriodReport"
            headers = signing.headers(envelope) if signed else message_headers(envelope)
        producer.send(
            topic,
            key=message_key(envelope).encode(),
            value=json.dumps(envelope).encode(),
            headers=headers,
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


@pytest.fixture(autouse=True)
def signing(tmp_path_factory, hub_id, monkeypatch) -> ReportKeys:
    """Every test's hub signs its reports, and the national service has it registered."""
    return report_keys(tmp_path_factory.mktemp("report-keys"), hub_id, monkeypatch)
