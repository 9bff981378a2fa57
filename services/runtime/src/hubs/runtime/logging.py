"""JSON logs with request and correlation ids. Never log payloads, personal data or tokens."""

from __future__ import annotations

import contextvars
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str, hub_id: str):
        super().__init__()
        self.service = service
        self.hub_id = hub_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.hub_id = self.hub_id
        record.request_id = request_id.get()
        record.correlation_id = correlation_id.get()
        return True


def configure_logging(service: str, hub_id: str, level: str = "INFO") -> None:
    """Send JSON lines to stderr, each with service, hub and the current ids."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(hub_id)s %(request_id)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service, hub_id))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The Kafka client is chatty at INFO and may print message metadata; keep it to warnings.
    logging.getLogger("kafka").setLevel(logging.WARNING)
