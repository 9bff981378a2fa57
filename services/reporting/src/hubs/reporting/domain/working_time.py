"""Working time between two moments, for the time-to-first-contact item: Monday to Friday,
09:00 to 17:00 England local time, less the hub's bank holidays and closure days. Counted with
the working calendar of every service of the hub, the one the referral service's first-contact
deadlines are counted with."""

from __future__ import annotations

from hubs.contracts.working_time import calendar_minutes, working_minutes

__all__ = ["calendar_minutes", "working_minutes"]
