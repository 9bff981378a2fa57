"""When the hub will make contact, as the confirmation page says it (the referral service's
first-contact due time, in UK time, in the NHS.UK style: '2:30pm on Tuesday 8 December')."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


def contact_by(due: str | None) -> str | None:
    """'by 2:30pm on Tuesday 8 December' for the service's due time; None if it gave none."""
    if not due:
        return None
    try:
        moment = datetime.fromisoformat(str(due).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    moment = moment.astimezone(LONDON)
    if (moment.hour, moment.minute) == (0, 0):
        return f"by the end of {_day(moment - timedelta(minutes=1))}"
    if (moment.hour, moment.minute) == (12, 0):
        return f"by midday on {_day(moment)}"
    hour = moment.hour % 12 or 12
    clock = f"{hour}{moment:%p}".lower() if moment.minute == 0 else f"{hour}:{moment:%M%p}".lower()
    return f"by {clock} on {_day(moment)}"
