"""Events of the assessment service: rapid assessment, measures, risk and outcome."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hubs.contracts import codes, measures
from hubs.contracts.events._common import Part, code, codes_list, hub_id, optional_uuid
from hubs.contracts.registry import event

# Bands and cut-offs come from the measure registry (DOMAIN.md "Reference facts"). Each band row
# is (lowest total of the band, band).
PHQ9_BANDS = measures.PHQ9.bands
GAD7_BANDS = measures.GAD7.bands
WSAS_BANDS = measures.WSAS.bands
AUDIT_POSITIVE_AT = measures.AUDIT_POSITIVE_AT  # full AUDIT, 0-40: positive at 8 or more


def _total(maximum: int) -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(0, maximum))


def _cut_off(measure: measures.Measure) -> fields.Integer:
    """The cut-off the hub chose, one of those the instrument allows."""
    return fields.Integer(required=True, validate=validate.Range(min(measure.cut_offs), max(measure.cut_offs)))


class _Banded(Part):
    BANDS: tuple[tuple[int, Any], ...] = ()

    @validates_schema
    def _band_matches_total(self, data: dict[str, Any], **kwargs: object) -> None:
        expected = measures.band_of(self.BANDS, data["total"])
        if data["band"] != expected:
            raise ValidationError(f"a total of {data['total']} is in band {expected.value}", "band")

    @classmethod
    def json_schema_rule(cls) -> dict[str, Any]:
        """The same rule in the JSON Schema: if the total reaches the top band, that band, else
        the next one down, and so on."""
        rule: dict[str, Any] = {"properties": {"band": {"const": cls.BANDS[0][1].value}}}
        for lowest, band in cls.BANDS[1:]:
            reached = {"properties": {"total": {"minimum": lowest}}}
            rule = {"if": reached, "then": {"properties": {"band": {"const": band.value}}}, "else": rule}
        return rule


class _Screen(Part):
    FIXED_CUT_OFF: int | None = None  # for screens whose cut-off is not a setting

    @validates_schema
    def _positive_matches_cut_off(self, data: dict[str, Any], **kwargs: object) -> None:
        cut_off = data.get("cut_off", self.FIXED_CUT_OFF)
        if data["positive"] != (data["total"] >= cut_off):
            raise ValidationError(f"positive means a total of {cut_off} or more", "positive")

    @classmethod
    def json_schema_rule(cls) -> dict[str, Any]:
        """The same rule in the JSON Schema, for each cut-off the screen allows."""

        def positive_from(cut_off: int) -> dict[str, Any]:
            return {
                "if": {"properties": {"total": {"minimum": cut_off}}},
                "then": {"properties": {"positive": {"const": True}}},
                "else": {"properties": {"positive": {"const": False}}},
            }

        if cls.FIXED_CUT_OFF is not None:
            return positive_from(cls.FIXED_CUT_OFF)
        allowed = next(v for v in cls._declared_fields["cut_off"].validators if isinstance(v, validate.Range))
        rule: dict[str, Any] = {}
        for cut_off in range(allowed.max, allowed.min - 1, -1):
            rule = {"if": {"properties": {"cut_off": {"const": cut_off}}}, "then": positive_from(cut_off), "else": rule}
        return rule


class Phq9Score(_Banded):
    """PHQ-9 (depression), total 0-27."""

    BANDS = PHQ9_BANDS
    total = _total(measures.PHQ9.maximum)
    band = code(codes.Phq9Band)
    item9_positive = fields.Boolean(
        required=True, metadata={"description": "item 9 (thoughts of self-harm) scored 1 or more: a risk flag"}
    )


class Gad7Score(_Banded):
    """GAD-7 (anxiety), total 0-21."""

    BANDS = GAD7_BANDS
    total = _total(measures.GAD7.maximum)
    band = code(codes.Gad7Band)


class WsasScore(_Banded):
    """Work and Social Adjustment Scale, total 0-40."""

    BANDS = WSAS_BANDS
    total = _total(measures.WSAS.maximum)
    band = code(codes.WsasBand)
    # Optional without a default, so that scores sent without it read back unchanged.
    retired_or_not_working = fields.Boolean(
        allow_none=True,
        metadata={"description": "retired or not working for reasons unrelated to the problem: item 1 not scored"},
    )


class Pcl5Score(Part):
    """PCL-5 (PTSD checklist), total 0-80."""

    total = _total(measures.PCL5.maximum)
    provisional_ptsd = fields.Boolean(
        required=True,
        metadata={"description": "either rule met: cut_off_met or dsm5_rule_met (they say which)"},
    )
    # Optional, so that scores sent before it read back unchanged.
    cut_off_met = fields.Boolean(
        allow_none=True, metadata={"description": f"total of {measures.PCL5.positive_at} or more"}
    )
    dsm5_rule_met = fields.Boolean(
        allow_none=True,
        metadata={"description": "items scored 2 or more meet the DSM-5 criteria B, C, D and E"},
    )


class PcPtsd5Score(_Screen):
    """PC-PTSD-5 (primary care PTSD screen), total 0-5."""

    total = _total(measures.PC_PTSD5.maximum)
    cut_off = _cut_off(measures.PC_PTSD5)
    positive = fields.Boolean(required=True)


class AuditCScore(_Screen):
    """AUDIT-C (alcohol), total 0-12."""

    total = _total(measures.AUDIT_C.maximum)
    cut_off = _cut_off(measures.AUDIT_C)
    positive = fields.Boolean(required=True)


class AuditScore(_Screen):
    """AUDIT (alcohol, full), total 0-40, positive at 8 or more."""

    FIXED_CUT_OFF = AUDIT_POSITIVE_AT
    total = _total(measures.AUDIT.maximum)
    positive = fields.Boolean(required=True)


def _measure(schema: type[Part]) -> fields.Nested:
    description = f"{(schema.__doc__ or '').strip()} Null when not taken."
    return fields.Nested(schema, allow_none=True, load_default=None, metadata={"description": description})


class MeasureScores(Part):
    """Totals and bands of the measures taken; a measure not taken is null."""

    phq9 = _measure(Phq9Score)
    gad7 = _measure(Gad7Score)
    pcl5 = _measure(Pcl5Score)
    pc_ptsd5 = _measure(PcPtsd5Score)
    wsas = _measure(WsasScore)
    audit_c = _measure(AuditCScore)
    audit = _measure(AuditScore)


# The field of MeasureScores that holds each measure.
MEASURE_FIELDS = {m.code: m.key for m in measures.MEASURES}


class EqualityAnswers(Part):
    """The person's answers to the equality questions given at assessment: codes only, each null
    when not asked or not answered there (a "not stated" code is the person preferring not to say)."""

    ethnic_category = code(codes.EthnicCategory, required=False)
    sexual_orientation = code(codes.SexualOrientation, required=False)
    gender_identity = code(codes.GenderIdentity, required=False)
    gender_same_as_at_birth = code(codes.GenderSameAsAtBirth, required=False)
    age_band = code(codes.AgeBand, required=False)
    disability = code(codes.Disability, required=False)


@event("AssessmentCompleted", service="assessment")
class AssessmentCompleted(Schema):
    """A rapid clinical assessment was completed: measures, risk, work situation and outcome."""

    assessment_id = fields.UUID(required=True)
    referral_id = fields.UUID(required=True)
    completed_at = fields.AwareDateTime(required=True)
    multidisciplinary = fields.Boolean(required=True)
    disciplines = codes_list(codes.Discipline, min_items=1, metadata={"description": "of the assessors"})
    measures = fields.Nested(MeasureScores, required=True)
    risk_level = code(codes.RiskLevel)
    work_situation = code(codes.WorkSituation)
    outcome_decisions = codes_list(codes.OutcomeDecision, min_items=1)
    occupational_health_consent = fields.Boolean(
        load_default=False,
        metadata={"description": "the person agreed to the hub liaising with Occupational Health"},
    )
    occupational_health_consent_recorded_at = fields.AwareDateTime(
        allow_none=True, load_default=None, metadata={"description": "when that consent was recorded"}
    )
    off_sick_for_mental_health = fields.Boolean(
        allow_none=True, load_default=None, metadata={"description": "when off sick: the sickness is for mental health"}
    )
    refer_on_to = codes_list(codes.ServiceType, metadata={"description": "service types to refer on to"})
    signpost_to = codes_list(codes.ServiceType, metadata={"description": "service types signposted to"})
    transfer_to_hub_id = hub_id(
        allow_none=True, load_default=None, metadata={"description": "the hub the person asked to move to"}
    )
    monitoring_review_interval_days = fields.Integer(
        allow_none=True, load_default=None, validate=validate.Range(1, 365)
    )
    demographics = fields.Nested(
        EqualityAnswers,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "equality answers given or corrected at assessment; they take the place of the "
            "referral's. Null when none was given"
        },
    )

    @validates_schema
    def _occupational_health_needs_consent(self, data: dict[str, Any], **kwargs: object) -> None:
        liaise = codes.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH in data["outcome_decisions"]
        if liaise and not data.get("occupational_health_consent"):
            raise ValidationError("liaising with Occupational Health needs the person's consent", "outcome_decisions")

    @classmethod
    def json_schema_rule(cls) -> dict[str, Any]:
        """The same rule in the JSON Schema."""
        liaise = codes.OutcomeDecision.LIAISE_OCCUPATIONAL_HEALTH.value
        return {
            "if": {
                "required": ["outcome_decisions"],
                "properties": {"outcome_decisions": {"contains": {"const": liaise}}},
            },
            "then": {
                "required": ["occupational_health_consent"],
                "properties": {"occupational_health_consent": {"const": True}},
            },
        }


def _outcome(description: str) -> fields.Boolean:
    return fields.Boolean(allow_none=True, load_default=None, metadata={"description": description})


class TalkingTherapiesOutcomes(Part):
    """NHS Talking Therapies outcome definitions; null where the measures do not allow it."""

    case_at_first = _outcome("PHQ-9 of 10 or more or GAD-7 of 8 or more at the first measure")
    case_at_latest = _outcome("the same at the latest measure")
    reliable_improvement = _outcome("PHQ-9 down by 6 or more and/or GAD-7 down by 4 or more, neither reliably worse")
    reliable_deterioration = _outcome("PHQ-9 up by 6 or more and/or GAD-7 up by 4 or more, neither reliably better")
    recovery = _outcome("a case at the first measure and not at the latest (null unless a case at first)")
    reliable_recovery = _outcome("recovery and reliable improvement (null unless a case at first)")


@event("FollowUpMeasured", service="assessment")
class FollowUpMeasured(Schema):
    """The hub took follow-up measures, for clinical outcomes (improvement, recovery)."""

    follow_up_id = fields.UUID(required=True)
    assessment_id = fields.UUID(required=True, metadata={"description": "the assessment it is compared with"})
    measured_at = fields.AwareDateTime(required=True)
    measures = fields.Nested(MeasureScores, required=True)
    work_situation = code(codes.WorkSituation, required=False)
    outcomes = fields.Nested(
        TalkingTherapiesOutcomes,
        allow_none=True,
        load_default=None,
        metadata={"description": "the case's outcomes from its first and this latest PHQ-9 and GAD-7"},
    )


@event("RiskEscalated", service="assessment")
class RiskEscalated(Schema):
    """A risk to the person or to others was escalated to another service."""

    risk_escalation_id = fields.UUID(required=True)
    escalated_at = fields.AwareDateTime(required=True)
    risk_level = code(codes.RiskLevel)
    risk_to_self = fields.Boolean(required=True)
    risk_to_others = fields.Boolean(required=True)
    route = code(codes.EscalationRoute)
    assessment_id = optional_uuid()
