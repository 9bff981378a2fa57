"""A hub reaches the national Kafka cluster over TLS, as itself: a SASL_SSL broker of this
module's own (a CA and certificates made now, SCRAM-SHA-512 users, the StandardAuthorizer)
lets the hub's principal write the national topic and nothing else, refuses strangers, wrong
passwords and plaintext, and lets the national service's principal read every hub's reports."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    NewTopic,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from kafka.errors import KafkaTimeoutError, TopicAuthorizationFailedError

from hubs.contracts import message_headers, message_key, new_envelope
from hubs.contracts.topics import dlq_topic, hub_topic, national_topic
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.runtime.kafka import make_producer
from hubs.runtime.settings import KafkaSecurity
from hubs.runtime.testing import eventually, free_port

pytestmark = pytest.mark.e2e

# One per country, whatever a hub's own topic prefix.
NATIONAL_TOPIC = national_topic()
OTHER_TOPIC = "national.something-else.v1"
HUB_USER = "hub-north-west"
NATIONAL_USER = "national-reporting"
STRANGER = "someone-else"
# The consumer group of the national service run below (hub id "national", no topic prefix).
NATIONAL_GROUP = "national.reporting.hub-reports"
EVERY_ACL = ACLFilter(
    None,
    None,
    ACLOperation.ANY,
    ACLPermissionType.ANY,
    ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
)


def _certificate(subject: str, key, issuer: x509.Name, signer, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_tls_dir(folder: Path) -> Path:
    """A CA of the test and the broker's certificate (for 127.0.0.1) and key, as PEM files."""
    folder.mkdir(parents=True)
    ca_key, broker_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test national Kafka CA")])
    ca = _certificate("Test national Kafka CA", ca_key, ca_name, ca_key, ca=True)
    broker = _certificate("127.0.0.1", broker_key, ca_name, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (folder / "ca.crt").write_bytes(ca.public_bytes(pem))
    (folder / "broker.crt").write_bytes(broker.public_bytes(pem))
    key = broker_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (folder / "broker.key").write_bytes(key)
    return folder


@dataclass
class NationalCluster:
    bootstrap_servers: str
    folder: Path
    passwords: dict[str, str]

    def environment(self, prefix: str, user: str, password: str | None = None) -> dict[str, str]:
        """The variables a process is given to reach this cluster as `user`."""
        secret = self.folder / f"{user}-{uuid.uuid4().hex[:6]}.password"
        secret.write_text((password or self.passwords[user]) + "\n")
        return {
            f"{prefix}SECURITY_PROTOCOL": "SASL_SSL",
            f"{prefix}SSL_CA_FILE": str(self.folder / "tls" / "ca.crt"),
            f"{prefix}SASL_MECHANISM": "SCRAM-SHA-512",
            f"{prefix}SASL_USERNAME": user,
            f"{prefix}SASL_PASSWORD_FILE": str(secret),
        }

    def security(self, user: str, password: str | None = None) -> KafkaSecurity:
        return KafkaSecurity.from_env("HUBS_KAFKA_", self.environment("HUBS_KAFKA_", user, password))


def _allow(principal: str, operation: int, resource_type: int, name: str) -> ACL:
    pattern = ResourcePattern(resource_type, name, ACLResourcePatternType.LITERAL)
    return ACL(f"User:{principal}", "*", operation, ACLPermissionType.ALLOW, pattern)


@pytest.fixture(scope="module")
def national_cluster(tmp_path_factory, request) -> Iterator[NationalCluster]:
    """A SASL_SSL broker of this module's own, with the national topic and the ACLs a national
    cluster's owners give: the hub may write that topic only; the national service reads it."""
    folder = tmp_path_factory.mktemp("national-kafka")
    tls = make_tls_dir(folder / "tls")
    passwords = {name: uuid.uuid4().hex for name in ("admin", HUB_USER, NATIONAL_USER, STRANGER)}
    script = Path(request.config.rootpath) / "infra/kafka/kafka.sh"
    port, controller = free_port(), free_port()
    users = [
        arg for name in (HUB_USER, NATIONAL_USER, STRANGER) for arg in ("--scram-user", f"{name}:{passwords[name]}")
    ]
    started = subprocess.run(
        ["bash", str(script), "start", "--sasl-ssl-port", str(port), "--controller-port", str(controller),
         "--dir", str(folder / "broker"), "--tls-dir", str(tls), "--admin-user", f"admin:{passwords['admin']}",
         *users],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    cluster = NationalCluster(f"127.0.0.1:{port}", folder, passwords)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=cluster.bootstrap_servers, **cluster.security("admin").client_config()
        )
        try:
            admin.create_topics([NewTopic(t, 3, 1) for t in (NATIONAL_TOPIC, dlq_topic(NATIONAL_TOPIC), OTHER_TOPIC)])
            acls = [
                _allow(HUB_USER, ACLOperation.WRITE, ResourceType.TOPIC, NATIONAL_TOPIC),
                _allow(NATIONAL_USER, ACLOperation.READ, ResourceType.TOPIC, NATIONAL_TOPIC),
                _allow(NATIONAL_USER, ACLOperation.READ, ResourceType.GROUP, NATIONAL_GROUP),
                _allow(NATIONAL_USER, ACLOperation.WRITE, ResourceType.TOPIC, dlq_topic(NATIONAL_TOPIC)),
            ]
            assert admin.create_acls(acls)["failed"] == []
            # The broker applies ACLs as it replays the cluster's metadata, a moment after they are
            # created: it describes them once they take effect.
            eventually(lambda: len(admin.describe_acls(EVERY_ACL)[0]) == len(acls), timeout=30)
        finally:
            admin.close()
        yield cluster
    finally:
        subprocess.run(
            ["bash", str(script), "stop", "--dir", str(folder / "broker")], capture_output=True, timeout=60, check=False
        )


def _report_probe(hub_id: str) -> tuple[bytes, bytes]:
    return f"{hub_id}:probe".encode(), json.dumps({"probe": uuid.uuid4().hex}).encode()


def _read_all(cluster: NationalCluster, user: str) -> list:
    """Every message on the national topic, read as `user` (no consumer group)."""
    consumer = KafkaConsumer(
        bootstrap_servers=cluster.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        consumer_timeout_ms=2000,
        **cluster.security(user).client_config(),
    )
    try:
        partitions = [TopicPartition(NATIONAL_TOPIC, p) for p in sorted(consumer.partitions_for_topic(NATIONAL_TOPIC))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        return list(consumer)
    finally:
        consumer.close(autocommit=False)


def test_the_hubs_own_idempotent_producer_writes_the_national_topic_and_the_national_service_reads_it(
    national_cluster,
):
    producer = make_producer(national_cluster.bootstrap_servers, "reporting@test", national_cluster.security(HUB_USER))
    try:
        key, value = _report_probe("hub-a")
        written = producer.send(NATIONAL_TOPIC, key=key, value=value).get(timeout=30)
    finally:
        producer.close(timeout=10)
    assert written.topic == NATIONAL_TOPIC
    assert (key, value) in {(m.key, m.value) for m in _read_all(national_cluster, NATIONAL_USER)}


def test_the_hub_may_write_no_other_topic(national_cluster):
    producer = make_producer(national_cluster.bootstrap_servers, "reporting@test", national_cluster.security(HUB_USER))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(OTHER_TOPIC, value=b"not ours").get(timeout=30)
    finally:
        producer.close(timeout=10)


def test_a_principal_without_acls_may_not_write_the_national_topic(national_cluster):
    producer = make_producer(national_cluster.bootstrap_servers, "stranger", national_cluster.security(STRANGER))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(NATIONAL_TOPIC, value=b"not ours").get(timeout=30)
    finally:
        producer.close(timeout=10)


def test_the_hub_may_not_read_the_other_hubs_reports(national_cluster):
    consumer = KafkaConsumer(
        bootstrap_servers=national_cluster.bootstrap_servers, group_id=None, consumer_timeout_ms=2000,
        **national_cluster.security(HUB_USER).client_config(),
    )  # fmt: skip
    try:
        consumer.assign([TopicPartition(NATIONAL_TOPIC, 0)])
        consumer.seek_to_beginning()
        with pytest.raises(TopicAuthorizationFailedError):
            list(consumer)
    finally:
        consumer.close(autocommit=False)


def _connects(bootstrap_servers: str, **config) -> bool:
    """Whether a producer bootstraps (connects, authenticates, reads the metadata) within 5 seconds."""
    try:
        KafkaProducer(bootstrap_servers=bootstrap_servers, bootstrap_timeout_ms=5000, **config).close(timeout=1)
    except KafkaTimeoutError:
        return False
    return True


def test_a_wrong_password_is_refused(national_cluster):
    assert _connects(national_cluster.bootstrap_servers, **national_cluster.security(HUB_USER).client_config())
    wrong = national_cluster.security(HUB_USER, password="not-the-password")
    assert not _connects(national_cluster.bootstrap_servers, **wrong.client_config())


def test_a_plaintext_client_is_refused(national_cluster):
    assert not _connects(national_cluster.bootstrap_servers, security_protocol="PLAINTEXT")


def test_a_hubs_reports_reach_the_national_service_over_sasl_ssl_as_the_hub_and_as_the_national_team(
    national_cluster, run_service, infra, hub_id, tokens, monkeypatch
):
    # The hub's own cluster stays plaintext (the shared test broker); only the national one is secured,
    # each with its own settings, as a hub's deployment gives them.
    monkeypatch.setenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", national_cluster.bootstrap_servers)
    for name, value in national_cluster.environment("HUBS_NATIONAL_KAFKA_", HUB_USER).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HUBS_NATIONAL_TOPIC_PREFIX", raising=False)
    hub = run_service(
        REPORTING,
        national_kafka_bootstrap_servers=national_cluster.bootstrap_servers,
        national_topic_prefix="",
        extra={"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.5"},
    )
    assert hub.settings.topic_prefix  # the hub's own topics are prefixed; the national one is not
    assert hub.settings.national_kafka_security.sasl_username == HUB_USER
    assert hub.settings.kafka_security.protocol == "PLAINTEXT"
    national = run_service(
        REPORTING,
        reporting_mode="national",
        schema_suffix="n_",
        hub_id="national",
        kafka_bootstrap_servers=national_cluster.bootstrap_servers,
        kafka_security=national_cluster.security(NATIONAL_USER),
        topic_prefix="",
        national_topic_prefix="",
    )
    hub.start_worker().start_relay()
    national.start_worker()

    producer = KafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, acks="all")
    try:
        for day in range(1, 13):
            case_id = str(uuid.uuid4())
            data = {"referral_id": case_id, "received_at": f"2026-10-{day:02d}T09:00:00+00:00", "source": "self",
                    "urgency": "routine"}  # fmt: skip
            envelope = new_envelope("ReferralReceived", data, hub_id=hub_id, producer="referral@test", case_id=case_id)
            producer.send(
                hub_topic(hub_id, "referral", prefix=hub.settings.topic_prefix),
                key=message_key(envelope).encode(),
                value=json.dumps(envelope).encode(),
                headers=message_headers(envelope),
            )
        producer.flush(timeout=30)
    finally:
        producer.close()

    analyst = tokens("national-analyst", hub="national")

    def compared() -> dict | None:
        body = national.client.get(
            "/v1/national/comparison?period_type=month&period=2026-10", headers=analyst
        ).get_json()
        return body if body["england"]["hubs"] == 1 and body["england"]["figures"].get("referrals_received") else None

    body = eventually(compared)
    assert body["england"]["figures"]["referrals_received"] >= 10
    ours = [
        json.loads(m.value) for m in _read_all(national_cluster, NATIONAL_USER) if m.key.startswith(hub_id.encode())
    ]
    assert ours and {(r["event_type"], r["data"]["hub_id"]) for r in ours} == {("HubPeriodReport", hub_id)}
