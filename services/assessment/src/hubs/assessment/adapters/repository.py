"""Storing and loading assessments and follow-ups."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hubs.assessment.adapters.clinical_notes import ClinicalNotesVault
from hubs.assessment.adapters.orm import (
    assessments,
    case_notes,
    follow_ups,
    outcome_reasons,
    reasons_access_audit,
    risk_escalations,
)
from hubs.assessment.domain.case_notes import CaseNote
from hubs.assessment.domain.measures import from_record, to_record
from hubs.assessment.domain.model import (
    Assessment,
    ClinicianRisk,
    Completion,
    Demographics,
    FollowUp,
    OutcomeDecision,
    Practitioner,
    Risk,
    WorkSituation,
)
from hubs.assessment.domain.risk_history import Occasion, RiskEscalation
from hubs.contracts import codes
from hubs.runtime.access_audit import access_records, record_access


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time the hub stores is UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class AssessmentRepository:
    """Assessments of this hub's cases, one per case."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, assessment: Assessment) -> None:
        self._session.execute(insert(assessments).values(**_row(assessment)))

    def save(self, assessment: Assessment) -> None:
        """Write back a changed assessment."""
        values = _row(assessment)
        values.pop("assessment_id")
        self._session.execute(
            update(assessments).where(assessments.c.assessment_id == assessment.assessment_id).values(**values)
        )

    def for_case(self, case_id: uuid.UUID) -> Assessment | None:
        row = self._session.execute(select(assessments).where(assessments.c.case_id == case_id)).first()
        return _to_assessment(row) if row else None

    def with_status(self, status: str) -> list[Assessment]:
        rows = self._session.execute(
            select(assessments).where(assessments.c.status == status).order_by(assessments.c.referred_at)
        ).all()
        return [_to_assessment(r) for r in rows]


