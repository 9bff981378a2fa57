"""The measures a clinician takes at assessment: their questions, answers and bands, so the
form can show each score and band as the clinician answers (the service scores it again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubs.contracts.events.assessment import GAD7_BANDS, PHQ9_BANDS, WSAS_BANDS

OVER_TWO_WEEKS = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
PCL5_ANSWERS = ((0, "Not at all"), (1, "A little bit"), (2, "Moderately"), (3, "Quite a bit"), (4, "Extremely"))
YES_NO = ((0, "No"), (1, "Yes"))
WSAS_ANSWERS = tuple((n, f"{n}") for n in range(9))


@dataclass(frozen=True)
class Measure:
    """One questionnaire: its items, the answers each allows, and its severity bands if any."""

    key: str
    name: str
    purpose: str
    stem: str
    items: tuple[str, ...]
    answers: tuple[tuple[int, str], ...]
    bands: tuple[tuple[int, str], ...] = ()
    # A yes/no or cut-off measure: positive at this total or more.
    positive_at: int | None = None

    @property
    def maximum(self) -> int:
        return len(self.items) * max(v for v, _ in self.answers)

    def band_of(self, total: int) -> str | None:
        """The band of a total, in words ('moderately severe'), or None for an unbanded measure."""
        if not self.bands:
            return None
        return [label for lowest, label in self.bands if total >= lowest][-1]


def _words(bands: Sequence[tuple[int, object]]) -> tuple[tuple[int, str], ...]:
    return tuple((lowest, str(band).replace("-", " ")) for lowest, band in bands)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "phq9",
        "PHQ-9",
        "depression",
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
        (
            "Little interest or pleasure in doing things",
            "Feeling down, depressed or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "Moving or speaking so slowly that other people could have noticed, or the opposite: being so "
            "fidgety or restless that you have been moving around a lot more than usual",
            "Thoughts that you would be better off dead, or of hurting yourself in some way",
        ),
        OVER_TWO_WEEKS,
        _words(PHQ9_BANDS),
    ),
    Measure(
        "gad7",
        "GAD-7",
        "anxiety",
        "Over the last 2 weeks, how often have you been bothered by the following problems?",
        (
            "Feeling nervous, anxious or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid as if something awful might happen",
        ),
        OVER_TWO_WEEKS,
        _words(GAD7_BANDS),
    ),
    Measure(
        "pc_ptsd5",
        "PC-PTSD-5",
        "trauma screen",
        "In the past month, after a very stressful or frightening experience, have you:",
        (
            "had nightmares about it or thought about it when you did not want to?",
            "tried hard not to think about it or gone out of your way to avoid reminders of it?",
            "been constantly on guard, watchful or easily startled?",
            "felt numb or detached from people, activities or your surroundings?",
            "felt guilty or unable to stop blaming yourself or others for it or any problems it may have caused?",
        ),
        YES_NO,
        positive_at=3,
    ),
    Measure(
        "audit_c",
        "AUDIT-C",
        "alcohol use",
        "About drinking alcohol (0 is the lowest answer, 4 the highest):",
        (
            "How often do you have a drink containing alcohol?",
            "How many units of alcohol do you drink on a typical day when you are drinking?",
            "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion "
            "in the last year?",
        ),
        ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (4, "4")),
        positive_at=5,
    ),
    Measure(
        "wsas",
        "WSAS",
        "work and social adjustment",
        "Because of my problem, how much is each of these impaired (0 not at all, 8 very severely)?",
        (
            "My ability to work",
            "My home management (cleaning, tidying, shopping, cooking, looking after home or children, paying bills)",
            "My social leisure activities (with other people: parties, pubs, outings, entertaining)",
            "My private leisure activities (done alone: reading, gardening, sewing, hobbies, walking alone)",
            "My ability to form and maintain close relationships with others, including those I live with",
        ),
        WSAS_ANSWERS,
        _words(WSAS_BANDS),
    ),
)

MEASURES_BY_KEY = {m.key: m for m in MEASURES}
WSAS_BAND_WORDS = _words(WSAS_BANDS)


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
        if self.measure.positive_at is not None:
            return f"{text}: {'positive' if self.total >= self.measure.positive_at else 'negative'} screen"
        return text


def answers_from_form(measure: Measure, form: dict[str, str]) -> list[int | None]:
    """The item answers of `measure` in a submitted form (None where unanswered or invalid)."""
    allowed = {v for v, _ in measure.answers}
    answers: list[int | None] = []
    for index in range(len(measure.items)):
        raw = form.get(f"{measure.key}-{index + 1}", "")
        answers.append(int(raw) if raw.isdigit() and int(raw) in allowed else None)
    return answers


def score(measure: Measure, answers: Sequence[int | None]) -> Scored:
    """The total and band of the answers given."""
    given = [a for a in answers if a is not None]
    return Scored(measure, len(given), sum(given))
