"""Clinical outcomes of a case, by the NHS Talking Therapies definitions: the rules live in
`hubs.contracts.outcomes`, shared with reporting, so that both compute the same outcome."""

from hubs.contracts.outcomes import (
    GAD7_CASENESS_AT,
    GAD7_RELIABLE_CHANGE,
    PHQ9_CASENESS_AT,
    PHQ9_RELIABLE_CHANGE,
    Outcomes,
    Totals,
    outcomes,
)

__all__ = [
    "GAD7_CASENESS_AT",
    "GAD7_RELIABLE_CHANGE",
    "PHQ9_CASENESS_AT",
    "PHQ9_RELIABLE_CHANGE",
    "Outcomes",
    "Totals",
    "outcomes",
]
