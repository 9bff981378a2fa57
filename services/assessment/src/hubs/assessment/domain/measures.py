"""Scoring of the standard measures from their item responses. Pure functions.

Each measure's items, answers, bands and cut-offs are those of the measure registry
(`hubs.contracts.measures`, with the published instruments it cites); this module checks the
responses against it and scores them as CamCOPS does (camcops_server/tasks: phq9.py, gad7.py,
pcl5.py, wsas.py, audit.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hubs.contracts import codes
from hubs.contracts import measures as registry

PCL5_PROVISIONAL_PTSD_AT = registry.PCL5.positive_at
PCL5_SYMPTOM_AT = registry.PCL5_SYMPTOM_AT
PCL5_CLUSTERS = registry.PCL5_CLUSTERS
PC_PTSD5_CUT_OFFS = registry.PC_PTSD5.cut_offs
AUDIT_C_CUT_OFFS = registry.AUDIT_C.cut_offs

# The measures as clinicians name them, for messages a clinician reads.
MEASURE_NAMES = {m.key: m.name for m in registry.MEASURES}


class MeasureError(ValueError):
    """Item responses that cannot be scored; `errors` maps the measure to what is wrong, under
    `where` inside it: an item by its number as clinicians count it (PHQ-9 item 9 is "9")."""

    def __init__(self, measure: str, message: str, *, where: Sequence[str] = ()):
        super().__init__(f"{measure}: {message}")
        detail: Any = [message]
        for key in reversed(where):
            detail = {key: detail}
        self.errors = {measure: detail}


def count_message(measure: str) -> str:
    return registry.BY_KEY[measure].count_message


def item_message(measure: str, number: int) -> str:
    return registry.BY_KEY[measure].item_message(number)


def check_items(measure: str, items: object, *, where: Sequence[str] = ()) -> list[int]:
    """The item responses, if there is one whole number for each item of the measure, each an
    answer that item allows; otherwise MeasureError naming the first wrong item by its number
    (from 1, as on the form)."""
    shape = registry.BY_KEY[measure]
    if not isinstance(items, list | tuple) or len(items) != len(shape.items):
        raise MeasureError(measure, shape.count_message, where=where)
    for number, (value, item) in enumerate(zip(items, shape.items, strict=True), start=1):
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            raise MeasureError(measure, shape.item_message(number), where=(*where, str(number)))
    return list(items)


@dataclass(frozen=True)
class Phq9:
    """PHQ-9 depression: total 0-27, severity band, item 9 (thoughts of self-harm)."""

    items: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.items)

    @property
    def band(self) -> codes.Phq9Band:
        return registry.PHQ9.band(self.total)

    @property
    def item9(self) -> int:
        return self.items[registry.PHQ9_RISK_ITEM - 1]

    @property
    def item9_positive(self) -> bool:
        """Item 9 scored 1 or more: a risk flag that must be acted on."""
        return self.item9 >= 1

    def to_data(self) -> dict:
        return {"total": self.total, "band": self.band, "item9_positive": self.item9_positive}


@dataclass(frozen=True)
class Gad7:
    """GAD-7 anxiety: total 0-21 and severity band."""

    items: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.items)

    @property
    def band(self) -> codes.Gad7Band:
        return registry.GAD7.band(self.total)

    def to_data(self) -> dict:
        return {"total": self.total, "band": self.band}


@dataclass(frozen=True)
class Pcl5:
    """PCL-5: total 0-80, provisional PTSD by the cut-off and by the DSM-5 item rule."""

    items: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.items)

    @property
    def dsm5_rule_met(self) -> bool:
        """At least 1 B (items 1-5), 1 C (6-7), 2 D (8-14) and 2 E (15-20) items rated 2 or more."""
        return all(
            sum(1 for n in numbers if self.items[n - 1] >= PCL5_SYMPTOM_AT) >= needed
            for _, numbers, needed in PCL5_CLUSTERS
        )

    @property
    def cut_off_met(self) -> bool:
        """A total of 33 or more (the registry's cut-off)."""
        return self.total >= PCL5_PROVISIONAL_PTSD_AT

    @property
    def provisional_ptsd(self) -> bool:
        """Either rule: kept as one answer for readers of earlier scores; the two say which held."""
        return self.cut_off_met or self.dsm5_rule_met

    def to_data(self) -> dict:
        return {
            "total": self.total,
            "provisional_ptsd": self.provisional_ptsd,
            "cut_off_met": self.cut_off_met,
            "dsm5_rule_met": self.dsm5_rule_met,
        }


@dataclass(frozen=True)
class _ScreenWithCutOff:
    """A screen scored as the sum of its items, positive at a cut-off the hub chooses."""

    items: tuple[int, ...]
    cut_off: int

    @property
    def total(self) -> int:
        return sum(self.items)

    @property
    def positive(self) -> bool:
        return self.total >= self.cut_off

    def to_data(self) -> dict:
        return {"total": self.total, "cut_off": self.cut_off, "positive": self.positive}


@dataclass(frozen=True)
class PcPtsd5(_ScreenWithCutOff):
    """PC-PTSD-5: total 0-5 of yes answers; positive at the hub's cut-off (3 or 4)."""


@dataclass(frozen=True)
class Wsas:
    """WSAS: total 0-40 (0-32 when item 1, work, does not apply) and impairment band."""

    items: tuple[int, ...]
    retired_or_not_working: bool = False

    @property
    def total(self) -> int:
        scored = self.items[1:] if self.retired_or_not_working else self.items
        return sum(scored)

    @property
    def band(self) -> codes.WsasBand:
        return registry.WSAS.band(self.total)

    def to_data(self) -> dict:
        return {"total": self.total, "band": self.band, "retired_or_not_working": self.retired_or_not_working}


@dataclass(frozen=True)
class AuditC(_ScreenWithCutOff):
    """AUDIT-C: total 0-12; positive at the hub's cut-off (5, or 4 in some services)."""


@dataclass(frozen=True)
class Audit:
    """AUDIT, full: total 0-40, positive at 8; the WHO risk zone of the total."""

    items: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.items)

    @property
    def zone(self) -> codes.AuditZone:
        return registry.AUDIT.band(self.total)

    @property
    def positive(self) -> bool:
        return self.total >= registry.AUDIT_POSITIVE_AT

    def to_data(self) -> dict:
        return {"total": self.total, "positive": self.positive}


