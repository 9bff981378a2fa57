"""Clinical outcomes of a case, by the NHS Talking Therapies (formerly IAPT) definitions, from
its first and latest PHQ-9 and GAD-7 totals: the one home of these rules, for the assessment
service (outcomes on FollowUpMeasured) and reporting (data item 11). Pure functions.

NHS Talking Therapies Manual (NHS England, 2023), appendix on outcome measurement; DOMAIN.md,
"Reference facts": caseness = PHQ-9 >= 10 or GAD-7 >= 8; reliable change = a change of 6 or more
on PHQ-9 or 4 or more on GAD-7; reliable improvement = reliable improvement on at least one
measure and reliable deterioration on neither; reliable deterioration the mirror image;
recovery = a case at the first measure and not a case at the last; reliable recovery = recovery
and reliable improvement. Recovery is only defined for people who were a case at the first measure."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

PHQ9_CASENESS_AT = 10
GAD7_CASENESS_AT = 8
PHQ9_RELIABLE_CHANGE = 6
GAD7_RELIABLE_CHANGE = 4


@dataclass(frozen=True)
class Totals:
    """PHQ-9 and GAD-7 totals at one sitting (both are needed for the definitions)."""

    phq9: int
    gad7: int

    @property
    def caseness(self) -> bool:
        return self.phq9 >= PHQ9_CASENESS_AT or self.gad7 >= GAD7_CASENESS_AT


@dataclass(frozen=True)
class Outcomes:
    """The outcome definitions for one case; recovery is None when it does not apply."""

    case_at_first: bool
    case_at_latest: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    recovery: bool | None
    reliable_recovery: bool | None

    def to_data(self) -> dict[str, Any]:
        return asdict(self)


def outcomes(first: Totals, latest: Totals) -> Outcomes:
    """Apply the Talking Therapies definitions to a case's first and latest totals."""
    phq9_change = latest.phq9 - first.phq9
    gad7_change = latest.gad7 - first.gad7
    phq9_better, phq9_worse = phq9_change <= -PHQ9_RELIABLE_CHANGE, phq9_change >= PHQ9_RELIABLE_CHANGE
    gad7_better, gad7_worse = gad7_change <= -GAD7_RELIABLE_CHANGE, gad7_change >= GAD7_RELIABLE_CHANGE
    improved = (phq9_better or gad7_better) and not (phq9_worse or gad7_worse)
    deteriorated = (phq9_worse or gad7_worse) and not (phq9_better or gad7_better)
    recovery = (first.caseness and not latest.caseness) if first.caseness else None
    return Outcomes(
        case_at_first=first.caseness,
        case_at_latest=latest.caseness,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovery=recovery,
        reliable_recovery=(recovery and improved) if recovery is not None else None,
    )
