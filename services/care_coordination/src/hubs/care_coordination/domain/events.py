"""Domain events of the care-coordination service: a contract name and its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CareEvent:
    """One event for the outbox, named as in the contracts (OnwardReferralMade, WaitEscalated...)."""

    event_type: str
    data: dict[str, Any]

    def to_data(self) -> dict[str, Any]:
        return self.data
