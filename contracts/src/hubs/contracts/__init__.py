"""Contracts shared by every wellbeing hub service: the event envelope, event schemas,
code lists and topic names. Nothing here does I/O."""

from hubs.contracts.envelope import ContractError, new_envelope, parse_envelope
from hubs.contracts.registry import CATALOGUE, EventSpec, spec_for

__all__ = ["CATALOGUE", "ContractError", "EventSpec", "new_envelope", "parse_envelope", "spec_for"]