@dataclass(frozen=True)
class ScoringRules:
    """The cut-offs a hub chooses where the instruments allow a choice."""

    pc_ptsd5_cut_off: int = registry.PC_PTSD5.positive_at  # each defaults to the registry's
    audit_c_cut_off: int = registry.AUDIT_C.positive_at

    def __post_init__(self) -> None:
        for measure, cut_off in ((registry.PC_PTSD5, self.pc_ptsd5_cut_off), (registry.AUDIT_C, self.audit_c_cut_off)):
            if cut_off not in measure.cut_offs:
                allowed = " or ".join(str(c) for c in measure.cut_offs)
                raise ValueError(f"the {measure.name} cut-off is {allowed}")


@dataclass(frozen=True)
class MeasureSet:
    """The measures taken at one sitting; a measure not taken is None."""

    phq9: Phq9 | None = None
    gad7: Gad7 | None = None
    pcl5: Pcl5 | None = None
    pc_ptsd5: PcPtsd5 | None = None
    wsas: Wsas | None = None
    audit_c: AuditC | None = None
    audit: Audit | None = None

    FIELDS = {m.code: m.key for m in registry.MEASURES}

    @property
    def taken(self) -> list[codes.Measure]:
        return [m for m, name in self.FIELDS.items() if getattr(self, name) is not None]

    def to_data(self) -> dict:
        """The MeasureScores part of an event: totals, bands and flags."""
        return {name: (score.to_data() if (score := getattr(self, name)) else None) for name in self.FIELDS.values()}


def score(responses: Mapping[str, Any], rules: ScoringRules = ScoringRules()) -> MeasureSet:
    """Score every measure given as item responses; raises MeasureError for bad input.

    `responses` maps phq9, gad7, pcl5, pc_ptsd5, audit_c, audit to lists of item responses, and
    wsas to {"items": [...], "retired_or_not_working": bool}."""
    unknown = set(responses) - set(MeasureSet.FIELDS.values())
    if unknown:
        raise MeasureError(sorted(unknown)[0], "is not a measure this hub scores")
    scored: dict[str, Any] = {}
    if (items := responses.get("phq9")) is not None:
        scored["phq9"] = Phq9(tuple(check_items("phq9", items)))
    if (items := responses.get("gad7")) is not None:
        scored["gad7"] = Gad7(tuple(check_items("gad7", items)))
    if (items := responses.get("pcl5")) is not None:
        scored["pcl5"] = Pcl5(tuple(check_items("pcl5", items)))
    if (items := responses.get("pc_ptsd5")) is not None:
        scored["pc_ptsd5"] = PcPtsd5(tuple(check_items("pc_ptsd5", items)), rules.pc_ptsd5_cut_off)
    if (wsas := responses.get("wsas")) is not None:
        if not isinstance(wsas, Mapping):
            raise MeasureError("wsas", "needs items and whether the person is retired or not working")
        scored["wsas"] = Wsas(
            tuple(check_items("wsas", wsas.get("items"), where=("items",))),
            bool(wsas.get("retired_or_not_working", False)),
        )
    if (items := responses.get("audit_c")) is not None:
        scored["audit_c"] = AuditC(tuple(check_items("audit_c", items)), rules.audit_c_cut_off)
    if (items := responses.get("audit")) is not None:
        scored["audit"] = Audit(tuple(check_items("audit", items)))
    return MeasureSet(**scored)


def to_record(measures: MeasureSet) -> dict:
    """The item responses and cut-offs, as stored, so a sitting can be scored again exactly."""
    record: dict[str, Any] = {}
    for name in MeasureSet.FIELDS.values():
        taken = getattr(measures, name)
        if taken is None:
            continue
        record[name] = {"items": list(taken.items)}
        if isinstance(taken, PcPtsd5 | AuditC):
            record[name]["cut_off"] = taken.cut_off
        if isinstance(taken, Wsas):
            record[name]["retired_or_not_working"] = taken.retired_or_not_working
    return record


def from_record(record: Mapping[str, Any]) -> MeasureSet:
    """A MeasureSet back from `to_record`."""
    kinds = {"phq9": Phq9, "gad7": Gad7, "pcl5": Pcl5, "pc_ptsd5": PcPtsd5, "wsas": Wsas, "audit_c": AuditC,
             "audit": Audit}  # fmt: skip
    return MeasureSet(
        **{
            name: kinds[name](tuple(stored["items"]), **{k: v for k, v in stored.items() if k != "items"})
            for name, stored in record.items()
        }
    )
