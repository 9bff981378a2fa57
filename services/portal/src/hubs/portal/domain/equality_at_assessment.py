"""The equality questions asked again at assessment: the referral forms' questions and answers,
put to the person by the clinician, each optional and with "Prefer not to say". What the
referral recorded is shown beside each question; a question left unanswered keeps it, and an
answer given here takes its place in the hub's figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hubs.portal.domain.referred_person import DEMOGRAPHICS

DISABILITY_HINT = (
    "A physical or mental health condition or illness that has lasted, or is expected to last, 12 months or more, "
    "and reduces their ability to carry out day-to-day activities."
)


@dataclass(frozen=True)
class EqualityQuestion:
    """One equality question: its answers are the referral forms' own (codes and labels)."""

    key: str
    text: str
    options: tuple[tuple[str, str], ...]
    hint: str = ""
    drop_down: bool = False  # a long list of answers is a drop-down, as on the referral forms
    inline: bool = False

    def label_of(self, code: str | None) -> str | None:
        """The answer in words; a code the forms do not offer (a "not known") reads as such."""
        if not code:
            return None
        return dict(self.options).get(code, "Not known")

    def hint_with(self, at_referral: Mapping[str, Any] | None) -> str:
        """The question's hint, with what the referral recorded when the case says it."""
        if at_referral is None:
            return self.hint  # the assessment service did not say: just ask
        recorded = self.label_of(at_referral.get(self.key))
        said = (
            f"At referral: {recorded}. Leave it unanswered to keep that answer."
            if recorded
            else "Not answered at referral."
        )
        return f"{self.hint} {said}".strip()


_TEXTS = {
    "ethnic_category": ("What is their ethnic group? (optional)", "", True, False),
    "age_band": ("How old are they? (optional)", "", True, False),
    "gender_identity": ("Which of these best describes their gender? (optional)", "", False, False),
    "gender_same_as_at_birth": (
        "Is their gender the same as the sex they were registered at birth? (optional)", "", False, True),
    "sexual_orientation": ("Which of these best describes their sexual orientation? (optional)", "", False, False),
    "disability": ("Do they consider themselves to have a disability? (optional)", DISABILITY_HINT, False, True),
}  # fmt: skip
EQUALITY_QUESTIONS: tuple[EqualityQuestion, ...] = tuple(
    EqualityQuestion(key, _TEXTS[key][0], tuple(options), *_TEXTS[key][1:]) for key, options in DEMOGRAPHICS
)
EQUALITY_KEYS = tuple(q.key for q in EQUALITY_QUESTIONS)


def equality_answers(form: Mapping[str, str]) -> dict[str, str]:
    """The questions answered on the form, with their codes; an answer not on a question's list is dropped."""
    return {q.key: form[q.key] for q in EQUALITY_QUESTIONS if form.get(q.key) in dict(q.options)}
