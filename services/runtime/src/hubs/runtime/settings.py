"""Settings from the environment: the only place a service reads configuration."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from hubs.contracts.topics import national_topic

if TYPE_CHECKING:
    from typing_extensions import Unpack

# The hubs opened ahead of winter 2020/21: no hub holds a record of a day before this.
DEFAULT_RECORDS_START = date(2020, 10, 1)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _positive_int(name: str, default: str) -> int:
    text = _env(name, default)
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _date(name: str, default: date) -> date:
    text = os.environ.get(name) or default.isoformat()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a date, YYYY-MM-DD, not {text!r}") from None


SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
SASL_MECHANISMS = ("SCRAM-SHA-512",)
# The variables of one cluster, after its prefix (HUBS_KAFKA_ or HUBS_NATIONAL_KAFKA_).
KAFKA_SECURITY_VARIABLES = (
    "SECURITY_PROTOCOL",
    "SSL_CA_FILE",
    "SSL_CERT_FILE",
    "SSL_KEY_FILE",
    "SSL_KEY_PASSWORD_FILE",
    "SASL_MECHANISM",
    "SASL_USERNAME",
    "SASL_PASSWORD_FILE",
)


@dataclass(frozen=True)
class KafkaSecurity:
    """How a process proves who it is to one Kafka cluster and checks that the cluster is the
    right one: PLAINTEXT (a private network only), SSL (TLS; with a client certificate for
    mutual TLS) or SASL_SSL (TLS, and a SCRAM-SHA-512 user and password).

    Secrets come from files (mounted Kubernetes secrets), never from variables; they are read
    once, at start, and kept out of the repr so that no log line can carry them."""

    protocol: str = "PLAINTEXT"
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    key_password: str | None = field(default=None, repr=False)
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, prefix: str, environ: Mapping[str, str] | None = None) -> KafkaSecurity:
        """The settings of `<prefix>SECURITY_PROTOCOL` and the rest; a ValueError naming the
        variable for any setting that cannot work, so a misconfigured process stops at start."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return (env.get(prefix + name) or "").strip() or None

        if env.get(prefix + "SASL_PASSWORD"):
            raise ValueError(
                f"{prefix}SASL_PASSWORD is not read: put the password in a file, {prefix}SASL_PASSWORD_FILE"
            )
        protocol = (get("SECURITY_PROTOCOL") or "PLAINTEXT").upper()
        if protocol not in SECURITY_PROTOCOLS:
            raise ValueError(
                f"{prefix}SECURITY_PROTOCOL must be one of {', '.join(SECURITY_PROTOCOLS)}, "
                f"not {get('SECURITY_PROTOCOL')!r}"
            )
        tls = protocol in ("SSL", "SASL_SSL")
        sasl = protocol == "SASL_SSL"
        for name in KAFKA_SECURITY_VARIABLES[1:]:
            if get(name) and not (sasl if name.startswith("SASL_") else tls):
                raise ValueError(f"{prefix}{name} is set but {prefix}SECURITY_PROTOCOL is {protocol}")
        if not tls:
            return cls()
        ca_file = _readable(
            prefix + "SSL_CA_FILE", get("SSL_CA_FILE"), f"{protocol} needs the cluster's CA certificate"
        )
        cert_file, key_file = get("SSL_CERT_FILE"), get("SSL_KEY_FILE")
        if bool(cert_file) != bool(key_file):
            raise ValueError(f"{prefix}SSL_CERT_FILE and {prefix}SSL_KEY_FILE are set together or not at all")
        if get("SSL_KEY_PASSWORD_FILE") and not key_file:
            raise ValueError(f"{prefix}SSL_KEY_PASSWORD_FILE is set without {prefix}SSL_KEY_FILE")
        key_password = None
        if cert_file:
            _readable(prefix + "SSL_CERT_FILE", cert_file)
            _readable(prefix + "SSL_KEY_FILE", key_file)
            if get("SSL_KEY_PASSWORD_FILE"):
                key_password = _secret(prefix + "SSL_KEY_PASSWORD_FILE", get("SSL_KEY_PASSWORD_FILE"))
        if not sasl:
            return cls(protocol, ca_file, cert_file, key_file, key_password)
        mechanism = (get("SASL_MECHANISM") or "SCRAM-SHA-512").upper()
        if mechanism not in SASL_MECHANISMS:
            raise ValueError(f"{prefix}SASL_MECHANISM must be {' or '.join(SASL_MECHANISMS)}, not {mechanism!r}")
        username = get("SASL_USERNAME")
        if not username:
            raise ValueError(f"{prefix}SASL_USERNAME is required with {prefix}SECURITY_PROTOCOL=SASL_SSL")
        if not get("SASL_PASSWORD_FILE"):
            raise ValueError(f"{prefix}SASL_PASSWORD_FILE is required with {prefix}SECURITY_PROTOCOL=SASL_SSL")
        password = _secret(prefix + "SASL_PASSWORD_FILE", get("SASL_PASSWORD_FILE"))
        return cls(protocol, ca_file, cert_file, key_file, key_password, mechanism, username, password)

    def client_config(self) -> dict[str, object]:
        """The settings every kafka-python client (producer, consumer, admin) is given."""
        config: dict[str, object] = {"security_protocol": self.protocol}
        if self.protocol == "PLAINTEXT":
            return config
        config.update(ssl_cafile=self.ca_file, ssl_check_hostname=True)
        if self.cert_file:
            config.update(ssl_certfile=self.cert_file, ssl_keyfile=self.key_file, ssl_password=self.key_password)
        if self.protocol == "SASL_SSL":
            config.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        return config