class OutcomeReasonsRepository:
    """The reasons for assessments' outcomes, sealed, and the audit of who read or erased them."""

    def __init__(self, session: Session, vault: Callable[[], ClinicalNotesVault]):
        self._session = session
        self._vault = vault  # made when first needed: erasing and auditing need no key

    def keep(self, case_id: uuid.UUID, reasons: str) -> None:
        self._session.execute(
            insert(outcome_reasons).values(case_id=case_id, sealed=self._vault().seal(reasons), erased_at=None)
        )

    def read(self, case_id: uuid.UUID) -> tuple[str | None, datetime | None]:
        """The reasons (None if none were kept or they were erased) and when they were erased."""
        row = self._session.execute(select(outcome_reasons).where(outcome_reasons.c.case_id == case_id)).first()
        if row is None:
            return None, None
        return (self._vault().open(row.sealed) if row.sealed else None), _aware(row.erased_at)

    def erase(self, case_ids: list[uuid.UUID], at: datetime) -> int:
        """Erase the reasons of these cases (those not erased already); how many were erased."""
        if not case_ids:
            return 0
        return self._session.execute(
            update(outcome_reasons)
            .where(outcome_reasons.c.case_id.in_(case_ids), outcome_reasons.c.sealed.is_not(None))
            .values(sealed=None, erased_at=at)
        ).rowcount

    def audit(self, **values: Any) -> None:
        """One audit record: who (subject, roles, hub), when, which case, what and why; no text."""
        record_access(self._session, reasons_access_audit, **values)

    def audit_records(self, case_id: uuid.UUID | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
        return access_records(self._session, reasons_access_audit, since=since, case_id=case_id)


class CaseNotesRepository:
    """Notes on this hub's cases, their text sealed; only ever added, erased with the case."""

    def __init__(self, session: Session, vault: Callable[[], ClinicalNotesVault]):
        self._session = session
        self._vault = vault  # made when first needed: erasing needs no key

    def add(self, note: CaseNote) -> None:
        self._session.execute(
            insert(case_notes).values(
                note_id=note.note_id,
                case_id=note.case_id,
                kind=note.kind.value,
                sealed=self._vault().seal(note.text) if note.text is not None else None,
                written_at=note.written_at,
                written_by=note.written_by,
                written_by_name=note.written_by_name,
                corrects=note.corrects,
                erased_at=note.erased_at,
            )
        )

    def get(self, note_id: uuid.UUID) -> CaseNote | None:
        row = self._session.execute(select(case_notes).where(case_notes.c.note_id == note_id)).first()
        return self._note(row) if row else None

    def for_case(self, case_id: uuid.UUID) -> list[CaseNote]:
        """The case's notes, newest first."""
        rows = self._session.execute(
            select(case_notes)
            .where(case_notes.c.case_id == case_id)
            .order_by(case_notes.c.written_at.desc(), case_notes.c.note_id)
        ).all()
        return [self._note(r) for r in rows]

    def erase(self, case_ids: list[uuid.UUID], at: datetime) -> int:
        """Erase the text of these cases' notes (those not erased already); how many were erased."""
        if not case_ids:
            return 0
        return self._session.execute(
            update(case_notes)
            .where(case_notes.c.case_id.in_(case_ids), case_notes.c.sealed.is_not(None))
            .values(sealed=None, erased_at=at)
        ).rowcount

    def _note(self, row) -> CaseNote:
        return CaseNote(
            note_id=row.note_id,
            case_id=row.case_id,
            kind=codes.CaseNoteKind(row.kind),
            text=self._vault().open(row.sealed) if row.sealed else None,
            written_at=_aware(row.written_at),
            written_by=row.written_by,
            written_by_name=row.written_by_name,
            corrects=row.corrects,
            erased_at=_aware(row.erased_at),
        )


class RiskEscalationsRepository:
    """Every escalation of a raised risk on this hub's cases; only ever added."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, escalation: RiskEscalation) -> None:
        e = escalation
        self._session.execute(
            insert(risk_escalations).values(
                risk_escalation_id=e.risk_escalation_id,
                case_id=e.case_id,
                escalated_at=e.escalated_at,
                level=e.level.value,
                risk_to_self=e.risk_to_self,
                risk_to_others=e.risk_to_others,
                route=e.route.value,
                occasion=e.occasion.value,
                escalated_by=e.escalated_by,
                escalated_by_name=e.escalated_by_name,
            )
        )

    def for_case(self, case_id: uuid.UUID) -> list[RiskEscalation]:
        """The case's escalations, newest first."""
        rows = self._session.execute(
            select(risk_escalations)
            .where(risk_escalations.c.case_id == case_id)
            .order_by(risk_escalations.c.escalated_at.desc(), risk_escalations.c.risk_escalation_id)
        ).all()
        return [
            RiskEscalation(
                risk_escalation_id=r.risk_escalation_id,
                case_id=r.case_id,
                escalated_at=_aware(r.escalated_at),
                level=codes.RiskLevel(r.level),
                risk_to_self=r.risk_to_self,
                risk_to_others=r.risk_to_others,
                route=codes.EscalationRoute(r.route),
                occasion=Occasion(r.occasion),
                escalated_by=r.escalated_by,
                escalated_by_name=r.escalated_by_name,
            )
            for r in rows
        ]


class FollowUpRepository:
    """Follow-ups of this hub's cases, due and measured."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, follow_up: FollowUp) -> None:
        self._session.execute(insert(follow_ups).values(**_follow_up_row(follow_up)))

    def save(self, follow_up: FollowUp) -> None:
        values = _follow_up_row(follow_up)
        self._session.execute(
            update(follow_ups).where(follow_ups.c.follow_up_id == values.pop("follow_up_id")).values(**values)
        )

    def get(self, follow_up_id: uuid.UUID) -> FollowUp | None:
        row = self._session.execute(select(follow_ups).where(follow_ups.c.follow_up_id == follow_up_id)).first()
        return _to_follow_up(row) if row else None

    def for_case(self, case_id: uuid.UUID) -> list[FollowUp]:
        rows = self._session.execute(select(follow_ups).where(follow_ups.c.case_id == case_id)).all()
        found = [_to_follow_up(r) for r in rows]
        return sorted(found, key=lambda f: (f.measured_at is None, f.measured_at or datetime.max.replace(tzinfo=UTC)))

    def due(self) -> list[FollowUp]:
        """Follow-ups not yet measured, of cases still open (a withdrawn or closed case has none due)."""
        closed = select(assessments.c.case_id).where(assessments.c.status == "closed")
        rows = self._session.execute(
            select(follow_ups)
            .where(follow_ups.c.measured_at.is_(None), follow_ups.c.case_id.not_in(closed))
            .order_by(follow_ups.c.due_on)
        ).all()
        return [_to_follow_up(r) for r in rows]


def _row(a: Assessment) -> dict[str, Any]:
    c = a.completion
    return {
        "assessment_id": a.assessment_id,
        "case_id": a.case_id,
        "urgency": a.urgency.value,
        "referred_at": a.referred_at,
        "status": a.status,
        "referral_id": a.referral_id,
        "completed_at": c.completed_at if c else None,
        "risk_level": a.risk.level.value if a.risk else None,
        "completion": _record(a),
    }


def _record(a: Assessment) -> dict[str, Any] | None:
    """The record kept as JSON: the referral's equality answers, first contact once made, the
    completion once signed off, and the case's closure once withdrawn or closed."""
    record: dict[str, Any] = {}
    if a.referral_demographics is not None:
        record["referral_demographics"] = _codes(a.referral_demographics)
    if a.first_contact_at is not None:
        record["first_contact_at"] = _iso(a.first_contact_at)
    if a.closed_at is not None:
        record["closed_at"] = _iso(a.closed_at)
        record["closure_reason"] = a.closure_reason and a.closure_reason.value
    if a.completion is not None and a.risk is not None:
        record |= _completion_record(a.completion, a.risk)
    return record or None


def _completion_record(c: Completion, risk: Risk) -> dict[str, Any]:
    o = c.outcome
    return {
        "practitioners": [
            {"practitioner_id": p.practitioner_id, "discipline": p.discipline.value} for p in c.practitioners
        ],
        "measures": to_record(c.measures),
        "clinician_risk": {
            "level": c.clinician_risk.level.value,
            "risk_to_self": c.clinician_risk.risk_to_self,
            "risk_to_others": c.clinician_risk.risk_to_others,
            "route": c.clinician_risk.route and c.clinician_risk.route.value,
        },
        "risk": {
            "level": risk.level.value,
            "risk_to_self": risk.risk_to_self,
            "risk_to_others": risk.risk_to_others,
            "route": risk.route and risk.route.value,
        },
        "work_situation": {
            "situation": c.work_situation.situation.value,
            "off_sick_for_mental_health": c.work_situation.off_sick_for_mental_health,
        },
        "outcome": {
            "decisions": [d.value for d in o.decisions],
            "refer_on_to": [s.value for s in o.refer_on_to],
            "signpost_to": [s.value for s in o.signpost_to],
            "transfer_to_hub_id": o.transfer_to_hub_id,
            "monitoring_review_interval_days": o.monitoring_review_interval_days,
        },
        "signed_off_by": c.signed_off_by,
        "completed_at": _iso(c.completed_at),
        "occupational_health_consent_recorded_at": _iso(c.occupational_health_consent_recorded_at),
        "demographics": _codes(c.demographics),
    }


def _codes(demographics: Demographics) -> dict[str, str]:
    return {question: code.value for question, code in demographics.answered().items()}


def _to_assessment(row) -> Assessment:
    assessment = Assessment(
        row.assessment_id, row.case_id, codes.Urgency(row.urgency), _aware(row.referred_at), row.status, row.referral_id
    )
    record = row.completion or {}
    if "referral_demographics" in record:
        assessment.referral_demographics = Demographics.of(record["referral_demographics"])
    if first_contact_at := record.get("first_contact_at"):
        assessment.first_contact_at = datetime.fromisoformat(first_contact_at)
    if closed_at := record.get("closed_at"):
        assessment.closed_at = datetime.fromisoformat(closed_at)
        assessment.closure_reason = codes.ClosureReason(record["closure_reason"]) if record["closure_reason"] else None
    if "practitioners" in record:
        cr, r, w, o = record["clinician_risk"], record["risk"], record["work_situation"], record["outcome"]
        consent_at = record["occupational_health_consent_recorded_at"]
        assessment.completion = Completion(
            practitioners=tuple(
                Practitioner(p["practitioner_id"], codes.Discipline(p["discipline"])) for p in record["practitioners"]
            ),
            measures=from_record(record["measures"]),
            clinician_risk=ClinicianRisk(
                codes.RiskLevel(cr["level"]),
                cr["risk_to_self"],
                cr["risk_to_others"],
                codes.EscalationRoute(cr["route"]) if cr["route"] else None,
            ),
            work_situation=WorkSituation(codes.WorkSituation(w["situation"]), w["off_sick_for_mental_health"]),
            outcome=OutcomeDecision(
                decisions=tuple(codes.OutcomeDecision(d) for d in o["decisions"]),
                reasons=None,  # sealed apart (OutcomeReasonsRepository), read only through an audited read
                refer_on_to=tuple(codes.ServiceType(s) for s in o["refer_on_to"]),
                signpost_to=tuple(codes.ServiceType(s) for s in o["signpost_to"]),
                transfer_to_hub_id=o["transfer_to_hub_id"],
                monitoring_review_interval_days=o["monitoring_review_interval_days"],
            ),
            signed_off_by=record["signed_off_by"],
            completed_at=datetime.fromisoformat(record["completed_at"]),
            occupational_health_consent_recorded_at=datetime.fromisoformat(consent_at) if consent_at else None,
            # Records signed off before equality questions were asked at assessment have none.
            demographics=Demographics.of(record.get("demographics") or {}),
        )
        assessment.risk = Risk(
            codes.RiskLevel(r["level"]),
            r["risk_to_self"],
            r["risk_to_others"],
            codes.EscalationRoute(r["route"]) if r["route"] else None,
        )
    return assessment


def _follow_up_row(f: FollowUp) -> dict[str, Any]:
    return {
        "follow_up_id": f.follow_up_id,
        "case_id": f.case_id,
        "due_on": f.due_on,
        "measures_due": [m.value for m in f.measures_due],
        "monitoring_plan_id": f.monitoring_plan_id,
        "measured_at": f.measured_at,
        "measures": to_record(f.measures) if f.measures else None,
        "work_situation": f.work_situation and f.work_situation.value,
    }


def _to_follow_up(row) -> FollowUp:
    return FollowUp(
        follow_up_id=row.follow_up_id,
        case_id=row.case_id,
        due_on=row.due_on,
        measures_due=tuple(codes.Measure(m) for m in row.measures_due),
        monitoring_plan_id=row.monitoring_plan_id,
        measured_at=_aware(row.measured_at),
        measures=from_record(row.measures) if row.measures else None,
        work_situation=codes.WorkSituation(row.work_situation) if row.work_situation else None,
    )
