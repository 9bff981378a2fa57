"""What the referral handlers need besides a unit of work, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from hubs.contracts.working_time import HubHolidays
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.adapters.transfer_seal import TransferKeys
from hubs.referral.domain.working_days import FirstContactStandard, WorkingCalendar
from hubs.runtime.settings import Settings

# The Records Management Code of Practice (NHS England, 2021, updated 2023), Appendix II, keeps
# mental health records 20 years after care ends. A referral closes when the hub's part in it ends,
# and nothing is recorded on it after that, so closure starts the count. 20 years of calendar
# run to at most 20 * 365 + 5 days: the 5 leap days make sure no record goes a day early.
RETENTION_YEARS = 20
DEFAULT_RETENTION_DAYS = RETENTION_YEARS * 365 + 5


@dataclass
class ReferralContext:
    """Keys, calendar, service standard and retention of this hub's referral service."""

    hub_id: str
    vault: PersonalDataVault
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    standard: FirstContactStandard = field(default_factory=FirstContactStandard)
    transfer_keys: TransferKeys | None = None
    retention: timedelta = timedelta(days=DEFAULT_RETENTION_DAYS)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReferralContext:
        """HUBS_PERSONAL_DATA_KEYS, HUBS_PERSON_INDEX_KEY, HUBS_FIRST_CONTACT_STANDARD,
        HUBS_URGENT_FIRST_CONTACT_HOURS, HUBS_OPENING_HOURS, HUBS_TIME_ZONE, HUBS_BANK_HOLIDAYS,
        HUBS_RETENTION_DAYS, HUBS_TRANSFER_PRIVATE_KEY_FILE and HUBS_NEIGHBOUR_HUBS."""
        extra = settings.extra
        return cls(
            hub_id=settings.hub_id,
            vault=PersonalDataVault.from_setting(
                extra.get("HUBS_PERSONAL_DATA_KEYS"), extra.get("HUBS_PERSON_INDEX_KEY")
            ),
            calendar=WorkingCalendar.from_settings(
                extra.get("HUBS_OPENING_HOURS"),
                extra.get("HUBS_TIME_ZONE"),
                HubHolidays.from_setting(extra.get("HUBS_BANK_HOLIDAYS")),
            ),
            standard=FirstContactStandard.parse(extra.get("HUBS_FIRST_CONTACT_STANDARD")).with_urgent_hours(
                extra.get("HUBS_URGENT_FIRST_CONTACT_HOURS")
            ),
            transfer_keys=TransferKeys.from_settings(settings.hub_id, extra),
            retention=timedelta(days=int(extra.get("HUBS_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)),
        )
