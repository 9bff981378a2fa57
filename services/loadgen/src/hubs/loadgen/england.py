"""England's hubs, synthetic: one per integrated care system, 42 in seven regions."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hubs.contracts import codes

# Rough mixes of who comes forward; a demo, not a statistic.
STAFF_GROUP_WEIGHTS = {
    codes.StaffGroup.NURSING_AND_MIDWIFERY: 30,
    codes.StaffGroup.MEDICAL_AND_DENTAL: 10,
    codes.StaffGroup.ALLIED_HEALTH_PROFESSIONAL: 10,
    codes.StaffGroup.SUPPORT_TO_CLINICAL: 15,
    codes.StaffGroup.ADMINISTRATIVE_AND_ESTATES: 10,
    codes.StaffGroup.AMBULANCE: 8,
    codes.StaffGroup.SOCIAL_CARE: 12,
    codes.StaffGroup.PRIMARY_CARE: 5,
}

# One hub per integrated care system: 42 in England, by NHS England region.
HUBS_PER_REGION = {
    codes.Region.NORTH_EAST_AND_YORKSHIRE: 4,
    codes.Region.NORTH_WEST: 3,
    codes.Region.MIDLANDS: 11,
    codes.Region.EAST_OF_ENGLAND: 6,
    codes.Region.LONDON: 5,
    codes.Region.SOUTH_EAST: 6,
    codes.Region.SOUTH_WEST: 7,
}


@dataclass(frozen=True)
class Hub:
    """A synthetic hub: its id, its region and how many referrals it receives a year."""

    hub_id: str
    region: codes.Region
    referrals_per_year: int


def england(seed: int = 2020) -> list[Hub]:
    """The 42 hubs of England, seven regions, with seeded yearly referral volumes."""
    rng = random.Random(seed)
    hubs = []
    for region, count in HUBS_PER_REGION.items():
        for number in range(1, count + 1):
            # Hubs differ in size: a few hundred to a few thousand referrals a year.
            volume = int(min(max(rng.lognormvariate(7.2, 0.45), 300), 5000))
            hubs.append(Hub(f"{region.value}-{number}", region, volume))
    return hubs
