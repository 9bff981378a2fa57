"""Which figures of the data set an event moves. Pure functions of the event, so that
replaying the topics from the start gives the same figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hubs.contracts import codes


def contributions(event: Mapping[str, Any]) -> tuple[date, dict[str, int]] | None:
    """(the day that places the event in a period, {figure: increment}) or None."""
    data = event["data"]
    kind = event["event_type"]
    if kind == "ReferralReceived":
        received: datetime = data["received_at"]
        source = data["source"]
        if source is codes.ReferralSource.SELF:
            return received.date(), {"self_referrals": 1}
        return received.date(), {"referrals_from_other_sources": 1, f"referrals_by_source.{source.value}": 1}
    if kind == "OnwardReferralMade":
        return data["made_on"], {"onward_referrals_made": 1, f"onward_referrals.{data['service_type'].value}": 1}
    if kind == "OutreachEventHeld":
        return data["held_on"], {"outreach_events_held": 1, "outreach_attendance": data["attendance"]}
    return None
