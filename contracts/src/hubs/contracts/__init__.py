"""Contracts shared by every wellbeing hub service: the event envelope, event schemas,
code lists and topic names. Nothing here does I/O."""

# Importing the events fills CATALOGUE, so that reading it directly sees every event.
from hubs.contracts import events  # noqa: F401
from hubs.contracts.envelope import ContractError, message_headers, message_key, new_envelope, parse_envelope
from hubs.contracts.registry import (
    CATALOGUE,
    EventSpec,
    all_specs,
    latest_version,
    schema_versions,
    spec_for,
)

# Every event type with its published schema versions, oldest first.
SCHEMA_VERSIONS: dict[str, tuple[int, ...]] = schema_versions()

__all__ = [
    "CATALOGUE",
    "SCHEMA_VERSIONS",
    "ContractError",
    "EventSpec",
    "all_specs",
    "latest_version",
    "message_headers",
    "message_key",
    "new_envelope",
    "parse_envelope",
    "schema_versions",
    "spec_for",
]
