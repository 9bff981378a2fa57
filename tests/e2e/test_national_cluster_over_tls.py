"""Hubs reach the national Kafka cluster over TLS, each as itself: a SASL_SSL broker of this
module's own (a CA and certificates made now, SCRAM-SHA-512 users, the StandardAuthorizer)
lets each hub's principal write the national topic and nothing else, refuses strangers, wrong
passwords and plaintext, and lets the national service's principal read every hub's reports.
Two hubs of two regions, each signing with its own registered key, add up exactly nationally;
a report one hub forges for the other is refused."""

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
from hubs.reporting.adapters.signing import ReportSigner
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.domain.catalogue import is_count
from hubs.reporting.testing import ReportKeys
from hubs.runtime.kafka import make_producer
from hubs.runtime.settings import KafkaSecurity
from hubs.runtime.testing import eventually, free_port

pytestmark = pytest.mark.e2e

# One per country, whatever a hub's own topic prefix.
NATIONAL_TOPIC = national_topic()
OTHER_TOPIC = "national.something-else.v1"
HUB_USER = "hub-north-west"
LONDON_HUB_USER = "hub-london"
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
    principals = (HUB_USER, LONDON_HUB_USER, NATIONAL_USER, STRANGER)
    passwords = {name: uuid.uuid4().hex for name in ("admin", *principals)}
    script = Path(request.config.rootpath) / "infra/kafka/kafka.sh"
    port, controller = free_port(), free_port()
    users = [arg for name in principals for arg in ("--scram-user", f"{name}:{passwords[name]}")]
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
                _allow(LONDON_HUB_USER, ACLOperation.WRITE, ResourceType.TOPIC, NATIONAL_TOPIC),
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


def _read_all(cluster: NationalCluster, user: str, topic: str = NATIONAL_TOPIC) -> list:
    """Every message on the topic (the national one by default), read as `user` (no consumer group)."""
    consumer = KafkaConsumer(
        bootstrap_servers=cluster.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        consumer_timeout_ms=2000,
        **cluster.security(user).client_config(),
    )
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
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


@pytest.mark.parametrize("user", [HUB_USER, LONDON_HUB_USER])
def test_a_hub_may_write_no_other_topic(national_cluster, user):
    producer = make_producer(national_cluster.bootstrap_servers, "reporting@test", national_cluster.security(user))
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


def _send_referrals(infra, hub, count: int) -> None:
    """`count` October referrals on the hub's own (plaintext) cluster, as its referral relay sends them."""
    producer = KafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers, acks="all")
    try:
        for day in range(1, count + 1):
            case_id = str(uuid.uuid4())
            data = {"referral_id": case_id, "received_at": f"2026-10-{day:02d}T09:00:00+00:00", "source": "self",
                    "urgency": "routine"}  # fmt: skip
            hub_id = hub.settings.hub_id
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


def _counts(figures: dict) -> dict[str, int]:
    return {name: value for name, value in figures.items() if is_count(name)}


