"""HTTP API of the assessment service."""

from __future__ import annotations

import uuid

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from hubs.assessment.domain import commands
from hubs.assessment.domain.model import (
    Assessment,
    ClinicianRisk,
    Demographics,
    OutcomeDecision,
    Practitioner,
    WorkSituation,
)
from hubs.assessment.entrypoints import views
from hubs.assessment.entrypoints.schemas import (
    AssessmentQuerySchema,
    AssessmentRecordSchema,
    AssessmentSchema,
    AuditQuerySchema,
    AuditRecordSchema,
    CaseNoteRequestSchema,
    CaseNoteSchema,
    CaseNotesQuerySchema,
    CaseNoteWrittenSchema,
    CaseOutcomesSchema,
    CompleteAssessmentSchema,
    FollowUpRequestSchema,
    FollowUpSchema,
    OutcomeReasonsSchema,
    ReasonsQuerySchema,
    RiskEscalationSchema,
    RiskHistoryEntrySchema,
)
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes
from hubs.runtime.auth import Role, current_principal, requires

blp = Blueprint("assessments", __name__, url_prefix="/v1", description="Rapid assessments and follow-up")


def _wiring():
    return current_app.extensions["hubs_wiring"]


def _risk(body: dict) -> ClinicianRisk:
    # A risk left out is the clinician judging it low, with nothing to escalate.
    return ClinicianRisk(
        body.get("level", codes.RiskLevel.LOW),
        body.get("risk_to_self", False),
        body.get("risk_to_others", False),
        body.get("route"),
    )


def _responses(body: dict) -> dict:
    return {name: value for name, value in body.items() if value is not None}


@blp.route("/assessments")
class Assessments(MethodView):
    @blp.arguments(AssessmentQuerySchema(), location="query")
    @blp.response(200, AssessmentSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict):
        """Assessments by status; urgent first, then in order of referral."""
        with _wiring().uow_factory() as uow:
            found = uow.assessments.with_status(query["status"])
        return sorted(found, key=lambda a: (a.urgency is not codes.Urgency.URGENT, a.referred_at))


