"""Topic names. Hub topics are per hub and service; the national topic carries only
aggregates that have left a hub. An optional prefix isolates tenants or test runs."""

SERVICES = ("referral", "assessment", "care", "outreach", "reporting")
NATIONAL_TOPIC_VERSION = 1
HUB_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


def hub_topic(hub_id: str, service: str, version: int = 1, prefix: str = "") -> str:
    """`hub.<hub_id>.<service>.events.v<N>`, the topic of one service of one hub."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return f"{prefix}hub.{hub_id}.{service}.events.v{version}"


def national_topic(prefix: str = "", version: int = NATIONAL_TOPIC_VERSION) -> str:
    """The topic on which hubs publish their period reports to the national team."""
    return f"{prefix}national.hub-reports.v{version}"


def dlq_topic(topic: str) -> str:
    """Where messages of `topic` that can never be processed are parked, with the reason."""
    return f"{topic}.dlq"


# Kafka headers on every event message (the same values are in the envelope).
EVENT_ID_HEADER = "event_id"
EVENT_TYPE_HEADER = "event_type"

# Kafka headers a consumer adds when it parks a message on `<topic>.dlq`. The value and key
# are the original ones, byte for byte; the original headers are kept beside these.
DLQ_ORIGIN_TOPIC = "dlq.origin.topic"
DLQ_ORIGIN_PARTITION = "dlq.origin.partition"
DLQ_ORIGIN_OFFSET = "dlq.origin.offset"
DLQ_EVENT_ID = "dlq.event_id"
DLQ_ERROR_TYPE = "dlq.error.type"
DLQ_ERROR_MESSAGE = "dlq.error.message"
DLQ_ATTEMPTS = "dlq.attempts"
DLQ_CONSUMER_GROUP = "dlq.consumer.group"
DLQ_FAILED_AT = "dlq.failed_at"

# name: (required, what it says). Header values are UTF-8 strings.
DLQ_HEADERS: dict[str, tuple[bool, str]] = {
    DLQ_ORIGIN_TOPIC: (True, "the topic the message was read from"),
    DLQ_ORIGIN_PARTITION: (True, "its partition, in decimal"),
    DLQ_ORIGIN_OFFSET: (True, "its offset, in decimal"),
    DLQ_EVENT_ID: (False, "the envelope's event_id, when the message could be read that far"),
    DLQ_ERROR_TYPE: (True, "why it was parked: one of codes.DeadLetterReason"),
    DLQ_ERROR_MESSAGE: (
        False,
        "a short reason, e.g. field-level contract errors; never payload values or personal data",
    ),
    DLQ_ATTEMPTS: (True, "how many times processing was tried, in decimal"),
    DLQ_CONSUMER_GROUP: (False, "the consumer group that gave up on it"),
    DLQ_FAILED_AT: (False, "when it was parked, UTC, ISO 8601"),
}
