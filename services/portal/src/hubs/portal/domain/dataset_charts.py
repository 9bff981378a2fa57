"""The hub's figures month by month, drawn on the server as bar charts (SVG, no script): the
referrals received, the wait for first contact and the outcomes of assessments. Each chart carries
its title, a description giving every figure, and the same numbers for a table beside it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from hubs.contracts import codes

# How many months the charts go back, the last one included.
MONTHS_CHARTED = 6
# A series is told apart by its colour and by its fill (solid, stripes, dots), never by colour alone.
# Every colour is at least 3:1 against white (WCAG 1.4.11).
COLOURS = ("#005eb8", "#7c2855", "#007f3b", "#330072", "#425563", "#d5281b")
FILLS = ("solid", "stripes", "dots")


@dataclass(frozen=True)
class Series:
    """One figure charted month by month: its key in the data set and its name in words."""

    key: str
    name: str
    count: bool = True  # a count is 0 in a month the service reported without it; a statistic is not reported

    def value(self, figures: Mapping[str, object] | None) -> float | None:
        if figures is None:
            return None
        found = figures.get(self.key, 0 if self.count else None)
        return float(found) if isinstance(found, int | float) and not isinstance(found, bool) else None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: str


@dataclass(frozen=True)
class MonthChart:
    """A grouped bar chart of figures by month, with its geometry (drawn by the template)."""

    slug: str
    title: str
    unit: str
    series: tuple[Series, ...]
    months: tuple[str, ...]  # YYYY-MM, oldest first
    values: tuple[tuple[float | None, ...], ...]  # by month, then by series
    width: int = 440
    height: int = 260
    left: int = 48
    top: int = 16
    bottom_margin: int = 44
    right_margin: int = 12

    @property
    def right(self) -> int:
        return self.width - self.right_margin

    @property
    def bottom(self) -> int:
        return self.height - self.bottom_margin

    @property
    def drawn(self) -> bool:
        """Whether there is anything to draw: at least one month with a figure above 0."""
        return any(v for row in self.values for v in row)

    @property
    def ticks(self) -> list[float]:
        return axis_ticks(max((v for row in self.values for v in row if v is not None), default=0),
                          whole=self.unit == "")  # fmt: skip

    def _y(self, value: float) -> float:
        top = self.ticks[-1]
        return self.bottom - (self.bottom - self.top) * value / top

    @property
    def y_ticks(self) -> list[tuple[str, float]]:
        return [(number(t), round(self._y(t), 1)) for t in self.ticks]

    @property
    def x_labels(self) -> list[tuple[str, str, float]]:
        """Each month's name and year, under the middle of its bars."""
        step = (self.right - self.left) / len(self.months)
        return [
            (month_day(m).strftime("%b"), month_day(m).strftime("%Y"), round(self.left + step * (i + 0.5), 1))
            for i, m in enumerate(self.months)
        ]

    @property
    def bars(self) -> list[Bar]:
        step = (self.right - self.left) / len(self.months)
        width = step * 0.75 / len(self.series)
        found = []
        for i, row in enumerate(self.values):
            start = self.left + step * i + step * 0.125
            for j, value in enumerate(row):
                if value:
                    y = self._y(value)
                    found.append(Bar(round(start + width * j, 1), round(y, 1), round(width, 1),
                                     round(self.bottom - y, 1), j, number(value)))  # fmt: skip
        return found

    @property
    def looks(self) -> list[tuple[str, str]]:
        """Each series' colour and fill."""
        return [(COLOURS[i % len(COLOURS)], FILLS[i % len(FILLS)]) for i in range(len(self.series))]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table beside the chart: each month in words, with each series' figure."""
        return [(month_name(m), [said(v) for v in row]) for m, row in zip(self.months, self.values, strict=True)]

    @property
    def description(self) -> str:
        """Every figure of the chart in words, for people who cannot see it."""
        unit = f" ({self.unit})" if self.unit else ""
        months = "; ".join(
            f"{name}: " + ", ".join(f"{s.name} {v}" for s, v in zip(self.series, values, strict=True))
            for name, values in self.rows
        )
        return (
            f"{self.title}{unit}, each month from {month_name(self.months[0])} to {month_name(self.months[-1])}. "
            f"{months}."
        )


def axis_ticks(maximum: float, whole: bool = True) -> list[float]:
    """0 and up to five round steps up to at least `maximum` (whole numbers for counts)."""
    maximum = max(maximum, 1.0)
    raw = maximum / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, math.ceil(step))
    steps = math.ceil(maximum / step - 1e-9)
    return [round(step * i, 6) for i in range(steps + 1)]


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def said(value: float | None) -> str:
    return "not reported" if value is None else number(value)


def month_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def month_name(month: str) -> str:
    return month_day(month).strftime("%B %Y")


def months_up_to(last: str, count: int = MONTHS_CHARTED) -> tuple[str, ...]:
    """`count` months ending with `last` (YYYY-MM), oldest first."""
    year, month = int(last[:4]), int(last[5:7])
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(reversed(found))


def _chart(slug: str, title: str, unit: str, series: tuple[Series, ...], months: tuple[str, ...],
           figures: Mapping[str, Mapping[str, object] | None], scale: float = 1.0) -> MonthChart:  # fmt: skip
    values = tuple(
        tuple(None if (v := s.value(figures.get(m))) is None else round(v * scale, 1) for s in series) for m in months
    )
    return MonthChart(slug, title, unit, series, months, values)


def referrals_chart(months: tuple[str, ...], figures: Mapping[str, Mapping[str, object] | None]) -> MonthChart:
    """Referrals received each month: self-referrals beside referrals from others."""
    series = (Series("self_referrals", "Self-referrals"), Series("referrals_from_other_sources", "From others"))
    return _chart("referrals", "Referrals received", "", series, months, figures)


def first_contact_chart(months: tuple[str, ...], figures: Mapping[str, Mapping[str, object] | None]) -> MonthChart:
    """The wait from referral to first contact each month, in working hours: median and 90th percentile."""
    series = (
        Series("time_to_first_contact.working.median_minutes", "Median", count=False),
        Series("time_to_first_contact.working.p90_minutes", "90th percentile", count=False),
    )
    return _chart("first-contact", "Wait for first contact", "working hours", series, months, figures, 1 / 60)


def outcomes_chart(
    months: tuple[str, ...], figures: Mapping[str, Mapping[str, object] | None], words: Callable[[str], str]
) -> MonthChart:
    """The outcomes decided at assessment each month (an assessment may decide several), named in
    `words`; only the outcomes decided at least once in these months, or every one if none was."""
    every = tuple(Series(f"assessment_outcome.{d.value}", words(d.value)) for d in codes.OutcomeDecision)
    decided = tuple(s for s in every if any(s.value(figures.get(m)) for m in months))
    return _chart("outcomes", "Outcomes of assessments", "", decided or every, months, figures)
