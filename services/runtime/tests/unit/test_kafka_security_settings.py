"""HUBS_KAFKA_* and HUBS_NATIONAL_KAFKA_*: how a process reaches the hub's Kafka and the
national one, each with its own TLS and SCRAM settings, and a clear refusal at start of any
setting that cannot work."""

from __future__ import annotations

import pytest

from hubs.runtime.kafka import make_producer
from hubs.runtime.settings import KafkaSecurity, Settings

CLUSTER_VARIABLES = (
    "SECURITY_PROTOCOL",
    "SSL_CA_FILE",
    "SSL_CERT_FILE",
    "SSL_KEY_FILE",
    "SSL_KEY_PASSWORD_FILE",
    "SASL_MECHANISM",
    "SASL_USERNAME",
    "SASL_PASSWORD",
    "SASL_PASSWORD_FILE",
)


@pytest.fixture(autouse=True)
def no_kafka_settings(monkeypatch):
    for prefix in ("HUBS_KAFKA_", "HUBS_NATIONAL_KAFKA_"):
        for name in CLUSTER_VARIABLES:
            monkeypatch.delenv(prefix + name, raising=False)
    monkeypatch.delenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", raising=False)


@pytest.fixture
def files(tmp_path):
    """A CA, a client certificate and key, and secret files, as mounted from Kubernetes secrets."""
    paths = {}
    for name, text in {
        "ca.crt": "CA",
        "user.crt": "CERT",
        "user.key": "KEY",
        "key-password": "key secret\n",
        "password": "s3cret-Password\n",
        "empty": "",
    }.items():
        (tmp_path / name).write_text(text)
        paths[name] = str(tmp_path / name)
    return paths


def sasl_ssl(files, prefix="HUBS_KAFKA_", **changes):
    env = {
        f"{prefix}SECURITY_PROTOCOL": "SASL_SSL",
        f"{prefix}SSL_CA_FILE": files["ca.crt"],
        f"{prefix}SASL_USERNAME": "hub-north-west",
        f"{prefix}SASL_PASSWORD_FILE": files["password"],
    }
    env.update({prefix + k: v for k, v in changes.items()})
    return {k: v for k, v in env.items() if v is not None}


def test_a_cluster_is_reached_in_plaintext_unless_told_otherwise():
    settings = Settings.from_env("referral")
    assert settings.kafka_security.client_config() == {"security_protocol": "PLAINTEXT"}
    assert settings.national_kafka_security.client_config() == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_gives_every_client_tls_with_the_ca_and_a_scram_sha_512_user_whose_password_is_read_from_its_file(
    files,
):
    security = KafkaSecurity.from_env("HUBS_KAFKA_", sasl_ssl(files))
    assert security.client_config() == {
        "security_protocol": "SASL_SSL",
        "ssl_cafile": files["ca.crt"],
        "ssl_check_hostname": True,
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "hub-north-west",
        "sasl_plain_password": "s3cret-Password",
    }


def test_mutual_tls_gives_the_client_certificate_key_and_key_password(files):
    env = {
        "HUBS_KAFKA_SECURITY_PROTOCOL": "SSL",
        "HUBS_KAFKA_SSL_CA_FILE": files["ca.crt"],
        "HUBS_KAFKA_SSL_CERT_FILE": files["user.crt"],
        "HUBS_KAFKA_SSL_KEY_FILE": files["user.key"],
        "HUBS_KAFKA_SSL_KEY_PASSWORD_FILE": files["key-password"],
    }
    config = KafkaSecurity.from_env("HUBS_KAFKA_", env).client_config()
    assert config["security_protocol"] == "SSL"
    assert (config["ssl_cafile"], config["ssl_certfile"], config["ssl_keyfile"]) == (
        files["ca.crt"],
        files["user.crt"],
        files["user.key"],
    )
    assert config["ssl_password"] == "key secret"
    assert "sasl_mechanism" not in config


def test_no_password_is_ever_shown_in_the_settings(files):
    security = KafkaSecurity.from_env("HUBS_KAFKA_", sasl_ssl(files))
    assert "s3cret" not in repr(security)


def test_the_hub_and_the_national_cluster_each_have_their_own_settings(monkeypatch, files):
    monkeypatch.setenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", "national-kafka.example.nhs.uk:9093")
    for name, value in sasl_ssl(files, prefix="HUBS_NATIONAL_KAFKA_").items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env("reporting")
    assert settings.kafka_security.protocol == "PLAINTEXT"
    assert settings.national_kafka_security.protocol == "SASL_SSL"
    assert settings.national_kafka_security.sasl_username == "hub-north-west"


def test_a_national_cluster_that_is_the_hubs_own_is_reached_as_the_hub_reaches_it(monkeypatch, files):
    for name, value in sasl_ssl(files).items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env("reporting")
    assert settings.national_kafka_security == settings.kafka_security
    assert settings.national_kafka_security.protocol == "SASL_SSL"


def test_a_national_cluster_given_the_hubs_own_address_is_reached_as_the_hub_reaches_it(monkeypatch, files):
    for name, value in sasl_ssl(files).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.hub.svc:9093")
    monkeypatch.setenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", "kafka.hub.svc:9093")
    assert Settings.from_env("reporting").national_kafka_security.protocol == "SASL_SSL"