def _readable(name: str, path: str | None, why: str = "") -> str:
    if not path:
        raise ValueError(f"{name} is required: {why}")
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise ValueError(f"{name}: cannot read {path!r} ({error.strerror})") from None
    return path


def _secret(name: str, path: str | None) -> str:
    """The first line of a secret file (a mounted secret may end with a newline)."""
    _readable(name, path)
    with open(path, encoding="utf-8") as file:  # type: ignore[arg-type]
        text = file.read().strip("\r\n")
    if not text:
        raise ValueError(f"{name}: {path!r} is empty")
    return text


def _replication_factor(text: str) -> int:
    """-1 (the broker's default.replication.factor) or a positive number of replicas."""
    try:
        factor = int(text)
    except ValueError:
        factor = 0
    if factor == 0 or factor < -1:
        raise ValueError(
            f"HUBS_KAFKA_TOPIC_REPLICATION_FACTOR must be -1 (the broker's default) or 1 or more, not {text!r}"
        )
    return factor


def _national_kafka_security(hub: KafkaSecurity, hub_servers: str) -> KafkaSecurity:
    """The national cluster's settings. When none of its own is given and it is the hub's own
    cluster (no other address), it is reached as the hub reaches its cluster; a cluster
    elsewhere never gets the hub's credentials."""
    prefix = "HUBS_NATIONAL_KAFKA_"
    own = any(os.environ.get(prefix + name) for name in (*KAFKA_SECURITY_VARIABLES, "SASL_PASSWORD"))
    if not own and _env("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", hub_servers) == hub_servers:
        return hub
    return KafkaSecurity.from_env(prefix)


class SettingsOverrides(TypedDict, total=False):
    """Settings given in code over those of the environment: any field of Settings but `service`."""

    hub_id: str
    hub_name: str
    region: str
    database_url: str
    database_schema: str | None
    kafka_bootstrap_servers: str
    national_kafka_bootstrap_servers: str
    kafka_security: KafkaSecurity
    national_kafka_security: KafkaSecurity
    topic_prefix: str
    national_topic_prefix: str
    create_topics: bool
    topic_replication_factor: int
    reporting_mode: str
    log_level: str
    api_bind: str
    api_threads: int
    api_workers: int
    metrics_port: int
    consumer_max_attempts: int
    consumer_retry_base_seconds: float
    consumer_retry_max_seconds: float
    consumer_batch_transactions: bool
    relay_batch_size: int
    relay_idle_seconds: float
    report_interval_seconds: float
    records_start: date
    extra: dict[str, str]


