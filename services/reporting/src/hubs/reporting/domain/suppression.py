"""Small-number suppression for every figure that leaves a hub (NHS England statistical
disclosure control, as for HES): 0 stays 0, 1 to 7 become "*", any other count is
rounded to the nearest 5."""

from __future__ import annotations

SUPPRESSED = "*"


def suppress(count: int) -> int | str:
    """The publishable form of a count below national level."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return 0
    if count <= 7:
        return SUPPRESSED
    return 5 * ((count + 2) // 5)  # nearest 5, halves (x.5) rounded up


def suppress_all(figures: dict[str, int]) -> dict[str, int | str]:
    return {name: suppress(value) for name, value in sorted(figures.items())}