def test_two_hubs_of_two_regions_report_over_sasl_ssl_as_themselves_and_add_up_exactly_nationally(
    national_cluster, run_service, infra, hub_id, tokens, signing: ReportKeys, tmp_path, monkeypatch
):
    north, london = hub_id, f"{hub_id}-ldn"
    # Each hub signs with a key of its own, registered with its region by the national team.
    (tmp_path / "london-keys").mkdir()
    london_key = ReportKeys(tmp_path / "london-keys", key_id="london-hub-2026")
    signing.register(north, "north-west")
    signing.register(london, "london", keys={london_key.signer.key_id: london_key.key})

    # Each hub's own cluster stays plaintext (the shared test broker); only the national one is
    # secured, each hub with its own user there, as its deployment gives them.
    monkeypatch.setenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", national_cluster.bootstrap_servers)
    for name, value in national_cluster.environment("HUBS_NATIONAL_KAFKA_", HUB_USER).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HUBS_NATIONAL_TOPIC_PREFIX", raising=False)
    to_national = {"national_kafka_bootstrap_servers": national_cluster.bootstrap_servers, "national_topic_prefix": ""}
    fast = {"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.5"}
    north_hub = run_service(REPORTING, region="north-west", extra=fast, **to_national)
    assert north_hub.settings.topic_prefix  # the hub's own topics are prefixed; the national one is not
    assert north_hub.settings.national_kafka_security.sasl_username == HUB_USER
    assert north_hub.settings.kafka_security.protocol == "PLAINTEXT"
    london_hub = run_service(
        REPORTING, hub_id=london, region="london", schema_suffix="l_",
        national_kafka_security=national_cluster.security(LONDON_HUB_USER),
        extra={**fast, "HUBS_REPORT_SIGNING_KEY_FILE": str(london_key.key_file),
               "HUBS_REPORT_SIGNING_KEY_ID": london_key.signer.key_id},
        **to_national,
    )  # fmt: skip
    assert london_hub.settings.national_kafka_security.sasl_username == LONDON_HUB_USER
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
    for hub in (north_hub, london_hub):
        hub.start_worker().start_relay()
    national.start_worker()
    _send_referrals(infra, north_hub, 12)
    _send_referrals(infra, london_hub, 7)

    analyst = tokens("national-analyst", hub="national")
    month = "period_type=month&period=2026-10"

    def national_figures() -> tuple[dict, dict] | None:
        """Both hubs' newest reports and the comparison made from them, read at one moment."""

        def hubs() -> dict:
            body = national.client.get(f"/v1/national/dataset?{month}", headers=analyst).get_json()
            return {h["hub_id"]: h for h in body["hubs"] if h["hub_id"] in (north, london)}

        before = hubs()
        comparison = national.client.get(f"/v1/national/comparison?{month}", headers=analyst).get_json()
        after = hubs()
        referrals = {h: r["figures"].get("referrals_received") for h, r in after.items()}
        return (after, comparison) if referrals == {north: 12, london: 7} and before == after else None

    hubs, comparison = eventually(national_figures, timeout=120)
    assert comparison["view"] == "exact"
    assert {hubs[north]["region"], hubs[london]["region"]} == {"north-west", "london"}
    north_counts, london_counts = _counts(hubs[north]["figures"]), _counts(hubs[london]["figures"])
    england = comparison["england"]
    assert england["hubs"] == 2 and england["figures_exact"]
    for name in {*north_counts, *london_counts}:
        assert england["figures"][name] == north_counts.get(name, 0) + london_counts.get(name, 0), name
    regions = {r["region"]: r for r in comparison["regions"]}
    assert _counts(regions["north-west"]["figures"]) == north_counts
    assert _counts(regions["london"]["figures"]) == london_counts
    # Each hub's reports left it signed with its own key.
    ours = {north.encode(), london.encode()}
    on_topic = [m for m in _read_all(national_cluster, NATIONAL_USER) if m.key.split(b":")[0] in ours]
    signed_by = {(json.loads(m.value)["data"]["hub_id"], dict(m.headers)["hubs-key-id"].decode()) for m in on_topic}
    assert signed_by == {(north, signing.signer.key_id), (london, london_key.signer.key_id)}

    # The London hub forges the north hub's next report, signed with its own key: under its own
    # key id, and under the north hub's.
    taken = next(
        data
        for data in (json.loads(m.value)["data"] for m in on_topic)
        if (data["hub_id"], data["period_type"], data["period"], data["report_version"])
        == (north, "month", "2026-10", hubs[north]["report_version"])
    )
    forged_data = {**taken, "report_version": taken["report_version"] + 1}
    forged_data["figures"] = {**taken["figures"], "referrals_received": 999}
    forged = new_envelope("HubPeriodReport", forged_data, hub_id=north, producer=f"reporting@{north}")
    producer = make_producer(
        national_cluster.bootstrap_servers, "reporting@london", national_cluster.security(LONDON_HUB_USER)
    )
    try:
        for signer in (london_key.signer, ReportSigner(signing.signer.key_id, london_key.key)):
            headers = signing.headers(forged, signer)
            producer.send(NATIONAL_TOPIC, key=message_key(forged).encode(), value=json.dumps(forged).encode(),
                          headers=headers).get(timeout=30)  # fmt: skip
    finally:
        producer.close(timeout=10)

    def refused() -> list[str]:
        dlq = _read_all(national_cluster, "admin", dlq_topic(NATIONAL_TOPIC))
        errors = [(dict(m.headers)["error"].decode(), json.loads(m.value).get("event_id")) for m in dlq]
        found = [error for error, event_id in errors if event_id == forged["event_id"]]
        return found if len(found) == 2 else []

    assert sorted(e.split(":")[0] for e in eventually(refused)) == ["bad-signature", "wrong-key"]
    again, comparison = eventually(national_figures)
    assert again[north]["report_version"] == hubs[north]["report_version"]
    assert comparison["england"]["figures"]["referrals_received"] == 19
