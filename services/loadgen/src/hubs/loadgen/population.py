"""A seeded synthetic population of staff referrals: realistic mixes, no real people.

`Population` draws request bodies for a running hub's APIs (`hubs-loadgen feed`);
`Pathways` draws contract-valid event envelopes of whole pathways, case by case, and
`period_reports` a year of HubPeriodReport messages of every hub, for benchmarks and replays."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from hubs.contracts import codes
from hubs.loadgen.england import HUBS_PER_REGION, STAFF_GROUP_WEIGHTS, Hub, england
from hubs.loadgen.pathways import Pathways, period_reports

FIRST_NAMES = ["Alex", "Sam", "Jo", "Priya", "Kwame", "Mei", "Tomasz", "Aisha", "Rhys", "Niamh"]
LAST_NAMES = ["Example", "Sample", "Testperson", "Demo", "Placeholder"]


class Population:
    """Draws synthetic referrals and hub activity from a seeded random generator."""

    def __init__(self, seed: int = 2020):
        self.random = random.Random(seed)

    def _pick(self, weights: dict) -> Any:
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def self_referral(self) -> dict[str, Any]:
        r = self.random
        urgent = r.random() < 0.08
        return {
            "name": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
            "email": f"demo{r.randrange(10**6)}@example.org",
            "staff_group": self._pick(STAFF_GROUP_WEIGHTS).value,
            "employment_type": r.choice(list(codes.EmploymentType)).value,
            "at_risk_factors": sorted({f.value for f in r.sample(list(codes.AtRiskFactor), k=r.randint(0, 3))}),
            "demographics": {
                "ethnic_category": r.choice(list(codes.EthnicCategory)).value,
                "sexual_orientation": r.choice(list(codes.SexualOrientation)).value,
                "gender_identity": r.choice(list(codes.GenderIdentity)).value,
                "age_band": r.choice(list(codes.AgeBand)).value,
            },
            "risk_screen": {"thoughts_of_self_harm": urgent, "risk_to_others": False},
            "consent_to_contact": True,
        }

    def onward_referral(self, case_id: str, today: date) -> dict[str, Any]:
        service = self.random.choice(
            [codes.ServiceType.TALKING_THERAPIES, codes.ServiceType.PEER_SUPPORT, codes.ServiceType.BEREAVEMENT]
        )
        return {"case_id": case_id, "service_type": service.value, "made_on": today.isoformat()}

    def outreach_event(self, today: date) -> dict[str, Any]:
        r = self.random
        return {
            "kind": r.choice(list(codes.OutreachEventType)).value,
            "held_on": today.isoformat(),
            "attendance": r.randint(5, 60),
            "staff_groups": [self._pick(STAFF_GROUP_WEIGHTS).value],
            "at_risk_groups": [r.choice(list(codes.AtRiskFactor)).value],
        }


__all__ = ["HUBS_PER_REGION", "STAFF_GROUP_WEIGHTS", "Hub", "Pathways", "Population", "england", "period_reports"]
