"""Topic names. Hub topics are per hub and service; the national topic carries only
aggregates that have left a hub. An optional prefix isolates tenants or test runs."""

SERVICES = ("referral", "assessment", "care", "outreach", "reporting")
NATIONAL_TOPIC_VERSION = 1


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