@blp.route("/cases/<uuid:case_id>/assessment")
class CaseAssessment(MethodView):
    @blp.response(200, AssessmentRecordSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, case_id: uuid.UUID):
        """The case's assessment record."""
        return views.assessment_record(handlers.assessment_of_case(case_id, _wiring().uow_factory()))

    @blp.arguments(CompleteAssessmentSchema())
    @blp.response(200, AssessmentRecordSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Complete and sign off the case's rapid assessment (the caller signs it off)."""
        consent = body["occupational_health_consent"] or {"given": False, "recorded_at": None}
        outcome = body["outcome"]
        cmd = commands.CompleteAssessment(
            case_id=case_id,
            practitioners=tuple(Practitioner(p["practitioner_id"], p["discipline"]) for p in body["practitioners"]),
            responses=_responses(body["measures"]),
            clinician_risk=_risk(body["risk"]),
            work_situation=WorkSituation(**body["work_situation"]),
            outcome=OutcomeDecision(
                decisions=tuple(dict.fromkeys(outcome["decisions"])),
                reasons=outcome["reasons"],
                refer_on_to=tuple(dict.fromkeys(outcome["refer_on_to"])),
                signpost_to=tuple(dict.fromkeys(outcome["signpost_to"])),
                transfer_to_hub_id=outcome["transfer_to_hub_id"],
                monitoring_review_interval_days=outcome["monitoring_review_interval_days"],
            ),
            signed_off_by=current_principal().subject,
            signed_off_by_name=body["signed_off_by_name"],
            occupational_health_consent=consent["given"],
            occupational_health_consent_recorded_at=consent["recorded_at"],
            demographics=Demographics.of(body["demographics"]),
        )
        assessment: Assessment = handlers.complete_assessment(cmd, _wiring().uow_factory(), _rules())
        return views.assessment_record(assessment)


@blp.route("/cases/<uuid:case_id>/assessment/reasons")
class OutcomeReasons(MethodView):
    @blp.arguments(ReasonsQuerySchema(), location="query", unknown=RAISE)
    @blp.response(200, OutcomeReasonsSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict, case_id: uuid.UUID):
        """The reasons for the case's outcome; every read is audited with who, when and why."""
        uow = _wiring().uow_factory()
        return handlers.read_outcome_reasons(case_id, uow, current_principal(), query["purpose"])


@blp.route("/cases/<uuid:case_id>/assessment/reasons/erasure")
class OutcomeReasonsErasure(MethodView):
    @blp.response(200, OutcomeReasonsSchema)
    @requires(Role.HUB_LEAD)
    def post(self, case_id: uuid.UUID):
        """Erase the reasons for the case's outcome at the person's request (audited); the codes stay."""
        return handlers.erase_outcome_reasons(case_id, _wiring().uow_factory(), current_principal())


@blp.route("/access-audit")
class ReasonsAccessAudit(MethodView):
    @blp.arguments(AuditQuerySchema(), location="query", unknown=RAISE)
    @blp.response(200, AuditRecordSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """Who read or erased outcome reasons, newest first (at most 1000); this read is audited too."""
        return handlers.reasons_access_audit(_wiring().uow_factory(), current_principal(), **query)


@blp.route("/cases/<uuid:case_id>/notes")
class CaseNotes(MethodView):
    @blp.arguments(CaseNotesQuerySchema(), location="query", unknown=RAISE)
    @blp.response(200, CaseNoteSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict, case_id: uuid.UUID):
        """The case's notes, newest first; every read is audited with who, when and why."""
        notes = handlers.read_case_notes(case_id, _wiring().uow_factory(), current_principal(), query["purpose"])
        return [vars(n) for n in notes]

    @blp.arguments(CaseNoteRequestSchema())
    @blp.response(201, CaseNoteWrittenSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, case_id: uuid.UUID):
        """Add a note to the case's record (the caller writes it); notes are never changed, a
        correction is a new note naming the one it corrects. The answer leaves the text out."""
        who = current_principal()
        cmd = commands.WriteCaseNote(
            case_id=case_id,
            kind=body["kind"],
            text=body["text"],
            written_by=who.subject,
            written_by_name=body["author_name"] or who.subject,
            corrects=body["corrects"],
        )
        return vars(handlers.write_case_note(cmd, _wiring().uow_factory()))


@blp.route("/cases/<uuid:case_id>/risk-escalations")
class RiskEscalations(MethodView):
    @blp.arguments(RiskEscalationSchema())
    @blp.response(201, AssessmentRecordSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Escalate a risk judged by a clinician (the caller); the case goes on the urgent path and
        the escalation into the case's risk history."""
        who = current_principal()
        cmd = commands.EscalateRisk(case_id, _risk(body), who.subject, body["escalated_by_name"])
        assessment = handlers.escalate_risk(cmd, _wiring().uow_factory())
        return views.assessment_record(assessment)


@blp.route("/cases/<uuid:case_id>/risk-history")
class RiskHistory(MethodView):
    @blp.response(200, RiskHistoryEntrySchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, case_id: uuid.UUID):
        """Every escalation of the case's risk (at assessment, at a follow-up, between sittings), newest first."""
        return [vars(e) for e in handlers.risk_history(case_id, _wiring().uow_factory())]


@blp.route("/cases/<uuid:case_id>/follow-ups")
class CaseFollowUps(MethodView):
    @blp.response(200, FollowUpSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, case_id: uuid.UUID):
        """The case's follow-ups, measured first (oldest first), then those due."""
        _, follow_ups, _ = handlers.case_outcomes(case_id, _wiring().uow_factory())
        return [views.follow_up(f) for f in follow_ups]

    @blp.arguments(FollowUpRequestSchema())
    @blp.response(201, FollowUpSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Take follow-up measures (answering a due follow-up, or unprompted)."""
        cmd = commands.RecordFollowUp(
            case_id=case_id,
            responses=_responses(body["measures"]),
            follow_up_id=body["follow_up_id"],
            measured_at=body["measured_at"],
            work_situation=body["work_situation"],
            clinician_risk=_risk(body["risk"]),
            measured_by=current_principal().subject,
            measured_by_name=body["measured_by_name"],
        )
        follow_up = handlers.record_follow_up(cmd, _wiring().uow_factory(), _rules())
        return views.follow_up(follow_up)


@blp.route("/follow-ups")
class DueFollowUps(MethodView):
    @blp.response(200, FollowUpSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self):
        """Follow-ups due in this hub, soonest first."""
        with _wiring().uow_factory() as uow:
            return [views.follow_up(f) for f in uow.follow_ups.due()]


@blp.route("/cases/<uuid:case_id>/outcomes")
class CaseOutcomes(MethodView):
    @blp.response(200, CaseOutcomesSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, case_id: uuid.UUID):
        """NHS Talking Therapies outcomes of the case from its first and latest PHQ-9 and GAD-7."""
        assessment, follow_ups, outcomes = handlers.case_outcomes(case_id, _wiring().uow_factory())
        return views.case_outcomes(assessment, follow_ups, outcomes)


def _rules():
    return _wiring().extras["scoring_rules"]
