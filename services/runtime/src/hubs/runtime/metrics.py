"""Prometheus metrics shared by every service. Labels carry codes and names of things,
never personal data or ids of people or cases."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "hubs_http_requests_total", "HTTP requests answered", ["service", "method", "endpoint", "status"]
)
HTTP_LATENCY = Histogram(
    "hubs_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
OUTBOX_BACKLOG = Gauge(
    "hubs_outbox_backlog", "Events written to the outbox and not yet acknowledged by Kafka", ["service"]
)
OUTBOX_PUBLISHED = Counter(
    "hubs_outbox_published_total", "Events the relay published and Kafka acknowledged", ["service"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "hubs_outbox_publish_failures_total", "Relay batches that Kafka did not acknowledge", ["service"]
)
CONSUMER_PROCESSED = Counter(
    "hubs_consumer_processed_total", "Events applied by a consumer", ["service", "consumer", "topic"]
)
CONSUMER_DUPLICATES = Counter(
    "hubs_consumer_duplicates_total",
    "Redelivered events skipped because they were already applied",
    ["service", "consumer"],
)
CONSUMER_RETRIED = Counter(
    "hubs_consumer_retried_total", "Attempts that failed and were retried", ["service", "consumer", "error_type"]
)
CONSUMER_DEAD_LETTERED = Counter(
    "hubs_consumer_dead_lettered_total", "Messages sent to the dead-letter topic", ["service", "consumer", "topic"]
)
CONSUMER_LAG = Gauge(
    "hubs_consumer_lag", "Messages behind the end of the partition", ["service", "consumer", "topic", "partition"]
)
