"""The case after its assessment: the PHQ-9 and GAD-7 over time, and the Talking Therapies outcome
in words, from what the assessment service measured and worked out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hubs.contracts import measures
from hubs.contracts.outcomes import GAD7_CASENESS_AT, PHQ9_CASENESS_AT

# The caseness thresholds the assessment service uses: drawn on the chart.
PHQ9_CASENESS, GAD7_CASENESS = PHQ9_CASENESS_AT, GAD7_CASENESS_AT
PHQ9_MAXIMUM, GAD7_MAXIMUM = measures.PHQ9.maximum, measures.GAD7.maximum


@dataclass(frozen=True)
class Measured:
    """One time the PHQ-9 and GAD-7 were taken: at assessment or at a follow-up."""

    label: str
    at: str  # ISO date-time, as the service gave it
    phq9: int | None
    gad7: int | None


def _total(measures: dict | None, key: str) -> int | None:
    found = (measures or {}).get(key) or {}
    total = found.get("total")
    return total if isinstance(total, int) else None


def measured_over_time(assessment: dict | None, follow_ups: list[dict]) -> list[Measured]:
    """The assessment's PHQ-9 and GAD-7, then each measured follow-up's, oldest first."""
    points: list[Measured] = []
    if assessment and assessment.get("completed_at"):
        points.append(
            Measured(
                "Assessment",
                assessment["completed_at"],
                _total(assessment.get("measures"), "phq9"),
                _total(assessment.get("measures"), "gad7"),
            )
        )
    measured = sorted((f for f in follow_ups if f.get("measured_at")), key=lambda f: f["measured_at"])
    for n, f in enumerate(measured, start=1):
        taken = f.get("measures")
        points.append(Measured(f"Follow-up {n}", f["measured_at"], _total(taken, "phq9"), _total(taken, "gad7")))
    return [p for p in points if p.phq9 is not None or p.gad7 is not None]


# The outcome as the NHS Talking Therapies definitions name it, most telling first.
def outcome_in_words(outcomes: dict | None) -> str | None:
    """The case's headline outcome, or None until a follow-up has both the PHQ-9 and GAD-7."""
    if not outcomes:
        return None
    if outcomes.get("reliable_recovery"):
        return "Reliable recovery"
    if outcomes.get("recovery"):
        return "Recovery"
    if outcomes.get("reliable_deterioration"):
        return "Reliable deterioration"
    if outcomes.get("reliable_improvement"):
        return "Reliable improvement"
    if outcomes.get("case_at_first") is False:
        return "Not at caseness at assessment: recovery does not apply"
    return "No reliable change"


def outcome_rows(outcomes: dict | None) -> list[tuple[str, str]]:
    """Each definition the service worked out, with its answer (recovery may not apply)."""
    if not outcomes:
        return []

    def said(value: Any) -> str:
        return "Does not apply" if value is None else ("Yes" if value else "No")

    return [
        ("At caseness at assessment", said(outcomes.get("case_at_first"))),
        ("At caseness at the latest follow-up", said(outcomes.get("case_at_latest"))),
        ("Reliable improvement", said(outcomes.get("reliable_improvement"))),
        ("Reliable deterioration", said(outcomes.get("reliable_deterioration"))),
        ("Recovery", said(outcomes.get("recovery"))),
        ("Reliable recovery", said(outcomes.get("reliable_recovery"))),
    ]


@dataclass(frozen=True)
class Chart:
    """A line chart's geometry, drawn as SVG by the template (no script, no inline style)."""

    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    y_ticks: list[tuple[int, float]]
    x_labels: list[tuple[str, float]]
    phq9: list[tuple[float, float, int]]
    gad7: list[tuple[float, float, int]]
    phq9_caseness_y: float
    gad7_caseness_y: float

    @property
    def phq9_path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.phq9)

    @property
    def gad7_path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.gad7)


def chart(points: list[Measured], width: int = 640, height: int = 300) -> Chart | None:
    """Scores against each time measured (evenly spaced, labelled by date), 0 to 27 up the side."""
    if not points:
        return None
    # As wide a margin on the right as on the left: the last label is centred on its point.
    left, right, top, bottom = 44, width - 44, 16, height - 48

    def y(score: float) -> float:
        return bottom - (bottom - top) * score / PHQ9_MAXIMUM

    step = (right - left) / max(1, len(points) - 1)
    xs = [left + step * i if len(points) > 1 else (left + right) / 2 for i in range(len(points))]
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        bottom=bottom,
        right=right,
        y_ticks=[(s, y(s)) for s in (0, 5, 10, 15, 20, 25)],
        x_labels=[(f"{p.label}: {short_day(p.at)}", x) for p, x in zip(points, xs, strict=True)],
        phq9=[(x, y(p.phq9), p.phq9) for p, x in zip(points, xs, strict=True) if p.phq9 is not None],
        gad7=[(x, y(p.gad7), p.gad7) for p, x in zip(points, xs, strict=True) if p.gad7 is not None],
        phq9_caseness_y=y(PHQ9_CASENESS),
        gad7_caseness_y=y(GAD7_CASENESS),
    )


def short_day(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%-d %b %Y")
    except ValueError:
        return value


def chart_description(points: list[Measured]) -> str:
    """What the chart shows, in a sentence for people who cannot see it."""
    said = [
        f"{p.label} ({short_day(p.at)}): PHQ-9 {'not taken' if p.phq9 is None else p.phq9}, "
        f"GAD-7 {'not taken' if p.gad7 is None else p.gad7}"
        for p in points
    ]
    return (
        f"PHQ-9 (0 to 27, caseness from {PHQ9_CASENESS}) and GAD-7 (0 to 21, caseness from {GAD7_CASENESS}) "
        f"measured {len(points)} time{'s' if len(points) != 1 else ''}. " + "; ".join(said) + "."
    )


def day_from_form(value: str | None) -> date | None:
    """A day typed as YYYY-MM-DD (a date field's own format), else None."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None
