"""The standard measures, each in one place: its code, name, items as the form asks them, the
answers each item allows (values and words), total range, bands, cut-offs and the results it
reports. The assessment service scores and checks with it, the events' measure parts take their
bands and cut-offs from it, and the portal builds its forms from it. Pure data: no marshmallow.

Each measure is as its published instrument has it (DOMAIN.md, "Reference facts"); the
open-source CamCOPS project (camcops_server/tasks) implements them all:
- PHQ-9: Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16:606-13. Nine items 0-3.
- GAD-7: Spitzer RL, Kroenke K, Williams JB, Lowe B. Arch Intern Med 2006;166:1092-7. Seven items 0-3.
- PCL-5: Weathers FW et al. The PTSD Checklist for DSM-5, National Center for PTSD 2013;
  Blevins CA et al. J Trauma Stress 2015;28:489-98. Twenty items 0-4; provisional PTSD at 33,
  or by the DSM-5 symptom-cluster rule.
- PC-PTSD-5: Prins A et al. J Gen Intern Med 2016;31:1206-11. Five yes/no items after a trauma
  question; positive at 3 (sensitive) or 4 (balanced): the cut-off is the hub's setting.
- WSAS: Mundt JC, Marks IM, Shear MK, Greist JH. Br J Psychiatry 2002;180:461-4. Five items 0-8;
  a person retired or not working for reasons unrelated to the problem does not score item 1.
- AUDIT-C: Bush K et al. Arch Intern Med 1998;158:1789-95. The first three AUDIT items, 0-4;
  positive at 5 (4 in some services: a setting). Wording of the UK version (units of alcohol).
- AUDIT: Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: the Alcohol Use Disorders
  Identification Test, 2nd ed. WHO 2001. Ten items: 1-8 scored 0-4, 9 and 10 scored 0, 2 or 4;
  total 0-40, positive at 8; WHO zones 0-7 I, 8-15 II, 16-19 III, 20-40 IV. Wording of the UK
  version (Public Health England / DHSC, units of alcohol).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hubs.contracts import codes

Answers = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Item:
    """One question of a measure and the answers it allows, each a value and its words."""

    text: str
    answers: Answers

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(value for value, _ in self.answers)

    @property
    def highest(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class Measure:
    """One questionnaire, as it is asked, scored and reported."""

    key: str  # its name in requests, records and events: "phq9"
    code: codes.Measure  # its code where measures are listed (a follow-up's measures due): "phq-9"
    name: str  # as clinicians name it: "PHQ-9"
    purpose: str  # what it screens for, in words
    stem: str  # what the form says before the items
    items: tuple[Item, ...]
    results: tuple[str, ...]  # what a score of it reports, as named in events and the API
    # Severity bands, each (lowest total of the band, band), from the lowest up.
    bands: tuple[tuple[int, StrEnum], ...] = ()
    # A screen or checklist: positive at this total or more (the default where the hub chooses).
    positive_at: int | None = None
    # The cut-offs a hub may choose from (a setting); none: `positive_at` is fixed.
    cut_offs: tuple[int, ...] = ()

    @property
    def maximum(self) -> int:
        """The highest total: every item at its highest answer."""
        return sum(item.highest for item in self.items)

    @property
    def total_range(self) -> tuple[int, int]:
        return 0, self.maximum

    def band(self, total: int) -> StrEnum | None:
        """The band of a total, or None for a measure without bands."""
        return band_of(self.bands, total) if self.bands else None

    @property
    def band_words(self) -> tuple[tuple[int, str], ...]:
        """The bands in words, each with its lowest total: (10, "moderate")."""
        return tuple((lowest, in_words(band)) for lowest, band in self.bands)

    def band_in_words(self, total: int) -> str | None:
        band = self.band(total)
        return in_words(band) if band is not None else None

    def item_message(self, number: int) -> str:
        """What is wrong with an answer to item `number` (from 1, as on the form) that it does not allow."""
        values = self.items[number - 1].values
        if values == tuple(range(values[-1] + 1)):
            return f"{self.name} item {number} must be a whole number from 0 to {values[-1]}"
        allowed = ", ".join(str(v) for v in values[:-1])
        return f"{self.name} item {number} must be {allowed} or {values[-1]}"

    @property
    def count_message(self) -> str:
        return f"{self.name} needs exactly {len(self.items)} item responses"


def band_of(bands: Sequence[tuple[int, StrEnum]], total: int) -> StrEnum:
    """The band a total falls in: the last whose lowest total it reaches."""
    return [band for lowest, band in bands if total >= lowest][-1]


def in_words(band: StrEnum) -> str:
    return BAND_WORDS.get(band) or str(band.value).replace("-", " ")


# Bands whose code alone does not say it all.
BAND_WORDS: dict[StrEnum, str] = {
    codes.AuditZone.LOW_RISK: "zone I, low risk",
    codes.AuditZone.INCREASING_RISK: "zone II, increasing risk",
    codes.AuditZone.HIGHER_RISK: "zone III, higher risk",
    codes.AuditZone.POSSIBLE_DEPENDENCE: "zone IV, possible dependence",
}


def _same(text: Sequence[str], answers: Answers) -> tuple[Item, ...]:
    return tuple(Item(t, answers) for t in text)


OVER_TWO_WEEKS: Answers = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
HOW_MUCH_BOTHERED: Answers = (
    (0, "Not at all"),
    (1, "A little bit"),
    (2, "Moderately"),
    (3, "Quite a bit"),
    (4, "Extremely"),
)
YES_NO: Answers = ((0, "No"), (1, "Yes"))
NOT_AT_ALL_TO_VERY_SEVERELY: Answers = tuple((n, str(n)) for n in range(9))
HOW_OFTEN_LAST_YEAR: Answers = (
    (0, "Never"),
    (1, "Less than monthly"),
    (2, "Monthly"),
    (3, "Weekly"),
    (4, "Daily or almost daily"),
)
NOT_LAST_YEAR_OR_LAST_YEAR: Answers = (
    (0, "No"),
    (2, "Yes, but not in the last year"),
    (4, "Yes, during the last year"),
)
# The first three AUDIT items, with the UK wording (units) and answers.
AUDIT_C_ITEMS = (
    Item(
        "How often do you have a drink containing alcohol?",
        (
            (0, "Never"),
            (1, "Monthly or less"),
            (2, "2 to 4 times per month"),
            (3, "2 to 3 times per week"),
            (4, "4 or more times per week"),
        ),
    ),
    Item(
        "How many units of alcohol do you drink on a typical day when you are drinking?",
        ((0, "0 to 2"), (1, "3 to 4"), (2, "5 to 6"), (3, "7 to 9"), (4, "10 or more")),
    ),
    Item(
        "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion "
        "in the last year?",
        HOW_OFTEN_LAST_YEAR,
    ),
)

# PCL-5's DSM-5 rule: an item rated 2 ("moderately") or more counts as a symptom, and each
# cluster (1-based item numbers) needs this many.
PCL5_SYMPTOM_AT = 2
PCL5_CLUSTERS = (("B", range(1, 6), 1), ("C", range(6, 8), 1), ("D", range(8, 15), 2), ("E", range(15, 21), 2))

PHQ9 = Measure(
    "phq9",
    codes.Measure.PHQ_9,
    "PHQ-9",
    "depression",
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    _same(
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
    ),
    results=("total", "band", "item9_positive"),
    bands=(
        (0, codes.Phq9Band.NONE),
        (5, codes.Phq9Band.MILD),
        (10, codes.Phq9Band.MODERATE),
        (15, codes.Phq9Band.MODERATELY_SEVERE),
        (20, codes.Phq9Band.SEVERE),
    ),
)
PHQ9_RISK_ITEM = 9  # "thoughts that you would be better off dead...": 1 or more is a risk flag

GAD7 = Measure(
    "gad7",
    codes.Measure.GAD_7,
    "GAD-7",
    "anxiety",
    "Over the last 2 weeks, how often have you been bothered by the following problems?",
    _same(
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
    ),
    results=("total", "band"),
    bands=(
        (0, codes.Gad7Band.MINIMAL),
        (5, codes.Gad7Band.MILD),
        (10, codes.Gad7Band.MODERATE),
        (15, codes.Gad7Band.SEVERE),
    ),
)

PCL5 = Measure(
    "pcl5",
    codes.Measure.PCL_5,
    "PCL-5",
    "PTSD checklist",
    "In the past month, how much were you bothered by:",
    _same(
        (
            "Repeated, disturbing, and unwanted memories of the stressful experience?",
            "Repeated, disturbing dreams of the stressful experience?",
            "Suddenly feeling or acting as if the stressful experience were actually happening again (as if "
            "you were actually back there reliving it)?",
            "Feeling very upset when something reminded you of the stressful experience?",
            "Having strong physical reactions when something reminded you of the stressful experience (for "
            "example, heart pounding, trouble breathing, sweating)?",
            "Avoiding memories, thoughts, or feelings related to the stressful experience?",
            "Avoiding external reminders of the stressful experience (for example, people, places, "
            "conversations, activities, objects, or situations)?",
            "Trouble remembering important parts of the stressful experience?",
            "Having strong negative beliefs about yourself, other people, or the world (for example, having "
            "thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, "
            "the world is completely dangerous)?",
            "Blaming yourself or someone else for the stressful experience or what happened after it?",
            "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
            "Loss of interest in activities that you used to enjoy?",
            "Feeling distant or cut off from other people?",
            "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
            "loving feelings for people close to you)?",
            "Irritable behaviour, angry outbursts, or acting aggressively?",
            "Taking too many risks or doing things that could cause you harm?",
            "Being “superalert” or watchful or on guard?",
            "Feeling jumpy or easily startled?",
            "Having difficulty concentrating?",
            "Trouble falling or staying asleep?",
        ),
        HOW_MUCH_BOTHERED,
    ),
    results=("total", "provisional_ptsd", "cut_off_met", "dsm5_rule_met"),
    positive_at=33,  # provisional PTSD by the cut-off
)

PC_PTSD5 = Measure(
    "pc_ptsd5",
    codes.Measure.PC_PTSD_5,
    "PC-PTSD-5",
    "trauma screen",
    "In the past month, after a very stressful or frightening experience, have you:",
    _same(
        (
            "had nightmares about it or thought about it when you did not want to?",
            "tried hard not to think about it or gone out of your way to avoid reminders of it?",
            "been constantly on guard, watchful or easily startled?",
            "felt numb or detached from people, activities or your surroundings?",
            "felt guilty or unable to stop blaming yourself or others for it or any problems it may have caused?",
        ),
        YES_NO,
    ),
    results=("total", "cut_off", "positive"),
    positive_at=3,
    cut_offs=(3, 4),
)

WSAS = Measure(
    "wsas",
    codes.Measure.WSAS,
    "WSAS",
    "work and social adjustment",
    "Because of my problem, how much is each of these impaired (0 not at all, 8 very severely)?",
    _same(
        (
            "My ability to work",
            "My home management (cleaning, tidying, shopping, cooking, looking after home or children, paying bills)",
            "My social leisure activities (with other people: parties, pubs, outings, entertaining)",
            "My private leisure activities (done alone: reading, gardening, sewing, hobbies, walking alone)",
            "My ability to form and maintain close relationships with others, including those I live with",
        ),
        NOT_AT_ALL_TO_VERY_SEVERELY,
    ),
    results=("total", "band", "retired_or_not_working"),
    bands=(
        (0, codes.WsasBand.SUBCLINICAL),
        (10, codes.WsasBand.SIGNIFICANT),
        (21, codes.WsasBand.MODERATELY_SEVERE_OR_WORSE),
    ),
)

AUDIT_C = Measure(
    "audit_c",
    codes.Measure.AUDIT_C,
    "AUDIT-C",
    "alcohol use",
    "About drinking alcohol:",
    AUDIT_C_ITEMS,
    results=("total", "cut_off", "positive"),
    positive_at=5,
    cut_offs=(4, 5),
)

AUDIT_POSITIVE_AT = 8  # positive at 8 or more: zone II and above

AUDIT = Measure(
    "audit",
    codes.Measure.AUDIT,
    "AUDIT",
    "alcohol use, all ten questions",
    "About drinking alcohol:",
    (
        *AUDIT_C_ITEMS,
        *_same(
            (
                "How often during the last year have you found that you were not able to stop drinking once you "
                "had started?",
                "How often during the last year have you failed to do what was normally expected from you because "
                "of your drinking?",
                "How often during the last year have you needed an alcoholic drink in the morning to get yourself "
                "going after a heavy drinking session?",
                "How often during the last year have you had a feeling of guilt or remorse after drinking?",
                "How often during the last year have you been unable to remember what happened the night before "
                "because you had been drinking?",
            ),
            HOW_OFTEN_LAST_YEAR,
        ),
        *_same(
            (
                "Have you or somebody else been injured as a result of your drinking?",
                "Has a relative or friend, doctor or other health worker been concerned about your drinking or "
                "suggested that you cut down?",
            ),
            NOT_LAST_YEAR_OR_LAST_YEAR,
        ),
    ),
    results=("total", "positive"),
    bands=(
        (0, codes.AuditZone.LOW_RISK),
        (8, codes.AuditZone.INCREASING_RISK),
        (16, codes.AuditZone.HIGHER_RISK),
        (20, codes.AuditZone.POSSIBLE_DEPENDENCE),
    ),
    positive_at=AUDIT_POSITIVE_AT,
)
# Every measure the hub takes, in the order the events list them.
MEASURES: tuple[Measure, ...] = (PHQ9, GAD7, PCL5, PC_PTSD5, WSAS, AUDIT_C, AUDIT)
BY_KEY = {m.key: m for m in MEASURES}
BY_CODE = {m.code: m for m in MEASURES}
