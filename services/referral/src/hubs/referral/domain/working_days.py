"""The first-contact standard, counted in the hub's working calendar.

The routine standard "first contact within N working days" is met if contact happens before the
same clock time on the Nth working day after the referral; a referral received on a day the hub
is closed counts from the start of the next working day. The urgent standard "first contact
within N working hours" runs only while the hub is open, so a referral received out of hours is
due N working hours after the hub next opens. Working days, opening hours, bank holidays and the
hub's closure days are the calendar every service of the hub counts with
(`hubs.contracts.working_time`), so reporting's working time agrees with these deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubs.contracts.working_time import LONDON, WorkingCalendar

__all__ = ["LONDON", "FirstContactStandard", "WorkingCalendar"]


@dataclass(frozen=True)
class FirstContactStandard:
    """How soon first contact is due, by urgency (settings per hub): urgent within working hours,
    routine within working days."""

    urgent_days: int = 1  # no longer used for the due time: urgent is counted in working hours
    routine_days: int = 2
    urgent_hours: float = 4

    def days_for(self, urgent: bool) -> int:
        return self.urgent_days if urgent else self.routine_days

    def due_by(self, calendar: WorkingCalendar, start: datetime, urgent: bool) -> datetime:
        """When first contact is due for a referral received (or made urgent) at `start`."""
        if urgent:
            return calendar.add_working_hours(start, self.urgent_hours)
        return calendar.add_working_days(start, self.routine_days)

    def with_urgent_hours(self, text: str | None) -> FirstContactStandard:
        """HUBS_URGENT_FIRST_CONTACT_HOURS: working hours allowed for an urgent referral (default 4)."""
        if not (text or "").strip():
            return self
        try:
            hours = float(text)
        except ValueError:
            hours = 0.0
        if not 0 < hours <= 24 * 7:
            raise ValueError(f"HUBS_URGENT_FIRST_CONTACT_HOURS: expected working hours, e.g. 4, got {text!r}")
        return FirstContactStandard(self.urgent_days, self.routine_days, hours)

    @classmethod
    def parse(cls, text: str | None) -> FirstContactStandard:
        """'urgent=1,routine=2' (either may be left out)."""
        values = {"urgent": cls.urgent_days, "routine": cls.routine_days}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            name, _, number = part.partition("=")
            name = name.strip()
            if name not in values or not number.strip().isdigit():
                raise ValueError(f"HUBS_FIRST_CONTACT_STANDARD: expected e.g. 'urgent=1,routine=2', got {text!r}")
            values[name] = int(number)
        return cls(urgent_days=values["urgent"], routine_days=values["routine"])