def test_a_national_cluster_elsewhere_is_not_given_the_hubs_credentials(monkeypatch, files):
    for name, value in sasl_ssl(files).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", "national-kafka.example.nhs.uk:9093")
    assert Settings.from_env("reporting").national_kafka_security.protocol == "PLAINTEXT"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SASL_PASSWORD_FILE": None}, "HUBS_KAFKA_SASL_PASSWORD_FILE is required"),
        ({"SASL_USERNAME": None}, "HUBS_KAFKA_SASL_USERNAME is required"),
        ({"SSL_CA_FILE": None}, "HUBS_KAFKA_SSL_CA_FILE is required"),
        ({"SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "HUBS_KAFKA_SECURITY_PROTOCOL must be one of"),
        ({"SECURITY_PROTOCOL": "TLS"}, "HUBS_KAFKA_SECURITY_PROTOCOL must be one of"),
        ({"SASL_MECHANISM": "PLAIN"}, "HUBS_KAFKA_SASL_MECHANISM must be SCRAM-SHA-512"),
        ({"SASL_PASSWORD_FILE": "/no/such/file"}, "HUBS_KAFKA_SASL_PASSWORD_FILE: cannot read '/no/such/file'"),
        ({"SSL_CA_FILE": "/no/such/ca.crt"}, "HUBS_KAFKA_SSL_CA_FILE: cannot read"),
        ({"SASL_PASSWORD": "in-the-clear"}, "HUBS_KAFKA_SASL_PASSWORD is not read"),
        ({"SSL_CERT_FILE": "user.crt"}, "HUBS_KAFKA_SSL_CERT_FILE and HUBS_KAFKA_SSL_KEY_FILE are set together"),
    ],
)
def test_a_setting_that_cannot_work_stops_the_process_at_start_naming_the_setting(monkeypatch, files, changes, named):
    changes = {k: files.get(v, v) if v else v for k, v in changes.items()}
    for name, value in sasl_ssl(files, **changes).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=named):
        Settings.from_env("reporting")


def test_an_empty_password_file_is_refused(files):
    with pytest.raises(ValueError, match=r"HUBS_KAFKA_SASL_PASSWORD_FILE: .* is empty"):
        KafkaSecurity.from_env("HUBS_KAFKA_", sasl_ssl(files, SASL_PASSWORD_FILE=files["empty"]))


def test_tls_or_sasl_settings_with_plaintext_are_refused_rather_than_silently_ignored(files):
    env = {"HUBS_NATIONAL_KAFKA_SSL_CA_FILE": files["ca.crt"]}
    with pytest.raises(ValueError, match=r"HUBS_NATIONAL_KAFKA_SSL_CA_FILE is set but .* is PLAINTEXT"):
        KafkaSecurity.from_env("HUBS_NATIONAL_KAFKA_", env)
    env = sasl_ssl(files, SECURITY_PROTOCOL="SSL")
    with pytest.raises(ValueError, match=r"HUBS_KAFKA_SASL_USERNAME is set but .* is SSL"):
        KafkaSecurity.from_env("HUBS_KAFKA_", env)


def test_a_misconfigured_national_cluster_stops_the_process_naming_its_setting(monkeypatch, files):
    monkeypatch.setenv("HUBS_NATIONAL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("HUBS_NATIONAL_KAFKA_SSL_CA_FILE", files["ca.crt"])
    monkeypatch.setenv("HUBS_NATIONAL_KAFKA_SASL_USERNAME", "hub-north-west")
    with pytest.raises(ValueError, match="HUBS_NATIONAL_KAFKA_SASL_PASSWORD_FILE is required"):
        Settings.from_env("reporting")


def test_the_runtimes_producer_is_built_with_its_clusters_tls_and_scram_settings(files, monkeypatch):
    built = {}

    class Recorder:
        def __init__(self, **config):
            built.update(config)

    monkeypatch.setattr("hubs.runtime.kafka.KafkaProducer", Recorder)
    make_producer("kafka:9093", "reporting@hub-relay-national", KafkaSecurity.from_env("HUBS_KAFKA_", sasl_ssl(files)))
    assert built["security_protocol"] == "SASL_SSL"
    assert built["sasl_plain_password"] == "s3cret-Password"
    assert built["enable_idempotence"] is True and built["acks"] == "all"


def test_topics_are_made_with_the_brokers_replication_factor_unless_one_is_set(monkeypatch):
    from hubs.runtime.settings import Settings

    monkeypatch.delenv("HUBS_KAFKA_TOPIC_REPLICATION_FACTOR", raising=False)
    monkeypatch.delenv("HUBS_KAFKA_CREATE_TOPICS", raising=False)
    defaults = Settings.from_env("referral")
    assert (defaults.topic_replication_factor, defaults.create_topics) == (-1, True)
    monkeypatch.setenv("HUBS_KAFKA_TOPIC_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("HUBS_KAFKA_CREATE_TOPICS", "false")
    given = Settings.from_env("referral")
    assert (given.topic_replication_factor, given.create_topics) == (3, False)
    for wrong in ("0", "-2", "three"):
        monkeypatch.setenv("HUBS_KAFKA_TOPIC_REPLICATION_FACTOR", wrong)
        with pytest.raises(ValueError, match="HUBS_KAFKA_TOPIC_REPLICATION_FACTOR"):
            Settings.from_env("referral")