@dataclass(frozen=True)
class Settings:
    """Configuration of one process of one service of one hub."""

    service: str
    hub_id: str = "demo-hub"
    hub_name: str = "Demo hub"
    region: str = "london"
    database_url: str = ""
    database_schema: str | None = None
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    national_kafka_bootstrap_servers: str = ""
    kafka_security: KafkaSecurity = KafkaSecurity()
    national_kafka_security: KafkaSecurity = KafkaSecurity()
    # Tenancy of the hub's own topics and consumer groups on a shared cluster.
    topic_prefix: str = ""
    # The national topic is one per country, whatever the hub's own prefix: only the national
    # cluster's owners may prefix it (HUBS_NATIONAL_TOPIC_PREFIX).
    national_topic_prefix: str = ""
    # Topics are made at start unless the platform makes them (Strimzi KafkaTopics); a made topic
    # takes the broker's default replication factor (-1) unless one is set.
    create_topics: bool = True
    topic_replication_factor: int = -1
    reporting_mode: str = "hub"
    log_level: str = "INFO"
    api_bind: str = "127.0.0.1:8000"
    # Threads of each API process. Four, not eight: on two cores, eight threads in each of two
    # workers served 15 % fewer requests with a higher p99 (they take turns at the interpreter lock).
    api_threads: int = 4
    # gunicorn worker processes of the API, each with `api_threads` threads and its own app.
    api_workers: int = 1
    metrics_port: int = 0
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.2
    consumer_retry_max_seconds: float = 10.0
    # A poll's events in one transaction (falling back to one per event on any failure).
    consumer_batch_transactions: bool = True
    relay_batch_size: int = 500
    relay_idle_seconds: float = 0.1
    report_interval_seconds: float = 1.0
    # The first day a record of this hub may carry: earlier dates are refused at the door.
    records_start: date = DEFAULT_RECORDS_START
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, service: str, **overrides: Unpack[SettingsOverrides]) -> Settings:
        """Settings of `service` from HUBS_* variables, DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS."""
        var = Path(_env("HUBS_VAR_DIR", "var"))
        kafka = _env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
        kafka_security = KafkaSecurity.from_env("HUBS_KAFKA_")
        reporting_mode = _env("HUBS_REPORTING_MODE", "hub")
        topic_prefix = _env("HUBS_TOPIC_PREFIX", "")
        settings = cls(
            service=service,
            hub_id=_env("HUBS_HUB_ID", "demo-hub"),
            hub_name=_env("HUBS_HUB_NAME", "Demo hub"),
            region=_env("HUBS_REGION", "london"),
            database_url=_env("DATABASE_URL", f"sqlite:///{var / (service + '.db')}"),
            database_schema=os.environ.get("DATABASE_SCHEMA") or None,
            kafka_bootstrap_servers=kafka,
            national_kafka_bootstrap_servers=_env("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", kafka),
            kafka_security=kafka_security,
            national_kafka_security=_national_kafka_security(kafka_security, kafka),
            topic_prefix=topic_prefix,
            # The national service's own cluster is the national one: its prefix is that cluster's.
            national_topic_prefix=_env(
                "HUBS_NATIONAL_TOPIC_PREFIX", topic_prefix if reporting_mode == "national" else ""
            ),
            create_topics=_env("HUBS_KAFKA_CREATE_TOPICS", "true").lower() != "false",
            topic_replication_factor=_replication_factor(_env("HUBS_KAFKA_TOPIC_REPLICATION_FACTOR", "-1")),
            reporting_mode=reporting_mode,
            log_level=_env("HUBS_LOG_LEVEL", "INFO"),
            api_bind=_env("HUBS_API_BIND", "127.0.0.1:8000"),
            api_threads=int(_env("HUBS_API_THREADS", "4")),
            api_workers=_positive_int("HUBS_API_WORKERS", "1"),
            metrics_port=int(_env("HUBS_METRICS_PORT", "0")),
            consumer_max_attempts=int(_env("HUBS_CONSUMER_MAX_ATTEMPTS", "5")),
            consumer_retry_base_seconds=float(_env("HUBS_CONSUMER_RETRY_BASE_SECONDS", "0.2")),
            consumer_retry_max_seconds=float(_env("HUBS_CONSUMER_RETRY_MAX_SECONDS", "10")),
            consumer_batch_transactions=_env("HUBS_CONSUMER_BATCH_TRANSACTIONS", "true").lower() != "false",
            relay_batch_size=int(_env("HUBS_RELAY_BATCH_SIZE", "500")),
            relay_idle_seconds=float(_env("HUBS_RELAY_IDLE_SECONDS", "0.1")),
            report_interval_seconds=float(_env("HUBS_REPORT_INTERVAL_SECONDS", "1.0")),
            records_start=_date("HUBS_RECORDS_START", DEFAULT_RECORDS_START),
            extra={k: v for k, v in os.environ.items() if k.startswith("HUBS_")},
        )
        return replace(settings, **overrides) if overrides else settings

    @property
    def national_topic(self) -> str:
        """Where hubs publish their period reports and the national service reads them."""
        return national_topic(self.national_topic_prefix)

    @property
    def producer_name(self) -> str:
        """The `producer` written in the envelope of every event this service emits."""
        return f"{self.service}@{self.hub_id}"
