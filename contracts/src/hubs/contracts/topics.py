"""Topic names. Hub topics are per hub and service; the national topic carries only
aggregates that have left a hub. An optional prefix isolates tenants or test runs."""

SERVICES = ("referral", "assessment", "care", "outreach", "reporting")
NATIONAL_TOPIC_VERSION = 1
HUB_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


# What a consumer of the national topic reads, where a hub topic's consumer names its service.
NATIONAL = "national"


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

# Kafka headers of every HubPeriodReport besides those: the hub's Ed25519 signature over the
# report's canonical JSON (the envelope's `data`, keys sorted, no spaces, UTF-8), in standard
# base64, and the id of the hub's key that made it. The national service takes nothing else.
REPORT_SIGNATURE_HEADER = "hubs-signature"
REPORT_KEY_ID_HEADER = "hubs-key-id"

# Kafka headers of a message parked on `<topic>.dlq` (written by hubs.runtime's consumer).
# The key and value are the original ones, byte for byte. Header values are UTF-8 strings.
DLQ_ORIGIN_TOPIC = "origin_topic"
DLQ_ORIGIN_PARTITION = "origin_partition"
DLQ_ORIGIN_OFFSET = "origin_offset"
DLQ_EVENT_ID = "event_id"
DLQ_ERROR_TYPE = "error_type"
DLQ_ERROR = "error"
DLQ_ATTEMPTS = "attempts"
DLQ_CONSUMER = "consumer"

# name: what it says. Every one is present on every dead letter.
DLQ_HEADERS: dict[str, str] = {
    DLQ_ORIGIN_TOPIC: "the topic the message was read from",
    DLQ_ORIGIN_PARTITION: "its partition, in decimal",
    DLQ_ORIGIN_OFFSET: "its offset, in decimal",
    DLQ_EVENT_ID: "the envelope's event_id; empty when the message could not be read that far",
    DLQ_ERROR_TYPE: "the class name of the error, e.g. ContractError for a message that fails its contract",
    DLQ_ERROR: "a short reason, at most 500 characters; never payload values or personal data",
    DLQ_ATTEMPTS: "how many times processing was tried, in decimal",
    DLQ_CONSUMER: "the name of the consumer that gave up on it",
}
