"""Settings from the environment: the only place a service reads configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

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
    topic_prefix: str = ""
    reporting_mode: str = "hub"
    log_level: str = "INFO"
    api_bind: str = "127.0.0.1:8000"
    api_threads: int = 8
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
    def from_env(cls, service: str, **overrides: object) -> Settings:
        """Settings of `service` from HUBS_* variables, DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS."""
        var = Path(_env("HUBS_VAR_DIR", "var"))
        kafka = _env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
        settings = cls(
            service=service,
            hub_id=_env("HUBS_HUB_ID", "demo-hub"),
            hub_name=_env("HUBS_HUB_NAME", "Demo hub"),
            region=_env("HUBS_REGION", "london"),
            database_url=_env("DATABASE_URL", f"sqlite:///{var / (service + '.db')}"),
            database_schema=os.environ.get("DATABASE_SCHEMA") or None,
            kafka_bootstrap_servers=kafka,
            national_kafka_bootstrap_servers=_env("NATIONAL_KAFKA_BOOTSTRAP_SERVERS", kafka),
            topic_prefix=_env("HUBS_TOPIC_PREFIX", ""),
            reporting_mode=_env("HUBS_REPORTING_MODE", "hub"),
            log_level=_env("HUBS_LOG_LEVEL", "INFO"),
            api_bind=_env("HUBS_API_BIND", "127.0.0.1:8000"),
            api_threads=int(_env("HUBS_API_THREADS", "8")),
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
    def producer_name(self) -> str:
        """The `producer` written in the envelope of every event this service emits."""
        return f"{self.service}@{self.hub_id}"
