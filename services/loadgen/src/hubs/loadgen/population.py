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

D = codes.OutcomeDecision
ASSESSMENT_OUTCOMES = {D.REFER_ON: 35, D.SIGNPOST: 35, D.MONITOR: 20, D.NO_FURTHER_ACTION: 10}
ONWARD_SERVICES = [codes.ServiceType.TALKING_THERAPIES, codes.ServiceType.PEER_SUPPORT, codes.ServiceType.BEREAVEMENT]
SIGNPOST_SERVICES = [codes.ServiceType.SELF_HELP, codes.ServiceType.PEER_SUPPORT, codes.ServiceType.DEBT_ADVICE]
WORK_SITUATIONS = [
    codes.WorkSituation.AT_WORK,
    codes.WorkSituation.AT_WORK_WITH_ADJUSTMENTS,
    codes.WorkSituation.OFF_SICK,
]
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

    def contact_attempt(self) -> dict[str, Any]:
        """A clinician's call: most reach the person."""
        reached = self.random.random() < 0.8
        outcome = codes.ContactOutcome.CONTACTED if reached else self.random.choice(
            [codes.ContactOutcome.NO_ANSWER, codes.ContactOutcome.MESSAGE_LEFT]
        )  # fmt: skip
        return {"channel": codes.ContactChannel.PHONE.value, "outcome": outcome.value}

    def assessment(self) -> dict[str, Any]:
        """A rapid assessment as a clinician completes it: the PHQ-9 and GAD-7, the work situation
        and an outcome; a third or so are referred on (care co-ordination then makes the referral)."""
        r = self.random
        severity = r.uniform(0.1, 0.75)

        def items(count: int) -> list[int]:
            return [min(3, max(0, round(r.gauss(severity * 3, 0.8)))) for _ in range(count)]

        # PHQ-9 item 9 above zero raises the risk, which must then say where it was escalated.
        thoughts_of_self_harm = r.random() < 0.05
        phq9 = [*items(8), 1 if thoughts_of_self_harm else 0]
        risk: dict[str, Any] = {"level": codes.RiskLevel.LOW.value}
        if thoughts_of_self_harm:
            risk = {
                "level": codes.RiskLevel.MODERATE.value,
                "risk_to_self": True,
                "route": codes.EscalationRoute.GP.value,
            }
        decision = self._pick(ASSESSMENT_OUTCOMES)
        if thoughts_of_self_harm and decision is codes.OutcomeDecision.NO_FURTHER_ACTION:
            decision = codes.OutcomeDecision.MONITOR  # a raised risk never ends in no further action
        outcome: dict[str, Any] = {"decisions": [decision.value], "reasons": "Synthetic demo assessment."}
        if decision is codes.OutcomeDecision.REFER_ON:
            outcome["refer_on_to"] = [r.choice(ONWARD_SERVICES).value]
        elif decision is codes.OutcomeDecision.SIGNPOST:
            outcome["signpost_to"] = [r.choice(SIGNPOST_SERVICES).value]
        elif decision is codes.OutcomeDecision.MONITOR:
            outcome["monitoring_review_interval_days"] = 28
        situation = r.choice(WORK_SITUATIONS)
        work: dict[str, Any] = {"situation": situation.value}
        if situation is codes.WorkSituation.OFF_SICK:
            work["off_sick_for_mental_health"] = r.random() < 0.7
        return {
            "practitioners": [
                {"practitioner_id": "demo-clinician", "discipline": r.choice(list(codes.Discipline)).value}
            ],
            "measures": {"phq9": phq9, "gad7": items(7)},
            "risk": risk,
            "work_situation": work,
            "outcome": outcome,
        }

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
