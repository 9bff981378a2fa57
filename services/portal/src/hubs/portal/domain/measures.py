"""The measures a clinician takes at assessment, as the measure registry (`hubs.contracts.measures`)
has them: their questions, the answers each question allows and their bands, so the form can show
each score and band as the clinician answers (the service scores it again)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from hubs.contracts import measures as registry


@dataclass(frozen=True)
class Measure(registry.Measure):
    """A measure of the registry, with what the portal says of its scores."""

    @classmethod
    def of(cls, measure: registry.Measure) -> Measure:
        return cls(**{f.name: getattr(measure, f.name) for f in fields(measure)})

    @property
    def screen_at(self) -> int | None:
        """A screen's total from which it is positive (the PCL-5's cut-off is one of its two rules:
        its form shows the total alone, the service says which rule held)."""
        return self.positive_at if "positive" in self.results else None

    def band_of(self, total: int) -> str | None:
        """The band of a total, in words ('moderately severe'), or None for an unbanded measure."""
        return self.band_in_words(total)

    def result_in_words(self, result: Mapping[str, Any]) -> str | None:
        """What a score the assessment service gave means, beyond its total and band: a screen's
        result, or for the PCL-5 which rule made PTSD provisional. None when there is nothing more."""
        if self.key == registry.PCL5.key:
            return _pcl5_in_words(result, self.positive_at)
        if result.get("positive") is not None:
            return f"{'positive' if result['positive'] else 'negative'} screen"
        return None


def _pcl5_in_words(result: Mapping[str, Any], cut_off: int | None) -> str:
    by_cut_off, by_rule = result.get("cut_off_met"), result.get("dsm5_rule_met")
    if not result.get("provisional_ptsd"):
        return "no provisional PTSD"
    if by_cut_off is None or by_rule is None:  # scored before the two rules were told apart
        return "provisional PTSD"
    if by_cut_off and by_rule:
        return f"provisional PTSD, by the cut-off ({cut_off} or more) and the DSM-5 symptom rule"
    if by_cut_off:
        return f"provisional PTSD, by the cut-off ({cut_off} or more) only, not the DSM-5 symptom rule"
    return f"provisional PTSD, by the DSM-5 symptom rule only, below the cut-off of {cut_off}"


# The order the assessment form asks them in: the two taken every time first.
FORM_ORDER = ("phq9", "gad7", "pc_ptsd5", "pcl5", "audit_c", "audit", "wsas")
MEASURES: tuple[Measure, ...] = tuple(Measure.of(registry.BY_KEY[key]) for key in FORM_ORDER)
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class Scored:
    """A measure's total and band from the answers given so far."""

    measure: Measure
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == len(self.measure.items)

    @property
    def band(self) -> str | None:
        return self.measure.band_of(self.total) if self.complete else None

    @property
    def summary(self) -> str:
        """What the form shows, e.g. 'Score 12 of 27: moderate' or 'Answered 4 of 9'."""
        if not self.complete:
            return f"Answered {self.answered} of {len(self.measure.items)}"
        text = f"Score {self.total} of {self.measure.maximum}"
        if self.band:
            return f"{text}: {self.band}"
        if self.measure.screen_at is not None:
            return f"{text}: {'positive' if self.total >= self.measure.screen_at else 'negative'} screen"
        return text


def answers_from_form(measure: Measure, form: Mapping[str, str]) -> list[int | None]:
    """The item answers of `measure` in a submitted form (None where unanswered or not an answer
    that item allows)."""
    answers: list[int | None] = []
    for number, item in enumerate(measure.items, start=1):
        raw = form.get(f"{measure.key}-{number}", "")
        answers.append(int(raw) if raw.isdigit() and int(raw) in item.values else None)
    return answers


def score(measure: Measure, answers: Sequence[int | None]) -> Scored:
    """The total and band of the answers given."""
    given = [a for a in answers if a is not None]
    return Scored(measure, len(given), sum(given))
